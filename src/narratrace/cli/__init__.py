"""Command-line interface: thin Typer commands over library functions.

Each command parses and validates, calls one library function, and turns a
``NarratraceError`` into a message and an exit code. Logging is configured here only.
"""

from __future__ import annotations

import typer

from ..version import __version__
from ._common import console

app = typer.Typer(
    name="narratrace",
    help="Turn a pile of news articles into an evidence map: who claims what, on whose word, "
         "and how it travelled between outlets.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        console().print(f"narratrace {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                       callback=_version, is_eager=True)) -> None:
    """narratrace: an evidence map of who said what, on whose word."""


def _register() -> None:
    from . import analyze, clean, eval as eval_cmd, export, serve, train

    app.command("analyze", help=analyze.analyze_cli.__doc__)(analyze.analyze_cli)
    app.command("clean", help=clean.clean_cli.__doc__)(clean.clean_cli)
    app.command("export", help=export.export_cli.__doc__)(export.export_cli)
    app.command("serve", help=serve.serve_cli.__doc__)(serve.serve_cli)
    app.add_typer(eval_cmd.app, name="eval", help="Score narratrace stages against labelled data.")
    app.add_typer(train.app, name="train", help="Rebuild the models that ship with narratrace.")


_register()


def main() -> None:
    """Entry point of the ``narratrace`` script."""
    app()


__all__ = ["app", "main"]
