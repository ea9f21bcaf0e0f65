from __future__ import annotations

from pathlib import Path
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)

from ..errors import NarratraceError, UsageError

#: Every command and group answers ``-h`` as well as ``--help``.
CONTEXT = {"help_option_names": ["-h", "--help"]}


def redact(url: str) -> str:
    """A store URL without its password, for anything printed.

    >>> redact("postgresql://ana:s3cret@db.example:5432/news")
    'postgresql://ana:***@db.example:5432/news'
    >>> redact("sqlite:///demo-out/narratrace.sqlite")
    'sqlite:///demo-out/narratrace.sqlite'
    """
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user, has_password, _ = creds.partition(":")
    return f"{scheme}://{user}{':***' if has_password else ''}@{host}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the word, plural when n != 1.

    >>> plural(1, "copy", "copies"), plural(3, "document"), plural(0, "entity", "entities")
    ('1 copy', '3 documents', '0 entities')
    """
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def store_url(store: str | None, db: str | None) -> str:
    """The store a command works on: the positional STORE or ``--db`` (the older spelling),
    refused with a UsageError (exit 2) when neither or two different ones are given, or when
    it names an SQLite file that does not exist (opening it would create an empty store)."""
    if store and db and store != db:
        raise UsageError(f"Two stores given ({redact(store)} and --db {redact(db)}); give one.")
    url = store or db
    if not url:
        raise UsageError("Missing the store: give it as the first argument, e.g. "
                         "demo-out/narratrace.sqlite.")
    if url.startswith(("postgresql://", "postgres://")):
        return url
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else url
    if "://" not in path and path != ":memory:" and not Path(path).is_file():
        raise UsageError(f"No store at {path}. Create one with `narratrace analyze INPUT --out "
                         "FOLDER` (it writes FOLDER/narratrace.sqlite), or check the path.")
    return url


@lru_cache(maxsize=1)
def console() -> Console:
    return Console(stderr=False, highlight=False, soft_wrap=True)


@lru_cache(maxsize=1)
def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def shown(text: object) -> str:
    """``text`` as the terminal may show it: in each line, control characters (an escape
    sequence in a folder name) and the undecodable bytes of a file name (which a strict UTF-8
    terminal cannot print at all) written as ``\\xNN``, as the paths of inputs are.

    >>> shown("out\\x1b[2J/analysis.json"), shown("caf\\udce9"), shown("two\\nlines")
    ('out\\\\x1b[2J/analysis.json', 'caf\\\\xe9', 'two\\nlines')
    """
    from ..ingest import display_path

    return "\n".join(display_path(line) for line in str(text).split("\n"))


def fail(exc: NarratraceError) -> typer.Exit:
    """Print a NarratraceError as one message; return the Exit to raise."""
    from rich.markup import escape

    # The message is text, not markup: a path or SQL state in [brackets] must print as is.
    err_console().print(f"[bold red]error:[/] {escape(shown(exc))}", markup=True, highlight=False)
    return typer.Exit(exc.exit_code)


class _Rate(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        if task.total is not None and task.total <= 1:
            return ""  # one step (a corpus stage, the output files): no rate to speak of
        speed = task.finished_speed or task.speed
        return f"{speed:,.1f}/s" if speed else ""


#: What each corpus stage does, for its progress line (by the stage's name).
CORPUS_STEPS = {"entities": "entities merged across documents",
                "speakers": "speakers linked to entities",
                "reuse": "text reuse (copies, rewrites, same story)",
                "claim_families": "claim families", "origins": "claim origins",
                "events": "events"}


def phase_label(phase: str, total: int | None) -> str:
    """The progress line's words for one phase of a run (see :func:`narratrace.analyze`).

    >>> phase_label("models", None), phase_label("workers", 4), phase_label("workers", None)
    ('loading models', 'starting 4 worker processes (each loads its models)', 'starting Dask workers')
    >>> phase_label("corpus:claim_families", 1), phase_label("corpus:new_stage", 1)
    ('corpus: claim families', 'corpus: new_stage')
    """
    if phase == "workers":
        if total is None:
            return "starting Dask workers"
        return f"starting {plural(total, 'worker process', 'worker processes')} (each loads its models)"
    if phase.startswith("corpus:"):
        name = phase.removeprefix("corpus:")
        return f"corpus: {CORPUS_STEPS.get(name, name)}"
    return {"read": "reading inputs", "models": "loading models",
            "analyse": "analysing documents",
            "write": "writing analysis.json and report.html"}.get(phase, phase)


@contextmanager
def progress_hook(*, quiet: bool, on: Console | None = None
                  ) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress callback drawing one rich line per phase, named before its wait, with counts,
    rates and an ETA; on standard error (``on``: another console), silent off a terminal."""
    on = on or err_console()
    if quiet or not on.is_terminal:
        yield lambda phase, n, total: None
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), _Rate(), TimeElapsedColumn(), TimeRemainingColumn(),
                  console=on, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def hook(phase: str, n: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase_label(phase, total), total=total)
            elif total is not None:
                progress.update(tasks[phase], total=total)
            progress.advance(tasks[phase], n)

        yield hook
