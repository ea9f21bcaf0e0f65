"""Writing an output file (``analysis.json``, ``report.html``) all or nothing.

A full disk, a read-only folder or a crash half-way must never leave a truncated file where a
good one was: the text goes to a temporary file in the same folder, is flushed to disk, and
only then takes the final name (one ``rename``, atomic on POSIX and Windows). On any failure
the temporary file is removed and the old output, if any, stays as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError


def write_text_atomic(path: str | os.PathLike[str], text: str | Iterable[str]) -> Path:
    """Write ``text`` (UTF-8; a string, or pieces of one written as they come) to ``path``
    atomically; raise :class:`OutputError` if it cannot.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_text_atomic(folder / "a.json", "{}").read_text()
    '{}'
    >>> sorted(p.name for p in folder.iterdir())
    ['a.json']
    """
    final = Path(path)
    folder = final.parent
    _remove(final.with_name(final.name + ".tmp"))  # left by versions that wrote a fixed name
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"Cannot write {final}: {_reason(exc)}.") from exc
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as open() would have made it, not mkstemp's 0600
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            for piece in ([text] if isinstance(text, str) else text):
                fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except OSError as exc:
        _remove(Path(tmp))
        raise OutputError(f"Cannot write {final}: {_reason(exc)}; the previous file, if any, "
                          "is unchanged.") from exc
    except BaseException:
        _remove(Path(tmp))
        raise
    _sync_folder(folder)
    return final


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it: put it straight back
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    return f"{reason} (free some space or choose another --out folder)" if exc.errno == 28 else (
        f"{reason} (check that the folder is writable, or choose another --out folder)")


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["write_text_atomic"]
