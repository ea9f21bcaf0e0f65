from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, cast

import typer

from ..errors import NarratraceError, UsageError
from ..options import EngineName, Framing, Options
from ..run.engines.processes import MIN_DOCUMENTS_FOR_PROCESSES
from ._common import console, err_console, fail, plural, progress_hook, redact, shown


def analyze_cli(
    paths: list[Path] = typer.Argument(..., exists=True, metavar="PATH", help="Files or folders "
                                       "to analyse (.txt .html .jsonl .json .csv .tsv .warc, "
                                       "optionally .gz)."),
    out: Path = typer.Option(..., "--out", "-o", metavar="FOLDER", help="Folder for "
                             "analysis.json, report.html and the default store."),
    db: str | None = typer.Option(None, "--db", metavar="URL", help="Store URL "
                                  "(default: sqlite:///FOLDER/narratrace.sqlite; "
                                  "postgresql://user:password@host/db needs narratrace[postgres])."),
    workers: int = typer.Option(0, "--workers", min=0, metavar="N", help="The one knob for "
                                "speed: worker processes on this machine (local engine, or a "
                                "local Dask cluster when no --scheduler is given). 0: automatic "
                                f"(local: one per core once there are {MIN_DOCUMENTS_FOR_PROCESSES}+ "
                                "documents to analyse; dask: one per core); 1: this process only."),
    engine: Literal["local", "dask"] = typer.Option("local", "--engine", help="Where "
                                                    "per-document stages run: local (this machine) "
                                                    "or dask (a Dask cluster; needs narratrace[dask])."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", help="Dask "
                                         "scheduler address, e.g. tcp://10.0.0.5:8786 (with "
                                         "--engine dask)."),
    framing: Literal["contextual", "fast"] = typer.Option("contextual", "--framing",
                                                          help="Entity framing: contextual "
                                                          "(better roles, ~35 ms of CPU per "
                                                          "article) or fast (TF-IDF heads only, ~2 ms)."),
    reanalyze: bool = typer.Option(False, "--reanalyze", "--reanalyse", help="Analyse every "
                                   "input again, even those the store already holds (default: "
                                   "only new or changed)."),
    batch_size: int = typer.Option(25, "--batch-size", min=1, metavar="N", help="Documents per "
                                   "spaCy batch (memory against speed; rarely worth changing)."),
    n_process: int = typer.Option(1, "--n-process", min=1, metavar="N", help="spaCy's own "
                                  "parsing processes inside one worker; leave at 1 and use "
                                  "--workers (it starts worker processes on its own)."),
    stage_budget: float = typer.Option(Options().stage_budget, "--stage-budget", min=0.0, metavar="SECONDS",
                                       help="Seconds one per-document stage (the parse "
                                       "included) may spend on one document before it is "
                                       "stopped and the document kept without that stage's "
                                       "results, with a warning; 0: no limit."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Analyse articles: clean them, find who said what, how it travelled; write analysis.json,
    report.html and the store. Exit 0: all inputs analysed; 1: an error (the message says
    why); 2: usage error; 3: some inputs were rejected (listed); 4: every input was rejected."""
    from .. import analyze
    from ..analysis import StoredAnalysis, write_analysis
    from ..report import write_report
    from ..store import open_store

    try:
        options = options_from_flags(batch_size=batch_size, n_process=n_process, quiet=quiet,
                                     engine=engine, scheduler=scheduler, workers=workers,
                                     reanalyse=reanalyze, framing=framing,
                                     stage_budget=stage_budget)
    except UsageError as exc:
        raise fail(exc) from exc
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err_console().print(f"error: cannot create the output folder {shown(out)}: {shown(exc)}",
                            markup=False)
        raise typer.Exit(2) from exc
    try:
        store = open_store(db or f"sqlite:///{out / 'narratrace.sqlite'}")
        with progress_hook(quiet=quiet) as hook:
            summary = analyze(paths, store=store, options=options, progress=hook)
            hook("write", 0, 1)
            # analysis.json streamed from the store (never one string in memory); the report
            # reads the store a kind at a time and is written as it is rendered
            json_path = write_analysis(store, out / "analysis.json")
            report_path = write_report(store, out / "report.html")
            findings = _findings(StoredAnalysis(store))
            hook("write", 1, 1)
        store.close()
    except NarratraceError as exc:
        raise fail(exc) from exc

    con = console()
    con.print(f"analysed {plural(summary.documents, 'document')} from "
              f"{plural(summary.inputs, 'input')}"
              + (f", {summary.skipped:,} already in the store" if summary.skipped else "")
              + (f", {summary.replaced:,} replaced" if summary.replaced else "")
              + (f", {plural(summary.duplicates, 'exact duplicate')} skipped"
                 if summary.duplicates else ""))
    con.print(findings, markup=False)
    for rej in summary.rejected:
        con.print(f"  rejected {rej.path} [{rej.stage}]: {rej.reason}", markup=False)
    for warn in summary.warnings:
        con.print(f"  warning {warn.path} [{warn.stage}]: {warn.reason}", markup=False)
    con.print(f"analysis: {shown(json_path)}", markup=False)
    con.print(f"report:   {shown(report_path)}", markup=False)
    con.print(f"store:    {shown(redact(store.url))}", markup=False)
    path = store.url.removeprefix("sqlite:///")
    con.print(f"next:     open {shown(report_path)} in a browser, or run `narratrace serve "
              f"{shown(redact(path))}` to explore it", markup=False)
    if summary.rejected and summary.documents == 0 and not summary.skipped:
        raise typer.Exit(4)
    raise typer.Exit(summary.exit_code)


def options_from_flags(*, batch_size: int, n_process: int, quiet: bool, engine: str,
                       scheduler: str | None, workers: int, reanalyse: bool, framing: str,
                       stage_budget: float = Options().stage_budget) -> Options:
    """The one place the command line's flags become :class:`~narratrace.options.Options`
    (which refuses wrong values with a UsageError, exit code 2).

    >>> options_from_flags(batch_size=25, n_process=1, quiet=True, engine="dask", scheduler=None,
    ...                    workers=2, reanalyse=True, framing="fast").incremental
    False
    >>> options_from_flags(batch_size=25, n_process=1, quiet=True, engine="local", scheduler=None,
    ...                    workers=0, reanalyse=False, framing="fast", stage_budget=5).stage_budget
    5
    """
    if engine == "processes":  # the CLI's "local" already starts worker processes when they pay
        raise UsageError("Unknown --engine 'processes'; choose local or dask.")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask.")
    # Options checks both values against its Literal choices.
    return Options(batch_size=batch_size, n_process=n_process, quiet=quiet,
                   engine=cast(EngineName, engine), scheduler=scheduler, workers=workers,
                   incremental=not reanalyse, framing=cast(Framing, framing),
                   stage_budget=stage_budget)


def _findings(analysis: Mapping[str, Any]) -> str:
    """One line of what the store now holds, for the terminal (the counts the report shows).
    Each list is read once, a row at a time (``analysis`` may be a
    :class:`~narratrace.analysis.StoredAnalysis`).

    >>> _findings({"entities": [1], "attributions": [{"stance": "denies"}], "dates": [],
    ...            "reuse": [{"kind": "copy"}], "claim_families": [{"docs": ["a"]}],
    ...            "events": [], "narratives": []})
    'found 1 entity, 1 attribution (1 denial), 0 dates, 1 copy, 0 rewrites and 0 same-story links, 1 claim family (0 across documents), 0 events, 0 documents with a narrative (0 as a finding)'
    """
    from ..narratives import finding_thresholds

    n_attributions = denials = 0
    for a in analysis["attributions"]:
        n_attributions += 1
        denials += a.get("stance") == "denies"
    n_reuse = copies = rewrites = 0
    for r in analysis["reuse"]:
        n_reuse += 1
        copies += r["kind"] not in ("same_story", "rewrite")
        rewrites += r["kind"] == "rewrite"
    n_families = across = 0
    for f in analysis["claim_families"]:
        n_families += 1
        across += len(f.get("docs", ())) > 1
    thresholds = finding_thresholds()
    narrated, found = set(), set()
    for n in analysis["narratives"]:
        if n["narrative"] != "Other":
            narrated.add(n["doc"])
            if thresholds.narrative(n["narrative"], n.get("score"), n.get("evidence") or ()):
                found.add(n["doc"])
    return (f"found {plural(len(analysis['entities']), 'entity', 'entities')}, "
            f"{plural(n_attributions, 'attribution')} ({plural(denials, 'denial')}), "
            f"{plural(len(analysis['dates']), 'date')}, {plural(copies, 'copy', 'copies')}, "
            f"{plural(rewrites, 'rewrite')} and {plural(n_reuse - copies - rewrites, 'same-story link')}, "
            f"{plural(n_families, 'claim family', 'claim families')} ({across:,} across "
            f"documents), {plural(len(analysis['events']), 'event')}, "
            f"{plural(len(narrated), 'document')} with a narrative ({len(found):,} as a finding)")
