from __future__ import annotations

import re
from pathlib import Path

import typer

from ..errors import NarratraceError
from ..options import Options
from ._common import console, fail, shown


def _stem(path: str) -> str:
    """`<input stem>` of a record path: file name without extensions (+ record suffix)."""
    base, _, record = path.partition("#")
    name = Path(base).name
    for suffix in (".gz", ".warc", ".jsonl", ".json", ".csv", ".html", ".htm", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    if record:
        name = f"{name}-{record}"
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "document"


def clean_cli(
    paths: list[Path] = typer.Argument(..., exists=True, metavar="PATH", help="Files or folders to clean."),
    out: Path = typer.Option(..., "--out", "-o", metavar="FOLDER", help="Folder for one <input stem>.txt per document."),
) -> None:
    """Write the clean article text of every input document to OUT/<input stem>.txt.
    Exit 0: all cleaned; 3: some inputs were rejected (listed); 2: usage error."""
    from ..ingest import iter_inputs
    from ..run.prepare import prepare_documents
    from ..types import Rejected

    options = Options()
    try:
        out.mkdir(parents=True, exist_ok=True)
        items = list(iter_inputs(paths, options=options))
        raws = [i for i in items if not isinstance(i, Rejected)]
        rejected = [i for i in items if isinstance(i, Rejected)]
        documents, more = prepare_documents(raws, options=options)
        rejected += more
    except NarratraceError as exc:
        raise fail(exc) from exc
    used: set[str] = set()
    con = console()
    for document in documents:
        stem, n = _stem(document.path), 1
        name = f"{stem}.txt"
        while name in used:
            n += 1
            name = f"{stem}-{n}.txt"
        used.add(name)
        (out / name).write_text(document.text + "\n", encoding="utf-8")
    con.print(f"cleaned {len(documents)} document(s) into {shown(out)}", markup=False)
    for rej in rejected:
        con.print(f"  rejected {rej.path} [{rej.stage}]: {rej.reason}", markup=False)
    raise typer.Exit(3 if rejected else 0)
