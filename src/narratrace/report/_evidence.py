"""Evidence index, provenance graphs and chart data shared by the report and the web explorer.

Both views read the same records — the web from a store, the report from an ``analysis.json``
dict (through :class:`AnalysisSource`, which answers the store's read methods) — so both build
one :class:`EvidenceIndex` and draw the same graphs from it. Only the links differ: the web
links to its own paths, the report to anchors in the page; a :class:`Links` says which.
Nothing here escapes: templates autoescape, graphs travel as escaped JSON.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Protocol

from ..analysis import Rows


def fallback_title(text: str, path: str, *, limit: int = 90) -> str:
    r"""A readable title for a document without one: its first line of text, cut at a word
    near ``limit`` characters; failing that the file's name (never a whole path).

    >>> fallback_title("  \nDockers return to work after a week.\nMore text.", "/home/ana/x.txt")
    'Dockers return to work after a week.'
    >>> fallback_title("", "/home/ana/news/port-strike.txt")
    'port-strike.txt'
    >>> fallback_title("word " * 40, "a.txt")
    'word word word word word word word word word word word word word word word word word word…'
    """
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return line or path.replace("\\", "/").rsplit("/", 1)[-1].split("#", 1)[0]


#: Largest graph sent to the browser; beyond it the best-connected nodes are kept. At 1,200
#: nodes the canvas layout in graph.js settles in about two seconds on a laptop.
MAX_GRAPH_NODES = 1200


class EvidenceSource(Protocol):
    """The read side of a store (``narratrace.store.Store`` satisfies it)."""

    def documents(self) -> Iterator[Any]: ...
    def rejected(self) -> list[Any]: ...
    def annotations(self, kind: str, *, doc: str | None = None) -> Iterable[dict[str, Any]]: ...
    def corpus(self, kind: str) -> Iterable[dict[str, Any]]: ...


@dataclass(frozen=True)
class Links:
    """Where a graph node leads: each returns a link target, or None for no link."""

    doc: Callable[[str], str | None]
    outlet: Callable[[str], str | None]
    entity: Callable[[str], str | None]


@dataclass
class EvidenceIndex:
    """Corpus-level records by key, built once by :func:`build_index`."""

    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    doc_order: list[str] = field(default_factory=list)
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    entity_order: list[str] = field(default_factory=list)
    entity_by_name: dict[str, str] = field(default_factory=dict)
    mentions_by_doc: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    mention_docs: dict[str, Counter[str]] = field(default_factory=dict)
    said: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    framing: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
    family_order: list[str] = field(default_factory=list)
    families_by_doc: dict[str, list[str]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    reuse_by_doc: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    narratives_by_doc: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    n_rejected: int = 0


def as_str(value: Any) -> str:
    """``value`` as text for a row field: ``""`` for None, ``str()`` of anything else.

    >>> as_str(None), as_str("a"), as_str(3)
    ('', 'a', '3')
    """
    return "" if value is None else value if isinstance(value, str) else str(value)


def name_key(name: Any) -> str:
    """The key a name is looked up by: whitespace collapsed, case folded.

    >>> name_key("  Ana   PETROVA ")
    'ana petrova'
    """
    return " ".join(as_str(name).split()).casefold()


class Graph:
    """Nodes and edges for the browser's force layout; hrefs come from a Links."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, key: str, label: str, kind: str, href: str | None, date: str = "") -> None:
        if key not in self.nodes:
            self.nodes[key] = {"id": key, "label": label or key, "kind": kind,
                               "href": href or None, "date": date or ""}

    def edge(self, a: str, b: str, kind: str, *, directed: bool = True) -> None:
        """An edge from ``a`` to ``b``; ``directed=False`` when neither end is known to come
        first (graph.js then draws no arrowhead)."""
        if a != b:
            self.edges.setdefault((a, b, kind), {"source": a, "target": b, "kind": kind,
                                                 "directed": directed})

    def data(self, *, max_nodes: int = MAX_GRAPH_NODES) -> dict[str, Any]:
        degree: Counter[str] = Counter()
        for a, b, _ in self.edges:
            degree[a] += 1
            degree[b] += 1
        nodes = list(self.nodes.values())
        total = len(nodes)
        if total > max_nodes:
            nodes = sorted(nodes, key=lambda n: -degree[n["id"]])[:max_nodes]
        keep = {n["id"] for n in nodes}
        # Sorted: the same store gives the same graph JSON in every process (no set order).
        edges = [e for (a, b, _), e in sorted(self.edges.items()) if a in keep and b in keep]
        for n in nodes:
            n["degree"] = degree[n["id"]]
        return {"nodes": nodes, "edges": edges, "total_nodes": total,
                "truncated": total > len(nodes)}


def quote_path(href: str) -> str:
    """Percent-encode a site path built from data (ids, outlet names)."""
    from urllib.parse import quote

    path, _, query = href.partition("?")
    out = quote(path, safe="/")
    if query:
        name, _, value = query.partition("=")
        out += "?" + quote(name, safe="") + "=" + quote(value, safe="")
    return out




def doc_ref(idx: EvidenceIndex, doc_id: str) -> dict[str, Any]:
    d = idx.docs.get(doc_id)
    if d is None:
        return {"id": doc_id, "title": doc_id, "outlet": "", "published": "", "known": False}
    return {"id": doc_id, "title": d["title"], "outlet": d["outlet"],
            "published": d["published"], "known": True}


def entity_ref(idx: EvidenceIndex, name_or_id: str) -> dict[str, Any]:
    eid = name_or_id if name_or_id in idx.entities else idx.entity_by_name.get(name_key(name_or_id))
    if eid is None:
        return {"id": None, "name": name_or_id, "type": ""}
    e = idx.entities[eid]
    return {"id": eid, "name": e["name"], "type": e["type"]}


#: The month column of documents without a publication date (:func:`narratives_over_time`).
UNDATED = "undated"


def narratives_over_time(idx: EvidenceIndex, outlets: list[str], *,
                         undated: bool = False) -> dict[str, Any]:
    """Documents per month, per outlet, by their top narrative label (see ``_charts``); with
    ``undated``, documents without a date are counted in a last column, ``"undated"``, instead
    of being left out."""
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    months: set[str] = set()
    totals: Counter[str] = Counter()
    for doc_id in idx.doc_order:
        d = idx.docs[doc_id]
        outlet = d["outlet"] or "(unknown)"
        month = d["published"][:7]
        if len(month) != 7:
            month = UNDATED
        if outlet not in outlets or (month == UNDATED and not undated):
            continue
        labels = idx.narratives_by_doc.get(doc_id)
        top = max(labels, key=lambda n: n["score"] or 0.0)["narrative"] if labels else "(none)"
        cells[(outlet, month)][top] += 1
        totals[top] += 1
        months.add(month)
    return {"months": sorted(months, key=lambda m: (m == UNDATED, m)), "outlets": outlets,
            "narratives": [n for n, _ in totals.most_common()],
            "cells": [{"outlet": o, "month": m, "counts": dict(c)}
                      for (o, m), c in sorted(cells.items())]}


def top_outlets(idx: EvidenceIndex, n: int) -> list[str]:
    """The ``n`` outlets with most documents (ties by name), "(unknown)" for none."""
    counts = Counter(idx.docs[d]["outlet"] or "(unknown)" for d in idx.doc_order)
    return [o for o, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


#: Date columns labelled on the corpus graph's time axis (the others are still placed).
AXIS_LABELS = 12


def corpus_graph(idx: EvidenceIndex, links: Links, *,
                 max_nodes: int = MAX_GRAPH_NODES) -> dict[str, Any]:
    """The corpus provenance graph as a directed flow in time: speakers (``origin`` when they
    are the origin of a claim family) and outlets point at the documents that carry their word
    or that they publish; a source document points at its copies. Every node has a time
    position ``t`` (0 the first publication date, 1 the last, by date rank; an undated document
    after the last; a speaker or an outlet just before its first document), which graph.js
    uses as the x axis. Cut to the ``max_nodes`` best-connected nodes."""
    g = Graph()
    origins = {name_key(o) for f in idx.families.values() for o in f["origins"]}
    for doc_id in idx.doc_order:
        d = idx.docs[doc_id]
        g.node(f"d:{doc_id}", d["title"], "document", links.doc(doc_id), d["published"])
        if d["outlet"]:
            g.node(f"u:{d['outlet']}", d["outlet"], "outlet", links.outlet(d["outlet"]))
            g.edge(f"u:{d['outlet']}", f"d:{doc_id}", "publishes")
        for r in idx.reuse_by_doc.get(doc_id, ()):
            if doc_id < r["other"]:
                if r["kind"] == "same_story":
                    g.edge(f"d:{doc_id}", f"d:{r['other']}", r["kind"], directed=False)
                elif r["direction"] == "b->a" and r["role"] == "a":
                    g.edge(f"d:{r['other']}", f"d:{doc_id}", r["kind"])
                elif r["direction"] == "a->b" and r["role"] == "b":
                    g.edge(f"d:{r['other']}", f"d:{doc_id}", r["kind"])
                else:  # same_story (no copy), or a copy whose direction is unknown
                    g.edge(f"d:{doc_id}", f"d:{r['other']}", r["kind"], directed=False)
    for eid, rows in idx.said.items():
        e = idx.entities[eid]
        is_origin = name_key(e["name"]) in origins or any(
            name_key(a) in origins for a in idx.entities[eid]["aliases"])
        g.node(f"e:{eid}", e["name"], "origin" if is_origin else "speaker", links.entity(eid))
        for doc_id in sorted({a["doc"] for a in rows}):
            g.edge(f"e:{eid}", f"d:{doc_id}", "quotes")
    data = g.data(max_nodes=max_nodes)
    data["axis"] = _time_positions(data)
    return data


def _time_positions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Set ``t`` on every node of ``data`` (see :func:`corpus_graph`); return the axis ticks."""
    dates = sorted({n["date"] for n in data["nodes"] if n["kind"] == "document" and n["date"]})
    rank = {d: (i / (len(dates) - 1) if len(dates) > 1 else 0.5) for i, d in enumerate(dates)}
    t_of: dict[str, float] = {}
    for n in data["nodes"]:
        if n["kind"] == "document":
            t_of[n["id"]] = rank.get(n["date"], 1.12)
    earliest: dict[str, float] = {}
    for e in data["edges"]:
        for a, b in ((e["source"], e["target"]), (e["target"], e["source"])):
            if a not in t_of and b in t_of:
                earliest[a] = min(earliest.get(a, 2.0), t_of[b])
    for n in data["nodes"]:
        n["t"] = t_of.get(n["id"], max(-0.12, earliest.get(n["id"], 0.0) - 0.06))
    step = max(1, -(-len(dates) // AXIS_LABELS))
    ticks = [{"t": rank[d], "label": d} for d in dates[::step]]
    if any(n["kind"] == "document" and not n["date"] for n in data["nodes"]):
        ticks.append({"t": 1.12, "label": "undated"})
    return ticks


def family_graph(idx: EvidenceIndex, fid: str, links: Links) -> dict[str, Any]:
    """One claim family: its documents and their outlets, its origins, who each document
    quotes for the claim, and reuse between its documents (the citation chain)."""
    f = idx.families[fid]
    g = Graph()
    docs = set(f["docs"])
    origin_keys = {name_key(o): name_key(o) for o in f["origins"]}
    for o in f["origins"]:
        ref = entity_ref(idx, o)
        g.node(f"o:{name_key(o)}", o, "origin", links.entity(ref["id"]) if ref["id"] else None)
        if ref["id"]:  # "Ana Petrová" quoting the origin "Ana Petrova" is the same person
            origin_keys.setdefault(ref["id"], name_key(o))
    for d in f["docs"]:
        ref = doc_ref(idx, d)
        g.node(f"d:{d}", ref["title"], "document", links.doc(d), ref["published"])
        if ref["outlet"]:
            g.node(f"u:{ref['outlet']}", ref["outlet"], "outlet", links.outlet(ref["outlet"]))
            g.edge(f"u:{ref['outlet']}", f"d:{d}", "publishes")
    for cid in f["claims"]:
        c = idx.claims.get(cid)
        if c is None:
            continue
        by = c["attributed_to"]
        who = name_key(by)
        origin = origin_keys.get(who) or origin_keys.get(entity_ref(idx, by)["id"] or "")
        if origin is not None:
            g.edge(f"o:{origin}", f"d:{c['doc']}", "quotes")
        elif by:
            ref = entity_ref(idx, by)
            g.node(f"s:{who}", by, "speaker", links.entity(ref["id"]) if ref["id"] else None)
            g.edge(f"s:{who}", f"d:{c['doc']}", "quotes")
    for d in sorted(docs):
        for r in idx.reuse_by_doc.get(d, ()):
            if r["other"] in docs and d < r["other"]:
                source_first = (r["direction"] == "a->b") == (r["role"] == "a")
                if r["direction"] in ("a->b", "b->a") and r["kind"] != "same_story":
                    a, b = (d, r["other"]) if source_first else (r["other"], d)
                    g.edge(f"d:{a}", f"d:{b}", r["kind"])
                else:
                    g.edge(f"d:{d}", f"d:{r['other']}", r["kind"], directed=False)
    return g.data()


_LIST_FIELDS = ("mentions", "aliases", "hedges", "fine_roles", "claims", "docs", "origins",
                "origin_types", "contradicts", "places", "actors")


def _clean_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A hand-edited file may hold anything: give list fields lists and scores numbers."""
    out = dict(row)
    for key in _LIST_FIELDS:
        value = out.get(key)
        if value is not None and not isinstance(value, (list, tuple)):
            out[key] = [value] if isinstance(value, str) else []
    score = out.get("score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
        out["score"] = None
    if not isinstance(out.get("speaker"), (Mapping, type(None))):
        out["speaker"] = {"text": as_str(out["speaker"])}
    return out


class AnalysisSource:
    """An ``analysis.json`` dict read through the store's read methods, for :func:`build_index`.

    Junk is skipped, as everywhere in the report: non-dict items never reach the index. Rows
    are cleaned one at a time as they are read (the lists may be a store's rows,
    :class:`~narratrace.analysis.Rows`, never held whole).
    """

    def __init__(self, analysis: Mapping[str, Any]) -> None:
        self._a = analysis if isinstance(analysis, Mapping) else {}

    def _rows(self, key: str) -> Iterator[dict[str, Any]]:
        value = self._a.get(key)
        if not isinstance(value, (list, tuple, Rows)):
            return iter(())
        return (_clean_row(v) for v in value if isinstance(v, Mapping))

    def documents(self) -> Iterator[Any]:
        seen: set[str] = set()
        for i, d in enumerate(self._rows("documents")):
            doc_id = as_str(d.get("id")) or f"#{i}"
            if doc_id in seen:
                continue
            seen.add(doc_id)
            yield SimpleNamespace(id=doc_id, title=as_str(d.get("title")), path=as_str(d.get("path")),
                                  text=as_str(d.get("text")),
                                  outlet=as_str(d.get("outlet")), published=as_str(d.get("published")),
                                  language=as_str(d.get("language")),
                                  analysed=d.get("analysed") is not False)

    def rejected(self) -> list[Any]:
        return list(self._rows("errors"))

    def annotations(self, kind: str, *, doc: str | None = None) -> Iterator[dict[str, Any]]:
        rows = self._rows(kind)
        return rows if doc is None else (r for r in rows if as_str(r.get("doc")) == doc)

    def corpus(self, kind: str) -> Iterator[dict[str, Any]]:
        return self._rows(kind)


# --------------------------------------------------------------------------- index


def build_index(store: EvidenceSource) -> EvidenceIndex:
    """Index ``store`` (a Store, or an :class:`AnalysisSource`) for the graph and page builders."""
    idx = EvidenceIndex()
    for doc in store.documents():
        idx.docs[doc.id] = {"title": doc.title or fallback_title(getattr(doc, "text", "") or "",
                                                                 doc.path) or doc.id, "outlet": doc.outlet or "",
                            "published": doc.published or "", "language": doc.language or "",
                            "analysed": doc.analysed, "path": doc.path}
        idx.doc_order.append(doc.id)  # the store yields them by date

    entities = store.corpus("entities")
    for e in entities:
        eid = as_str(e.get("id"))
        if not eid:
            continue
        mentions = [m for m in e.get("mentions") or () if isinstance(m, Mapping)]
        idx.entities[eid] = {"name": as_str(e.get("name")), "type": as_str(e.get("type")) or "other",
                             "aliases": [as_str(a) for a in e.get("aliases") or ()],
                             "wikidata": e.get("wikidata"), "n_mentions": len(mentions)}
        counter: Counter[str] = Counter()
        for m in mentions:
            doc, start, end = as_str(m.get("doc")), m.get("start"), m.get("end")
            if isinstance(start, int) and isinstance(end, int):
                idx.mentions_by_doc.setdefault(doc, []).append((start, end, eid))
                counter[doc] += 1
        idx.mention_docs[eid] = counter
        for name in (e.get("name"), *(e.get("aliases") or ())):
            idx.entity_by_name.setdefault(name_key(name), eid)
    idx.entity_order = sorted(idx.entities, key=lambda i: (-idx.entities[i]["n_mentions"],
                                                           idx.entities[i]["name"].casefold()))

    n_attributions = 0
    for a in store.annotations("attributions"):
        n_attributions += 1
        speaker = a.get("speaker")
        sp: Mapping[str, Any] = speaker if isinstance(speaker, Mapping) else {}
        eid = as_str(sp.get("entity")) or idx.entity_by_name.get(name_key(sp.get("text")), "")
        if eid in idx.entities:
            idx.said.setdefault(eid, []).append(
                {"id": a.get("id"), "doc": as_str(a.get("doc")), "content": as_str(a.get("content")),
                 "cue": as_str(a.get("cue")), "kind": as_str(a.get("kind")),
                 "stance": as_str(a.get("stance")) or "asserts", "hedges": list(a.get("hedges") or ()),
                 "medium": a.get("medium"), "speaker_text": as_str(sp.get("text"))})

    from ..narratives import finding_thresholds

    findings = finding_thresholds()  # below its threshold a label or role is no finding
    n_framing = 0
    for f in store.annotations("framing"):
        n_framing += 1
        framed = idx.entity_by_name.get(name_key(f.get("entity")))
        if framed:
            idx.framing.setdefault(framed, []).append(
                {"doc": as_str(f.get("doc")), "start": f.get("start"), "end": f.get("end"),
                 "mention": as_str(f.get("entity")), "main_role": as_str(f.get("main_role")),
                 "fine_roles": list(f.get("fine_roles") or ()), "score": f.get("score"),
                 "note": findings.role_note(as_str(f.get("main_role")), f.get("score"))})

    n_claims = 0
    for c in store.annotations("claims"):
        n_claims += 1
        idx.claims[as_str(c.get("id"))] = {
            "doc": as_str(c.get("doc")), "text": as_str(c.get("text")),
            "attributed_to": as_str(c.get("attributed_to")), "stance": as_str(c.get("stance")) or "asserts",
            "hedges": [as_str(h) for h in _list(c.get("hedges"))]}

    for f in store.corpus("claim_families"):
        fid = as_str(f.get("id"))
        if not fid:
            continue
        idx.families[fid] = {
            "label": as_str(f.get("label")) or fid, "claims": [as_str(c) for c in f.get("claims") or ()],
            "docs": [as_str(d) for d in f.get("docs") or ()],
            "origins": [as_str(o) for o in f.get("origins") or ()],
            "origin_types": [as_str(t) for t in f.get("origin_types") or ()],
            "independent_origins": f.get("independent_origins") or 0,
            "first_seen": f.get("first_seen"), "circular": bool(f.get("circular")),
            "contradicts": [as_str(c) for c in f.get("contradicts") or ()],
            # The provenance contract (schema 1.2); an older store or file has none of it.
            "origin_ids": [None if o is None else as_str(o) for o in _list(f.get("origin_ids"))],
            "chain": [as_str(c) for c in _list(f.get("chain"))],
            "circular_loop": [as_str(c) for c in _list(f.get("circular_loop"))],
            "background": bool(f.get("background")),
            "denials": [_denial(d) for d in _list(f.get("denials")) if isinstance(d, Mapping)],
            "hardening": [_hardening(h) for h in _list(f.get("hardening"))
                          if isinstance(h, Mapping)],
            "hedge_drop": bool(f.get("hedge_drop"))}
        for d in idx.families[fid]["docs"]:
            idx.families_by_doc.setdefault(d, []).append(fid)
    idx.family_order = sorted(idx.families, key=lambda i: (-len(idx.families[i]["docs"]),
                                                           -len(idx.families[i]["claims"]), i))

    n_reuse = 0
    for r in store.corpus("reuse"):
        n_reuse += 1
        doc_a, doc_b = as_str(r.get("a")), as_str(r.get("b"))
        common = {"kind": as_str(r.get("kind")), "score": r.get("score"),
                  "direction": as_str(r.get("direction")),
                  "credit": as_str(r.get("credit")) or None,
                  "direction_by": as_str(r.get("direction_by"))}
        idx.reuse_by_doc.setdefault(doc_a, []).append(dict(common, other=doc_b, role="a"))
        idx.reuse_by_doc.setdefault(doc_b, []).append(dict(common, other=doc_a, role="b"))

    idx.events = sorted(
        ({"id": as_str(e.get("id")), "date": as_str(e.get("date")), "date_text": as_str(e.get("date_text")),
          "summary": as_str(e.get("summary")), "docs": [as_str(d) for d in e.get("docs") or ()],
          "places": [as_str(p) for p in e.get("places") or ()],
          "actors": [as_str(p) for p in e.get("actors") or ()],
          "kind": as_str(e.get("kind")) or "happening",
          "origins": [as_str(p) for p in _list(e.get("origins"))]}
         for e in store.corpus("events")), key=lambda e: e["date"])

    n_narratives = 0
    for n in store.annotations("narratives"):
        n_narratives += 1
        idx.narratives_by_doc.setdefault(as_str(n.get("doc")), []).append(
            {"narrative": as_str(n.get("narrative")), "subnarrative": n.get("subnarrative"),
             "score": n.get("score"),
             "note": findings.narrative_note(as_str(n.get("narrative")), n.get("score"),
                                             _list(n.get("evidence")))})

    idx.counts = {"documents": len(idx.docs),
                  "analysed": sum(1 for d in idx.docs.values() if d["analysed"]),
                  "outlets": len({d["outlet"] for d in idx.docs.values() if d["outlet"]}),
                  "rejected inputs": len(store.rejected()), "entities": len(idx.entities),
                  "attributions": n_attributions, "claims": n_claims,
                  "claim families": len(idx.families), "reuse pairs": n_reuse,
                  "events": len(idx.events), "narrative labels": n_narratives,
                  "framed mentions": n_framing}
    return idx


def _list(value: Any) -> list[Any]:
    """A list field of a store row or a hand-edited file: anything else is no list."""
    return list(value) if isinstance(value, (list, tuple)) else []


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _denial(d: Mapping[str, Any]) -> dict[str, Any]:
    return {"actor": as_str(d.get("actor")), "doc": as_str(d.get("doc")),
            "start": _int_or_none(d.get("start")), "end": _int_or_none(d.get("end")),
            "claim": as_str(d.get("claim")) or None, "actor_id": as_str(d.get("actor_id")) or None}


def _hardening(h: Mapping[str, Any]) -> dict[str, Any]:
    return {"source_doc": as_str(h.get("source_doc")), "derived_doc": as_str(h.get("derived_doc")),
            "dropped": [as_str(x) for x in _list(h.get("dropped"))],
            "source_claim": as_str(h.get("source_claim")),
            "derived_claim": as_str(h.get("derived_claim"))}


def script_json(data: Any) -> str:
    """JSON for a ``<script type="application/json">`` block: ``<``, ``>``, ``&`` and ``'``
    (and the JS line separators) become \\u escapes, so no data can close the block."""
    import json

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    return text
