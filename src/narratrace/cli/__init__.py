"""Command-line interface: thin Typer commands over library functions.

Each command parses and validates, calls one library function, and turns a
``NarratraceError`` into a message and an exit code. Logging is configured here only.
"""

from __future__ import annotations

import typer

from ..version import __version__
from ._common import CONTEXT, console

app = typer.Typer(
    name="narratrace",
    help="Turn a pile of news articles into an evidence map: who claims what, on whose word, "
         "and how it travelled between outlets.\n\n"
         "Start with `narratrace analyze FOLDER --out OUT`, open OUT/report.html, then "
         "`narratrace serve OUT/narratrace.sqlite` or `narratrace export OUT/narratrace.sqlite`.\n\n"
         "Exit codes: 0 done; 1 an error (a store or model that cannot be used: the message "
         "says why); 2 a usage error (a wrong option, a missing store); 3 some inputs were "
         "rejected (listed, the rest analysed); 4 every input was rejected.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings=CONTEXT,
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

    for name, fn in (("analyze", analyze.analyze_cli), ("clean", clean.clean_cli),
                     ("export", export.export_cli), ("serve", serve.serve_cli)):
        app.command(name, help=fn.__doc__, context_settings=CONTEXT)(fn)
    app.add_typer(eval_cmd.app, name="eval", help="Score narratrace stages against labelled data.")
    app.add_typer(train.app, name="train", help="Rebuild the models that ship with narratrace.")


_register()


def main() -> None:
    """Entry point of the ``narratrace`` script."""
    app()


__all__ = ["app", "main"]
