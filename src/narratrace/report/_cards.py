"""Evidence cards, key findings and "rests on" lines, shared by the report and the web explorer.

A card shows one claim family the way an analyst reads it: the claim, the documents that carry
it (by date), how they derive from each other, the origins it rests on and the chain of steps
that justifies their count, who denied it, where a hedge was dropped, and the dates. Every value
comes from the provenance records (:class:`~narratrace.types.ClaimFamily`,
:class:`~narratrace.types.Reuse`): nothing here decides what is an origin or a copy, it only
lays out what the provenance stage recorded, so a view never disagrees with ``analysis.json``.

Cards are plain JSON-able dicts (the web's API returns them as they are); document and entity
references are the dicts of :func:`doc_ref` and :func:`entity_ref`, and the caller's
:class:`Links` says where they lead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ._evidence import EvidenceIndex, Links, doc_ref, entity_ref, name_key

#: Carriers listed on a card; the rest are counted ("and 312 more"), never dropped silently.
MAX_CARRIERS = 60
#: Denials and hardening steps listed on a card (the count says how many there are).
MAX_DENIALS = 30
MAX_HARDENING = 30
#: Key findings on an overview; the claims list holds every family.
MAX_FINDINGS = 20
#: Longest excerpt of a denial shown on a card.
EXCERPT_CHARS = 240
#: Reuse kinds that make one document a copy of another (``same_story`` is independent
#: coverage of one event: it adds no derivation).
COPY_KINDS = ("duplicate", "syndicated", "rewrite")
_KIND_WORDS = {"duplicate": "verbatim copy", "syndicated": "reprint", "rewrite": "rewrite"}

#: What puts a family first among the key findings (see :func:`priority`).
PRIORITY_WEIGHTS = {"circular": 3, "hardened": 2, "denied": 1}

TextOf = Callable[[str], str]


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else words or word + 's'}"


def _join(names: Iterable[str], limit: int = 3) -> str:
    """``"A, B and C"``; past ``limit`` names, ``"A, B, C and 2 others"``.

    >>> _join(["A"]), _join(["A", "B"]), _join(["A", "B", "C", "D", "E"])
    ('A', 'A and B', 'A, B, C and 2 others')
    """
    items = [n for n in names if n]
    if len(items) > limit:
        rest = len(items) - limit
        return ", ".join(items[:limit]) + f" and {_plural(rest, 'other')}"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] \
        if items else ""


def derivations(idx: EvidenceIndex, docs: Iterable[str]) -> list[dict[str, Any]]:
    """The copies among ``docs``: one row per reuse pair of a copy kind, source first when the
    reuse stage knew the direction (``direction`` is ``"unknown"`` otherwise)."""
    members = set(docs)
    rows = []
    for d in sorted(members):
        for r in idx.reuse_by_doc.get(d, ()):
            other = r["other"]
            if r["kind"] not in COPY_KINDS or other not in members or r["role"] != "a":
                continue
            a, b = d, other
            if r["direction"] == "a->b":
                source, copy, known = a, b, True
            elif r["direction"] == "b->a":
                source, copy, known = b, a, True
            else:
                source, copy, known = a, b, False
            rows.append({"source": source, "copy": copy, "kind": r["kind"],
                         "direction_known": known, "credit": r.get("credit"),
                         "direction_by": r.get("direction_by") or ""})
    return rows


def _derivation_text(row: dict[str, Any]) -> str:
    """How a copy relates to its source, in words: 'rewrite, uncredited; direction from dates'."""
    words = _KIND_WORDS.get(row["kind"], row["kind"])
    if row["kind"] == "rewrite" or row.get("credit"):
        words += f", credits “{row['credit']}”" if row.get("credit") else ", uncredited"
    if row["direction_known"] and row["direction_by"]:
        words += f"; direction from {row['direction_by']}"
    elif not row["direction_known"]:
        words += "; which one is the copy is unknown"
    return words


def _excerpt(text: str, start: int | None, end: int | None) -> str:
    if start is None or end is None or not 0 <= start < end <= len(text):
        return ""
    piece = text[start:end]
    return piece if len(piece) <= EXCERPT_CHARS else piece[:EXCERPT_CHARS] + "…"


def _date(idx: EvidenceIndex, doc: str) -> str:
    d = idx.docs.get(doc)
    return d["published"] if d else ""


def _by_date(idx: EvidenceIndex, docs: Iterable[str]) -> list[str]:
    """Dated documents first, oldest first; undated ones after, in their given order."""
    order = list(dict.fromkeys(docs))
    return sorted(order, key=lambda d: (not _date(idx, d), _date(idx, d) or "", order.index(d)))


def deniers(names: Iterable[Any]) -> list[str]:
    """Who denies, each once: a name whose words all stand in a longer one of the list is that
    one ("Ukraine" beside "Government of Ukraine", "Brun" beside "Ada Brun").

    >>> deniers(["Ukraine", "Government of Ukraine", "Ada Brun", "Brun", "Velmar Ports"])
    ['Government of Ukraine', 'Ada Brun', 'Velmar Ports']
    """
    found = list(dict.fromkeys(n for n in names if n))
    words = {n: set(name_key(n).split()) - _FILLER for n in found}
    return [n for n in found if not any(o != n and words[n] and words[n] < words[o] for o in found)]


_FILLER = frozenset("the of a an".split())


def priority(card: dict[str, Any]) -> int:
    """How urgently an analyst must see a family: the carriers beyond its independent origins
    (many articles on few sources is what over-counted corroboration looks like), plus
    :data:`PRIORITY_WEIGHTS` for circular sourcing, a dropped hedge and a denial.

    >>> priority({"n_docs": 4, "independent_origins": 1, "circular": True, "hardened": False,
    ...           "denied": True})
    7
    """
    amplification = max(0, card["n_docs"] - max(1, card["independent_origins"] or 0))
    return amplification + sum(w for flag, w in PRIORITY_WEIGHTS.items() if card.get(flag))


def summary(card: dict[str, Any]) -> str:
    """The card in one line: 'claim: 4 articles, 1 origin (Ministry), circular, denied by X'.

    >>> summary({"label": "The dam is cracked", "n_docs": 4, "independent_origins": 1,
    ...          "origins": [{"name": "Ministry"}], "circular": False, "hardened": True,
    ...          "denied_by": ["Builder Ltd"], "background": False})
    '“The dam is cracked”: 4 articles, 1 independent origin (Ministry), hedge dropped, denied by Builder Ltd'
    """
    parts = [_plural(card["n_docs"], "article")]
    n = card["independent_origins"]
    names = _join(o["name"] for o in card["origins"])
    if n or names:
        parts.append(_plural(n or 0, "independent origin") + (f" ({names})" if names else ""))
    else:
        parts.append("origin unknown")
    if card.get("circular"):
        parts.append("circular sourcing")
    if card.get("background"):
        parts.append("stated as background")
    if card.get("hardened"):
        parts.append("hedge dropped")
    if card.get("denied_by"):
        parts.append("denied by " + _join(card["denied_by"]))
    return f"“{card['label']}”: " + ", ".join(parts)


def family_card(idx: EvidenceIndex, fid: str, links: Links, *,
                text_of: TextOf | None = None) -> dict[str, Any]:
    """The evidence card of family ``fid`` (it must be in ``idx.families``). ``text_of(doc)``
    gives a document's clean text for the denial excerpts (None: no excerpts)."""
    f = idx.families[fid]
    docs = _by_date(idx, f["docs"])
    copies = derivations(idx, docs)
    copy_of: dict[str, list[dict[str, Any]]] = {}
    for row in copies:
        copy_of.setdefault(row["copy"], []).append(row)

    origin_keys: dict[str, str] = {}  # name key or entity id -> origin name
    origins = []
    ids = list(f["origin_ids"]) + [None] * len(f["origins"])
    types = list(f["origin_types"]) + [""] * len(f["origins"])
    for name, oid, otype in zip(f["origins"], ids, types):
        ref = entity_ref(idx, oid) if oid and oid in idx.entities else entity_ref(idx, name)
        origins.append({"name": name, "type": otype, "entity": ref,
                        "href": links.entity(ref["id"]) if ref["id"] else None,
                        "in_loop": name_key(name) in {name_key(x) for x in f["circular_loop"]}})
        origin_keys[name_key(name)] = name
        if ref["id"]:
            origin_keys[ref["id"]] = name

    said_in: dict[str, dict[str, Any]] = {}  # per document: who it quotes, its hedges
    for cid in f["claims"]:
        c = idx.claims.get(cid)
        if c is None:
            continue
        row = said_in.setdefault(c["doc"], {"by": [], "on": [], "hedges": [], "denies": False})
        by = c["attributed_to"]
        origin = origin_keys.get(name_key(by)) or origin_keys.get(entity_ref(idx, by)["id"] or "")
        if by and by not in row["by"]:
            row["by"].append(by)
        if origin and origin not in row["on"]:
            row["on"].append(origin)
        row["hedges"].extend(h for h in c["hedges"] if h not in row["hedges"])
        row["denies"] = row["denies"] or c["stance"] == "denies"

    hardened_in = {h["derived_doc"] for h in f["hardening"]}
    carriers = []
    for d in docs:
        ref = doc_ref(idx, d)
        said = said_in.get(d, {"by": [], "on": [], "hedges": [], "denies": False})
        rows = copy_of.get(d, [])
        carriers.append({"doc": ref, "href": links.doc(d) if ref["known"] else None,
                         "published": ref["published"], "outlet": ref["outlet"],
                         "copy_of": [{"doc": doc_ref(idx, r["source"]),
                                      "href": links.doc(r["source"]) if r["source"] in idx.docs
                                      else None, "how": _derivation_text(r)} for r in rows],
                         "quotes": said["by"], "on_word_of": said["on"], "hedges": said["hedges"],
                         "hedge_dropped": d in hardened_in})

    text_cache: dict[str, str] = {}

    def excerpt(doc: str, start: int | None, end: int | None) -> str:
        if text_of is None:
            return ""
        if doc not in text_cache:
            text_cache[doc] = text_of(doc) or ""
        return _excerpt(text_cache[doc], start, end)

    denials = []
    for dn in f["denials"][:MAX_DENIALS]:
        ref = entity_ref(idx, dn["actor_id"]) if dn["actor_id"] in idx.entities \
            else entity_ref(idx, dn["actor"])
        denials.append({"actor": dn["actor"] or ref["name"], "entity": ref,
                        "href": links.entity(ref["id"]) if ref["id"] else None,
                        "doc": doc_ref(idx, dn["doc"]),
                        "doc_href": links.doc(dn["doc"]) if dn["doc"] in idx.docs else None,
                        "excerpt": excerpt(dn["doc"], dn["start"], dn["end"])})
    hardening = [{"source": doc_ref(idx, h["source_doc"]), "derived": doc_ref(idx, h["derived_doc"]),
                  "source_href": links.doc(h["source_doc"]) if h["source_doc"] in idx.docs else None,
                  "derived_href": links.doc(h["derived_doc"]) if h["derived_doc"] in idx.docs
                  else None, "dropped": h["dropped"], "source_claim": h["source_claim"],
                  "derived_claim": h["derived_claim"]} for h in f["hardening"][:MAX_HARDENING]]

    dated = [c["published"] for c in carriers if c["published"]]
    card: dict[str, Any] = {
        "id": fid, "label": f["label"], "n_docs": len(docs), "n_claims": len(f["claims"]),
        "independent_origins": f["independent_origins"],
        "origins": origins, "chain": f["chain"], "circular": f["circular"],
        "circular_loop": f["circular_loop"], "background": f["background"],
        "hardened": bool(f["hedge_drop"] or f["hardening"]),
        "denied": bool(f["denials"]),
        "denied_by": deniers(d["actor"] for d in denials),
        "first_seen": f["first_seen"] or (min(dated) if dated else None),
        "last_seen": max(dated) if dated else None,
        "carriers": carriers[:MAX_CARRIERS], "more_carriers": max(0, len(carriers) - MAX_CARRIERS),
        "derivations": [dict(r, source=doc_ref(idx, r["source"]), copy=doc_ref(idx, r["copy"]),
                             how=_derivation_text(r)) for r in copies[:MAX_CARRIERS]],
        "denials": denials, "more_denials": max(0, len(f["denials"]) - MAX_DENIALS),
        "hardening": hardening, "more_hardening": max(0, len(f["hardening"]) - MAX_HARDENING),
        "contradicts": [c for c in f["contradicts"] if c in idx.families],
        "timeline": _timeline(idx, carriers, denials, hardening),
    }
    card["priority"] = priority(card)
    card["summary"] = summary(card)
    return card


def _timeline(idx: EvidenceIndex, carriers: list[dict[str, Any]], denials: list[dict[str, Any]],
              hardening: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The family's dates: each carrier's publication, each denial and each dropped hedge at the
    date of the document that carries it; undated ones last, marked undated."""
    rows = []
    for c in carriers:
        what = "copied" if c["copy_of"] else "carried"
        rows.append({"date": c["published"], "what": what, "doc": c["doc"], "href": c["href"],
                     "who": c["outlet"]})
    for d in denials:
        rows.append({"date": d["doc"]["published"], "what": "denied", "doc": d["doc"],
                     "href": d["doc_href"], "who": d["actor"]})
    for h in hardening:
        rows.append({"date": h["derived"]["published"], "what": "hedge dropped",
                     "doc": h["derived"], "href": h["derived_href"],
                     "who": ", ".join(h["dropped"])})
    order = {"carried": 0, "copied": 1, "hedge dropped": 2, "denied": 3}
    rows.sort(key=lambda r: (not r["date"], r["date"], order[r["what"]]))
    return rows


def key_findings(cards: Iterable[dict[str, Any]], *, limit: int = MAX_FINDINGS
                 ) -> tuple[list[dict[str, Any]], int]:
    """The cards an analyst must see first, most urgent first (:func:`priority`), and how many
    qualified in all. A family qualifies when it is carried by more than one document or is
    circular, hardened or denied; ties go to the more widespread family."""
    found = [c for c in cards if c["n_docs"] > 1 or c["circular"] or c["hardened"] or c["denied"]]
    found.sort(key=lambda c: (-c["priority"], -c["n_docs"], c["label"].casefold(), c["id"]))
    return found[:limit], len(found)


def rests_on(idx: EvidenceIndex, doc: str, links: Links) -> dict[str, Any]:
    """What one document's claims rest on: the origins of the claim families it carries (with
    their type) and the documents it copies (kind, credit). Empty lists when nothing is known.

    >>> from narratrace.report._evidence import EvidenceIndex
    >>> idx = EvidenceIndex(docs={"d1": {"title": "T", "outlet": "O", "published": ""}},
    ...     families={"f": {"origins": ["Port Authority"], "origin_types": ["official"],
    ...                     "docs": ["d1"]}}, families_by_doc={"d1": ["f"]})
    >>> no = Links(doc=lambda d: None, outlet=lambda o: None, entity=lambda e: None)
    >>> rests_on(idx, "d1", no)["origins"]
    [{'name': 'Port Authority', 'type': 'official', 'families': 1, 'href': None}]
    """
    counts: dict[str, dict[str, Any]] = {}
    for fid in idx.families_by_doc.get(doc, ()):
        f = idx.families[fid]
        types = list(f.get("origin_types") or ()) + [""] * len(f["origins"])
        for name, otype in zip(f["origins"], types):
            row = counts.setdefault(name_key(name), {"name": name, "type": otype, "families": 0})
            row["families"] += 1
            row["type"] = row["type"] or otype
    origins = sorted(counts.values(), key=lambda r: (-r["families"], r["name"].casefold()))
    for o in origins:
        ref = entity_ref(idx, o["name"])
        o["href"] = links.entity(ref["id"]) if ref["id"] else None
    copies = []
    for r in idx.reuse_by_doc.get(doc, ()):
        if r["kind"] not in COPY_KINDS:
            continue
        is_copy = (r["direction"] == "a->b" and r["role"] == "b") or \
                  (r["direction"] == "b->a" and r["role"] == "a")
        unknown = r["direction"] not in ("a->b", "b->a")
        if not (is_copy or unknown):
            continue
        row = {"source": r["other"], "copy": doc, "kind": r["kind"], "direction_known": not unknown,
               "credit": r.get("credit"), "direction_by": r.get("direction_by") or ""}
        copies.append({"doc": doc_ref(idx, r["other"]),
                       "href": links.doc(r["other"]) if r["other"] in idx.docs else None,
                       "how": _derivation_text(row)})
    return {"origins": origins, "copies": copies,
            "families": len(idx.families_by_doc.get(doc, ()))}
