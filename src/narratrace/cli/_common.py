from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID,
                           TextColumn, TimeElapsedColumn)

from ..errors import NarratraceError


@lru_cache(maxsize=1)
def console() -> Console:
    return Console(stderr=False, highlight=False, soft_wrap=True)


@lru_cache(maxsize=1)
def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(exc: NarratraceError) -> typer.Exit:
    """Print a NarratraceError as one message; return the Exit to raise."""
    from rich.markup import escape

    # The message is text, not markup: a path or SQL state in [brackets] must print as is.
    err_console().print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False)
    return typer.Exit(exc.exit_code)


class _Rate(TextColumn):
    def __init__(self) -> None:
        super().__init__("")

    def render(self, task):  # type: ignore[no-untyped-def]
        speed = task.finished_speed or task.speed
        return f"{speed:,.1f}/s" if speed else ""


@contextmanager
def progress_hook(*, quiet: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress callback drawing rich bars with counts and rates; silent off a terminal."""
    if quiet or not sys.stderr.isatty():
        yield lambda phase, n, total: None
        return
    labels = {"read": "reading inputs", "analyse": "analysing documents", "corpus": "corpus stages"}
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  MofNCompleteColumn(), _Rate(), TimeElapsedColumn(),
                  console=err_console(), transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def hook(phase: str, n: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(labels.get(phase, phase), total=total)
            elif total is not None:
                progress.update(tasks[phase], total=total)
            progress.advance(tasks[phase], n)

        yield hook
