"""Exports that load without cleaning (issue #17): flat typed columns in one order for CSV and
Parquet, headers for empty tables, stable types; a STIX 2.1 bundle checked against the spec's
required properties."""

from __future__ import annotations

import csv
import json
import re
import sys

import pytest

from narratrace.export import (DISARM_TECHNIQUES, NARRATIVE_TECHNIQUES, TABLES, _write_table,
                               disarm_technique, stix_bundle, table_rows)

DOC_A = {"id": "da", "path": "/home/ana/news/a.txt", "title": "Port strike ends", "outlet": "Harbour Daily",
         "published": "2025-05-02", "language": "en", "url": None,
         "text": "Port strike ends\nThe union said the strike was over.", "removed": []}
DOC_B = {"id": "db", "path": "b.txt", "title": None, "outlet": "Coast Post", "published": "2025-05-01",
         "language": "en", "url": "https://coast.example/b", "text": "Dockers back at work.\nMore.",
         "removed": [{"kind": "boilerplate", "start": 0, "end": 3}]}


def _analysis(**tables):
    base = {k: [] for k in TABLES}
    base.update(schema_version="1", generator={"name": "narratrace", "version": "0.1.0"},
                generated_at="2026-01-02T03:04:05+00:00")
    base.update(tables)
    return base


ANALYSIS = _analysis(
    documents=[DOC_A, DOC_B],
    entities=[{"id": "e1", "name": "Harbour Workers Union", "kind": "ORG", "aliases": ["HWU"],
               "mentions": [{"doc": "da", "start": 4, "end": 9, "text": "union"}]}],
    attributions=[{"id": "a1", "doc": "da", "kind": "indirect",
                   "speaker": {"text": "the union", "start": 17, "end": 26, "entity": "e1"},
                   "cue": "said", "content": "the strike was over", "start": 32, "end": 51,
                   "medium": None, "stance": "asserts", "hedges": ["reportedly"]}],
    claim_families=[{"id": "f1", "label": "the strike was over", "claims": ["c1", "c2"],
                     "docs": ["da", "db"], "origins": ["Harbour Workers Union"],
                     "independent_origins": 1, "first_seen": "2025-05-01"}],
    narratives=[{"doc": "da", "narrative": "Labour unrest", "subnarrative": "Strikes end",
                 "score": 0.9, "evidence": [[0, 16]]}],
)


def test_flat_columns_with_names_beside_ids():
    columns, rows = table_rows(ANALYSIS, "attributions")
    assert columns[:3] == ["id", "doc", "doc_title"]
    assert {"speaker_text", "speaker_entity", "speaker_name"} <= set(columns)
    assert "speaker" not in columns
    assert rows[0]["speaker_name"] == "Harbour Workers Union" and rows[0]["doc_title"] == "Port strike ends"


@pytest.mark.parametrize("table", ["documents", "attributions", "errors", "claim_families", "narratives"])
def test_csv_and_parquet_have_the_same_columns_in_the_same_order(tmp_path, table):
    pq = pytest.importorskip("pyarrow.parquet")
    _write_table(ANALYSIS, table, tmp_path / "t.csv", "csv")
    _write_table(ANALYSIS, table, tmp_path / "t.parquet", "parquet")
    with (tmp_path / "t.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    parquet = pq.read_table(tmp_path / "t.parquet")
    assert header == parquet.column_names
    assert parquet.num_rows == len(ANALYSIS[table])


def test_cells_are_values_not_json(tmp_path):
    _write_table(ANALYSIS, "attributions", tmp_path / "a.csv", "csv")
    with (tmp_path / "a.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    assert row["speaker_text"] == "the union" and row["hedges"] == "reportedly"
    assert not any(v.startswith("{") for v in row.values())


def test_parquet_types_are_native_and_stable(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    _write_table(ANALYSIS, "documents", tmp_path / "d.parquet", "parquet")
    schema = pq.read_schema(tmp_path / "d.parquet")
    assert schema.field("removed").type == pa.list_(pa.struct([("kind", pa.string()),
                                                                ("start", pa.int64()), ("end", pa.int64())]))
    _write_table(ANALYSIS, "claim_families", tmp_path / "f.parquet", "parquet")
    fam = pq.read_schema(tmp_path / "f.parquet")
    assert fam.field("docs").type == pa.list_(pa.string())
    assert fam.field("independent_origins").type == pa.int64()
    # a column that is null in every row keeps its type: url is a string in both runs
    no_urls = _analysis(documents=[dict(DOC_A), dict(DOC_B, url=None)])
    _write_table(no_urls, "documents", tmp_path / "n.parquet", "parquet")
    assert pq.read_schema(tmp_path / "n.parquet").field("url").type == pa.string()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_empty_tables_have_headers_and_typed_columns(tmp_path, fmt):
    empty = _analysis()
    for table in ("errors", "attributions"):
        path = tmp_path / f"{table}.{fmt}"
        _write_table(empty, table, path, fmt)
        if fmt == "csv":
            header = path.read_text(encoding="utf-8").splitlines()
            assert header and header[0].startswith(("path,stage,reason", "id,doc,doc_title"))
        else:
            pq = pytest.importorskip("pyarrow.parquet")
            schema = pq.read_schema(path)
            assert len(schema.names) >= 3
            assert "null" not in {str(f.type) for f in schema}
    cols, _ = table_rows(empty, "attributions")
    assert "speaker_name" in cols and "speaker_entity" in cols


def _without_pyarrow(monkeypatch) -> None:
    """Make ``import pyarrow`` fail as it does in the run time's venv (no [parquet] extra)."""
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: ImportError


def _stored(tmp_path) -> str:
    from narratrace.store import open_store

    path = tmp_path / "s.sqlite"
    open_store(f"sqlite:///{path}").close()
    return str(path)


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from narratrace.cli import app
    from narratrace.errors import UsageError
    from narratrace.export import export
    from narratrace.store import open_store

    store = _stored(tmp_path)
    _without_pyarrow(monkeypatch)
    result = CliRunner().invoke(app, ["export", store, "--format", "parquet",
                                      "--out", str(tmp_path / "tables")])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "pyarrow" in message and "[parquet] extra" in message and "--format csv" in message
    assert not (tmp_path / "tables").exists()  # refused before anything is written
    opened = open_store(f"sqlite:///{store}")
    try:
        with pytest.raises(UsageError, match=r"\[parquet\]") as caught:
            export(opened, fmt="parquet", out=tmp_path / "lib")
    finally:
        opened.close()
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "graphml", "gexf", "stix"])
def test_other_exports_work_without_pyarrow(tmp_path, monkeypatch, fmt):
    from typer.testing import CliRunner

    from narratrace.cli import app

    store = _stored(tmp_path)
    _without_pyarrow(monkeypatch)
    out = tmp_path / ("tables" if fmt == "csv" else f"out.{fmt}")
    result = CliRunner().invoke(app, ["export", store, "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    else:  # an empty store: no JSONL record, the other formats still have their frame
        assert out.is_file() and (fmt == "jsonl" or out.stat().st_size > 0)


# ----------------------------------------------------------------------------- STIX 2.1
# The required properties of STIX 2.1 (OASIS, 2021), sections 2.7 (identifier), 2.15
# (timestamp), 3.2 (common properties of SDOs/SROs), 4.x and 5.x (object-specific), 7.3
# (extension definitions, new object types), 8 (bundle).
ID = re.compile(r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
                r"[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
REQUIRED = {
    "attack-pattern": {"name"},
    "identity": {"name"},
    "note": {"content", "object_refs"},
    "relationship": {"relationship_type", "source_ref", "target_ref"},
    "extension-definition": {"name", "schema", "version", "extension_types", "created_by_ref"},
}
CORE = {"attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident",
        "indicator", "infrastructure", "intrusion-set", "location", "malware", "malware-analysis",
        "note", "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability",
        "relationship", "sighting", "extension-definition", "language-content", "marking-definition"}


def validate_stix_bundle(bundle: dict) -> list[str]:
    """Every violation of the STIX 2.1 rules above found in ``bundle`` (empty: valid)."""
    problems = []
    if bundle.get("type") != "bundle" or not ID.match(bundle.get("id", "")) \
            or not bundle["id"].startswith("bundle--"):
        problems.append("bundle: type/id")
    if "spec_version" in bundle:
        problems.append("bundle: a 2.1 bundle has no spec_version")
    objects = bundle.get("objects") or []
    ids = [o.get("id") for o in objects]
    if len(ids) != len(set(ids)):
        problems.append("duplicate ids")
    known = set(ids)
    extensions = {o["id"]: o for o in objects if o.get("type") == "extension-definition"}
    for obj in objects:
        kind, oid = obj.get("type", ""), obj.get("id", "")
        where = f"{kind} {oid}"
        if obj.get("spec_version") != "2.1":
            problems.append(f"{where}: spec_version")
        if not ID.match(oid) or oid.split("--")[0] != kind:
            problems.append(f"{where}: id must be '{kind}--<uuid>'")
        for stamp in ("created", "modified"):
            if not TIMESTAMP.match(str(obj.get(stamp, ""))):
                problems.append(f"{where}: {stamp}")
        if obj.get("modified", "") < obj.get("created", ""):
            problems.append(f"{where}: modified before created")
        missing = REQUIRED.get(kind, set()) - obj.keys()
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
        for key, value in obj.items():
            refs = value if key.endswith("_refs") else [value] if key.endswith("_ref") else []
            if key.endswith("_refs") and not value:
                problems.append(f"{where}: empty {key}")
            for ref in refs:
                if not ID.match(str(ref)) or ref not in known:
                    problems.append(f"{where}: {key} {ref} does not resolve in the bundle")
        if kind not in CORE:  # a new object type: declared by an extension definition
            decl = [e for e, v in (obj.get("extensions") or {}).items()
                    if isinstance(v, dict) and v.get("extension_type") == "new-sdo"]
            if not decl or any(e not in extensions or "new-sdo" not in extensions[e]["extension_types"]
                               for e in decl):
                problems.append(f"{where}: a custom type needs a new-sdo extension definition")
        if kind == "relationship" and not re.match(r"^[a-z0-9-]+$", obj.get("relationship_type", "")):
            problems.append(f"{where}: relationship_type")
        for phase in obj.get("kill_chain_phases", []):  # section 2.8
            if not all(re.match(r"^[a-z0-9-]+$", str(phase.get(k, "")))
                       for k in ("kill_chain_name", "phase_name")):
                problems.append(f"{where}: kill chain phase {phase}")
        for ref in obj.get("external_references", []):  # section 2.5
            if not ref.get("source_name") or not ({"description", "url", "external_id"} & ref.keys()):
                problems.append(f"{where}: external reference {ref}")
    return problems


def test_stix_bundle_is_valid_and_maps_every_object():
    bundle = stix_bundle(ANALYSIS)
    assert validate_stix_bundle(bundle) == []
    by_type: dict[str, list] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert len(by_type["media-content"]) == 2 and len(by_type["channel"]) == 2
    names = {o["name"] for o in by_type["narrative"]}
    assert names == {"Labour unrest", "Strikes end"}
    kinds = {r["relationship_type"] for r in by_type["relationship"]}
    assert {"publishes", "subnarrative-of", "related-to", "derived-from"} <= kinds
    sub = next(r for r in by_type["relationship"] if r["relationship_type"] == "subnarrative-of")
    ids = {o["id"]: o for o in bundle["objects"]}
    assert ids[sub["source_ref"]]["name"] == "Strikes end" and ids[sub["target_ref"]]["name"] == "Labour unrest"
    note = by_type["note"][0]
    assert len(note["object_refs"]) == 2 and "Harbour Workers Union" in note["content"]
    # the earlier document (db, 1 May) is the one the later repeats derive from
    derived = next(r for r in by_type["relationship"] if r["relationship_type"] == "derived-from")
    assert ids[derived["target_ref"]]["title"].startswith("Dockers")  # untitled: its first line
    assert all("/home/" not in o.get("title", "") for o in by_type["media-content"])
    assert stix_bundle(ANALYSIS) == bundle  # deterministic
    json.dumps(bundle)


WAR_FEARS = "URW: Amplifying war-related fears"
DISARM_ANALYSIS = dict(ANALYSIS, narratives=[{"doc": "da", "narrative": WAR_FEARS, "subnarrative": "Nuclear threats",
                 "score": 0.8, "evidence": [[0, 16]]},
                {"doc": "db", "narrative": "CC: Amplifying Climate Fears", "subnarrative": None,
                 "score": 0.7, "evidence": [[0, 10]]},
                {"doc": "db", "narrative": "URW: Speculating war outcomes", "subnarrative": None,
                 "score": 0.6, "evidence": [[0, 10]]}])


def test_narratives_that_apply_a_disarm_technique_point_at_it():
    bundle = stix_bundle(DISARM_ANALYSIS)
    assert validate_stix_bundle(bundle) == []
    ids = {o["id"]: o for o in bundle["objects"]}
    patterns = [o for o in bundle["objects"] if o["type"] == "attack-pattern"]
    assert len(patterns) == 1  # both fear narratives apply one technique: one object
    (pattern,) = patterns
    assert pattern["kill_chain_phases"] == [{"kill_chain_name": "disarm", "phase_name": "plan-objectives"}]
    assert pattern["external_references"] == [{"source_name": "DISARM", "external_id": "T0078"}]
    users = sorted(ids[r["source_ref"]]["name"] for r in bundle["objects"]
                   if r["type"] == "relationship" and r["target_ref"] == pattern["id"])
    assert users == ["CC: Amplifying Climate Fears", WAR_FEARS]  # not the sub-narrative
    # negative: a narrative without a technique, and the bundle of ANALYSIS, have none
    assert disarm_technique("URW: Speculating war outcomes") is None
    assert not [o for o in stix_bundle(ANALYSIS)["objects"] if o["type"] == "attack-pattern"]


def test_the_disarm_table_is_well_formed():
    assert set(NARRATIVE_TECHNIQUES.values()) <= set(DISARM_TECHNIQUES)
    for technique, (name, phase) in DISARM_TECHNIQUES.items():
        assert re.match(r"^T\d{4}(\.\d{3})?$", technique) and name.strip() == name
        assert phase in DISARM_TACTICS
        if "." in technique:  # a sub-technique sits under its technique's tactic
            parent = technique.split(".")[0]
            assert parent not in DISARM_TECHNIQUES or DISARM_TECHNIQUES[parent][1] == phase


#: The tactics (phases) of the DISARM Red Framework, as ``phase_name``.
DISARM_TACTICS = {"plan-strategy", "plan-objectives", "target-audience-analysis",
                  "develop-narratives", "develop-content", "select-channels-and-affordances",
                  "conduct-pump-priming", "deliver-content", "maximise-exposure",
                  "drive-online-harms", "drive-offline-activity",
                  "persist-in-the-information-environment", "assess-effectiveness",
                  "establish-assets", "establish-legitimacy", "microtarget"}


@pytest.fixture(scope="module")
def stix2_types():
    """The OASIS stix2 library (a dev dependency) with the bundle's three new object types
    registered under its extension definition, so that parsing is strict for everything."""
    stix2 = pytest.importorskip("stix2", reason="the stix2 library (the [dev] extra) is needed")
    from stix2.properties import ListProperty, StringProperty, TimestampProperty

    objects = stix_bundle(ANALYSIS)["objects"]
    extension = {o["name"].split()[-1]: o["id"] for o in objects
                 if o["type"] == "extension-definition"}
    props = {"narrative": [("name", StringProperty(required=True)),
                           ("description", StringProperty())],
             "channel": [("name", StringProperty(required=True)),
                         ("channel_types", ListProperty(StringProperty))],
             "media-content": [("title", StringProperty()), ("url", StringProperty()),
                               ("publication_date", TimestampProperty()),
                               ("content", StringProperty())]}
    for kind, fields in props.items():
        try:
            stix2.v21.CustomObject(kind, fields, extension_name=extension[kind])(type(kind, (), {}))
        except stix2.exceptions.DuplicateRegistrationError:
            pass  # registered by an earlier module of the session
    return stix2


@pytest.mark.parametrize("analysis", [ANALYSIS, DISARM_ANALYSIS], ids=["plain", "disarm"])
def test_the_stix2_library_parses_the_bundle_strictly(stix2_types, analysis):
    bundle = stix_bundle(analysis)
    parsed = stix2_types.parse(json.dumps(bundle), allow_custom=False, version="2.1")
    assert len(parsed.objects) == len(bundle["objects"])
    assert {o.type for o in parsed.objects} >= {"media-content", "channel", "narrative", "relationship"}


def test_the_stix2_library_rejects_a_broken_bundle(stix2_types):
    """Negative: the strict parse does fail, on a required property and on an unknown one."""
    for breaks in (lambda o: o.pop("name"), lambda o: o.update(colour="red")):
        bundle = stix_bundle(DISARM_ANALYSIS)
        breaks(next(o for o in bundle["objects"] if o["type"] == "attack-pattern"))
        with pytest.raises(stix2_types.exceptions.STIXError):
            stix2_types.parse(json.dumps(bundle), allow_custom=False, version="2.1")


@pytest.mark.parametrize("break_it, message", [
    (lambda b: b["objects"][0].pop("spec_version"), "spec_version"),
    (lambda b: b["objects"][-1].update(target_ref="media-content--00000000-0000-4000-8000-000000000000"),
     "does not resolve"),
    (lambda b: next(o for o in b["objects"] if o["type"] == "channel").pop("extensions"), "custom type"),
    (lambda b: next(o for o in b["objects"] if o["type"] == "note").pop("object_refs"), "missing"),
    (lambda b: b["objects"][0].update(created="2026-01-02"), "created"),
    (lambda b: next(o for o in b["objects"] if o["type"] == "attack-pattern")["kill_chain_phases"]
     .append({"kill_chain_name": "DISARM Red", "phase_name": "x"}), "kill chain phase"),
    (lambda b: next(o for o in b["objects"] if o["type"] == "attack-pattern")["external_references"]
     .append({"external_id": "T0001"}), "external reference"),
])
def test_the_stix_validator_catches_broken_bundles(break_it, message):
    bundle = stix_bundle(DISARM_ANALYSIS)
    break_it(bundle)
    assert any(message in p for p in validate_stix_bundle(bundle))


# ----------------------------------------------------------------------------- GEXF 1.3, dynamic
# Checked against the GEXF 1.3 primer and schema (gexf.net/1.3): the root's namespace and
# version, a graph in dynamic mode with date time format, declared attributes with a known
# type, unique ids, edges between declared nodes, xsd:date spells, attvalues that name a
# declared attribute and parse as its type.
GEXF = "{http://gexf.net/1.3}"
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "string", "liststring", "anyURI",
              "listboolean", "listinteger", "listdouble", "listfloat", "listlong"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate_gexf(xml: bytes) -> list[str]:
    """Every violation of the GEXF 1.3 rules above found in ``xml`` (empty: valid)."""
    import xml.etree.ElementTree as ET

    problems: list[str] = []
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.tag != GEXF + "gexf" or root.get("version") != "1.3":
        problems.append("root: gexf 1.3 element expected")
    graph = root.find(GEXF + "graph")
    if graph is None:
        return problems + ["no graph"]
    if graph.get("mode") != "dynamic" or graph.get("timeformat") != "date":
        problems.append("graph: mode=dynamic and timeformat=date expected")
    if graph.get("defaultedgetype") not in ("directed", "undirected", "mutual"):
        problems.append("graph: defaultedgetype")
    declared: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for block in graph.findall(GEXF + "attributes"):
        cls = block.get("class")
        if cls not in declared or block.get("mode") not in ("static", "dynamic"):
            problems.append(f"attributes: class/mode {cls}")
            continue
        for att in block.findall(GEXF + "attribute"):
            if att.get("type") not in GEXF_TYPES or not att.get("id") or not att.get("title"):
                problems.append(f"attribute {att.get('id')}: id/title/type")
            declared[cls][att.get("id")] = att.get("type")

    def spell(el, where: str) -> None:
        start, end = el.get("start"), el.get("end")
        for value in (start, end):
            if value is not None and not DATE.match(value):
                problems.append(f"{where}: {value!r} is no xsd:date")
        if start and end and end < start:
            problems.append(f"{where}: ends before it starts")

    def values(el, cls: str, where: str) -> None:
        box = el.find(GEXF + "attvalues")
        if box is None:
            return
        if not len(box):
            problems.append(f"{where}: empty attvalues")
        for v in box.findall(GEXF + "attvalue"):
            kind, value = declared[cls].get(v.get("for")), v.get("value")
            if kind is None:
                problems.append(f"{where}: attvalue for undeclared {v.get('for')!r}")
            elif kind == "integer" and not re.fullmatch(r"-?\d+", value or ""):
                problems.append(f"{where}: {value!r} is no integer")
            elif kind == "boolean" and value not in ("true", "false"):
                problems.append(f"{where}: {value!r} is no boolean")
            elif kind == "liststring" and not (value or "").startswith("["):
                problems.append(f"{where}: {value!r} is no liststring")
            spell(v, where)

    nodes = graph.find(GEXF + "nodes")
    ids = [n.get("id") for n in nodes.findall(GEXF + "node")] if nodes is not None else []
    if len(ids) != len(set(ids)) or not all(ids):
        problems.append("node ids: missing or repeated")
    for n in nodes.findall(GEXF + "node") if nodes is not None else ():
        spell(n, f"node {n.get('id')}")
        values(n, "node", f"node {n.get('id')}")
    known = set(ids)
    edges = graph.find(GEXF + "edges")
    edge_ids = []
    for e in edges.findall(GEXF + "edge") if edges is not None else ():
        where = f"edge {e.get('id')}"
        edge_ids.append(e.get("id"))
        if e.get("source") not in known or e.get("target") not in known:
            problems.append(f"{where}: an end is no declared node")
        try:
            float(e.get("weight", "1"))
        except ValueError:
            problems.append(f"{where}: weight")
        spell(e, where)
        values(e, "edge", where)
    if len(edge_ids) != len(set(edge_ids)) or not all(edge_ids):
        problems.append("edge ids: missing or repeated")
    return problems


def _gexf_graph(xml: bytes):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(xml)
    nodes = {n.get("id"): n for n in root.iter(GEXF + "node")}
    edges = [(e.get("source"), e.get("target"), e.get("kind"), e.get("start"),
              {v.get("for"): v.get("value") for v in e.iter(GEXF + "attvalue")})
             for e in root.iter(GEXF + "edge")]
    return nodes, edges


def test_gexf_is_dynamic_valid_and_dated() -> None:
    from narratrace.export import gexf_dynamic
    from provenance_fixture import provenance_analysis

    xml = gexf_dynamic(provenance_analysis())
    assert validate_gexf(xml) == []
    nodes, edges = _gexf_graph(xml)
    # one node per actor: the outlet Gull Post is also the origin of the circular family
    assert sum(1 for n in nodes.values() if n.get("label") == "Gull Post") == 1
    gull = next(n for n in nodes.values() if n.get("label") == "Gull Post")
    assert gull.get("start") == "2025-03-13"
    derivation = [e for e in edges if e[2] == "derivation"]
    assert {(e[0], e[1]) for e in derivation} == {("doc:dW", "doc:dC"), ("doc:dW", "doc:dB")}
    rewrite = next(e for e in derivation if e[1] == "doc:dB")
    assert rewrite[3] == "2025-03-12" and rewrite[4]["reuse"] == "rewrite"
    assert rewrite[4]["direction_by"] == "dates" and "credit" not in rewrite[4]
    reprint = next(e for e in derivation if e[1] == "doc:dC")
    assert reprint[4]["credit"] == "This story first appeared in Harbour Wire."
    relayed = [e for e in edges if e[2] == "relayed_by" and e[4]["family"] == "fPier"]
    assert {nodes[e[1]].get("label") for e in relayed} == {"Harbour Wire", "Coast Daily",
                                                            "Bay Ledger"}
    assert all(e[4]["independent_origins"] == "1" for e in relayed)
    denies = next(e for e in edges if e[2] == "denies")
    assert nodes[denies[0]].get("label") == "Pier Builders Ltd" and denies[3] == "2025-03-10"
    hardening = next(e for e in edges if e[2] == "hardening")
    assert hardening[4]["hedges_dropped"] == "[may]"
    # the undated blog has no start: it is on the timeline from the beginning
    assert nodes["doc:dT"].get("start") is None


def test_gexf_survives_hostile_text_and_bad_dates() -> None:
    from narratrace.export import gexf_dynamic
    from provenance_fixture import provenance_analysis

    a = provenance_analysis()
    a["documents"][0]["title"] = 'Evil "<x>" & \x00\x1b ok'
    a["documents"][1]["published"] = "2025-13"
    a["claim_families"][1]["origins"] = ["A, B", None]
    xml = gexf_dynamic(a)
    assert validate_gexf(xml) == []
    nodes, _ = _gexf_graph(xml)
    assert nodes["doc:dW"].get("label").startswith('Evil "<x>" & ')
    assert nodes["doc:dC"].get("start") is None


@pytest.mark.parametrize("break_it, message", [
    (lambda s: s.replace(b'mode="dynamic"', b'mode="static"'), "dynamic"),
    (lambda s: s.replace(b'start="2025-03-12"', b'start="12/03/2025"', 1), "xsd:date"),
    (lambda s: s.replace(b'target="doc:dB"', b'target="doc:nope"', 1), "no declared node"),
    (lambda s: s.replace(b'for="kind"', b'for="kindx"', 1), "undeclared"),
    (lambda s: s.replace(b"</gexf>", b""), "well-formed"),
])
def test_the_gexf_validator_catches_broken_files(break_it, message) -> None:
    from narratrace.export import gexf_dynamic
    from provenance_fixture import provenance_analysis

    broken = break_it(gexf_dynamic(provenance_analysis()))
    assert any(message in p for p in validate_gexf(broken))


def test_graphml_without_networkx_names_the_extra_and_the_rest_still_works(tmp_path, monkeypatch):
    """networkx is the [graph] extra: without it GraphML is refused (exit 2, before anything is
    written) and says how to get it; the other formats, GEXF included, do not need it."""
    from typer.testing import CliRunner

    from narratrace.cli import app

    store = _stored(tmp_path)
    monkeypatch.setitem(sys.modules, "networkx", None)  # None in sys.modules: ImportError
    result = CliRunner().invoke(app, ["export", store, "--format", "graphml",
                                      "--out", str(tmp_path / "g.graphml")])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "networkx" in message and "[graph] extra" in message and "--format gexf" in message
    assert not (tmp_path / "g.graphml").exists()
    for fmt in ("gexf", "stix", "json", "csv"):
        out = tmp_path / f"out.{fmt}"
        result = CliRunner().invoke(app, ["export", store, "--format", fmt, "--out", str(out)])
        assert result.exit_code == 0, (fmt, result.output)
        assert out.exists()
