"""Origins of claim families: what each carrier rests on, followed to its first source.

A family's carriers are its claims' documents. Each claim rests on a source:

- the speaker of the attribution it is the content of (the actor, resolved by the attribution
  and speakers stages; one person under several names is one key);
- for an anonymous speaker ("a source close to the club"), the outlet that printed it, or the
  reporter of the report it sits in ("X cited military sources");
- for the narrator's own words, a source the sentence cites ("according to X"), else the outlet
  that published the original document.

A document derived from another (a reprint, a rewrite, with or without credit) adds nothing: its
claims are its original's. A source that is itself a carrier (an outlet whose own article is in
the family), or that cites someone inside the quoted words ("As the press has revealed, and in
particular the paper P, ..."), is a relay: the trace follows it to what it rests on. A narrator
that states the claim plainly while other carriers attribute it to someone is taken to relay
them (it names no source of its own, so it adds no origin), unless it presents the claim as its
own finding ("we saw", "can reveal"). A trace that comes back to where it started is circular,
and so is a "confirmation" that itself rests on what it confirms.

Every step is written down (``chain``), so the count can be checked by a reader.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..claims import lexicon as lex
from ..claims.text import norm_name
from ..entities import DESCRIBED
from ..types import (Attribution, Citation, Claim, ClaimFamily, Document, Entity, FamilyDenial,
                     Hardening, Reuse)

#: A narrator presenting something as its own finding, not as anyone's report.
OWN_FINDING = re.compile(r"\b(?:we|our|us|can (?:now )?reveal|has (?:learned|learnt|seen|established|"
                         r"confirmed)|have (?:learned|learnt|seen|established|confirmed))\b", re.I)
#: A narrator passing on what others report: "press reports that ...", "reportedly".
RELAY_CUE = re.compile(r"\b(?:(?:press|media|news)\s+reports?|reports?\s+(?:that|say|said|suggest\w*|claim\w*)|"
                       r"reportedly|according to (?:reports|media|the press))\b", re.I)
#: A source named only as "the press", "media reports", "local media".
GENERIC_MEDIA = re.compile(r"^(?:the\s+)?(?:\w+\s+)?(?:press|media|reports?|accounts?|newspapers?|journalists?|"
                           r"outlets?)(?:\s+reports?)?$", re.I)
#: A source described, not named: "a person inside the club", "an official", "sources close to".
UNNAMED = re.compile(r"^(?:a|an|one|two|three|several|some|the)\s+(?:\w+\s+){0,2}?(?:person|people|source|"
                     r"sources|insider|insiders|official|officials|employee|employees|worker|workers|member|"
                     r"members|someone|individual|figure|executive|aide|whistleblower|nurse|witness)\b", re.I)
_PROPER = re.compile(r"\b(?:The\s+)?[A-Z][\w'’-]+(?:\s+(?:of\s+|de\s+|the\s+)?[A-Z][\w'’-]+)*")
_ORGANISATION = re.compile(r"\b(?:news|times|post|daily|journal|herald|tribune|gazette|telegraph|press|"
                           r"today|media|tv|radio|network|wire|express|observer|company|group|association|"
                           r"union|bank|institute|university|centre|center|council|service|agency|office|"
                           r"report|statement|document)\b", re.I)
_DERIVED = {"duplicate": "a copy", "syndicated": "a reprint", "rewrite": "a rewrite"}


@dataclass(frozen=True, slots=True)
class Source:
    """One actor a claim can rest on."""

    key: str
    name: str
    type: str
    id: str | None = None
    speaks_for: str | None = None  # the organisation a person speaks for ("its director")
    roles: tuple[str, ...] = ()  # how the texts describe a person ("the county's chief fire officer")


class Corpus:
    """The corpus-wide facts a trace reads: documents, their lineage, attributions, citations."""

    def __init__(self, *, documents: Mapping[str, Document], reuse: Sequence[Reuse],
                 attributions: Iterable[Attribution], citations: Iterable[Citation],
                 entities: Iterable[Entity], outlet_key: Callable[[str], str | None],
                 outlet_type: Callable[[str], str] | None = None) -> None:
        self.documents = documents
        self.attr = {a.id: a for a in attributions}
        self.nested: dict[str, list[Attribution]] = {}
        for a in self.attr.values():
            if a.outer:
                self.nested.setdefault(a.outer, []).append(a)
        self.citations: dict[str, list[Citation]] = {}
        for c in citations:
            self.citations.setdefault(c.doc, []).append(c)
        self.entities = {e.id: e for e in entities}
        self.doc_entities: dict[str, list[tuple[int, Entity]]] = {}
        for e in self.entities.values():
            for m in e.mentions:
                self.doc_entities.setdefault(m.doc, []).append((m.start, e))
        for found in self.doc_entities.values():
            found.sort(key=lambda x: x[0])
        # per document: each entity once, and the bodies by where they are named (a
        # document of thousands of mentions is read once per description, not per mention)
        self.doc_unique: dict[str, list[Entity]] = {
            doc: list({e.id: e for _, e in found}.values()) for doc, found in self.doc_entities.items()}
        self.doc_bodies: dict[str, tuple[list[int], list[Entity]]] = {}
        for doc, found in self.doc_entities.items():
            bodies = [(at, e) for at, e in found if e.type in _BODY_TYPES]
            self.doc_bodies[doc] = ([at for at, _ in bodies], [e for _, e in bodies])
        self._words: dict[str, frozenset[str]] = {}
        self._cited: dict[str, frozenset[str]] = {}  # document → the keys of what it cites
        self._keys: dict[tuple[str, str], str] = {}  # (name, type) → key
        self._outlet_key = outlet_key
        self._outlet_type: Callable[[str], str] = outlet_type or (lambda name: "outlet")
        self.parent: dict[str, tuple[str, Reuse]] = {}
        for r in reuse:
            if r.kind == "same_story":
                continue
            src, dst = _ends(r, documents)
            self.parent.setdefault(dst, (src, r))

    def words(self, name: str) -> frozenset[str]:
        """The comparison words of a name (:func:`norm_name`), computed once per name."""
        found = self._words.get(name)
        if found is None:
            found = self._words[name] = frozenset(norm_name(name).split())
        return found

    def root(self, doc: str) -> str:
        """The original a document derives from (itself when it is one)."""
        seen = {doc}
        while doc in self.parent and self.parent[doc][0] not in seen:
            doc = self.parent[doc][0]
            seen.add(doc)
        return doc

    def label(self, doc: str) -> str:
        """How a chain names a document: its outlet and title."""
        d = self.documents.get(doc)
        if d is None:
            return doc
        title = " ".join((d.title or "").split())
        if len(title) > 60:
            title = title[:59].rsplit(" ", 1)[0] + "…"
        if d.outlet and title:
            return f"{d.outlet} («{title}»)"
        return d.outlet or (f"«{title}»" if title else f"document {doc[:8]}")

    def outlet(self, doc: str) -> Source:
        d = self.documents.get(doc)
        name = d.outlet if d and d.outlet else None
        if name:
            return Source(self.key(name, "outlet"), name, self._outlet_type(name))
        # Never a title or a path: the analyst sees which document in the chain.
        return Source("doc:" + doc, f"unnamed outlet ({self.label(doc)})", "outlet")

    def key(self, name: str, typ: str) -> str:
        """The key one actor has under any of its names (remembered: a trace asks for the
        same few names again and again)."""
        got = self._keys.get((name, typ))
        if got is None:
            got = self._keys[(name, typ)] = self._key(name, typ)
        return got

    def cited(self, doc: str) -> frozenset[str]:
        """The keys of the sources ``doc`` cites, made once per document (every family the
        document carries asks: a long document of many families and citations read them once
        per family before)."""
        got = self._cited.get(doc)
        if got is None:
            got = self._cited[doc] = frozenset(
                self.key(c.source, {"agency": "outlet"}.get(c.kind, c.kind)) for c in self.citations.get(doc, ()))
        return got

    def _key(self, name: str, typ: str) -> str:
        found = self._outlet_key(name)
        if found:
            return str(found)
        base = re.split(r"['’]s\b", name, maxsplit=1)[0]
        norm = norm_name(base)
        parts = norm.split()
        words = base.split()
        # A person counts once under every form of their name: keyed by surname ("Prime
        # Minister Ada Lovi", "Lovi"), also when the type is unknown but the name ends in one.
        if parts and (typ == "person" or (typ == "other" and words and words[-1][:1].isupper()
                                          and not (lex.OFFICE.search(words[-1]) or _ORGANISATION.search(base)))):
            return "person:" + parts[-1]
        return "name:" + norm


def _ends(r: Reuse, documents: Mapping[str, Document]) -> tuple[str, str]:
    if r.direction == "a->b":
        return r.a, r.b
    if r.direction == "b->a":
        return r.b, r.a
    pa = getattr(documents.get(r.a), "published", None) or "9999"
    pb = getattr(documents.get(r.b), "published", None) or "9999"
    return (r.a, r.b) if (pa, r.a) <= (pb, r.b) else (r.b, r.a)


def trace_family(fam: ClaimFamily, members: Sequence[Claim], corpus: Corpus,
                 denials: Sequence[FamilyDenial] = ()) -> ClaimFamily:
    """``fam`` with its origins, count, chain, circularity, background flag, denials and
    hardening filled in."""
    chain: list[str] = []
    roots: dict[str, list[Claim]] = {}  # carrier document → its claims in the family
    for claim in members:
        roots.setdefault(claim.doc, []).append(claim)
    derived_from: dict[str, str] = {}  # a derived carrier → the document it copies or rewrites
    for doc in sorted(roots):
        if doc in corpus.parent:
            source_doc, r = corpus.parent[doc]
            derived_from[doc] = source_doc
            what = _DERIVED.get(r.kind, "a copy")
            credit = f"crediting «{r.credit}»" if r.credit else "without credit" if r.kind == "rewrite" else ""
            chain.append(f"{corpus.label(doc)} is {what} of {corpus.label(source_doc)}"
                         + (f", {credit}" if credit else "") + ": it adds no origin")
    fam_outlets: dict[str, set[str]] = {}
    for root in roots:
        fam_outlets.setdefault(corpus.outlet(root).key, set()).add(root)
    # the same sentence, word for word, in texts no reuse link joins: printed from one text
    # (a wire story run without credit, a press release, a promotion), not found twice
    reprinted = _reprinted(members, corpus)

    # First hop per carrier: the sources its claims name. A derived document's own words are
    # its source's (the outlet that published what it copies).
    first: dict[str, list[tuple[Source, Claim, list[Source]]]] = {}
    for root, claims in sorted(roots.items()):
        for claim in claims:
            src, relays = _source(claim, corpus.root(root), corpus)
            if src.type == "narrator" and claim.id in reprinted \
                    and corpus.outlet(reprinted[claim.id]).key != corpus.outlet(root).key:
                source_doc = reprinted[claim.id]
                dated = [getattr(corpus.documents.get(d), "published", None) for d in (source_doc, root)]
                how = "prints the sentence of" if dated[0] and dated[1] and dated[0] < dated[1] \
                    else "prints the same sentence as"
                chain.append(f"{corpus.label(root)} {how} {corpus.label(source_doc)} word for word: "
                             "it adds no origin")
                src, relays = dataclasses.replace(corpus.outlet(source_doc), type="copied"), []
            elif root in derived_from and (src.type == "narrator" or (
                    derived_from[root] in roots and src.type != "copied" and _unnamed(src.name))):
                # a copy or rewrite whose source also carries the claim has it from that source,
                # however it describes an unnamed speaker ("a military spokesperson" for "a
                # spokesman for X"); a speaker it names stays its own
                parent = corpus.outlet(derived_from[root])
                if parent.key != corpus.outlet(root).key:
                    src, relays = dataclasses.replace(parent, type="copied"), []
            first.setdefault(root, []).append((src, claim, relays))
    attributed = any(s.type not in ("narrator", "copied") for hops in first.values() for s, _, _ in hops)
    cited_keys = {s.key for hops in first.values() for s, _, _ in hops if s.key}
    narrators: set[str] = set()
    names: dict[str, Source] = {}
    edges: dict[str, set[str]] = {}
    carrier_sources: dict[str, set[str]] = {}
    for root, hops in first.items():
        outlet = corpus.outlet(root)
        for src, claim, relays in hops:
            if src.type == "narrator":
                relays_reports = RELAY_CUE.search(claim.text)
                own = not relays_reports and (OWN_FINDING.search(claim.text) or outlet.key in cited_keys)
                if relays_reports and not attributed:
                    src = Source("media:unnamed reports", "unnamed reports", "media")
                    names.setdefault(src.key, src)
                    carrier_sources.setdefault(root, set()).add(src.key)
                    chain.append(f"{corpus.label(root)} relays unnamed reports")
                    continue
                if attributed and not own:
                    chain.append(f"{corpus.label(root)} states it without naming a source; other "
                                 "carriers attribute it, so it is taken to relay them")
                    continue
                src = outlet
                narrators.add(src.key)
                chain.append(f"{corpus.label(root)} states it as its own")
            elif src.type == "copied":
                src = corpus.outlet(reprinted[claim.id] if claim.id in reprinted else derived_from[root])
                chain.append(f"{corpus.label(root)} has it from {src.name}")
            elif src.type == "document" and not _PROPER.search(src.name[1:]):
                # "according to tender documents seen by the paper": papers nobody is named as
                # issuing are no actor; the outlet that read them has it as its own finding
                chain.append(f"{corpus.label(root)} rests on {src.name} it does not say who issued: "
                             "its own finding")
                src = outlet
                narrators.add(src.key)
            else:
                how = "cites" if src.type != "anonymous" else "quotes an unnamed source, printed by"
                chain.append(f"{corpus.label(root)} {how} {src.name}")
            known = names.get(src.key)
            # one key, several names: an outlet's unnamed source says more than the outlet's
            # name alone; a name more than a description ("the government"); then the longest
            if known is None or _shown_first(src) > _shown_first(known):
                names[src.key] = src
            carrier_sources.setdefault(root, set()).add(src.key)
            prev = src
            for relay in relays:
                names.setdefault(relay.key, relay)
                edges.setdefault(prev.key, set()).add(relay.key)
                chain.append(f"{prev.name} itself cites {relay.name}")
                prev = relay
    # An outlet cited as a source whose own article carries the claim: follow it.
    for key, docs in fam_outlets.items():
        for root in docs:
            for k in carrier_sources.get(root, ()):
                if k != key:
                    edges.setdefault(key, set()).add(k)
    starts = sorted({k for keys in carrier_sources.values() for k in keys})
    origins, loops = _sinks(starts, edges)
    circular_loop: tuple[str, ...] = ()
    if loops:
        circular_loop = tuple(names[k].name if k in names else k for k in loops[0])
        chain.append("circular: " + " → ".join((*circular_loop, circular_loop[0])))
    # A "confirmation" that rests on what it confirms: a carrier cites X and also Y, and X
    # itself cites Y.
    if not loops:
        for root, keys in sorted(carrier_sources.items()):
            own_key = corpus.outlet(root).key
            cited = keys | corpus.cited(root)
            for k in sorted(cited - {own_key}):
                # the carrier cites, as confirmation, someone who rests on the carrier itself
                if own_key in _reach(k, edges) - {k}:
                    cited_name = names[k].name if k in names else _cited_name(root, k, corpus)
                    circular_loop = (names[own_key].name if own_key in names else corpus.outlet(root).name,
                                     cited_name)
                    chain.append(f"circular: {corpus.label(root)} cites {cited_name}, which rests on "
                                 f"{circular_loop[0]} itself")
                    break
            if circular_loop:
                break
            for k in sorted(keys - {own_key}):
                if k not in names or _outletish(names[k]):
                    continue  # an outlet passing on its source is a relay, not a confirmation
                reach = _reach(k, edges) - {k}
                hit = sorted(reach & cited)
                if hit:
                    circular_loop = (names[hit[0]].name if hit[0] in names else hit[0], names[k].name,
                                     corpus.label(root))
                    chain.append(f"circular: {corpus.label(root)} presents {names[k].name} as a source, "
                                 f"and {names[k].name} rests on {circular_loop[0]}, which it also cites")
                    break
                # the accused party's own words used as the evidence against it: K relays what
                # Y said of itself ("X said Y had admitted its involvement")
                own_words = sorted(y for y in reach if y in names and _names_itself(names[y], roots[root]))
                if own_words:
                    y = names[own_words[0]].name
                    circular_loop = (y, names[k].name, corpus.label(root))
                    chain.append(f"circular: {corpus.label(root)} presents {names[k].name} as a source, "
                                 f"and {names[k].name} rests on what {y} said of itself")
                    break
            if circular_loop:
                break
    # an outlet that states the claim as its own finding is an origin, whatever else it cites
    origins = sorted(set(origins) | narrators)
    # whoever denies the claim is not where it comes from (their rebuttal, retold beside it,
    # resembles it)
    deniers: dict[str, set[str]] = {}
    for d in denials:
        deniers.setdefault(norm_name(d.actor), set()).add(d.doc)
    # ... unless they state it in more documents than they deny it in: then the denial is their
    # own qualification ("the dam is not in danger today" beside "cracks were found")
    stating: dict[str, set[str]] = {}
    for root, hops in first.items():
        for src, _, _ in hops:
            stating.setdefault(src.key, set()).add(root)
    denying = [k for k in origins if k in names and norm_name(names[k].name) in deniers
               and len(stating.get(k, ())) <= len(deniers[norm_name(names[k].name)])]
    if denying and len(denying) == len(origins) and not loops:
        # every origin also denies it: the denial answers something close to what they said,
        # not their own words; they stay its origins
        chain.extend(f"{names[k].name} is also listed as denying it" for k in denying)
        denying = []
    for k in denying:
        origins.remove(k)
        chain.append(f"{names[k].name} denies it: not an origin")
    if not origins and loops:  # a pure loop: its earliest member stands for it
        origins = [min(loops[0], key=lambda k: (_first_published(k, fam_outlets, corpus), k))]
    shown = _merge_names([names[k] if k in names else Source(k, k.split(":", 1)[-1], "other")
                          for k in origins], chain)
    unnamed = [s for s in shown if s.type == "media"]
    if unnamed and len(unnamed) < len(shown):
        # "reports say", "according to accounts": nobody can tell whose they are, so they are
        # not counted apart from the named origins
        shown = [s for s in shown if s.type != "media"]
        chain.append("unnamed " + ", ".join(f"«{s.name}»" for s in unnamed)
                     + " cannot be told apart from the named origins: not counted")
    # what rests on unnamed reports alone is shown as that, with where they were printed:
    # "accounts" is no actor
    shown = [_unnamed_reports(s, carrier_sources, corpus) if s.type == "media" else s for s in shown]
    background = (not attributed and all(not c.hedges for c in members) and not denials
                  and all(s.key in narrators for s in shown))
    n = len(shown)
    chain.append(f"→ {n} independent origin{'s' if n != 1 else ''}: " + ", ".join(s.name for s in shown)
                 if shown else "→ no origin could be traced")
    hardening = _hardening(members, corpus)
    return dataclasses.replace(
        fam, origins=tuple(s.name for s in shown), independent_origins=n,
        origin_types=tuple(s.type for s in shown), origin_ids=tuple(s.id for s in shown),
        chain=tuple(dict.fromkeys(chain)), circular=bool(circular_loop), circular_loop=circular_loop,
        background=background, denials=tuple(denials), hardening=hardening,
        hedge_drop=bool(hardening))


#: Share of words two sentences must have in common to be one sentence printed twice.
REPRINT = 0.8
_REPRINT_WORDS = 10


def _reprinted(members: Sequence[Claim], corpus: Corpus) -> dict[str, str]:
    """Narrator claims that repeat, word for word, one in another carrier of the family that
    is not derived from it by a reuse link (those are traced as copies already): claim id →
    the document printed first (by date, else by id). Words in common: at least
    :data:`REPRINT` of the two sentences' distinct words, and :data:`_REPRINT_WORDS` words.

    Two outlets telling one event in the same words is not two findings: one text was passed
    on (a wire story run without credit, a press release, a promotion).
    """
    told = [(c, set(_REPRINT_WORD.findall(c.text.lower()))) for c in members if not c.attributed_to]
    told = [(c, w) for c, w in told if len(w) >= _REPRINT_WORDS]
    out: dict[str, str] = {}
    order = sorted({c.doc for c, _ in told},
                   key=lambda d: (getattr(corpus.documents.get(d), "published", None) or "9999", d))
    rank = {d: k for k, d in enumerate(order)}
    for c, words in told:
        earlier = [o for o, w in told if rank[o.doc] < rank[c.doc] and o.doc not in corpus.parent
                   and len(words & w) >= REPRINT * len(words | w)]
        if earlier and c.doc not in corpus.parent:
            out[c.id] = min(earlier, key=lambda o: rank[o.doc]).doc
    return out


_REPRINT_WORD = re.compile(r"[\w'’-]+")


def _unnamed_reports(src: Source, carrier_sources: Mapping[str, set[str]], corpus: Corpus) -> Source:
    """An origin that is reports nobody names ("accounts", "media reports"), shown as unnamed
    and with the outlets that printed them: "unnamed accounts in The Ledger"."""
    outlets = sorted({corpus.outlet(root).name for root, keys in carrier_sources.items() if src.key in keys})
    word = re.sub(r"^(?:the|some|several|many|multiple)\s+", "", src.name.strip(), flags=re.I)
    word = word if word.lower().startswith("unnamed") else "unnamed " + word
    return dataclasses.replace(src, name=f"{word} in {', '.join(outlets)}" if outlets else word)


def _source(claim: Claim, root: str, corpus: Corpus) -> tuple[Source, list[Source]]:
    """The source a claim names, and the relays it passes through (in order)."""
    attr = corpus.attr.get(claim.attribution) if claim.attribution else None
    if attr is None:
        if claim.attributed_to and claim.attributed_to.strip().lower() not in lex.PRONOUNS:
            # a claim record without its attribution (built by hand, or an older store)
            name = claim.attributed_to.strip()
            typ = corpus._outlet_type(name) if corpus._outlet_key(name) else "other"
            key = corpus.key(name, typ)
            if typ == "other":  # how the document's citations typed it ("official", "document")
                typ = next((c.kind for c in corpus.citations.get(claim.doc, ())
                            if corpus.key(c.source, "other") == key), typ)
            return Source(key, name, typ), []
        cited = _cited_in(claim, corpus)
        return (cited, []) if cited else (Source("", "", "narrator"), [])
    # A report inside the report ("According to the federation, the company reported ..."):
    # the words are the inner speaker's, the outer one relays them.
    relays: list[Source] = []
    outer_attr = corpus.attr.get(attr.outer) if attr.outer else None
    if outer_attr is not None and attr.speaker.actor is not None:
        # the claim is the inner report itself: the same relay, seen from the inside
        outer = _speaker(outer_attr, root, corpus)
        if outer.type not in ("narrator", "anonymous") and outer.key:
            inner_src = _speaker(attr, root, corpus)
            if inner_src.key and inner_src.key != outer.key:
                return outer, [inner_src]
    for inner in corpus.nested.get(attr.id, ()):
        covered = min(claim.end, inner.end) - max(claim.start, inner.start)
        if covered >= 0.5 * max(1, inner.end - inner.start) and inner.speaker.actor is not None:
            # the outer speaker relays the inner one: the chain shows both, the inner is the
            # origin ("Ana Vole said the ministry had admitted ...")
            outer = _speaker(attr, root, corpus)
            attr = inner
            if outer.type not in ("narrator", "anonymous") and outer.key:
                inner_src = _speaker(inner, root, corpus)
                if inner_src.key and inner_src.key != outer.key:
                    return outer, [inner_src]
            break
    src = _speaker(attr, root, corpus)
    # Words inside the quote that cite someone else ("As the press has revealed, and in
    # particular the paper P, ..."): the speaker relays them -- any outlet but the one that
    # prints the quote (the carrier's source counts: a minister's "as the Sentinel reported",
    # printed by an outlet that rewrote the Sentinel's story, rests on the Sentinel)
    own = corpus.outlet(attr.doc).key
    sp0, sp1 = attr.speaker.start, attr.speaker.end
    if sp0 is not None and sp1 is not None and src.type not in ("narrator", "anonymous") and any(
            c.kind == "document" and c.start < sp1 and sp0 < c.end for c in corpus.citations.get(attr.doc, ())):
        src = dataclasses.replace(src, type="document")  # "according to tender documents"
    for c in corpus.citations.get(attr.doc, ()):
        if not (attr.start <= c.start < attr.end) or c.kind not in ("outlet", "agency", "document") \
                or c.start == c.end:
            continue
        if sp0 is not None and sp1 is not None and sp0 <= c.start < sp1:
            continue
        typ = "outlet" if c.kind in ("outlet", "agency") else "document"
        cited = Source(corpus.key(c.source, typ), c.source, typ)
        if cited.key not in (own, src.key):
            relays.append(cited)
            break
    return src, relays


def _speaker(attr: Attribution, root: str, corpus: Corpus) -> Source:
    actor = attr.speaker.actor
    written = attr.speaker.text.strip()
    if actor is not None and actor.id and actor.id.startswith(DESCRIBED):
        # a source the document describes ("a person familiar with ..."), however it is
        # referred to later ("the source", "she"): as the description itself
        actor = dataclasses.replace(actor, id=None)
        if UNNAMED.match(actor.name) and not _PROPER.search(actor.name[1:]):
            actor = dataclasses.replace(actor, type="anonymous")
    if actor is None or actor.type != "anonymous":
        if UNNAMED.match(written) and not _PROPER.search(written[1:]):
            actor = dataclasses.replace(actor, type="anonymous") if actor else None
            if actor is None:
                return _printed_by(attr, root, corpus)
    if actor is None:
        if not written or written.lower() in lex.PRONOUNS:
            return Source("", "", "narrator")
        if GENERIC_MEDIA.match(written):
            return Source("media:" + written.lower(), written, "media")
        return _named_inside(written, corpus) or Source(corpus.key(written, "other"), written, "other")
    if actor.type == "anonymous":
        outer = corpus.attr.get(attr.outer) if attr.outer else None
        if outer is not None and outer.speaker.actor is not None and outer.speaker.actor.type != "anonymous":
            via = _speaker(outer, root, corpus)
            return Source(via.key, via.name, "anonymous source of " + via.type, via.id)
        return _printed_by(attr, root, corpus)
    name = actor.name
    if actor.how == "description" or len(name.split()) > 5:
        inside = _named_inside(name, corpus)
        if inside is not None:
            return inside
    if actor.id and actor.id in corpus.entities:
        name = corpus.entities[actor.id].name
    elif _BACK_TO_OUTLET.match(name):  # "the paper said": the outlet last named before
        before = [c for c in corpus.citations.get(attr.doc, ())
                  if c.start < attr.start and not _BACK_TO_OUTLET.match(c.source)
                  and (c.kind in ("outlet", "agency") or corpus._outlet_key(c.source))]
        if before:
            cited = before[-1].source
            return Source(corpus.key(cited, "outlet"), cited, corpus._outlet_type(cited))
        return Source("media:" + name.lower(), name, "media")
    elif actor.how in ("description", "role noun") or name[:1].islower() or name.lower().startswith("the "):
        named = _entity_for(name, attr, corpus)
        if named is not None:
            return named
    # the role given here, else those the person was given where they spoke elsewhere
    # ("She said ..." after "Ivo Marek, director of the Example Centre, said ...")
    entity = corpus.entities.get(actor.id) if actor.id else None
    roles = [r for r in (actor.role, *(entity.roles if entity is not None else ())) if r]
    if actor.type == "person" and roles:
        body = next((b for r in roles if not _POSSESSIVE_ROLE.match(r) and _PROPER.search(r)
                     and (b := _speaks_for(r, attr, corpus))), None)
        return Source(corpus.key(name, actor.type), name, actor.type, actor.id,
                      speaks_for=body or _speaks_for(roles[0], attr, corpus), roles=tuple(roles))
    if actor.type == "outlet" and GENERIC_MEDIA.match(name):
        return Source("media:" + name.lower(), name, "media")
    return Source(corpus.key(name, actor.type), name, actor.type, actor.id)


_BACK_TO_OUTLET = re.compile(r"^(?:the\s+)?(?:paper|newspaper|outlet|daily|tabloid|site|website|blog|agency|"
                             r"broadcaster|channel|station|magazine|newsletter)$", re.I)


def _entity_for(description: str, attr: Attribution, corpus: Corpus) -> Source | None:
    """The one entity of the document whose name holds every word of a description ("the fire
    service" → "County Fire and Rescue Service")."""
    words = {w for w in norm_name(description).split() if w not in _STOP}
    if not words:
        return None
    found: dict[str, Entity] = {}
    for e in corpus.doc_unique.get(attr.doc, ()):
        if e.type in _BODY_TYPES and words <= corpus.words(e.name):
            found[e.id] = e
    if not found:
        # "the skipper of the trawler": the one person of the document called by that head word
        head = next((w for w in norm_name(description).split() if w not in _STOP), "")
        for e in corpus.doc_unique.get(attr.doc, ()):
            if e.type == "person" and head and any(head in corpus.words(r) for r in e.roles):
                found[e.id] = e
    if len(found) != 1:
        return None
    e = next(iter(found.values()))
    typ = "outlet" if e.type == "outlet" else e.type
    return Source(corpus.key(e.name, typ), e.name, typ, e.id)


def _speaks_for(role: str, attr: Attribution, corpus: Corpus) -> str | None:
    """The organisation a role ties a person to: named in it ("director of the Example
    Centre"), or the one "its"/"their" points back to (the last named before the speaker).
    Only a post ties a person to a body: "a critic of the Example Centre" or its former
    director does not speak for it (:data:`~narratrace.claims.lexicon.POST`)."""
    if lex.FORMER.search(role) or not (_POSSESSIVE_ROLE.match(role) or lex.POST.search(role)):
        return None
    if _POSSESSIVE_ROLE.match(role):
        start = attr.speaker.start if attr.speaker.start is not None else attr.start
        starts, bodies = corpus.doc_bodies.get(attr.doc, ([], []))
        k = bisect.bisect_left(starts, start)  # the last body named before the speaker
        return bodies[k - 1].name if k else None
    inside = _PROPER.findall(role)
    return max(inside, key=len) if inside else None


def _printed_by(attr: Attribution, root: str, corpus: Corpus) -> Source:
    """An unnamed source stands for the outlet that printed it: the one it "told", else the
    publisher of the original document."""
    if attr.medium:
        for name in _PROPER.findall(attr.medium):
            key = corpus._outlet_key(name)
            if key:
                return Source(str(key), name, "anonymous")
    return dataclasses.replace(corpus.outlet(root), type="anonymous")


def _named_inside(description: str, corpus: Corpus) -> Source | None:
    """A known outlet named inside a description ("the health website The Ledger, which says
    ..."; "documents seen by The Ledger")."""
    for name in _PROPER.findall(description):
        key = corpus._outlet_key(name)
        if key:
            return Source(str(key), name, corpus._outlet_type(name))
    return None


def _cited_in(claim: Claim, corpus: Corpus) -> Source | None:
    """A source the narrator's sentence cites ("according to X", "X reported")."""
    for c in corpus.citations.get(claim.doc, ()):
        # a source the sentence names as one ("according to X", "X reported"), not any actor in
        # it, nor a credit line (no span)
        if claim.start <= c.start < claim.end and c.source and c.start < c.end \
                and c.kind in ("outlet", "agency", "document"):
            typ = corpus._outlet_type(c.source) if c.kind in ("agency", "outlet") else c.kind
            return Source(corpus.key(c.source, typ), c.source, typ)
    return None


#: Words of a name that say what kind of body it is, not which one.
_KIND_WORDS = frozenset("government ministry ministers minister office department agency service services "
                        "council authority authorities army forces military police state republic".split())


def _names_itself(src: Source, claims: Sequence[Claim]) -> bool:
    """Does a carrier's claim name ``src`` (by a word of its name that is not a kind of body)?"""
    mine = {w for w in norm_name(src.name).split() if w not in _STOP and w not in _KIND_WORDS and len(w) > 2}
    return bool(mine) and any(mine & set(norm_name(c.text).split()) for c in claims)


def _outletish(src: Source) -> bool:
    return src.key.startswith(("outlet:", "doc:", "media:")) or src.type in ("outlet", "anonymous", "media") \
        or src.type.startswith(("agency/", "outlet/"))


def _first_published(key: str, fam_outlets: Mapping[str, set[str]], corpus: Corpus) -> str:
    dates = [p for d in fam_outlets.get(key, ()) if (p := getattr(corpus.documents.get(d), "published", None))]
    return min(dates) if dates else "9999"


def _cited_name(doc: str, key: str, corpus: Corpus) -> str:
    for c in corpus.citations.get(doc, ()):
        if corpus.key(c.source, {"agency": "outlet"}.get(c.kind, c.kind)) == key:
            return c.source
    return key.split(":", 1)[-1]


def _unnamed(name: str) -> bool:
    """A speaker described, not named ("a military spokesperson", "the government").

    >>> _unnamed("A Velmari army spokesperson"), _unnamed("the ministry"), _unnamed("Ivo Marek")
    (True, True, False)
    """
    return bool(re.match(r"(?:an?|some|one|two|three|several)\s", name.strip(), re.I)) or not _proper(name)


def _shown_first(src: Source) -> tuple[bool, bool, int]:
    return src.type == "anonymous", _proper(src.name), len(src.name)


def _proper(name: str) -> bool:
    """Is it a name ("Velmar", "The Velmar Times") rather than a description ("the
    government", "a senior official")?

    >>> _proper("The Velmar Times"), _proper("The government")
    (True, False)
    """
    return any(w[:1].isupper() for w in re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I).split())


def _reach(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _sinks(starts: Sequence[str], edges: Mapping[str, set[str]]) -> tuple[list[str], list[tuple[str, ...]]]:
    """The sources reached from ``starts`` that rest on nobody else, and the loops met."""
    sinks: set[str] = set()
    loops: list[tuple[str, ...]] = []
    done: set[str] = set()

    def walk(node: str, path: tuple[str, ...]) -> None:
        if node in path:
            loop = path[path.index(node):]
            if loop not in loops:
                loops.append(loop)
            return
        if node in done:
            return
        nxt = [n for n in sorted(edges.get(node, ())) if n != node]
        if not nxt:
            sinks.add(node)
        for n in nxt:
            walk(n, (*path, node))
        done.add(node)

    for s in starts:
        walk(s, ())
    return sorted(sinks), loops


def _merge_names(sources: Sequence[Source], chain: list[str]) -> list[Source]:
    """One actor under a short and a long name ("El Faro", "El Faro de Marazul"; "the fire
    service", "the County Fire and Rescue Service") is one origin: a name whose words all occur
    in another origin's name joins it, and so does an acronym of it ("NDRB"). Shown by its
    longest name. A person who speaks for an organisation among the origins is that origin.

    >>> chain: list[str] = []
    >>> [s.name for s in _merge_names([Source("o:ndrb", "NDRB", "organisation"),
    ...     Source("o:n", "National Drought Relief Board", "organisation"),
    ...     Source("p:v", "Ivo Varda", "person", speaks_for="NDRB")], chain)]
    ['National Drought Relief Board']
    """
    named = {s.name: {w for w in norm_name(s.name).split() if w not in _STOP} for s in sources}

    def words(s: Source) -> set[str]:  # each name normalised once, not once per comparison
        return named[s.name]

    out: list[Source] = []
    for src in sorted(sources, key=lambda s: (-len(words(s)), s.name)):
        mine = words(src)
        same = next((o for o in out if mine and mine <= words(o)
                     or _ACRONYM.fullmatch(src.name) and src.name == _acronym(o.name)), None)
        if same is None:
            out.append(src)
        else:
            chain.append(f"{src.name} and {same.name} are taken to be one actor")
    merged: list[Source] = []
    for src in out:
        body = src.speaks_for
        org = None
        if body:
            want = {w for w in norm_name(body).split() if w not in _STOP}
            org = next((o for o in out if o is not src and want
                        and (want <= words(o) or words(o) <= want or body == _acronym(o.name)
                             or o.name == _acronym(body))), None)
        if org is None and src.type == "person":
            # a role that names the body by what it does ("the county's chief fire officer" of
            # the "County Fire and Rescue Service") or by its name ("Acme's head of research")
            org = next((o for o in out if o is not src and o.type in _BODIES
                        and any((tied := _role_words(r)) and tied <= words(o) and not lex.FORMER.search(r)
                                for r in src.roles)), None)
        if org is None:
            merged.append(src)
        else:
            chain.append(f"{src.name} speaks for {org.name}: one origin")
    # "the government said" beside the one member of a government among the origins (a
    # minister, a president): the government unnamed is that member's voice, not a second origin
    unnamed = [s for s in merged if words(s) and words(s) <= _GOVERNMENT_WORDS]
    members = [s for s in merged if s.type == "person" and any(_GOVERNMENT_POST.search(r) for r in s.roles)
               and not any(lex.FORMER.search(r) for r in s.roles)]
    if unnamed and len(members) == 1:
        for s in unnamed:
            merged.remove(s)
            chain.append(f"{s.name} is {members[0].name}'s government: one origin")
    return sorted(merged, key=lambda s: s.name)


#: A body named only as "the government", "the ministry", "the authorities".
_GOVERNMENT_WORDS = frozenset("government ministry authorities officials cabinet administration".split())
#: A post in a government.
_GOVERNMENT_POST = re.compile(r"(?i)\b(?:minister|president|premier|chancellor|secretary of state)\b")


_ACRONYM = re.compile(r"[A-Z]{2,6}")
_BODY_TYPES = frozenset(("organisation", "government", "outlet", "group"))
_BODIES = frozenset(("organisation", "government", "group"))
#: Words of a role that give a rank or a post, not which body it is in.
_TITLE = re.compile(r"(?i)^(?:chief|head|deputy|senior|junior|acting|interim|former|officers?|officials?|"
                    r"director\w*|spokes\w*|ministers?|secretary|president|vice|chair\w*|executive|"
                    r"managers?|manager|commissioner|commander|general|adviser|advisor|aide|analyst|"
                    r"researcher|staff|member|press|communications|lead|principal|assistant)$")


def _role_words(role: str) -> set[str]:
    """What a role says of the body it is in: its name in a possessive ("Acme's head of
    research" → Acme), else its words that are neither a rank nor a post ("the county's chief
    fire officer" → county, fire).

    >>> sorted(_role_words("the county's chief fire officer")), sorted(_role_words("Acme's head of research"))
    (['county', 'fire'], ['acme'])
    >>> _role_words("Chief executive")
    set()
    """
    owner = re.match(r"\s*(?:the\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)['’]s\b", role)
    if owner:
        return {w for w in norm_name(owner.group(1)).split() if w not in _STOP}
    kept = " ".join(w for w in re.findall(r"[\w'’-]+", role) if not _TITLE.match(w))
    return {w for w in norm_name(kept).split() if w not in _STOP and len(w) > 2}
_POSSESSIVE_ROLE = re.compile(r"(?i)(?:its|their)\b")


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


#: Words that do not tell one name or description from another.
_STOP = frozenset("the a an its their his her 's of and de du la le el al for in on".split())


def _hardening(members: Sequence[Claim], corpus: Corpus) -> tuple[Hardening, ...]:
    """Carriers that state without hedges what an earlier or source carrier hedged."""
    out: dict[tuple[str, str], Hardening] = {}
    hedged = [c for c in members if c.hedges and c.stance == "asserts"]
    plain = [c for c in members if not c.hedges and c.stance == "asserts"]
    for h in hedged:
        for p in plain:
            if p.doc == h.doc or (h.doc, p.doc) in out:
                continue
            if not _before(h.doc, p.doc, corpus):
                continue
            out[(h.doc, p.doc)] = Hardening(source_doc=h.doc, derived_doc=p.doc, dropped=h.hedges,
                                            source_claim=h.id, derived_claim=p.id)
    return tuple(out[k] for k in sorted(out))


def _before(a: str, b: str, corpus: Corpus) -> bool:
    """Is document ``a`` a source of ``b`` or published before it (or are both undated)? A
    document copied or rewritten from ``b`` is never before it, whatever the dates say."""
    if _ancestor(a, b, corpus):
        return True
    if _ancestor(b, a, corpus):
        return False
    pa = getattr(corpus.documents.get(a), "published", None)
    pb = getattr(corpus.documents.get(b), "published", None)
    if pa and pb:
        return pa <= pb
    return True


def _ancestor(a: str, b: str, corpus: Corpus) -> bool:
    """Is ``a`` the source ``b`` was copied or rewritten from, directly or through copies?"""
    doc = b
    seen = {b}
    while doc in corpus.parent and corpus.parent[doc][0] not in seen:
        doc = corpus.parent[doc][0]
        if doc == a:
            return True
        seen.add(doc)
    return False
