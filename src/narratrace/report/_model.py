"""Turn an ``analysis.json`` dict into the plain view model the template renders.

The input is untrusted twice over: article text is hostile, and the dict may come from an
older or hand-edited file. Every key may be missing, every list may hold junk, every offset may
be out of range; nothing here raises on such input, it skips what it cannot use. Nothing here
escapes either: the template autoescapes, and highlighted text is built by ``_highlight``.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..analysis import Rows
from ._cards import family_card, key_findings, rests_on
from ._charts import narratives_chart
from ._evidence import (AnalysisSource, EvidenceIndex, Links, build_index, corpus_graph,
                        entity_ref, fallback_title,
                        narratives_over_time, script_json, top_outlets)
from ._flow import FLOW_LEGEND, flow_svg
from ._highlight import Span, highlight

#: Outlets drawn in the overview's narratives-over-time chart (as in the web explorer).
CHART_OUTLETS = 10

#: Distinct speaker colours before they repeat (report.css defines .sp0 … .sp11).
N_SPEAKER_COLOURS = 12
#: Longest excerpt shown in tables; the full text is in the document view.
EXCERPT_CHARS = 300
#: Documents whose first mention of an entity is shown on its row (the web shows 30).
MENTION_EXCERPTS = 10
#: Claim families drawn as full evidence cards (most urgent first, see ``_cards.priority``),
#: then families listed as one table row each; the rest are counted and left to
#: ``analysis.json`` and the web explorer, so a corpus with thousands of families still gives a
#: page a browser opens quickly.
MAX_CARDS = 200
MAX_FAMILY_ROWS = 2000
#: Member claims listed on a card.
MAX_MEMBERS = 50
#: Documents whose full, highlighted text is in the page (about 5-20 kB of HTML each): those
#: carrying the families shown as cards first, then in the analysis's order. The others are
#: rows of the documents table; analysis.json and the web explorer hold every one. Rows of the
#: attributions, framing, citation and date tables, entity rows and statements per entity are
#: capped likewise (framing: findings first).
#: Measured: 2,000 documents of the scale fixture rendered to 55.7 MB before these caps.
MAX_FULL_DOCS = 300
MAX_TABLE_ROWS = 2000
#: Narrative cards (one per labelled document) in the page when the tab opens; the rest are
#: inert ``<template>`` pages of this many, added by a "Show more" button. At 1,000 documents
#: (952 cards, 2,394 labels) laying out every card was about half of the tab's opening time
#: (bench/bench_report.py --tab narratives).
NARRATIVE_PAGE = 100
MAX_SAID = 50

#: Entity types that have their own colour class (``t-person`` …); others draw as ``t-other``.
ENTITY_TYPES = {"person", "organisation", "outlet", "place", "group", "government", "other"}
_EVENT_KINDS = ("happening", "statement", "publication")
_REMOVED_KINDS = {"disclaimer", "promo", "related", "comments", "caption", "credit", "subscribe",
                  "title_repeat", "heading", "navigation", "share", "byline", "repeated", "other"}


# --------------------------------------------------------------------------- coercion


def _items(analysis: Mapping[str, Any], key: str) -> Iterator[Mapping[str, Any]]:
    """The items of the list ``key`` that are mappings, one at a time: a list, or the rows a
    store gives (:class:`~narratrace.analysis.Rows`, read as they are iterated)."""
    value = analysis.get(key)
    if not isinstance(value, (list, tuple, Rows)):
        return iter(())
    return (v for v in value if isinstance(v, Mapping))


def _count(analysis: Mapping[str, Any], key: str) -> int:
    """How many items :func:`_items` gives for ``key`` (a store's rows are all mappings)."""
    value = analysis.get(key)
    return len(value) if isinstance(value, Rows) else sum(1 for _ in _items(analysis, key))


def _str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return int(value)
    except (OverflowError, ValueError):  # inf, nan
        return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _strs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        return []
    return [_str(v) for v in value if v is not None]


def _safe_url(value: Any) -> str | None:
    """The URL if it is plain http(s) — never javascript:, data: or anything else."""
    url = _str(value).strip()
    if not url or any(ord(c) < 33 for c in url):
        return None
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _excerpt(text: str, start: int | None, end: int | None) -> str:
    if start is None or end is None:
        return ""
    start, end = max(0, start), min(len(text), end)
    if start >= end:
        return ""
    piece = text[start:end]
    return piece if len(piece) <= EXCERPT_CHARS else piece[:EXCERPT_CHARS] + "…"


# --------------------------------------------------------------------------- view records


@dataclass
class DocRef:
    """A link to a document in the page; renders itself (escaped) when put in the template."""

    anchor: str | None  # "d3", or None when the id is not a known document
    label: str

    def __html__(self) -> str:
        # Built here rather than in a template macro: thousands of rows at 300 documents.
        if self.anchor:
            return f'<a href="#{escape(self.anchor)}">{escape(self.label)}</a>'
        return f'<span class="muted">{escape(self.label)}</span>'


@dataclass
class DocView:
    id: str
    anchor: str
    title: str
    path: str
    outlet: str
    syndicator: str
    published: str
    language: str
    analysed: bool
    url: str | None
    body: Markup = Markup("")
    full: bool = True  # its full text is in the page (see MAX_FULL_DOCS)
    source: Markup | None = None
    removed_counts: list[tuple[str, int]] = field(default_factory=list)
    legend: list[AttributionRow] = field(default_factory=list)
    n_mentions: int = 0
    n_attributions: int = 0
    n_dates: int = 0
    #: Its top narrative label that is a finding ('' for none), for the documents table.
    narrative: str = ""
    #: What its claims rest on: origins (name, type, link) and the documents it copies.
    rests_on: dict[str, Any] = field(
        default_factory=lambda: {"origins": [], "copies": [], "families": 0})


class AttributionRow(TypedDict):
    """One attribution: a row of the attributions table, a document's legend, an entity's
    "said" list (the same dict in all three)."""

    doc: DocRef
    speaker: str  # the canonical actor (or the speaker as written when unresolved)
    resolved_as: str  # 'as “he”, pronoun'; '' for a plain name
    css: str
    cue: str
    kind: str
    medium: str
    stance: str
    hedges: list[str]
    content: str


class EntityRow(TypedDict):
    """One row of the entities table."""

    id: str
    anchor: str
    name: str
    type: str
    aliases: list[str]
    n_mentions: int
    n_docs: int
    said: list[AttributionRow]
    said_total: int
    roles: Counter[str]
    mentions: list[dict[str, Any]]


class DateRow(TypedDict):
    """One row of the dates table."""

    doc: DocRef
    text: str
    value: str
    kind: str


class _Docs:
    """Documents by id, with anchors that never contain data (``d0``, ``d1`` …)."""

    def __init__(self, items: Iterable[Mapping[str, Any]], full: set[str] | None = None) -> None:
        """``full``: the ids whose full text is in the page (None: all); only those are linked."""
        self.views: list[DocView] = []
        self.text: dict[str, str] = {}
        self.by_id: dict[str, DocView] = {}
        for i, d in enumerate(items):
            doc_id = _str(d.get("id")) or f"#{i}"
            path = _str(d.get("path"))
            view = DocView(
                id=doc_id, anchor=f"d{i}",
                title=_str(d.get("title")) or fallback_title(_str(d.get("text")), path) or doc_id,
                path=path, outlet=_str(d.get("outlet")), syndicator=_str(d.get("syndicator")),
                published=_str(d.get("published")), language=_str(d.get("language")),
                analysed=d.get("analysed") is not False, url=_safe_url(d.get("url")),
                full=full is None or doc_id in full)
            self.views.append(view)
            self.by_id.setdefault(doc_id, view)
            self.text.setdefault(doc_id, _str(d.get("text")))

    def ref(self, doc_id: Any) -> DocRef:
        view = self.by_id.get(_str(doc_id))
        if view is None:
            return DocRef(None, _str(doc_id))
        return DocRef(view.anchor if view.full else None, view.title)


class Speakers:
    """One colour class per speaker, in order of first appearance."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = names
        self._index: dict[str, int] = {}

    def key_and_name(self, speaker: Any) -> tuple[str, str]:
        """``(colour key, name)``: the canonical actor when the speaker was resolved to one,
        else the speaker as written."""
        sp = speaker if isinstance(speaker, Mapping) else {"text": speaker}
        entity = _str(sp.get("entity"))
        raw = sp.get("actor")
        actor: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        text = _str(sp.get("text")).strip()
        name = self._names.get(entity) or _str(actor.get("name")) or text or "(unknown speaker)"
        return (entity or name.lower() or "?"), name

    def css(self, key: str) -> str:
        idx = self._index.setdefault(key, len(self._index))
        return f"sp{idx % N_SPEAKER_COLOURS}"


def resolved_as(speaker: Any) -> str:
    """How a speaker was resolved, for a reader: 'as “he”, pronoun'; '' for a plain name.

    >>> resolved_as({"text": "he", "actor": {"name": "Ivo Marek", "how": "pronoun"}})
    'as “he”, pronoun'
    >>> resolved_as({"text": "Ivo Marek", "actor": {"name": "Ivo Marek", "how": "name"}})
    ''
    """
    sp: Mapping[str, Any] = speaker if isinstance(speaker, Mapping) else {}
    raw = sp.get("actor")
    actor: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    how, text = _str(actor.get("how")), _str(sp.get("text")).strip()
    if not actor:  # (an older analysis has no "actor" at all: say nothing)
        return "unresolved" if text and "actor" in sp and sp["actor"] is None else ""
    if how in ("", "name") and text == _str(actor.get("name")):
        return ""
    return f"as “{text}”, {how}" if text else how


# --------------------------------------------------------------------------- build


def build_view(analysis: Mapping[str, Any]) -> dict[str, Any]:
    """The template context for ``analysis`` (see module docstring for what is tolerated)."""
    if not isinstance(analysis, Mapping):
        analysis = {}
    # The index and the cards come first: they choose which documents get their full text.
    idx = build_index(AnalysisSource(analysis))
    # What the page never reads of the index (the web explorer's entity pages do), let go of
    # before the page is built: mentions, framing and events by entity, and what each speaker
    # said (the graph reads the document only).
    idx.mentions_by_doc, idx.mention_docs, idx.framing, idx.events = {}, {}, {}, []
    idx.said = {eid: [{"doc": a["doc"]} for a in rows] for eid, rows in idx.said.items()}
    anchor_of = {doc_id: f"d{i}" for i, doc_id in reversed(list(enumerate(
        _str(d.get("id")) or f"#{i}" for i, d in enumerate(_items(analysis, "documents")))))}
    card_links = Links(doc=lambda d: "#" + anchor_of[d] if d in anchor_of else None,
                       outlet=lambda o: None, entity=lambda e: None)
    # Every family is ranked, but only a summary of each is kept (a row, a key finding); the
    # cards shown are made again in full. Holding every full card (8,600 families at 1,000
    # SemEval-shaped documents) took the view from 110 to 144 MiB.
    cards = [_summary_card(family_card(idx, fid, card_links)) for fid in idx.families]
    cards.sort(key=lambda c: (-c["priority"], -c["n_docs"], c["label"].casefold(), c["id"]))
    full = _full_text_docs([family_card(idx, c["id"], card_links) for c in cards[:MAX_CARDS]],
                           list(anchor_of))
    docs = _Docs(_items(analysis, "documents"), full)
    entity_names: dict[str, str] = {}  # filled by the entities' loop below
    speakers = Speakers(entity_names)

    # Highlights and counts only for the documents whose text is in the page.
    in_page = {view.id for view in docs.views if view.full}
    spans: dict[str, list[Span]] = defaultdict(list)
    counts: dict[str, Counter[str]] = defaultdict(Counter)

    entity_rows: list[EntityRow] = []
    # The mentions an entity's row shows, by id() of the row (not every mention: read one
    # entity at a time, the entities are not held)
    raw_mentions: dict[int, list[Mapping[str, Any]]] = {}
    entity_anchor: dict[str, str] = {}
    for i, e in enumerate(_items(analysis, "entities")):
        if e.get("id"):
            entity_names[_str(e.get("id"))] = _str(e.get("name"))
        entity_anchor.setdefault(_str(e.get("id")), f"e{i}")
        name, etype = _str(e.get("name")), _str(e.get("type")) or "other"
        css_type = etype if etype in ENTITY_TYPES else "other"
        mentions = [m for m in (e.get("mentions") or []) if isinstance(m, Mapping)]
        for m in mentions:
            start, end, doc = _int(m.get("start")), _int(m.get("end")), _str(m.get("doc"))
            if start is None or end is None or doc not in in_page:
                continue
            spans[doc].append(Span(start, end, f"ent t-{css_type}", f"Entity: {name} ({etype})"))
            counts[doc]["mentions"] += 1
        entity_rows.append({
            "id": _str(e.get("id")), "anchor": f"e{i}", "name": name, "type": etype,
            "aliases": _strs(e.get("aliases")), "n_mentions": len(mentions),
            "n_docs": len({_str(m.get("doc")) for m in mentions}), "said": [], "said_total": 0,
            "roles": Counter[str](), "mentions": []})
        raw_mentions[id(entity_rows[-1])] = _first_mentions(mentions)
    said_by_entity = {row["id"]: row for row in entity_rows if row["id"]}

    # Only the rows the page shows are kept (the table's first rows, the legends of the
    # documents in the page, each entity's first statements); the others are counted.
    attribution_rows: list[AttributionRow] = []
    n_attributions = 0
    legends: dict[str, list[AttributionRow]] = defaultdict(list)
    for a in _items(analysis, "attributions"):
        doc = _str(a.get("doc"))
        key, speaker = speakers.key_and_name(a.get("speaker"))
        css = speakers.css(key)
        stance = _str(a.get("stance")) or "asserts"
        hedges = _strs(a.get("hedges"))
        medium, cue, kind = _str(a.get("medium")), _str(a.get("cue")), _str(a.get("kind"))
        text = docs.text.get(doc, "")
        start, end = _int(a.get("start")), _int(a.get("end"))
        content = _str(a.get("content")) or _excerpt(text, start, end)
        how = resolved_as(a.get("speaker"))
        tip = " · ".join(p for p in (
            f"Speaker: {speaker}" + (f" ({how})" if how else ""),
            f"cue: {cue}" if cue else "", f"kind: {kind}" if kind else "",
            f"medium: {medium}" if medium else "", f"stance: {stance}",
            f"hedges: {', '.join(hedges)}" if hedges else "") if p)
        deny = " deny" if stance == "denies" else ""
        if start is not None and end is not None and doc in in_page:
            spans[doc].append(Span(start, end, f"att {css}{deny}", tip))
            counts[doc]["attributions"] += 1
        raw_speaker = a.get("speaker")
        sp: Mapping[str, Any] = raw_speaker if isinstance(raw_speaker, Mapping) else {}
        s_start, s_end = _int(sp.get("start")), _int(sp.get("end"))
        if s_start is not None and s_end is not None and doc in in_page:
            spans[doc].append(Span(s_start, s_end, f"spk {css}", f"Speaker: {speaker}"))
        c_start, c_end = _int(a.get("cue_start")), _int(a.get("cue_end"))
        if c_start is not None and c_end is not None and doc in in_page:
            spans[doc].append(Span(c_start, c_end, "cue", f"Cue: {cue}"))
        row: AttributionRow = {
            "doc": docs.ref(doc), "speaker": speaker, "resolved_as": how, "css": css, "cue": cue,
            "kind": kind,
            "medium": medium, "stance": stance, "hedges": hedges,
            "content": content if len(content) <= EXCERPT_CHARS
            else content[:EXCERPT_CHARS] + "…"}
        if n_attributions < MAX_TABLE_ROWS:
            attribution_rows.append(row)
        n_attributions += 1
        if doc in in_page:
            legends[doc].append(row)
        said_by = said_by_entity.get(_str(sp.get("entity")))
        if said_by is not None:
            if said_by["said_total"] < MAX_SAID:
                said_by["said"].append(row)
            said_by["said_total"] += 1

    n_dates = 0

    def all_dates() -> Iterator[DateRow]:
        nonlocal n_dates
        for d in _items(analysis, "dates"):
            doc, value, kind = _str(d.get("doc")), _str(d.get("value")), _str(d.get("kind"))
            start, end = _int(d.get("start")), _int(d.get("end"))
            if start is not None and end is not None and doc in in_page:
                spans[doc].append(Span(start, end, "dt", f"Date: {value} ({kind or 'absolute'})"))
                counts[doc]["dates"] += 1
            n_dates += 1
            yield {"doc": docs.ref(doc), "text": _str(d.get("text")), "value": value,
                   "kind": kind}

    # The first rows by value, ties in stored order (as sorted(...)[:MAX_TABLE_ROWS])
    date_rows = heapq.nsmallest(MAX_TABLE_ROWS, all_dates(), key=lambda r: r["value"])

    for view, raw in zip(docs.views, _items(analysis, "documents")):
        if not view.full:
            continue
        text = _str(raw.get("text"))
        view.body = highlight(text, spans.get(view.id, ()) if docs.by_id[view.id] is view else ())
        c = counts.get(view.id, Counter())
        view.n_mentions, view.n_attributions, view.n_dates = (
            c["mentions"], c["attributions"], c["dates"])
        view.legend = legends.get(view.id, []) if docs.by_id[view.id] is view else []
        view.source, view.removed_counts = source_view(raw)

    entity_rows.sort(key=lambda r: (-r["n_mentions"], r["name"].lower()))
    for shown in entity_rows[:MAX_TABLE_ROWS]:  # excerpts only for the rows in the page
        shown["mentions"] = _mention_excerpts(raw_mentions[id(shown)], docs)
    del raw_mentions
    framing_rows = _framing(analysis, docs, entity_names)
    by_name = {r["name"].casefold(): r for r in reversed(entity_rows)}
    for f in framing_rows:
        entity_row = by_name.get(f["entity"].casefold())
        if entity_row is not None and f["role"]:
            entity_row["roles"][f["role"]] += 1

    # The graphs and the chart: the same builders as the web explorer, linking into the page.
    links = Links(doc=lambda d: "#" + docs.by_id[d].anchor
                  if d in docs.by_id and docs.by_id[d].full else None,
                  outlet=lambda o: None,
                  entity=lambda e: "#" + entity_anchor[e] if e in entity_anchor else None)
    graph = corpus_graph(idx, links)
    for view in docs.views:
        if docs.by_id[view.id] is view:
            view.rests_on = _rests_on(idx, links, docs, view.id)
    families = _families(analysis, docs, idx, links, cards)
    narratives = _narratives(analysis, docs)
    reuse = _reuse(analysis, docs)
    citations = _citations(analysis, docs, MAX_TABLE_ROWS)
    events = _events(analysis, docs)
    for n in narratives:
        labelled = docs.by_id.get(n["doc_id"])
        top = [label["narrative"] for label in n["labels"] if label["finding"]]
        if labelled is not None and top:
            labelled.narrative = top[0]

    return {
        "schema_version": _str(analysis.get("schema_version")),
        "generated_at": _str(analysis.get("generated_at")),
        "counts": _counts(analysis, docs),
        "outlets": Counter(v.outlet or "(unknown)" for v in docs.views).most_common(),
        "docs": docs.views,
        "errors": [{"path": _str(e.get("path")), "stage": _str(e.get("stage")),
                    "reason": _str(e.get("reason"))} for e in _items(analysis, "errors")],
        "entities": entity_rows[:MAX_TABLE_ROWS], "n_entities": len(entity_rows),
        "attributions": attribution_rows, "n_attributions": n_attributions,
        "n_full_docs": sum(v.full for v in docs.views),
        "reuse": reuse,
        "families": families, "flow_legend": FLOW_LEGEND,
        "graph": graph, "graph_json": Markup(script_json(graph)),
        "chart": narratives_chart(narratives_over_time(idx, top_outlets(idx, CHART_OUTLETS),
                                                          undated=True)),
        "citations": citations, "n_citations": _count(analysis, "citations"),
        "narratives": narratives, "narrative_page": NARRATIVE_PAGE,
        "framing": framing_rows[:MAX_TABLE_ROWS], "n_framing": len(framing_rows),
        "quality": model_quality(),
        "events": events,
        "dates": date_rows, "n_dates": n_dates,
    }


def model_quality() -> dict[str, Any] | None:
    """The shipped narrative model's cross-validated quality, from its metadata (the numbers of
    its model card), for the caveat every narrative and framing view carries; None when the
    metadata cannot be read."""
    import json

    from ..narratives import default_model_path

    path = default_model_path()
    try:
        meta = json.loads((path / "narratives.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    metrics = meta.get("metrics") if isinstance(meta, dict) else None
    narratives = (metrics or {}).get("narratives") or {}
    framing = (metrics or {}).get("framing") or {}
    return {"f1_coarse": _float(narratives.get("f1_coarse")),
            "f1_fine": _float(narratives.get("f1_fine")),
            "articles": _int(narratives.get("articles")),
            "main_role_accuracy": _float(framing.get("main_role_accuracy")),
            "majority": _float(framing.get("majority_main_role_accuracy")),
            "exact_match": _float(framing.get("exact_match_ratio")),
            "mentions": _int(framing.get("mentions")),
            "target_precision": _float(((metrics or {}).get("findings") or {})
                                       .get("narratives", {}).get("target_precision")),
            # named, not linked: the report links only inside itself and to the articles
            "card": "narratrace/narratives/MODEL_CARD.md"}


def source_view(raw: Mapping[str, Any]) -> tuple[Markup | None, list[tuple[str, int]]]:
    """A document's ``source_text`` with removed boilerplate marked (None when there is no
    source text), and how many removed spans of each kind there are."""
    source = _str(raw.get("source_text"))
    raw_removed = raw.get("removed")
    removed = raw_removed if isinstance(raw_removed, (list, tuple)) else []
    spans, kinds = [], Counter[str]()
    for r in removed:
        if not isinstance(r, Mapping):
            continue
        start, end, kind = _int(r.get("start")), _int(r.get("end")), _str(r.get("kind")) or "other"
        if start is None or end is None:
            continue
        css = kind if kind in _REMOVED_KINDS else "other"
        spans.append(Span(start, end, f"rm k-{css}", f"Removed: {kind}", label=kind))
        kinds[kind] += 1
    if not source:
        return None, sorted(kinds.items())
    return highlight(source, spans), sorted(kinds.items())


def _counts(analysis: Mapping[str, Any], docs: _Docs) -> list[tuple[str, int]]:
    n_docs = len(docs.views)
    n_analysed = sum(v.analysed for v in docs.views)
    pairs = [("documents", n_docs), ("analysed", n_analysed),
             ("not analysed", n_docs - n_analysed),
             ("undated documents", sum(not v.published for v in docs.views))]
    for key, label in (("errors", "rejected inputs"), ("entities", "entities"),
                       ("attributions", "attributions"), ("dates", "dates"),
                       ("claims", "claims"), ("claim_families", "claim families"),
                       ("reuse", "reuse pairs"), ("citations", "citations"),
                       ("events", "events"), ("narratives", "narrative labels"),
                       ("framing", "framed entities")):
        pairs.append((label, _count(analysis, key)))
    return pairs


def _reuse(analysis: Mapping[str, Any], docs: _Docs) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in _items(analysis, "reuse"):
        a, b = _str(r.get("a")), _str(r.get("b"))
        passages = [p for p in (r.get("passages") or []) if isinstance(p, (list, tuple))]
        excerpt = ""
        if passages and len(passages[0]) >= 2:
            excerpt = _excerpt(docs.text.get(a, ""), _int(passages[0][0]), _int(passages[0][1]))
        rows.append({"a": docs.ref(a), "b": docs.ref(b), "kind": _str(r.get("kind")),
                     "score": _float(r.get("score")), "direction": _str(r.get("direction")),
                     "n_passages": len(passages), "excerpt": excerpt})
    rows.sort(key=lambda r: -(r["score"] or 0.0))
    return rows


#: What a family row and a key finding read from a card (``_cards.family_card``).
_SUMMARY_KEYS = ("id", "label", "n_docs", "n_claims", "independent_origins", "origins",
                 "circular", "background", "hardened", "denied", "denied_by", "first_seen",
                 "priority", "summary")


def _summary_card(card: dict[str, Any]) -> dict[str, Any]:
    return {k: card[k] for k in _SUMMARY_KEYS}


def _full_text_docs(cards: list[dict[str, Any]], order: list[str]) -> set[str]:
    """The documents whose full text the page holds (:data:`MAX_FULL_DOCS`): the carriers and
    denial documents of the cards shown, most urgent card first, then in the given order."""
    chosen: dict[str, None] = {}
    for card in cards:
        for doc in [c["doc"]["id"] for c in card["carriers"]] + [d["doc"]["id"]
                                                                 for d in card["denials"]]:
            chosen.setdefault(doc, None)
    for doc in order:
        chosen.setdefault(doc, None)
    return set(list(chosen)[:MAX_FULL_DOCS])


def _families(analysis: Mapping[str, Any], docs: _Docs, idx: EvidenceIndex,
              links: Links, cards: list[dict[str, Any]]) -> dict[str, Any]:
    """Evidence cards (the most urgent :data:`MAX_CARDS` families, with their flow), a compact
    row for each of the next :data:`MAX_FAMILY_ROWS`, the key findings, and the counts of what
    was left out. Anchors (``f0`` …) number the families as ``analysis.json`` lists them."""
    # Only the member claims of the cards shown (the last of a repeated id, as a dict of all).
    members_of = {cid for c in cards[:MAX_CARDS] for cid in idx.families[c["id"]]["claims"]}
    claims: dict[str, Mapping[str, Any]] = {}
    for row in _items(analysis, "claims"):
        if _str(row.get("id")) in members_of:
            claims[_str(row.get("id"))] = row
    anchors: dict[str, str] = {}
    for i, f in enumerate(_items(analysis, "claim_families")):
        fid = _str(f.get("id"))
        if fid in idx.families:
            anchors.setdefault(fid, f"f{i}")
    shown: set[str] = set()
    # Re-made with the page's links (a document without its full text in the page has none).
    cards = [family_card(idx, c["id"], links, text_of=lambda d: docs.text.get(d, ""))
             for c in cards[:MAX_CARDS]] + cards[MAX_CARDS:]
    for card in cards[:MAX_CARDS]:
        shown.add(card["id"])
    findings, n_findings = key_findings(cards)
    labels = {fid: f["label"] for fid, f in idx.families.items()}

    def ref(fid: str) -> DocRef:
        return DocRef(anchors.get(fid) if fid in shown else None, labels.get(fid) or fid)

    views = []
    for card in cards[:MAX_CARDS]:
        fid = card["id"]
        members = []
        for cid in idx.families[fid]["claims"]:
            c = claims.get(cid)
            if c is not None:
                doc = _str(c.get("doc"))
                members.append({"text": _str(c.get("text")), "doc": docs.ref(doc),
                                "stance": _str(c.get("stance")) or "asserts",
                                "by": _str(c.get("attributed_to")),
                                "hedges": _strs(c.get("hedges")),
                                "excerpt": _excerpt(docs.text.get(doc, ""), _int(c.get("start")),
                                                    _int(c.get("end")))})
        views.append({"anchor": anchors.get(fid, ""), "card": card, "flow": flow_svg(card),
                      "claims": members[:MAX_MEMBERS], "more_claims": max(0, len(members) - MAX_MEMBERS),
                      "contradicts": [ref(c) for c in card["contradicts"]],
                      "carriers": [dict(c, ref=docs.ref(c["doc"]["id"]),
                                        copies=[docs.ref(s["doc"]["id"]) for s in c["copy_of"]])
                                   for c in card["carriers"]],
                      "origins": [dict(o, ref=_origin_ref(idx, links, o["name"]))
                                  for o in card["origins"]]})
    rows = [{"ref": ref(c["id"]), "card": c} for c in cards[MAX_CARDS:MAX_CARDS + MAX_FAMILY_ROWS]]
    return {"cards": views, "rows": rows, "total": len(cards),
            "not_listed": max(0, len(cards) - MAX_CARDS - MAX_FAMILY_ROWS),
            "findings": [{"ref": ref(c["id"]), "card": c} for c in findings],
            "n_findings": n_findings}


def _rests_on(idx: EvidenceIndex, links: Links, docs: _Docs, doc: str) -> dict[str, Any]:
    """:func:`rests_on` with its links as the page's references."""
    r = rests_on(idx, doc, links)
    return {"origins": [dict(o, ref=DocRef(o["href"][1:] if o["href"] else None, o["name"]))
                        for o in r["origins"]],
            "copies": [dict(c, ref=docs.ref(c["doc"]["id"])) for c in r["copies"]],
            "families": r["families"]}


def _origin_ref(idx: EvidenceIndex, links: Links, name: str) -> DocRef:
    """An origin (a name) links to its entity row when the name resolves to an entity."""
    eid = entity_ref(idx, name)["id"]
    href = links.entity(eid) if eid else None
    return DocRef(href[1:] if href else None, name)


def _first_mentions(mentions: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The first mention in each of the first few documents (:data:`MENTION_EXCERPTS`)."""
    out, seen = [], set()
    for m in mentions:
        doc = _str(m.get("doc"))
        if doc in seen or _int(m.get("start")) is None:
            continue
        seen.add(doc)
        out.append(m)
        if len(out) >= MENTION_EXCERPTS:
            break
    return out


def _mention_excerpts(mentions: list[Mapping[str, Any]], docs: _Docs) -> list[dict[str, Any]]:
    """Each of :func:`_first_mentions` with a little context."""
    out = []
    for m in mentions:
        doc, start = _str(m.get("doc")), _int(m.get("start")) or 0
        text = docs.text.get(doc, "")
        lo, hi = max(0, start - 80), start + 80
        piece = ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")
        out.append({"doc": docs.ref(doc), "excerpt": piece})
    return out


def _citations(analysis: Mapping[str, Any], docs: _Docs, limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` citations, in stored order."""
    return [{"doc": docs.ref(c.get("doc")), "source": _str(c.get("source")),
             "kind": _str(c.get("kind")),
             "excerpt": _excerpt(docs.text.get(_str(c.get("doc")), ""),
                                 _int(c.get("start")), _int(c.get("end")))}
            for c in itertools.islice(_items(analysis, "citations"), limit)]


def _narratives(analysis: Mapping[str, Any], docs: _Docs) -> list[dict[str, Any]]:
    """Each document's narrative labels, findings first: a label below its calibrated
    threshold, or without a cued evidence sentence, is kept with ``finding`` False."""
    from ..narratives import finding_thresholds

    thresholds = finding_thresholds()
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n in _items(analysis, "narratives"):
        doc = _str(n.get("doc"))
        text = docs.text.get(doc, "")
        evidence = []
        spans = [ev for ev in n.get("evidence") or [] if isinstance(ev, (list, tuple)) and len(ev) >= 2]
        for ev in spans:
            piece = _excerpt(text, _int(ev[0]), _int(ev[1]))
            if piece:
                evidence.append(piece)
        narrative, score = _str(n.get("narrative")), _float(n.get("score"))
        note = thresholds.narrative_note(narrative, score, spans)
        by_doc[doc].append({"narrative": narrative, "subnarrative": _str(n.get("subnarrative")),
                            "score": score, "evidence": evidence, "finding": note is None,
                            "note": note})
    out = []
    for doc, labels in by_doc.items():
        labels.sort(key=lambda r: (not r["finding"], -(r["score"] or 0.0)))
        out.append({"doc": docs.ref(doc), "doc_id": doc, "labels": labels})
    return out


def _framing(analysis: Mapping[str, Any], docs: _Docs,
             names: Mapping[str, str]) -> list[dict[str, Any]]:
    """Framed mentions; ``finding`` False when P(main role) is below the role's calibrated
    threshold (shown as such, after the findings)."""
    from ..narratives import finding_thresholds

    thresholds = finding_thresholds()
    rows = []
    for f in _items(analysis, "framing"):
        doc, entity = _str(f.get("doc")), _str(f.get("entity"))
        role, score = _str(f.get("main_role")), _float(f.get("score"))
        note = thresholds.role_note(role, score)
        rows.append({"doc": docs.ref(doc), "entity": names.get(entity) or entity,
                     "role": role, "fine": _strs(f.get("fine_roles")), "score": score,
                     "finding": note is None, "note": note,
                     "excerpt": _excerpt(docs.text.get(doc, ""), _int(f.get("start")),
                                         _int(f.get("end")))})
    rows.sort(key=lambda r: not r["finding"])  # stable: findings first, each in stored order
    return rows


def _events(analysis: Mapping[str, Any], docs: _Docs) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"date": _str(e.get("date")), "date_text": _str(e.get("date_text")),
         "summary": _str(e.get("summary")), "docs": [docs.ref(d) for d in _strs(e.get("docs"))],
         "places": _strs(e.get("places")), "actors": _strs(e.get("actors")),
         "kind": _str(e.get("kind")) or "happening",
         "kind_class": _str(e.get("kind")) if e.get("kind") in _EVENT_KINDS else "other",
         "origins": _strs(e.get("origins"))}
        for e in _items(analysis, "events")]
    rows.sort(key=lambda r: r["date"])
    return rows
