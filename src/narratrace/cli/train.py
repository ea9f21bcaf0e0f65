from __future__ import annotations

import json
from pathlib import Path

import typer

from ..errors import NarratraceError
from ._common import CONTEXT, console, err_console, fail

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  context_settings=CONTEXT)


@app.command("narratives")
def train_narratives(
    data: Path = typer.Option(..., "--data", exists=True, file_okay=False,
                              help="SemEval-2025 Task 10 training folder (raw-documents/ + annotations)."),
    out: Path | None = typer.Option(None, "--out", help="Where to write the model "
                                    "(default: the model shipped inside the package)."),
    folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds for thresholds and metrics."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
) -> None:
    """Rebuild the narrative and entity-framing model; print cross-validated scores."""
    import sys

    from ..narratives import default_model_path, train

    # Fine-tuning the encoder makes this a ~10-minute run: say where it is, on a terminal.
    say = None if quiet or not sys.stderr.isatty() else err_console().print
    try:
        metrics = train(data, out=out or default_model_path(), folds=folds, progress=say)
    except NarratraceError as exc:
        raise fail(exc) from exc
    console().print_json(json.dumps(metrics, default=str))
