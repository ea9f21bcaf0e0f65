"""Exports of the store: tables (JSON, JSONL, CSV, Parquet) and the provenance graph
(GraphML, GEXF — both open in Gephi)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, Literal

from .analysis import KEYS, build_analysis, write_analysis
from .errors import NarratraceError
from .store import Store

ExportFormat = Literal["json", "jsonl", "csv", "parquet", "graphml", "gexf"]

#: Tables written by the tabular formats; nested values are JSON-encoded in CSV and Parquet.
TABLES: tuple[str, ...] = tuple(k for k in KEYS if k not in ("schema_version", "generator",
                                                              "generated_at"))


def export(store: Store, *, fmt: ExportFormat, out: Path) -> list[Path]:
    """Write the store in ``fmt`` to ``out``; return the paths written."""
    analysis = build_analysis(store)
    if fmt == "json":
        out.parent.mkdir(parents=True, exist_ok=True)
        return [write_analysis(analysis, out)]
    if fmt == "jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for table in TABLES:
                for row in analysis[table]:
                    fh.write(json.dumps({"type": table, **row}, ensure_ascii=False) + "\n")
        return [out]
    if fmt in ("csv", "parquet"):
        out.mkdir(parents=True, exist_ok=True)
        return [_write_table(analysis[t], out / f"{t}.{fmt}", fmt) for t in TABLES]
    graph = provenance_graph(analysis)
    import networkx as nx

    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(graph, out)
    elif fmt == "gexf":
        nx.write_gexf(graph, out)
    else:
        raise NarratraceError(f"Unknown export format {fmt!r}.")
    return [out]


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
            for k, v in row.items()}


def _write_table(rows: list[dict[str, Any]], path: Path, fmt: str) -> Path:
    flat = [_flat(r) for r in rows]
    columns = sorted({k for r in flat for k in r})
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            writer.writerows(flat)
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(flat) if flat else pa.table({c: [] for c in columns})
    pq.write_table(table, path)
    return path


def provenance_graph(analysis: dict[str, Any]) -> Any:
    """Documents, outlets, speakers and cited sources; edges reprints / same_story / quotes /
    cites / publishes. Node and edge attributes are plain strings and numbers (GraphML-safe)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for doc in analysis["documents"]:
        graph.add_node(f"doc:{doc['id']}", kind="document", label=doc.get("title") or doc["path"],
                       published=doc.get("published") or "", outlet=doc.get("outlet") or "")
        if doc.get("outlet"):
            graph.add_node(f"outlet:{doc['outlet']}", kind="outlet", label=doc["outlet"])
            graph.add_edge(f"outlet:{doc['outlet']}", f"doc:{doc['id']}", kind="publishes")
    names = {e["id"]: e["name"] for e in analysis.get("entities", [])}
    for reuse in analysis.get("reuse", []):
        a, b = f"doc:{reuse['a']}", f"doc:{reuse['b']}"
        src, dst = (b, a) if reuse.get("direction") == "b->a" else (a, b)
        kind = "same_story" if reuse["kind"] == "same_story" else "reprints"
        graph.add_edge(dst, src, kind=kind, score=float(reuse["score"]), reuse=reuse["kind"])
    for attr in analysis.get("attributions", []):
        speaker = attr["speaker"]
        key = speaker.get("entity") or speaker.get("text") or "unknown"
        node = f"speaker:{key}"
        if node not in graph:
            graph.add_node(node, kind="speaker", label=names.get(key, speaker.get("text") or key))
        graph.add_edge(f"doc:{attr['doc']}", node, kind="quotes", stance=attr.get("stance", ""),
                       medium=attr.get("medium") or "")
    for cite in analysis.get("citations", []):
        node = f"source:{cite['source']}"
        if node not in graph:
            graph.add_node(node, kind="source", label=cite["source"])
        graph.add_edge(f"doc:{cite['doc']}", node, kind="cites")
    return graph
