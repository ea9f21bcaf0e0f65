"""Exports of the store: tables (JSON, JSONL, CSV, Parquet), the provenance graph (GraphML; and
GEXF 1.3 with dates, for Gephi's timeline) and a STIX 2.1 bundle."""

from __future__ import annotations

import csv
import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Literal

from .analysis import KEYS, build_analysis, write_analysis
from .errors import NarratraceError, UsageError
from .store import Store

ExportFormat = Literal["json", "jsonl", "csv", "parquet", "graphml", "gexf", "stix"]

#: Tables written by the tabular formats (flat typed columns: :func:`table_rows`).
TABLES: tuple[str, ...] = tuple(k for k in KEYS if k not in ("schema_version", "generator",
                                                              "generated_at"))


def export(store: Store, *, fmt: ExportFormat, out: Path) -> list[Path]:
    """Write the store in ``fmt`` to ``out``; return the paths written.

    ``parquet`` needs the ``[parquet]`` extra (pyarrow) and ``graphml`` the ``[graph]`` extra
    (networkx); without it a UsageError (exit 2) says how to install it, before anything is
    read or written.
    """
    if fmt == "parquet":
        _pyarrow()
    if fmt == "graphml":
        _networkx()
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
    if fmt == "gexf":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(gexf_dynamic(analysis))
        return [out]
    graph = provenance_graph(analysis)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        _networkx().write_graphml(graph, out)
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
    pa, _ = _pyarrow()

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
    pa, pq = _pyarrow()
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


def _pyarrow() -> tuple[Any, Any]:
    """The ``pyarrow`` and ``pyarrow.parquet`` modules; a UsageError naming the ``[parquet]``
    extra when they are not installed (the run time leaves pyarrow out: ~170 MB for one
    format)."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise UsageError(
            "Parquet export needs pyarrow, which is in the [parquet] extra: install it with "
            "`pip install '.[parquet]'` in the narratrace checkout (`make test` installs it), "
            "or export --format csv (the same tables and columns).") from exc
    return pyarrow, pyarrow.parquet


def _networkx() -> Any:
    """networkx, or a UsageError (exit 2) naming the extra that brings it."""
    try:
        import networkx
    except ImportError as exc:
        raise UsageError(
            "GraphML export needs networkx, which is in the [graph] extra: install it with "
            "`pip install '.[graph]'` in the narratrace checkout (`make test` installs it), "
            "or export --format gexf (the dated provenance graph, for Gephi too).") from exc
    return networkx


def provenance_graph(analysis: dict[str, Any]) -> Any:
    """Documents, outlets, speakers and cited sources; edges reprints / rewrites / same_story / quotes /
    cites / publishes. Node and edge attributes are plain strings and numbers (GraphML-safe).
    A networkx graph: needs the ``[graph]`` extra."""
    graph = _networkx().MultiDiGraph()
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
        kind = {"same_story": "same_story", "rewrite": "rewrites"}.get(reuse["kind"], "reprints")
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
#: declared by extension definitions in the bundle (one per type), as STIX 2.1 section 7.3
#: requires.
CUSTOM_TYPES = ("narrative", "channel", "media-content")


#: DISARM Red Framework techniques (public ids and names) and the tactic each sits under, as
#: the ``phase_name`` of a ``disarm`` kill chain (the tactic's name, lowercase, hyphenated).
DISARM_TECHNIQUES: dict[str, tuple[str, str]] = {
    "T0022": ("Leverage Conspiracy Theory Narratives", "develop-narratives"),
    "T0066": ("Degrade Adversary", "plan-objectives"),
    "T0075": ("Dismiss", "plan-objectives"),
    "T0075.001": ("Discredit Credible Sources", "plan-objectives"),
    "T0076": ("Distort", "plan-objectives"),
    "T0078": ("Dismay", "plan-objectives"),
    "T0136": ("Cultivate Support", "plan-objectives"),
}
#: Which DISARM technique a narrative of the model's taxonomy applies (keyed by the narrative's
#: name without its domain prefix). A judgement of what the narrative does, kept to the clear
#: cases; a narrative not listed (e.g. speculating about a war's outcome) applies none.
NARRATIVE_TECHNIQUES: dict[str, str] = {
    "Amplifying war-related fears": "T0078",
    "Amplifying Climate Fears": "T0078",
    "Negative Consequences for the West": "T0078",
    "Hidden plots by secret schemes of powerful groups": "T0022",
    "Distrust towards Media": "T0075.001",
    "Criticism of institutions and authorities": "T0075.001",
    "Questioning the measurements and science": "T0075.001",
    "Downplaying climate change": "T0075",
    "Discrediting Ukraine": "T0066",
    "Discrediting the West, Diplomacy": "T0066",
    "Blaming the war on others rather than the invader": "T0076",
    "Russia is the Victim": "T0076",
    "Praise of Russia": "T0136",
    "Overpraising the West": "T0136",
}


def disarm_technique(narrative: str) -> str | None:
    """The DISARM technique id a narrative applies, or None.

    >>> disarm_technique("URW: Discrediting Ukraine"), disarm_technique("CC: Amplifying Climate Fears")
    ('T0066', 'T0078')
    >>> disarm_technique("URW: Speculating war outcomes") is None
    True
    """
    return NARRATIVE_TECHNIQUES.get(narrative.split(":", 1)[-1].strip())


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
    document that repeats a family's claim after the document where it was first seen. A
    narrative that applies a DISARM technique (:data:`NARRATIVE_TECHNIQUES`) is
    ``related-to`` an ``attack-pattern`` for it, in the ``disarm`` kill chain.
    Deterministic: the same analysis gives the same bundle."""
    when = _stix_time(analysis.get("generated_at"))
    generator = analysis.get("generator") or {}
    identity = {"type": "identity", "spec_version": "2.1", "id": _stix_id("identity", "narratrace"),
                "created": when, "modified": when, "name": "narratrace",
                "identity_class": "system",
                "description": f"narratrace {generator.get('version', '')}".strip()}
    objects: list[dict[str, Any]] = [identity]
    extensions: dict[str, str] = {}

    def extension(kind: str) -> str:
        """The extension definition of a new object type (one per type, as STIX tools
        register them), added to the bundle before the first object of that type."""
        if kind not in extensions:
            extensions[kind] = _stix_id("extension-definition", f"narratrace-{kind}")
            objects.append({
                "type": "extension-definition", "spec_version": "2.1", "id": extensions[kind],
                "created": when, "modified": when, "created_by_ref": identity["id"],
                "name": f"narratrace {kind}",
                "description": f"The {kind} object type of OpenCTI's influence-operation objects.",
                "schema": "https://docs.oasis-open.org/cti/stix/v2.1/os/stix-v2.1-os.html",
                "version": "1.0.0", "extension_types": ["new-sdo"]})
        return extensions[kind]

    def sdo(kind: str, key: str, **props: Any) -> dict[str, Any]:
        obj = {"type": kind, "spec_version": "2.1", "id": _stix_id(kind, key), "created": when,
               "modified": when, "created_by_ref": identity["id"],
               **{k: v for k, v in props.items() if v not in (None, "", [])}}
        if kind in CUSTOM_TYPES:
            obj["extensions"] = {extension(kind): {"extension_type": "new-sdo"}}
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
    techniques: dict[str, str] = {}
    for label in analysis.get("narratives", ()):
        name = label.get("narrative")
        if not name or name == "Other" or label.get("doc") not in docs:
            continue
        if name not in narratives:
            narratives[name] = sdo("narrative", name, name=name)["id"]
            technique = disarm_technique(name)
            if technique is not None:
                if technique not in techniques:
                    title, phase = DISARM_TECHNIQUES[technique]
                    techniques[technique] = sdo(
                        "attack-pattern", f"disarm:{technique}", name=title,
                        external_references=[{"source_name": "DISARM", "external_id": technique}],
                        kill_chain_phases=[{"kill_chain_name": "disarm", "phase_name": phase}])["id"]
                relate("related-to", narratives[name], techniques[technique])
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


# ----------------------------------------------------------------------------- GEXF 1.3, dynamic
GEXF_NS = "http://gexf.net/1.3"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Characters XML 1.0 cannot carry (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Attributes written on every node and edge (id, GEXF type); empty values are left out.
GEXF_NODE_ATTRIBUTES = (("kind", "string"), ("type", "string"), ("outlet", "string"),
                        ("families", "liststring"), ("origin_of", "integer"),
                        ("circular", "boolean"))
GEXF_EDGE_ATTRIBUTES = (("kind", "string"), ("family", "string"), ("family_label", "string"),
                        ("independent_origins", "integer"), ("circular", "boolean"),
                        ("reuse", "string"), ("credit", "string"), ("direction_by", "string"),
                        ("hedges_dropped", "liststring"), ("documents", "integer"))


def _xml_text(value: Any) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


class _Actors:
    """One key per actor: the entity id when a name (or alias) resolves to an entity, else the
    name itself, case and spaces folded. An outlet that is also quoted or an origin is one node."""

    def __init__(self, entities: list[dict[str, Any]]) -> None:
        self.by_name: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.types: dict[str, str] = {}
        for e in entities:
            eid = e.get("id")
            if not eid:
                continue
            self.names[f"ent:{eid}"] = e.get("name") or eid
            self.types[f"ent:{eid}"] = e.get("type") or ""
            for name in (e.get("name"), *(e.get("aliases") or ())):
                if name:
                    self.by_name.setdefault(_fold(name), f"ent:{eid}")

    def key(self, name: str | None, entity: str | None = None) -> str | None:
        if entity and f"ent:{entity}" in self.names:
            return f"ent:{entity}"
        if not name or not name.strip():
            return None
        key = self.by_name.get(_fold(name))
        if key is None:
            key = "name:" + _fold(name)
            self.names.setdefault(key, " ".join(name.split()))
        return key


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def gexf_dynamic(analysis: dict[str, Any]) -> bytes:
    """The provenance graph as GEXF 1.3 with dates (``mode="dynamic"``, ``timeformat="date"``),
    so Gephi's timeline plays it: every node and edge starts on the first date it is seen.

    Nodes: one per actor (speakers, origins, deniers and outlets, merged by entity or by name)
    and one per document. Edges, each dated by the document it rests on: an outlet
    ``publishes`` a document; a document ``quotes`` an actor; a claim family's origin is the
    ``origin_of`` each document carrying it; an actor ``denies`` in a document; a source
    document is copied (``derivation``: reuse kind, credit, what decided the direction) by a
    later one; and, between actors, an origin is ``relayed_by`` each outlet carrying its claim.
    Family edges carry the family id, label, independent-origin count and circularity.

    >>> xml = gexf_dynamic({"documents": [{"id": "d1", "title": "T", "outlet": "Wire",
    ...                                     "published": "2025-03-10"}]})
    >>> b'mode="dynamic"' in xml and b'start="2025-03-10"' in xml
    True
    """
    actors = _Actors(list(analysis.get("entities") or ()))
    docs = {d["id"]: d for d in analysis.get("documents") or () if d.get("id")}

    def date(doc: str) -> str | None:
        value = (docs.get(doc) or {}).get("published") or ""
        return value if _DATE.match(value) else None

    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def node(nid: str, label: str, kind: str, start: str | None, **attrs: Any) -> dict[str, Any]:
        n = nodes.setdefault(nid, {"label": label, "start": start,
                                   "attrs": {"kind": kind, "families": []}})
        if start and (n["start"] is None or start < n["start"]):
            n["start"] = start
        for k, v in attrs.items():
            if v not in (None, "", []):
                n["attrs"].setdefault(k, v)
        return n

    def actor(key: str, start: str | None, kind: str = "actor") -> str:
        nid = "actor:" + key
        node(nid, actors.names.get(key, key), kind, start, type=actors.types.get(key))
        return nid

    def edge(a: str, b: str, kind: str, start: str | None, family: str = "",
             **attrs: Any) -> None:
        if a == b:
            return
        e = edges.setdefault((a, b, kind, family), {"start": start, "weight": 0,
                                                    "attrs": {"kind": kind}})
        e["weight"] += 1
        if start and (e["start"] is None or start < e["start"]):
            e["start"] = start
        for k, v in attrs.items():
            if v not in (None, "", []):
                e["attrs"].setdefault(k, v)

    for doc_id, d in docs.items():
        node(f"doc:{doc_id}", d.get("title") or d.get("path") or doc_id, "document",
             date(doc_id), outlet=d.get("outlet"))
        key = actors.key(d.get("outlet"))
        if key:
            edge(actor(key, date(doc_id), "outlet"), f"doc:{doc_id}", "publishes", date(doc_id))
    for a in analysis.get("attributions") or ():
        sp = a.get("speaker") or {}
        actor_rec = sp.get("actor") or {}
        key = actors.key(actor_rec.get("name") or sp.get("text"), sp.get("entity") or
                         actor_rec.get("id"))
        if key and a.get("doc") in docs:
            edge(f"doc:{a['doc']}", actor(key, date(a["doc"])), "quotes", date(a["doc"]),
                 stance=a.get("stance"))
    for r in analysis.get("reuse") or ():
        if r.get("kind") not in ("duplicate", "syndicated", "rewrite") or \
                r.get("a") not in docs or r.get("b") not in docs:
            continue
        src, dst = (r["b"], r["a"]) if r.get("direction") == "b->a" else (r["a"], r["b"])
        edge(f"doc:{src}", f"doc:{dst}", "derivation", date(dst), reuse=r["kind"],
             credit=r.get("credit"), direction_by=r.get("direction_by") or
             ("unknown" if r.get("direction") not in ("a->b", "b->a") else None))
    for f in analysis.get("claim_families") or ():
        fid, label = f.get("id") or "", f.get("label") or ""
        common = {"family_label": label, "independent_origins": f.get("independent_origins"),
                  "circular": bool(f.get("circular"))}
        carriers = [d for d in f.get("docs") or () if d in docs]
        ids = list(f.get("origin_ids") or ()) + [None] * len(f.get("origins") or ())
        loop = {_fold(x) for x in f.get("circular_loop") or ()}
        for name, oid in zip(f.get("origins") or (), ids):
            key = actors.key(name, oid)
            if key is None:
                continue
            first = min(filter(None, map(date, carriers)), default=None)
            origin = actor(key, first)
            nodes[origin]["attrs"]["families"].append(fid)
            nodes[origin]["attrs"]["origin_of"] = nodes[origin]["attrs"].get("origin_of", 0) + 1
            if _fold(name) in loop:
                nodes[origin]["attrs"]["circular"] = True
            for doc in carriers:
                edge(origin, f"doc:{doc}", "origin_of", date(doc), fid, **common)
                outlet = actors.key(docs[doc].get("outlet"))
                if outlet:
                    edge(origin, actor(outlet, date(doc), "outlet"), "relayed_by", date(doc), fid,
                         **common)
        for dn in f.get("denials") or ():
            key = actors.key(dn.get("actor"), dn.get("actor_id"))
            if key and dn.get("doc") in docs:
                edge(actor(key, date(dn["doc"])), f"doc:{dn['doc']}", "denies", date(dn["doc"]),
                     fid, **common)
        for h in f.get("hardening") or ():
            if h.get("source_doc") in docs and h.get("derived_doc") in docs:
                edge(f"doc:{h['source_doc']}", f"doc:{h['derived_doc']}", "hardening",
                     date(h["derived_doc"]), fid, hedges_dropped=list(h.get("dropped") or ()),
                     **common)

    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("xsi", _XSI)
    q = lambda tag: f"{{{GEXF_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("gexf"), {"version": "1.3", f"{{{_XSI}}}schemaLocation":
                                  f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})
    generated = str(analysis.get("generated_at") or "")[:10]
    meta = ET.SubElement(root, q("meta"), {"lastmodifieddate": generated}
                         if _DATE.match(generated) else {})
    version = (analysis.get("generator") or {}).get("version", "")
    ET.SubElement(meta, q("creator")).text = f"narratrace {version}".strip()
    ET.SubElement(meta, q("description")).text = (
        "Provenance graph: actors and documents, dated by publication; claim families, "
        "derivations, denials and dropped hedges as edge attributes.")
    graph = ET.SubElement(root, q("graph"), {"defaultedgetype": "directed", "mode": "dynamic",
                                             "timeformat": "date"})
    for cls, declared in (("node", GEXF_NODE_ATTRIBUTES), ("edge", GEXF_EDGE_ATTRIBUTES)):
        block = ET.SubElement(graph, q("attributes"), {"class": cls, "mode": "static"})
        for name, kind in declared:
            ET.SubElement(block, q("attribute"), {"id": name, "title": name, "type": kind})

    def attvalues(parent: ET.Element, attrs: dict[str, Any],
                  declared: tuple[tuple[str, str], ...]) -> None:
        values = ET.Element(q("attvalues"))
        for name, kind in declared:
            value = attrs.get(name)
            if value in (None, "", []):
                continue
            if kind == "liststring":  # GEXF 1.3: [a, b] with commas inside items escaped
                text = "[" + ", ".join(str(v).replace(",", "\\,") for v in dict.fromkeys(value)) + "]"
            elif kind == "boolean":
                text = "true" if value else "false"
            else:
                text = str(value)
            ET.SubElement(values, q("attvalue"), {"for": name, "value": _xml_text(text)})
        if len(values):
            parent.append(values)

    xml_nodes = ET.SubElement(graph, q("nodes"))
    for nid in sorted(nodes):
        n = nodes[nid]
        el = ET.SubElement(xml_nodes, q("node"), {"id": _xml_text(nid),
                                                  "label": _xml_text(n["label"])})
        if n["start"]:
            el.set("start", n["start"])
        attvalues(el, n["attrs"], GEXF_NODE_ATTRIBUTES)
    xml_edges = ET.SubElement(graph, q("edges"))
    for i, (edge_key, e) in enumerate(sorted(edges.items())):
        a, b, kind, family = edge_key
        e["attrs"]["family"] = family
        e["attrs"]["documents"] = e["weight"]
        el = ET.SubElement(xml_edges, q("edge"), {
            "id": f"e{i}", "source": _xml_text(a), "target": _xml_text(b),
            "label": kind, "kind": kind, "weight": str(float(e["weight"]))})
        if e["start"]:
            el.set("start", e["start"])
        attvalues(el, e["attrs"], GEXF_EDGE_ATTRIBUTES)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
