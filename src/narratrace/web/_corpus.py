"""What the web pages show, read from a store: one plain JSON-able dict per page.

Corpus-level results (entities, claim families, events, reuse, narratives, framing) are
indexed once when the app starts, so a page over a 10,000-document store never scans the
store; a document page reads that document and its annotations by key. The index is a
snapshot: restart ``narratrace serve`` after a new ``analyze`` run to see it.

The same dicts are returned by ``/api/…`` and rendered by the HTML templates, so the API
mirrors every page. Nothing here escapes: templates autoescape and document text is
highlighted by ``narratrace.report.highlight`` (which escapes).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from typing import Any

from ..report import (MAX_GRAPH_NODES, EvidenceIndex, Graph, Links, as_str, build_index,
                      corpus_graph, doc_ref, entity_ref, family_card, family_graph, key_findings,
                      narratives_over_time, quote_path, rests_on)
from ..errors import ReadOnlyStoreError
from ..narratives import finding_thresholds
from ..store import Store, open_store

#: Page sizes: lists are paginated so no page renders more than this many rows.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
#: Rows shown on an entity page per section (the API says how many there are in all).
ENTITY_ROWS = 200
#: Documents whose text is read to show mention excerpts on an entity page.
EXCERPT_DOCS = 30
#: Outlets drawn in the overview's narratives-over-time chart.
CHART_OUTLETS = 10
CONTEXT_CHARS = 80


class NotFound(LookupError):
    """A page names a document, family or entity the store does not hold."""


class Corpus:
    """A read-only view of the store at ``url`` for the web layer (thread-safe).

    SQLite connections belong to the thread that opened them, so each server thread opens
    its own; the first is opened here, in the caller's thread, which also runs migrations.
    A thread's store is closed when the thread ends: the server's worker threads end after
    10 s idle (anyio) and new ones start with the next burst, and each burst of 16
    concurrent clients used to leave ~14 connections (28 open files) behind for good
    (measured with bench/bench_serve.py).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        # Weak: each thread's local slot owns its store, this set only finds them at close().
        self._stores: weakref.WeakSet[_ThreadStore] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._read_only = False
        try:
            first = self.store()
        except ReadOnlyStoreError:  # a store it may not write: browse it as it is
            self._read_only = True
            first = self.store()
        self._index = build_index(first)
        self._cached: dict[str, dict[str, Any]] = {}

    def store(self) -> Store:
        """This thread's store (opened on first use)."""
        held = getattr(self._local, "held", None)
        if held is None:
            held = _ThreadStore(open_store(self.url, read_only=self._read_only))
            self._local.held = held
            with self._lock:
                self._stores.add(held)
        return held.store

    def close(self) -> None:
        with self._lock:
            held = list(self._stores)
            self._stores.clear()
        for h in held:
            h.close()

    # ------------------------------------------------------------------ references
    def doc_ref(self, doc_id: str) -> dict[str, Any]:
        return doc_ref(self._index, doc_id)

    def entity_ref(self, name_or_id: str) -> dict[str, Any]:
        return entity_ref(self._index, name_or_id)

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
            **self._findings(),
        }

    def _findings(self) -> dict[str, Any]:
        """The key findings: the families an analyst must see first (``report._cards``)."""
        cards = [family_card(self._index, fid, _LINKS) for fid in self._index.families]
        found, total = key_findings(cards)
        return {"key_findings": [{k: c[k] for k in (
            "id", "label", "summary", "n_docs", "independent_origins", "origins", "circular",
            "background", "hardened", "denied_by", "first_seen", "priority")} for c in found],
            "n_key_findings": total}

    def _narratives_over_time(self, outlets: list[str]) -> dict[str, Any]:
        return narratives_over_time(self._index, outlets)

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
        findings = finding_thresholds()
        for f in framing:
            f["entity_ref"] = self.entity_ref(as_str(f.get("entity")))
            f["note"] = findings.role_note(as_str(f.get("main_role")), f.get("score"))
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
            "rests_on": rests_on(idx, doc_id, _LINKS),
        }

    def _family_row(self, fid: str) -> dict[str, Any]:
        f = self._index.families[fid]
        return {"id": fid, "label": f["label"], "documents": len(f["docs"]),
                "claims": len(f["claims"]), "independent_origins": f["independent_origins"],
                "first_seen": f["first_seen"], "circular": f["circular"],
                "hardened": bool(f["hedge_drop"] or f["hardening"]),
                "denied": bool(f["denials"]), "background": f["background"]}

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
                "graph": family_graph(idx, fid, _LINKS),
                "card": family_card(idx, fid, _LINKS, text_of=self._text)}

    def _text(self, doc_id: str) -> str:
        """A document's clean text (for the excerpts of a card's denials)."""
        doc = self.store().document(doc_id)
        return doc.text if doc is not None else ""

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
        return corpus_graph(self._index, _LINKS, max_nodes=max_nodes)

    def search(self, query: str, *, limit: int = PAGE_SIZE) -> dict[str, Any]:
        store = self.store()
        search = getattr(store, "search", None)
        if search is None:
            raise NotImplementedError("This store backend has no full-text search yet.")
        hits = search(query, limit=limit)
        docs = [dict(h, doc=self.doc_ref(h["doc"])) for h in hits if h["kind"] == "document"]
        atts = [dict(h, doc=self.doc_ref(h["doc"]), speaker_ref=self.entity_ref(as_str(h.get("speaker"))))
                for h in hits if h["kind"] == "attribution"]
        return {"query": query, "documents": docs, "attributions": atts}


class _ThreadStore:
    """One thread's store, kept in that thread's local slot. Python drops the slot in the
    ending thread itself, so ``__del__`` closes the connection there (SQLite refuses a
    close from another thread). Without it a dropped ``sqlite3.Connection`` waits for a
    full garbage collection to close, which ``gc.freeze()`` in the app makes rare."""

    __slots__ = ("store", "__weakref__")

    def __init__(self, store: Store) -> None:
        self.store = store

    def close(self) -> None:
        try:
            self.store.close()
        except Exception:  # another thread's connection at shutdown: it closes with its thread
            pass

    def __del__(self) -> None:
        self.close()


#: Graph nodes link to the explorer's own pages (percent-encoded: ids and names are data).
_LINKS = Links(doc=lambda d: quote_path(f"/documents/{d}"),
               outlet=lambda o: quote_path(f"/documents?outlet={o}"),
               entity=lambda e: quote_path(f"/entities/{e}"))

# Names this module had before the index and graphs moved to report._evidence.
_Index = EvidenceIndex
_Graph = Graph
_quote_path = quote_path
_build_index = build_index
__all__ = ["Corpus", "NotFound", "MAX_GRAPH_NODES", "PAGE_SIZE", "MAX_PAGE_SIZE"]
