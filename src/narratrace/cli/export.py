from __future__ import annotations

from pathlib import Path

import typer

from ..errors import NarratraceError
from ._common import console, fail

FORMATS = ("json", "jsonl", "csv", "parquet", "graphml", "gexf")


def export_cli(
    db: str = typer.Option(..., "--db", help="Store URL, e.g. sqlite:///demo-out/narratrace.sqlite."),
    fmt: str = typer.Option("json", "--format", "-f", help=f"One of: {', '.join(FORMATS)}."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file (json, jsonl, graphml, gexf) "
                             "or folder (csv, parquet: one file per table)."),
) -> None:
    """Export the store: the analysis as JSON / JSONL / CSV / Parquet tables, or the
    provenance graph (documents, outlets, speakers) as GraphML or GEXF for Gephi."""
    from ..export import export
    from ..store import open_store

    if fmt not in FORMATS:
        console().print(f"error: unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
        raise typer.Exit(2)
    try:
        store = open_store(db)
        written = export(store, fmt=fmt, out=out)  # type: ignore[arg-type]
        store.close()
    except NarratraceError as exc:
        raise fail(exc) from exc
    for path in written:
        console().print(f"wrote {path}", markup=False)
