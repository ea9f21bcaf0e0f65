from __future__ import annotations

import json
from pathlib import Path

import typer

from ..errors import NarratraceError
from ._common import CONTEXT, console, err_console, fail

app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None,
                  context_settings=CONTEXT)


def _print(metrics: dict) -> None:
    console().print_json(json.dumps(metrics, default=str))


@app.command("clean")
def eval_clean(
    data: Path = typer.Option(..., "--data", exists=True, file_okay=False,
                              help="A folder in the Zyte benchmark layout (html/, txt/, ground-truth.json)."),
    mode: str = typer.Option("both", "--mode", help="html, txt or both."),
) -> None:
    """Token P/R/F1 of the cleaner against gold article text, with the keep-everything baseline."""
    from ..evaluation.clean import evaluate_clean

    modes = ("html", "txt") if mode == "both" else (mode,)
    try:
        _print({m: evaluate_clean(data, mode=m) for m in modes})  # type: ignore[arg-type]
    except NarratraceError as exc:
        raise fail(exc) from exc


@app.command("attribution")
def eval_attribution(
    data: Path = typer.Option(..., "--data", exists=True, file_okay=False,
                              help="PolNeAR-format folder: text/*.txt and attributions/*.ann."),
    limit: int | None = typer.Option(None, "--limit", help="Score only the first N articles."),
) -> None:
    """Content-span P/R/F1 (token overlap) and source accuracy against BRAT attributions."""
    from ..evaluation.attribution import evaluate_attribution

    try:
        _print(evaluate_attribution(data, limit=limit))
    except NarratraceError as exc:
        raise fail(exc) from exc


@app.command("semeval")
def eval_semeval(
    data: Path = typer.Option(..., "--data", exists=True, file_okay=False,
                              help="Official layout: raw-documents/, optional gold annotations."),
    out: Path = typer.Option(..., "--out", help="Folder for subtask-1/2 prediction files."),
) -> None:
    """Predict narratives and entity roles in the official SemEval-2025 Task 10 formats;
    print samples-F1 (coarse, fine), main-role accuracy and exact match when gold is present,
    and how often a label or main role is right: all of them (``*_precision``) and those the
    report shows as findings (``*_finding_precision``, calibrated thresholds)."""
    from ..evaluation.splits import training_split_warning
    from ..narratives import load_model, predict_semeval

    try:
        out.mkdir(parents=True, exist_ok=True)
        model = load_model()
        warning = training_split_warning(data, model.meta, card="narratrace/narratives/MODEL_CARD.md")
        if warning:
            err_console().print(f"warning: {warning}", markup=False)
        result = predict_semeval(data, out, model=model)
        _print({**result, "warning": warning} if warning else result)
    except NarratraceError as exc:
        raise fail(exc) from exc
