from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Literal

import typer

from ..errors import NarratraceError, UsageError
from ._common import console, fail, shown, store_url

#: Formats that write one file (``-`` writes it to standard output); the others a folder.
ONE_FILE = ("json", "jsonl", "graphml", "gexf", "stix")


def export_cli(
    store: str | None = typer.Argument(None, metavar="STORE", help="The store: a path to an "
                                       "SQLite file (e.g. demo-out/narratrace.sqlite) or a URL "
                                       "(sqlite:///PATH, postgresql://…)."),
    db: str | None = typer.Option(None, "--db", metavar="URL", help="The store, as an option "
                                  "(same as STORE)."),
    fmt: Literal["json", "jsonl", "csv", "parquet", "graphml", "gexf", "stix"] = typer.Option(
        "json", "--format", "-f", help="json/jsonl: the analysis; csv/parquet: one table per "
        "file; graphml/gexf: the provenance graph (Gephi); stix: a STIX 2.1 bundle "
        "(OpenCTI, MISP; DISARM techniques as attack patterns)."),
    out: str = typer.Option("-", "--out", "-o", metavar="PATH", help="Output file (json, jsonl, "
                            "graphml, gexf, stix; - for standard output) or folder (csv, "
                            "parquet: one file per table)."),
) -> None:
    """Export the store: the analysis as JSON / JSONL / CSV / Parquet tables, the provenance
    graph (documents, outlets, speakers) as GraphML or GEXF for Gephi, or a STIX 2.1 bundle.
    Exit 2 when the store does not exist."""
    from ..export import export
    from ..store import open_store

    try:
        url = store_url(store, db)
        if out == "-" and fmt not in ONE_FILE:
            raise UsageError(f"--format {fmt} writes a folder (one file per table); give it "
                             "with --out FOLDER.")
        opened = open_store(url)
        try:
            if out == "-":
                with tempfile.TemporaryDirectory() as tmp:
                    written = export(opened, fmt=fmt, out=Path(tmp) / f"export.{fmt}")  # type: ignore[arg-type]
                    sys.stdout.buffer.write(written[0].read_bytes())
                    sys.stdout.flush()
                return
            written = export(opened, fmt=fmt, out=Path(out))  # type: ignore[arg-type]
        finally:
            opened.close()
    except NarratraceError as exc:
        raise fail(exc) from exc
    for path in written:
        console().print(f"wrote {shown(path)}", markup=False)
