"""Finding input files, naming their format, and reading their bytes under the size caps."""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from narratrace.errors import InputError, TooLargeError, UnsupportedInputError
from narratrace.options import Options
from narratrace.types import Rejected

Kind = Literal["text", "html", "json", "jsonl", "csv", "warc"]

_KINDS: dict[str, Kind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",  # tab-separated: the CSV reader finds the delimiter in the file
    ".warc": "warc",
}

SUPPORTED = ".txt, .html/.htm, .json, .jsonl, .csv/.tsv, .warc (each optionally .gz)"

GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
# Below this much output the ratio guard stays quiet: small, highly repetitive files (a page
# of repeated table rows) legitimately compress several hundred times and cannot hurt anyone.
_RATIO_FLOOR = 1 << 20


@dataclass(frozen=True, slots=True)
class Source:
    """A file to read and the reader it goes to."""

    path: str
    kind: Kind
    gzipped: bool  # named *.gz


class CorruptGzip(InputError):
    """A gzip stream that ends early or is damaged; ``good_until`` ends its last whole member
    and ``partial`` holds what was decompressed before the damage (when it was kept)."""

    def __init__(self, message: str, good_until: int = 0, partial: bytes = b"") -> None:
        super().__init__(message)
        self.good_until = good_until
        self.partial = partial


class Unsupported(UnsupportedInputError):
    """A file whose type narratrace does not read."""


def classify(path: str) -> Source:
    """Name the reader for ``path`` from its extension(s); raise :class:`Unsupported` if none.

    >>> classify("a/b.HTML.gz")
    Source(path='a/b.HTML.gz', kind='html', gzipped=True)
    """
    name = os.path.basename(path).lower()
    gzipped = name.endswith(".gz")
    inner = name[:-3] if gzipped else name
    ext = os.path.splitext(inner)[1]
    kind = _KINDS.get(ext)
    if kind is None:
        shown = ext or ("(no extension)" if not gzipped else ".gz")
        if gzipped and ext:
            shown = ext + ".gz"
        raise Unsupported(
            f"unsupported file type {shown}; narratrace reads {SUPPORTED}. "
            "Convert it to text or HTML first."
        )
    return Source(path, kind, gzipped)


def walk(path: str) -> Iterator[str | Rejected]:
    """Yield the files under ``path`` in sorted order, skipping hidden names below it.

    A path given explicitly is read even when hidden; folders are walked depth-first in
    name order so two runs see the same sequence. Symbolic links to folders are not followed
    below the top (a link loop would never end); they are rejected with a note.
    """
    if not os.path.lexists(path):
        yield Rejected(path, "ingest", "no such file or directory; check the path")
        return
    if _dangling(path):
        yield Rejected(path, "ingest", f"broken symbolic link: its target {os.readlink(path)!r} "
                                       "does not exist")
        return
    if not os.path.isdir(path):
        special = _special_kind(path)
        yield path if special is None else _not_regular(path, special)
        return
    try:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield Rejected(path, "ingest", f"cannot list folder: {_os_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        full = os.path.join(path, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            linked_dir = not is_dir and entry.is_symlink() and entry.is_dir()
        except OSError:
            is_dir = linked_dir = False
        if is_dir:
            yield from walk(full)
        elif linked_dir:
            yield Rejected(full, "ingest", "link to a folder, not followed; pass its target explicitly")
        elif (special := _special_kind(full)) is not None:
            yield _not_regular(full, special)
        elif _dangling(full):
            yield Rejected(full, "ingest", f"broken symbolic link: its target "
                                           f"{os.readlink(full)!r} does not exist")
        else:
            yield full


def _dangling(path: str) -> bool:
    try:
        return os.path.islink(path) and not os.path.exists(path)
    except OSError:
        return False


def _special_kind(path: str) -> str | None:
    """What ``path`` is when it exists and is not a regular file (a named pipe, a socket, a
    device): opening a pipe waits for a writer forever, so these are never opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the reader says why
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else _kind_of(mode)


def _not_regular(path: str, kind: str) -> Rejected:
    return Rejected(path, "ingest", f"{kind}, not a regular file; narratrace reads only regular "
                                    "files (copy the data into a file first)")


def read_bytes(src: Source, *, options: Options) -> bytes:
    """Read a whole file, decompressing gzip, never holding more than ``max_bytes`` of output.

    Raises :class:`TooLargeError` for oversized files and bombs and :class:`InputError` for
    OS errors and corrupt gzip.
    """
    limit = options.max_bytes
    try:
        with _open_regular(src.path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                raise TooLargeError(
                    f"file is {_mb(size)}, over the {_mb(limit)} limit (max_bytes); "
                    "split it or raise the limit"
                )
            head = fh.read(2)
            if head == GZIP_MAGIC:
                data = gunzip(fh, head, options=options)
                if data.startswith(GZIP_MAGIC):  # its bytes would be rejected as binary
                    raise InputError("compressed twice (gzip data inside gzip); decompress it once "
                                     "and keep one .gz")
                return data
            if src.gzipped:
                raise InputError("named .gz but is not gzip data; rename it or recompress it")
            data = head + fh.read(limit + 1 - len(head))
    except OSError as exc:
        raise InputError(f"cannot read file: {_os_reason(exc)}") from exc
    if len(data) > limit:  # the file grew after the size check
        raise TooLargeError(f"file is over the {_mb(limit)} limit (max_bytes); split it or raise the limit")
    return data


def open_binary(path: str) -> BinaryIO:
    """Open ``path`` for a streaming reader, turning OS errors into :class:`InputError`."""
    try:
        return _open_regular(path)
    except OSError as exc:
        raise InputError(f"cannot read file: {_os_reason(exc)}") from exc


def _open_regular(path: str) -> BinaryIO:
    """Open a regular file for reading; refuse anything else without blocking on it (a named
    pipe put in place of a file after :func:`walk` looked at it)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{_kind_of(mode)}, not a regular file; narratrace reads only "
                             "regular files (copy the data into a file first)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def gunzip(fh: BinaryIO, head: bytes, *, options: Options, keep: bool = True) -> bytes:
    """Decompress a (multi-member) gzip stream chunk by chunk under the size and ratio caps.

    Output is bounded per call (``max_length``), so a 64 KiB chunk of a bomb never expands
    to more than one chunk before the caps are checked. With ``keep=False`` the output is
    only checked (truncation, ratio), not kept or capped: a streamed reader's pre-flight.
    """
    limit = options.max_bytes if keep else float("inf")
    ratio = options.max_decompressed_ratio
    out: list[bytes] = []
    produced = consumed = good_until = 0
    dec = zlib.decompressobj(wbits=31)
    pending = head
    at_eof = False
    while True:
        if not pending and not at_eof:
            pending = fh.read(_CHUNK)
            at_eof = not pending
        try:
            piece = dec.decompress(pending, _CHUNK)
        except zlib.error as exc:
            raise CorruptGzip(
                f"truncated or corrupt gzip ({exc}); re-download or recompress it", good_until,
                b"".join(out)
            ) from exc
        consumed += len(pending) - len(dec.unconsumed_tail) - len(dec.unused_data)
        pending = dec.unconsumed_tail
        produced += len(piece)
        if keep:
            out.append(piece)
        if produced > limit:
            raise TooLargeError(
                f"decompresses to more than the {_mb(limit)} limit (max_bytes); "
                "split it or raise the limit"
            )
        if produced > _RATIO_FLOOR and produced > ratio * max(consumed, 1):
            raise TooLargeError(
                f"decompresses more than {ratio}x (max_decompressed_ratio): a likely "
                "decompression bomb; rejected without decompressing further"
            )
        if dec.eof:
            good_until = consumed
            rest = dec.unused_data
            if rest.startswith(GZIP_MAGIC):  # another gzip member follows
                dec = zlib.decompressobj(wbits=31)
                pending = rest
                continue
            break  # trailing padding after the last member is ignored, as gzip(1) does
        if at_eof and not pending and not piece:
            break
    if not dec.eof:
        raise CorruptGzip(
            "truncated or corrupt gzip (stream ends early); re-download or recompress it", good_until,
            b"".join(out)
        )
    return b"".join(out)


def _mb(n: float) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def _os_reason(exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if isinstance(exc, PermissionError):
        return f"{reason} (check the file permissions)"
    if isinstance(exc, FileNotFoundError):
        return f"{reason} (it was moved or deleted during the run)"
    return reason
