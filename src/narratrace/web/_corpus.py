"""What the web pages show, read from a store: one plain JSON-able dict per page.

Corpus-level results (entities, claim families, events, reuse, narratives, framing) are
indexed once when the app starts, so a page over a 10,000-document store never scans the
store; a document page reads that document and its annotations by key. The index is a
snapshot: restart ``narratrace serve`` after a new ``analyze`` run to see it.

The same dicts are returned by ``/api/…`` and rendered by the HTML templates, so the API
mirrors every page. Nothing here escapes: templates autoescape and document text is
highlighted by ``report._highlight`` (which escapes).
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..store import Store, open_store

#: Page sizes: lists are paginated so no page renders more than this many rows.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: Rows shown on an entity page per section (the API says how many there are in all).
ENTITY_ROWS = 200
#: Documents whose text is read to show mention excerpts on an entity page.
EXCERPT_DOCS = 30
#: Largest graph sent to the browser; beyond it the best-connected nodes are kept.
MAX_GRAPH_NODES = 1200
#: Outlets drawn in the overview's narratives-over-time chart.
CHART_OUTLETS = 10
CONTEXT_CHARS = 80


class NotFound(LookupError):
    """A page names a document, family or entity the store does not hold."""


@dataclass
class _Index:
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


def _s(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _key(name: Any) -> str:
    return " ".join(_s(name).split()).casefold()


class Corpus:
    """A read-only view of the store at ``url`` for the web layer (thread-safe).

    SQLite connections belong to the thread that opened them, so each server thread opens
    its own; the first is opened here, in the caller's thread, which also runs migrations.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self._index = _build_index(self.store())
        self._cached: dict[str, dict[str, Any]] = {}

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.url)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                try:
                    store.close()
                except Exception:  # a connection of another thread: best effort at shutdown
                    pass
            self._stores.clear()

    # ------------------------------------------------------------------ references
    def doc_ref(self, doc_id: str) -> dict[str, Any]:
        d = self._index.docs.get(doc_id)
        if d is None:
            return {"id": doc_id, "title": doc_id, "outlet": "", "published": "", "known": False}
        return {"id": doc_id, "title": d["title"], "outlet": d["outlet"],
                "published": d["published"], "known": True}

    def entity_ref(self, name_or_id: str) -> dict[str, Any]:
        idx = self._index
        eid = name_or_id if name_or_id in idx.entities else idx.entity_by_name.get(_key(name_or_id))
        if eid is None:
            return {"id": None, "name": name_or_id, "type": ""}
        e = idx.entities[eid]
        return {"id": eid, "name": e["name"], "type": e["type"]}

    # ------------------------------------------------------------------ pages
    def _once(self, key: str, build: Any) -> dict[str, Any]:
        """Corpus-wide pages depend only on the snapshot: build them once."""
        if key not in self._cached:
            with self._lock:
                if key not in self._cached:
                    self._cached[key] = build()
        return self._cached[key]

    def overview(self) -> dict[str, Any]:
        return self._once("overview", self._overview)

    def _overview(self) -> dict[str, Any]:
        idx = self._index
        outlets: dict[str, dict[str, Any]] = {}
        for doc_id in idx.doc_order:
            d = idx.docs[doc_id]
            o = outlets.setdefault(d["outlet"] or "(unknown)",
                                   {"outlet": d["outlet"] or "(unknown)", "documents": 0,
                                    "first": None, "last": None})
            o["documents"] += 1
            if d["published"]:
                o["first"] = min(filter(None, (o["first"], d["published"])))
                o["last"] = max(filter(None, (o["last"], d["published"])))
        outlet_rows = sorted(outlets.values(), key=lambda o: (-o["documents"], o["outlet"]))
        return {
            "counts": idx.counts,
            "outlets": outlet_rows,
            "narratives_over_time": self._narratives_over_time(
                [o["outlet"] for o in outlet_rows[:CHART_OUTLETS]]),
            "latest_documents": [dict(idx.docs[i], id=i) for i in reversed(idx.doc_order[-10:])],
            "top_entities": [self._entity_row(eid) for eid in idx.entity_order[:15]],
            "top_families": [self._family_row(fid) for fid in idx.family_order[:10]],
        }

    def _narratives_over_time(self, outlets: list[str]) -> dict[str, Any]:
        """Documents per month, per outlet, by their top narrative label."""
        idx = self._index
        cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        months: set[str] = set()
        totals: Counter[str] = Counter()
        for doc_id in idx.doc_order:
            d = idx.docs[doc_id]
            outlet = d["outlet"] or "(unknown)"
            month = d["published"][:7]
            if outlet not in outlets or len(month) != 7:
                continue
            labels = idx.narratives_by_doc.get(doc_id)
            top = max(labels, key=lambda n: n["score"] or 0.0)["narrative"] if labels else "(none)"
            cells[(outlet, month)][top] += 1
            totals[top] += 1
            months.add(month)
        return {"months": sorted(months), "outlets": outlets,
                "narratives": [n for n, _ in totals.most_common()],
                "cells": [{"outlet": o, "month": m, "counts": dict(c)}
                          for (o, m), c in sorted(cells.items())]}

    def documents(self, *, offset: int = 0, limit: int = PAGE_SIZE,
                  outlet: str | None = None) -> dict[str, Any]:
        idx = self._index
        ids = idx.doc_order if not outlet else [
            i for i in idx.doc_order if (idx.docs[i]["outlet"] or "(unknown)") == outlet]
        page = ids[offset:offset + limit]
        return {"total": len(ids), "offset": offset, "limit": limit, "outlet": outlet,
                "items": [dict(idx.docs[i], id=i) for i in page]}

    def document(self, doc_id: str) -> dict[str, Any]:
        store = self.store()
        doc = store.document(doc_id)
        if doc is None:
            raise NotFound(f"No document {doc_id!r} in the store.")
        idx = self._index
        mentions = [{"start": s, "end": e, "entity": self.entity_ref(eid)}
                    for s, e, eid in idx.mentions_by_doc.get(doc_id, ())]
        family_rows = [self._family_row(fid) for fid in idx.families_by_doc.get(doc_id, ())]
        reuse = [dict(r, other=self.doc_ref(r["other"])) for r in idx.reuse_by_doc.get(doc_id, ())]
        framing = store.annotations("framing", doc=doc_id)
        for f in framing:
            f["entity_ref"] = self.entity_ref(_s(f.get("entity")))
        return {
            "id": doc.id, "path": doc.path, "title": doc.title, "outlet": doc.outlet,
            "syndicator": doc.syndicator, "url": doc.url, "published": doc.published,
            "language": doc.language, "analysed": doc.analysed, "format": doc.format,
            "text": doc.text, "source_text": doc.source_text,
            "removed": [{"kind": r.kind, "start": r.start, "end": r.end} for r in doc.removed],
            "mentions": mentions,
            "attributions": store.annotations("attributions", doc=doc_id),
            "dates": store.annotations("dates", doc=doc_id),
            "claims": store.annotations("claims", doc=doc_id),
            "narratives": idx.narratives_by_doc.get(doc_id, []),
            "framing": framing,
            "families": family_rows,
            "reuse": reuse,
        }

    def _family_row(self, fid: str) -> dict[str, Any]:
        f = self._index.families[fid]
        return {"id": fid, "label": f["label"], "documents": len(f["docs"]),
                "claims": len(f["claims"]), "independent_origins": f["independent_origins"],
                "first_seen": f["first_seen"], "circular": f["circular"]}

    def families(self, *, offset: int = 0, limit: int = PAGE_SIZE) -> dict[str, Any]:
        order = self._index.family_order
        return {"total": len(order), "offset": offset, "limit": limit,
                "items": [self._family_row(fid) for fid in order[offset:offset + limit]]}

    def family(self, fid: str) -> dict[str, Any]:
        idx = self._index
        f = idx.families.get(fid)
        if f is None:
            raise NotFound(f"No claim family {fid!r} in the store.")
        members = []
        for cid in f["claims"]:
            c = idx.claims.get(cid)
            if c is not None:
                members.append({"id": cid, "text": c["text"], "doc": self.doc_ref(c["doc"]),
                                "attributed_to": c["attributed_to"], "stance": c["stance"],
                                "hedges": c["hedges"]})
        members.sort(key=lambda m: (m["doc"]["published"] or "9999", m["doc"]["title"]))
        types = list(f["origin_types"]) + [""] * len(f["origins"])
        origins = [{"name": o, "type": t, "entity": self.entity_ref(o)}
                   for o, t in zip(f["origins"], types)]
        return {"id": fid, "label": f["label"], "first_seen": f["first_seen"],
                "independent_origins": f["independent_origins"], "circular": f["circular"],
                "origins": origins, "documents": [self.doc_ref(d) for d in f["docs"]],
                "members": members,
                "contradicts": [self._family_row(c) for c in f["contradicts"]
                                if c in idx.families],
                "graph": self._family_graph(f, members)}

    def _family_graph(self, f: Mapping[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
        g = _Graph()
        docs = set(f["docs"])
        origin_keys = {_key(o): _key(o) for o in f["origins"]}
        for o in f["origins"]:
            ref = self.entity_ref(o)
            g.node(f"o:{_key(o)}", o, "origin", f"/entities/{ref['id']}" if ref["id"] else None)
            if ref["id"]:  # "Ana Petrová" quoting the origin "Ana Petrova" is the same person
                origin_keys.setdefault(ref["id"], _key(o))
        for d in f["docs"]:
            ref = self.doc_ref(d)
            g.node(f"d:{d}", ref["title"], "document", f"/documents/{d}", ref["published"])
            if ref["outlet"]:
                g.node(f"u:{ref['outlet']}", ref["outlet"], "outlet",
                       f"/documents?outlet={ref['outlet']}")
                g.edge(f"u:{ref['outlet']}", f"d:{d}", "publishes")
        for m in members:
            who = _key(m["attributed_to"])
            origin = origin_keys.get(who) or origin_keys.get(
                self.entity_ref(m["attributed_to"])["id"] or "")
            if origin is not None:
                g.edge(f"d:{m['doc']['id']}", f"o:{origin}", "quotes")
            elif m["attributed_to"]:
                ref = self.entity_ref(m["attributed_to"])
                g.node(f"s:{who}", m["attributed_to"], "speaker",
                       f"/entities/{ref['id']}" if ref["id"] else None)
                g.edge(f"d:{m['doc']['id']}", f"s:{who}", "quotes")
        for d in docs:
            for r in self._index.reuse_by_doc.get(d, ()):
                if r["other"] in docs and d < r["other"]:
                    g.edge(f"d:{d}", f"d:{r['other']}", r["kind"])
        return g.data()

    def entities(self, *, offset: int = 0, limit: int = PAGE_SIZE,
                 type: str | None = None) -> dict[str, Any]:
        idx = self._index
        order = [e for e in idx.entity_order if not type or idx.entities[e]["type"] == type]
        return {"total": len(order), "offset": offset, "limit": limit, "type": type,
                "items": [self._entity_row(e) for e in order[offset:offset + limit]]}

    def _entity_row(self, eid: str) -> dict[str, Any]:
        e = self._index.entities[eid]
        return {"id": eid, "name": e["name"], "type": e["type"], "mentions": e["n_mentions"],
                "documents": len(self._index.mention_docs.get(eid, ())),
                "attributions": len(self._index.said.get(eid, ()))}

    def entity(self, eid: str) -> dict[str, Any]:
        idx = self._index
        e = idx.entities.get(eid)
        if e is None:
            raise NotFound(f"No entity {eid!r} in the store.")
        by_doc = idx.mention_docs.get(eid, Counter())
        store = self.store()
        mentions = []
        for i, (doc_id, n) in enumerate(by_doc.most_common(ENTITY_ROWS)):
            excerpt = ""
            if i < EXCERPT_DOCS:
                first = next((s for s, _, ent in idx.mentions_by_doc.get(doc_id, ())
                              if ent == eid), None)
                doc = store.document(doc_id) if first is not None else None
                if doc is not None and first is not None:
                    lo, hi = max(0, first - CONTEXT_CHARS), first + CONTEXT_CHARS
                    excerpt = ("…" if lo else "") + doc.text[lo:hi] + ("…" if hi < len(doc.text) else "")
            mentions.append({"doc": self.doc_ref(doc_id), "count": n, "excerpt": excerpt})
        said = idx.said.get(eid, [])
        framing = idx.framing.get(eid, [])
        roles = Counter(f["main_role"] for f in framing)
        return {"id": eid, "name": e["name"], "type": e["type"], "aliases": e["aliases"],
                "wikidata": e["wikidata"], "n_mentions": e["n_mentions"],
                "n_documents": len(by_doc), "mentions": mentions,
                "said_total": len(said),
                "said": [dict(a, doc=self.doc_ref(a["doc"])) for a in said[:ENTITY_ROWS]],
                "roles": dict(roles.most_common()),
                "framing_total": len(framing),
                "framing": [dict(f, doc=self.doc_ref(f["doc"])) for f in framing[:ENTITY_ROWS]]}

    def timeline(self, *, offset: int = 0, limit: int = MAX_PAGE_SIZE) -> dict[str, Any]:
        idx = self._index
        per_month = Counter(idx.docs[d]["published"][:7] for d in idx.doc_order
                            if len(idx.docs[d]["published"]) >= 7)
        items = []
        for e in idx.events[offset:offset + limit]:
            items.append(dict(e, docs=[self.doc_ref(d) for d in e["docs"]]))
        return {"total": len(idx.events), "offset": offset, "limit": limit, "events": items,
                "documents_per_month": [{"month": m, "documents": n}
                                        for m, n in sorted(per_month.items())]}

    def graph(self) -> dict[str, Any]:
        return self._once("graph", self._graph)

    def _graph(self, *, max_nodes: int = MAX_GRAPH_NODES) -> dict[str, Any]:
        """The corpus provenance graph: outlets publish documents, documents quote speakers,
        documents reuse documents. Cut to the ``max_nodes`` best-connected nodes."""
        idx = self._index
        g = _Graph()
        for doc_id in idx.doc_order:
            d = idx.docs[doc_id]
            g.node(f"d:{doc_id}", d["title"], "document", f"/documents/{doc_id}", d["published"])
            if d["outlet"]:
                g.node(f"u:{d['outlet']}", d["outlet"], "outlet", f"/documents?outlet={d['outlet']}")
                g.edge(f"u:{d['outlet']}", f"d:{doc_id}", "publishes")
            for r in idx.reuse_by_doc.get(doc_id, ()):
                if doc_id < r["other"]:
                    g.edge(f"d:{doc_id}", f"d:{r['other']}", r["kind"])
        for eid, rows in idx.said.items():
            e = idx.entities[eid]
            g.node(f"e:{eid}", e["name"], "speaker", f"/entities/{eid}")
            for doc_id in {a["doc"] for a in rows}:
                g.edge(f"d:{doc_id}", f"e:{eid}", "quotes")
        return g.data(max_nodes=max_nodes)

    def search(self, query: str, *, limit: int = PAGE_SIZE) -> dict[str, Any]:
        store = self.store()
        search = getattr(store, "search", None)
        if search is None:
            raise NotImplementedError("This store backend has no full-text search yet.")
        hits = search(query, limit=limit)
        docs = [dict(h, doc=self.doc_ref(h["doc"])) for h in hits if h["kind"] == "document"]
        atts = [dict(h, doc=self.doc_ref(h["doc"]), speaker_ref=self.entity_ref(_s(h.get("speaker"))))
                for h in hits if h["kind"] == "attribution"]
        return {"query": query, "documents": docs, "attributions": atts}


class _Graph:
    """Nodes and edges for the browser's force layout; hrefs are our own paths only."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, key: str, label: str, kind: str, href: str | None, date: str = "") -> None:
        if key not in self.nodes:
            self.nodes[key] = {"id": key, "label": label or key, "kind": kind,
                               "href": _quote_path(href) if href else None, "date": date or ""}

    def edge(self, a: str, b: str, kind: str) -> None:
        if a != b:
            self.edges.setdefault((a, b, kind), {"source": a, "target": b, "kind": kind})

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
        edges = [e for (a, b, _), e in self.edges.items() if a in keep and b in keep]
        for n in nodes:
            n["degree"] = degree[n["id"]]
        return {"nodes": nodes, "edges": edges, "total_nodes": total,
                "truncated": total > len(nodes)}


def _quote_path(href: str) -> str:
    """Percent-encode a site path built from data (ids, outlet names)."""
    from urllib.parse import quote

    path, _, query = href.partition("?")
    out = quote(path, safe="/")
    if query:
        name, _, value = query.partition("=")
        out += "?" + quote(name, safe="") + "=" + quote(value, safe="")
    return out


# --------------------------------------------------------------------------- index


def _build_index(store: Store) -> _Index:
    idx = _Index()
    for doc in store.documents():
        idx.docs[doc.id] = {"title": doc.title or doc.path or doc.id, "outlet": doc.outlet or "",
                            "published": doc.published or "", "language": doc.language or "",
                            "analysed": doc.analysed, "path": doc.path}
        idx.doc_order.append(doc.id)  # the store yields them by date

    entities = store.corpus("entities")
    for e in entities:
        eid = _s(e.get("id"))
        if not eid:
            continue
        mentions = [m for m in e.get("mentions") or () if isinstance(m, Mapping)]
        idx.entities[eid] = {"name": _s(e.get("name")), "type": _s(e.get("type")) or "other",
                             "aliases": [_s(a) for a in e.get("aliases") or ()],
                             "wikidata": e.get("wikidata"), "n_mentions": len(mentions)}
        counter: Counter[str] = Counter()
        for m in mentions:
            doc, start, end = _s(m.get("doc")), m.get("start"), m.get("end")
            if isinstance(start, int) and isinstance(end, int):
                idx.mentions_by_doc.setdefault(doc, []).append((start, end, eid))
                counter[doc] += 1
        idx.mention_docs[eid] = counter
        for name in (e.get("name"), *(e.get("aliases") or ())):
            idx.entity_by_name.setdefault(_key(name), eid)
    idx.entity_order = sorted(idx.entities, key=lambda i: (-idx.entities[i]["n_mentions"],
                                                           idx.entities[i]["name"].casefold()))

    n_attributions = 0
    for a in store.annotations("attributions"):
        n_attributions += 1
        sp = a.get("speaker") if isinstance(a.get("speaker"), Mapping) else {}
        eid = _s(sp.get("entity")) or idx.entity_by_name.get(_key(sp.get("text")), "")
        if eid in idx.entities:
            idx.said.setdefault(eid, []).append(
                {"id": a.get("id"), "doc": _s(a.get("doc")), "content": _s(a.get("content")),
                 "cue": _s(a.get("cue")), "kind": _s(a.get("kind")),
                 "stance": _s(a.get("stance")) or "asserts", "hedges": list(a.get("hedges") or ()),
                 "medium": a.get("medium"), "speaker_text": _s(sp.get("text"))})

    n_framing = 0
    for f in store.annotations("framing"):
        n_framing += 1
        eid = idx.entity_by_name.get(_key(f.get("entity")))
        if eid:
            idx.framing.setdefault(eid, []).append(
                {"doc": _s(f.get("doc")), "start": f.get("start"), "end": f.get("end"),
                 "mention": _s(f.get("entity")), "main_role": _s(f.get("main_role")),
                 "fine_roles": list(f.get("fine_roles") or ()), "score": f.get("score")})

    n_claims = 0
    for c in store.annotations("claims"):
        n_claims += 1
        idx.claims[_s(c.get("id"))] = {
            "doc": _s(c.get("doc")), "text": _s(c.get("text")),
            "attributed_to": _s(c.get("attributed_to")), "stance": _s(c.get("stance")) or "asserts",
            "hedges": list(c.get("hedges") or ())}

    for f in store.corpus("claim_families"):
        fid = _s(f.get("id"))
        if not fid:
            continue
        idx.families[fid] = {
            "label": _s(f.get("label")) or fid, "claims": [_s(c) for c in f.get("claims") or ()],
            "docs": [_s(d) for d in f.get("docs") or ()],
            "origins": [_s(o) for o in f.get("origins") or ()],
            "origin_types": [_s(t) for t in f.get("origin_types") or ()],
            "independent_origins": f.get("independent_origins") or 0,
            "first_seen": f.get("first_seen"), "circular": bool(f.get("circular")),
            "contradicts": [_s(c) for c in f.get("contradicts") or ()]}
        for d in idx.families[fid]["docs"]:
            idx.families_by_doc.setdefault(d, []).append(fid)
    idx.family_order = sorted(idx.families, key=lambda i: (-len(idx.families[i]["docs"]),
                                                           -len(idx.families[i]["claims"]), i))

    reuse = store.corpus("reuse")
    for r in reuse:
        a, b = _s(r.get("a")), _s(r.get("b"))
        common = {"kind": _s(r.get("kind")), "score": r.get("score"),
                  "direction": _s(r.get("direction"))}
        idx.reuse_by_doc.setdefault(a, []).append(dict(common, other=b, role="a"))
        idx.reuse_by_doc.setdefault(b, []).append(dict(common, other=a, role="b"))

    idx.events = sorted(
        ({"id": _s(e.get("id")), "date": _s(e.get("date")), "date_text": _s(e.get("date_text")),
          "summary": _s(e.get("summary")), "docs": [_s(d) for d in e.get("docs") or ()],
          "places": [_s(p) for p in e.get("places") or ()],
          "actors": [_s(p) for p in e.get("actors") or ()]}
         for e in store.corpus("events")), key=lambda e: e["date"])

    n_narratives = 0
    for n in store.annotations("narratives"):
        n_narratives += 1
        idx.narratives_by_doc.setdefault(_s(n.get("doc")), []).append(
            {"narrative": _s(n.get("narrative")), "subnarrative": n.get("subnarrative"),
             "score": n.get("score")})

    idx.counts = {"documents": len(idx.docs),
                  "analysed": sum(1 for d in idx.docs.values() if d["analysed"]),
                  "outlets": len({d["outlet"] for d in idx.docs.values() if d["outlet"]}),
                  "rejected inputs": len(store.rejected()), "entities": len(idx.entities),
                  "attributions": n_attributions, "claims": n_claims,
                  "claim families": len(idx.families), "reuse pairs": len(reuse),
                  "events": len(idx.events), "narrative labels": n_narratives,
                  "framed mentions": n_framing}
    return idx
