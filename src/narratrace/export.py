"""Exports of the store: tables (JSON, JSONL, CSV, Parquet) and the provenance graph
(GraphML, GEXF — both open in Gephi)."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path
from typing import Any, Literal

from .analysis import KEYS, build_analysis, write_analysis
from .errors import NarratraceError
from .store import Store

ExportFormat = Literal["json", "jsonl", "csv", "parquet", "graphml", "gexf", "stix"]

#: Tables written by the tabular formats (flat typed columns: :func:`table_rows`).
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
    if fmt == "stix":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(stix_bundle(analysis), ensure_ascii=False, indent=1),
                       encoding="utf-8")
        return [out]
    if fmt in ("csv", "parquet"):
        out.mkdir(parents=True, exist_ok=True)
        return [_write_table(analysis, t, out / f"{t}.{fmt}", fmt) for t in TABLES]
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


def table_rows(analysis: dict[str, Any], table: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns (in order) and flat rows of one table for CSV and Parquet.

    Nested objects become one column per field (``speaker`` -> ``speaker_text``,
    ``speaker_entity``, ...), and names are put beside ids: ``doc_title`` after ``doc``,
    ``speaker_name`` (the entity's name) after ``speaker_entity``. Lists stay lists (Parquet
    list columns; joined in CSV, see :func:`csv_cell`). Columns come in the analysis schema's
    order, then the other fields by name, so every run with the same schema has the same
    columns, even for an empty table.

    >>> cols, rows = table_rows({"documents": [{"id": "d1", "path": "a.txt", "title": "T"}],
    ...     "entities": [{"id": "e1", "name": "Ana"}], "attributions": [{"id": "a1", "doc": "d1",
    ...     "speaker": {"text": "she", "entity": "e1"}}]}, "attributions")
    >>> rows[0]["doc_title"], rows[0]["speaker_text"], rows[0]["speaker_name"]
    ('T', 'she', 'Ana')
    """
    titles = {d["id"]: d.get("title") for d in analysis.get("documents", ())}
    names = {e["id"]: e.get("name") for e in analysis.get("entities", ())}
    declared = _schema_columns(table)
    rows = []
    for row in analysis.get(table, ()):
        flat: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, dict):
                for sub, v in _flatten(key, value).items():
                    flat[sub] = v
                if key == "speaker":
                    flat["speaker_name"] = names.get(value.get("entity") or "")
            else:
                flat[key] = value
            if key == "doc" and table != "documents":
                flat["doc_title"] = titles.get(value)
        rows.append(flat)
    columns: list[str] = []
    for name in declared:
        if name in _NESTED.get(table, {}):
            columns.extend(f"{name}_{sub}" for sub in _NESTED[table][name])
            if name == "speaker":
                columns.append("speaker_name")
        else:
            columns.append(name)
        if name == "doc" and table != "documents":
            columns.append("doc_title")
    seen = set(columns)
    columns.extend(sorted({k for r in rows for k in r} - seen))
    return columns, rows


def _flatten(prefix: str, value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in value.items():
        if isinstance(v, dict):
            out.update(_flatten(f"{prefix}_{key}", v))
        else:
            out[f"{prefix}_{key}"] = v
    return out


def _schema() -> dict[str, Any]:
    from .analysis import schema_path

    return dict(json.loads(schema_path().read_text(encoding="utf-8")))


def _schema_columns(table: str) -> list[str]:
    items = _schema()["properties"].get(table, {}).get("items", {})
    return list(items.get("properties", {}))


#: Objects declared in the schema, flattened to these fields even when a table is empty.
_NESTED: dict[str, dict[str, tuple[str, ...]]] = {
    "attributions": {"speaker": ("text", "start", "end", "entity", "mention_start", "mention_end")},
}


def csv_cell(value: Any) -> Any:
    """A value as one CSV cell: lists of plain values joined with ``; ``, other lists and
    objects as JSON, None as the empty cell.

    >>> csv_cell(["Kyiv", "Lviv"]), csv_cell([[0, 4], [9, 12]]), csv_cell(None), csv_cell(3)
    ('Kyiv; Lviv', '[[0, 4], [9, 12]]', '', 3)
    """
    if value is None:
        return ""
    if isinstance(value, list):
        if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return "; ".join(str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    return value


def _arrow_type(table: str, column: str, values: list[Any]) -> Any:
    """The column's Arrow type: from the values, else from the schema, else string (so a
    column that is all null in one run has the type it has in another)."""
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if present:
        if all(isinstance(v, bool) for v in present):
            return pa.bool_()
        if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            return pa.int64()
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
            return pa.float64()
        if all(isinstance(v, list) for v in present):
            items = [x for v in present for x in v]
            if items and all(isinstance(x, dict) for x in items):
                return pa.list_(pa.array(items).type)  # a list of structs
            if items:
                return pa.list_(_arrow_type(table, "", items))
        elif all(isinstance(v, str) for v in present):
            return pa.string()
        else:
            return pa.string()  # mixed values: written as text
    declared = _schema()["properties"].get(table, {}).get("items", {}).get("properties", {})
    kind = declared.get(column, {}).get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if "integer" in kinds:
        return pa.int64()
    if "number" in kinds:
        return pa.float64()
    if "boolean" in kinds:
        return pa.bool_()
    if "array" in kinds:
        item = declared[column].get("items", {}).get("type")
        return pa.list_({"integer": pa.int64(), "array": pa.list_(pa.int64())}.get(item, pa.string()))
    if column.endswith(("_start", "_end")):
        return pa.int64()
    return pa.string()


def _write_table(analysis: dict[str, Any], table: str, path: Path, fmt: str) -> Path:
    columns, rows = table_rows(analysis, table)
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([csv_cell(row.get(c)) for c in columns])
        return path
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrays = []
    for column in columns:
        values = [row.get(column) for row in rows]
        kind = _arrow_type(table, column, values)
        if pa.types.is_string(kind):
            values = [v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                      for v in values]
        arrays.append(pa.array(values, type=kind))
    pq.write_table(pa.Table.from_arrays(arrays, names=columns), path)
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


# ----------------------------------------------------------------------------- STIX 2.1
#: Names our STIX ids: ``type--uuid5(namespace, our id)``, so the same store gives the same ids.
STIX_NAMESPACE = uuid.UUID("6f1c1bd2-3c0e-5d43-9a55-2b8f6c1e7a10")
#: Objects outside the STIX 2.1 core (the types OpenCTI uses for influence operations) are
#: declared by an extension definition in the bundle, as STIX 2.1 section 7.3 requires.
CUSTOM_TYPES = ("narrative", "channel", "media-content")


def _stix_id(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, kind + ':' + key)}"


def _stix_time(text: str | None) -> str:
    """A STIX timestamp (UTC, ``Z``, milliseconds) from an ISO date or date-time.

    >>> _stix_time("2025-05-28"), _stix_time("2026-12-03T14:48:44+00:00")
    ('2025-05-28T00:00:00.000Z', '2026-12-03T14:48:44.000Z')
    """
    from datetime import datetime, timezone

    when = datetime.fromisoformat(text) if text else datetime(1970, 1, 1, tzinfo=timezone.utc)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{when.microsecond // 1000:03d}Z"


def stix_bundle(analysis: dict[str, Any]) -> dict[str, Any]:
    """The analysis as a STIX 2.1 bundle: documents as ``media-content``, outlets as
    ``channel`` (``publishes`` a document), narratives as ``narrative`` (sub-narratives
    ``subnarrative-of`` their narrative; a document ``related-to`` its narratives), claim
    families as ``note`` objects on their documents, with one ``derived-from`` relationship per
    document that repeats a family's claim after the document where it was first seen.
    Deterministic: the same analysis gives the same bundle."""
    when = _stix_time(analysis.get("generated_at"))
    generator = analysis.get("generator") or {}
    identity = {"type": "identity", "spec_version": "2.1", "id": _stix_id("identity", "narratrace"),
                "created": when, "modified": when, "name": "narratrace",
                "identity_class": "system",
                "description": f"narratrace {generator.get('version', '')}".strip()}
    extension = {"type": "extension-definition", "spec_version": "2.1",
                 "id": _stix_id("extension-definition", "narratrace-influence"),
                 "created": when, "modified": when, "created_by_ref": identity["id"],
                 "name": "narratrace influence objects",
                 "description": "narrative, channel and media-content objects (as in OpenCTI).",
                 "schema": "https://docs.oasis-open.org/cti/stix/v2.1/os/stix-v2.1-os.html",
                 "version": "1.0.0", "extension_types": ["new-sdo"]}
    objects: list[dict[str, Any]] = [identity, extension]

    def sdo(kind: str, key: str, **props: Any) -> dict[str, Any]:
        obj = {"type": kind, "spec_version": "2.1", "id": _stix_id(kind, key), "created": when,
               "modified": when, "created_by_ref": identity["id"],
               **{k: v for k, v in props.items() if v not in (None, "", [])}}
        if kind in CUSTOM_TYPES:
            obj["extensions"] = {extension["id"]: {"extension_type": "new-sdo"}}
        objects.append(obj)
        return obj

    related: set[str] = set()

    def relate(kind: str, source: str, target: str) -> None:
        rel = _stix_id("relationship", f"{kind}:{source}:{target}")
        if rel in related:
            return
        related.add(rel)
        objects.append({"type": "relationship", "spec_version": "2.1",
                        "id": rel,
                        "created": when, "modified": when, "created_by_ref": identity["id"],
                        "relationship_type": kind, "source_ref": source, "target_ref": target})

    docs: dict[str, str] = {}
    published = {d["id"]: d.get("published") or "9999" for d in analysis.get("documents", ())}
    channels: dict[str, str] = {}
    for doc in analysis.get("documents", ()):
        obj = sdo("media-content", doc["id"], title=doc.get("title") or _first_line(doc),
                  url=doc.get("url"), publication_date=_stix_time(doc["published"])
                  if doc.get("published") else None, content=(doc.get("text") or "")[:2000])
        docs[doc["id"]] = obj["id"]
        if doc.get("outlet"):
            if doc["outlet"] not in channels:
                channels[doc["outlet"]] = sdo("channel", doc["outlet"], name=doc["outlet"],
                                              channel_types=["news-outlet"])["id"]
            relate("publishes", channels[doc["outlet"]], obj["id"])
    narratives: dict[str, str] = {}
    for label in analysis.get("narratives", ()):
        name = label.get("narrative")
        if not name or name == "Other" or label.get("doc") not in docs:
            continue
        if name not in narratives:
            narratives[name] = sdo("narrative", name, name=name)["id"]
        target = narratives[name]
        sub = label.get("subnarrative")
        if sub and sub != "Other":
            key = f"{name}: {sub}"
            if key not in narratives:
                narratives[key] = sdo("narrative", key, name=sub)["id"]
                relate("subnarrative-of", narratives[key], narratives[name])
            target = narratives[key]
        relate("related-to", docs[label["doc"]], target)
    for family in analysis.get("claim_families", ()):
        refs = [docs[d] for d in sorted((d for d in family.get("docs", ()) if d in docs),
                                        key=lambda d: (published[d], d))]  # first seen first
        if not refs:
            continue
        origins = ", ".join(family.get("origins") or ()) or "unknown"
        sdo("note", f"family:{family['id']}", abstract=f"Claim family: {family['label'][:200]}",
            content=f"{family['label']}\n\nOrigins: {origins}; independent origins: "
                    f"{family.get('independent_origins', 0)}; first seen: "
                    f"{family.get('first_seen') or 'undated'}.", object_refs=refs)
        for later in refs[1:]:
            relate("derived-from", later, refs[0])
    return {"type": "bundle", "id": _stix_id("bundle", analysis.get("generated_at") or ""),
            "objects": objects}


def _first_line(doc: dict[str, Any]) -> str:
    """A readable stand-in title: the text's first line, never a file path."""
    line = next((ln.strip() for ln in (doc.get("text") or "").splitlines() if ln.strip()), "")
    return line[:120] or "(untitled document)"
