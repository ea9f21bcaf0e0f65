"""Denials and rebuttals: which assertion families a denial answers.

:func:`link_denials` runs after the claims are grouped; it reads the claim vectors, the
candidate links and the document pairs that tell one story, and sets ``contradicts`` on
each denial family.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..types import Claim, ClaimFamily
from . import lexicon as lex
from .text import norm_name

#: A denial answers an assertion family it resembles this much, when a document carries both
#: or the two documents tell one story, and they share a name.
DENIES = 0.4
#: A denial that names what it denies ("claims that the ferry struck the pier") answers
#: the assertion of the story most like that clause from this similarity, shared names or not
#: (retellings name the vessel, the crew or the country differently).
DENIED_CLAUSE = 0.55
#: ... and every assertion within this of the most similar one (retellings of one clause).
CLAUSE_TIE = 0.05


def denies(claim: Claim) -> bool:
    """A denial: reported as one, or someone's statement that something is false or never
    happened."""
    text = lex.CONTRAST.sub(" ", claim.text)  # "not confined to X but ...": a contrast
    if claim.stance == "denies" or lex.DENIAL.search(text):
        return True
    # someone's statement that it is not so, or a rebuttal ("passed every test"); a
    # narrator's negation is usually plain fact
    return bool((claim.attribution or claim.attributed_to)
                and (lex.NEGATION.search(text) or lex.REBUTTAL.search(text)))


def denied_propositions(claims: Sequence[Claim],
                         embeddings: Mapping[str, np.ndarray] | None = None,
                         denying: Sequence[bool] | None = None) -> Mapping[int, np.ndarray]:
    """Vectors of what denials say is not so (:func:`~narratrace.claims.lexicon.denied_text`:
    the clause they name, or the negated statement without its negation), by claim index,
    normalised in float64: the ones the per-document stage stored (``<claim id>`` +
    :data:`~narratrace.claims.lexicon.CLAUSE_KEY` in ``embeddings``), read from there when
    asked for (not held as float64 copies), the others embedded now in one encoder call (an
    older store). ``denying``: :func:`denies` of each claim, when known."""
    denying = denying if denying is not None else [denies(c) for c in claims]
    found = {k: clause for k, c in enumerate(claims)
             if denying[k] and (clause := lex.denied_text(c.text, c.attributed_to, c.stance))}
    stored: dict[int, np.ndarray] = {}
    missing: dict[int, str] = {}
    for k, clause in found.items():
        vector = (embeddings or {}).get(claims[k].id + lex.CLAUSE_KEY)
        if vector is not None:
            stored[k] = vector
        else:
            missing[k] = clause
    made: dict[int, np.ndarray] = {}
    if missing:
        from .. import nlp

        for k, v in zip(missing, np.asarray(nlp.embed(list(missing.values())), dtype=np.float64), strict=True):
            made[k] = _unit64(v)
    return _Denied(stored, made)


def _unit64(vector: Any) -> np.ndarray:
    """A vector in float64, divided by its norm."""
    v = np.asarray(vector, dtype=np.float64)
    return v / max(float(np.linalg.norm(v)), 1e-12)


class _Denied(Mapping[int, np.ndarray]):
    """Denied propositions by claim index: the stored vectors (as given, e.g. rows of one
    float32 matrix) made unit float64 vectors when read, and those embedded now."""

    def __init__(self, stored: dict[int, np.ndarray], made: dict[int, np.ndarray]) -> None:
        self._stored, self._made = stored, made

    def __getitem__(self, k: int) -> np.ndarray:
        return self._made[k] if k in self._made else _unit64(self._stored[k])

    def __contains__(self, k: object) -> bool:
        return k in self._made or k in self._stored

    def __iter__(self) -> Iterator[int]:
        yield from self._stored
        yield from (k for k in self._made if k not in self._stored)

    def __len__(self) -> int:
        return len(self._stored) + len(self._made)


class Float64Rows:
    """Rows of a float32 matrix read as float64 (``rows[k]``, ``rows[[i, j]]``): what the
    same index of a float64 copy of the matrix gives, without holding one (60,000 claim
    vectors of 384 dimensions take 176 MiB in float64)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix

    def __getitem__(self, index: Any) -> np.ndarray:
        return np.asarray(self.matrix[index], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.matrix)


@dataclass(frozen=True)
class CorpusStats:
    """The corpus-wide counts claim grouping and denial linking judge rarity by: how many
    documents hold claims (``docs``), and in how many of them each claim word (``words``,
    for :func:`~narratrace.claims.group_claims`), each word stem (``stems``) and each figure
    (``figures``, for :func:`link_denials`) occurs. Counted from the claims given when none
    are passed; an incremental run passes the counts of its last refresh (frozen), so that a
    word's rarity, and with it every decision that does not involve a new claim, stays as it
    was. A word or figure unseen at the refresh counts as used by no document.

    >>> c = lambda i, d, t: Claim(id=i, doc=d, text=t, start=0, end=len(t))
    >>> st = CorpusStats.count([c("1", "a", "Velmar shipped 40 tonnes"), c("2", "b", "Velmar denied it")])
    >>> st.docs, st.words["velmar"], st.stems["velmar"], st.figures
    (2, 2, 2, {'40 tonnes': 1})
    >>> CorpusStats.from_row(st.to_row()) == st
    True
    """

    docs: int
    words: Mapping[str, int]
    stems: Mapping[str, int]
    figures: Mapping[str, int]

    @classmethod
    def count(cls, claims: Sequence[Claim]) -> CorpusStats:
        by_doc: dict[str, list[Claim]] = {}
        figures: dict[str, set[str]] = {}
        for c in claims:
            by_doc.setdefault(c.doc, []).append(c)
            for figure in _figures(c.text):
                figures.setdefault(figure, set()).add(c.doc)
        # a document's words counted once, a document at a time (not every document's sets at once)
        words: Counter[str] = Counter()
        stems: Counter[str] = Counter()
        for cs in by_doc.values():
            ws: set[str] = set()
            ss: set[str] = set()
            for c in cs:
                ws.update(_WORD.findall(c.text.lower()))
                ss.update(_word_stems(c.text))
            words.update(ws)
            stems.update(ss)
        return cls(docs=len(by_doc), words=words, stems=stems,
                   figures={f: len(ds) for f, ds in figures.items()})

    @property
    def few(self) -> int:
        """At most this many documents use a rare word (:data:`RARE_SHARE`, at least 3)."""
        return max(3, int(RARE_SHARE * self.docs))

    def to_row(self) -> dict[str, Any]:
        return {"docs": self.docs, "words": dict(self.words), "stems": dict(self.stems),
                "figures": dict(self.figures)}

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CorpusStats:
        return cls(docs=int(row["docs"]), words=Counter(row["words"]), stems=Counter(row["stems"]),
                   figures=Counter(row["figures"]))


@dataclass
class DenialMemo:
    """Each denial's answer from an earlier run (``old``: claim id → (fingerprint of what it
    read, the families it chose)), reused where the fingerprint is unchanged; ``new`` holds
    this run's, ``relinked`` counts the denials linked again."""

    old: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    new: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    relinked: int = 0


def link_denials(families: list[ClaimFamily], claims: Sequence[Claim], family_of: dict[int, str],
                  edges: Sequence[tuple[int, int, float]], names: Mapping[int, set[str]],
                  related: float, stories: Collection[frozenset[str]] = (),
                  exact: np.ndarray | Float64Rows | None = None,
                  speaker: Callable[[int], str | None] = lambda k: None,
                  denied: Mapping[int, np.ndarray] | None = None,
                  story: float = 0.5, stats: CorpusStats | None = None,
                  memo: DenialMemo | None = None,
                  denying: Sequence[bool] | None = None,
                  figures: Callable[[int], set[str]] | None = None) -> list[ClaimFamily]:
    """A denial family points at the assertion families it answers.

    Nobody denies their own words: what the denier says is never a candidate.

    Candidates for one denial: anywhere in the corpus, a similar assertion (``related``)
    sharing a name, or (from ``story``, the story bar) a story's allegation, one that several documents carry.
    Nearby (the same document, or one telling the same story), the most similar assertion from
    ``DENIES`` (among those sharing a name when any does) and the most widely carried allegation
    similar to it, or to its positive reading ("Velmar has never sent agents": "Velmar sent
    agents") when the allegation uses a name the denial uses. A denial that only points back
    ("rejected the claim", "denied that suggestion") answers the assertion just before it. Who denies is usually who is accused:
    when some candidates name the denier, the denial answers those only.

    A denial often says itself what it answers, in words a sentence vector misses (a negation
    moves a sentence far from its affirmation): the clause it names ("claims that P", compared
    with the allegations of the act P names when P names one); the allegation using the word a
    negation bears on ("there has been no recall": the report that the batch was recalled); the
    allegation it quotes; the figure it disputes ("the figure of 60 percent is misleading"),
    stated in any document on the same matter (two rare words shared), story link or not; or,
    for a reply that negates nothing ("its concrete passed every test"), the nearest allegation
    before it in its document sharing a word with it; for a denial of a party's involvement
    ("denied any involvement by Velmar", "Velmar had nothing to do with it"), the allegation
    against that party carried most widely, nearby or in the documents on its matter
    (:class:`_MatterDocs`: a report of the denial seldom has a story link to the reports it
    answers). When it says so, it answers those and the most widely carried allegation like it
    nearby, not what merely resembles it. An organisation or a country denying what nothing
    resembles ("it denied any contact between the two vessels") is the accused party: it
    answers the nearest allegation before it in its document that names it.

    The nearby search reads one document and its story neighbours per denial, the matter search
    at most :data:`MATTER_DOCS` documents found through words at most :data:`MATTER_DF`
    documents use, and the figure search the claims stating a figure few documents state:
    linear in the corpus.

    Rarity is judged by ``stats`` (counted from ``claims`` when not given). With ``memo``
    (needs ``exact``), a denial whose fingerprint -- its own claim and family, and the claims,
    families, family spreads, speakers and names of the documents it reads (its own, its
    story and context neighbours, its edge partners', those stating a figure it disputes, those
    on its matter) -- equals the one stored keeps the families it chose then; the others are
    linked again. With the same ``stats`` the result is the one linking every denial gives.
    """
    spread = {f.id: len(f.docs) for f in families}
    stats = stats if stats is not None else CorpusStats.count(claims)
    denying = denying if denying is not None else [denies(c) for c in claims]  # by claim index
    figures_of = figures if figures is not None else lambda k: _figures(claims[k].text)
    found: dict[int, dict[str, bool]] = {}  # denial → candidate family → names the denier
    sure: dict[int, set[str]] = {}  # denial → the families it says itself it answers
    widest: dict[int, str] = {}  # denial → the most widely carried allegation like it nearby

    def own(d: int, o: int) -> bool:
        """Is ``o`` the denier's own words (said by them, or published by them)?"""
        who = speaker(d) or claims[d].attributed_to or claims[d].actor
        said = speaker(o)
        return bool(who) and said is not None and (said == who or norm_name(said) == norm_name(who or ""))

    def answerable(d: int, o: int) -> bool:
        """Can ``d`` answer ``o``: an assertion, not in its family, not the denier's own?"""
        return claims[o].stance != "denies" and not denying[o] and family_of[o] != family_of[d] \
            and not own(d, o)

    def alleged(o: int) -> bool:
        """Is ``o`` an allegation rather than the narrator's background: hedged, someone's
        statement, or carried by several documents?"""
        said = claims[o].attributed_to or claims[o].attribution
        return bool(claims[o].hedges) or bool(said) or spread[family_of[o]] > 1

    def candidate(d: int, o: int, said: bool = False) -> None:
        """``o`` may be what ``d`` answers; ``said`` when the denial says so itself (the
        clause it names, the words it negates, the allegation it replies to)."""
        if own(d, o):
            return
        stems = _stems(claims[d].attributed_to or claims[d].actor)
        fam = family_of[o]
        if said:
            sure.setdefault(d, set()).add(fam)
        hit = bool(stems) and _names_any(claims[o].text, stems)
        here = found.setdefault(d, {})
        here[fam] = here.get(fam, False) or hit

    keys: dict[int, str] = {}
    keep: dict[int, tuple[str, ...]] = {}
    if memo is not None and exact is not None:
        keys = _fingerprints(claims, family_of, spread, edges, names, stories, speaker, stats, denying, figures_of)
        for d, key in keys.items():
            old = memo.old.get(claims[d].id)
            if old is not None and old[0] == key:
                keep[d] = tuple(old[1])
        memo.relinked = len(keys) - len(keep)
    for i, j, sim in edges:
        if not names[i] & names[j]:
            continue
        for d, o in ((i, j), (j, i)):
            if d in keep or not denying[d] or claims[o].stance == "denies" or denying[o]:
                continue
            if family_of[d] != family_of[o] and (sim >= related or (sim >= story and spread[family_of[o]] > 1)):
                candidate(d, o)
    if exact is not None:
        by_doc, near_docs = _doc_index(claims, stories)
        df = _stem_counts(stats)
        few = stats.few
        # a word or figure of the story, as long as at most half the corpus uses it (in a small
        # corpus the one story's words are in more than ``few`` of its documents)
        story_few = max(few, stats.docs // 2)
        rare_of = _RareStems(claims, by_doc, df, few)
        # claims by the figures they state ("60 percent"), for figures few documents state
        stating: dict[str, list[int]] = {}
        for k in range(len(claims)):
            for figure in figures_of(k):
                stating.setdefault(figure, []).append(k)
        figure_docs = Counter(stats.figures)
        # "rejected claims that the ferry struck the pier": what is denied is the clause
        # after "claims that"; it is compared with the allegations, not the whole sentence
        for d, claim in enumerate(claims):
            if d in keep or not denying[d]:
                continue
            around = near_docs.get(claim.doc, set())
            pool = [o for doc in (claim.doc, *sorted(around)) for o in by_doc.get(doc, ())
                    if answerable(d, o)]
            # the figure it disputes ("the figure of 60 percent is misleading"), wherever an
            # allegation states it in a document on the same matter (two rare words shared):
            # an outlet disputing a figure seldom names, or is linked to, who published it
            for figure in figures_of(d):
                for o in stating.get(figure, ()) if figure_docs[figure] <= story_few else ():
                    if answerable(d, o) and alleged(o) and len(rare_of[claims[o].doc] & rare_of[claim.doc]) >= 2:
                        candidate(d, o, said=True)
            if not pool:
                continue
            if (back := _points_back(claim.text)) is not None:
                before = [o for o in pool if claims[o].doc == claim.doc and claims[o].end <= claim.start]
                if before:
                    for o in _answered(claim, back, [claims[o] for o in before],
                                       [spread[family_of[o]] for o in before]):
                        found.setdefault(d, {})[family_of[before[o]]] = True
                    continue
            sims = exact[pool] @ exact[d]
            if denied and d in denied and lex.denied_clause(claim.text) is not None:
                # the clause it names stands for it; a negated statement's positive reading
                # only picks what it says it answers (below), since its speaker's name in it
                # makes it resemble everything said about them
                sims = np.maximum(sims, exact[pool] @ denied[d])
            named = [k for k, o in enumerate(pool) if names[d] & names[o]] or list(range(len(pool)))
            stems = _stems(claim.attributed_to or claim.actor)
            accused = [k for k in range(len(pool)) if stems and _names_any(claims[pool[k]].text, stems)]
            for group in ((accused, named) if accused else (named,)):
                best = max(group, key=lambda k: sims[k])
                if sims[best] >= DENIES:
                    candidate(d, pool[best])
            if denied and d in denied:  # the clause it names, wherever in the story it is asserted
                said = exact[pool] @ denied[d]
                # an allegation of the act the clause names ("coordinated the prices") over
                # background that merely shares its topic ("syrups are among the medicines ...")
                acts = _acts(lex.denied_clause(claim.text) or "")
                alike = [k for k in range(len(pool)) if acts & _acts(claims[pool[k]].text)] if acts else []
                among = np.asarray(alike or range(len(pool)))
                top = float(said[among].max())
                for hit in among[said[among] >= max(DENIED_CLAUSE, top - CLAUSE_TIE)].tolist():
                    candidate(d, pool[hit], said=True)
            # "there has been no recall": the allegation that uses the words the denial negates
            # ("no contamination and no recall": two negations, two allegations answered)
            answered: set[str] = set()
            for head, *rest in _negated(claim.text):
                shared = [{head, *rest} & _word_stems(claims[o].text) for o in pool]
                fit = [k for k in range(len(pool)) if head in shared[k] and df[head] <= few
                       and alleged(pool[k]) and family_of[pool[k]] not in answered]
                if fit:
                    o = pool[max(fit, key=lambda k: (len(shared[k]), spread[family_of[pool[k]]], sims[k]))]
                    candidate(d, o, said=True)
                    answered.add(family_of[o])
            # the allegation it quotes ("the description of the sinking as 'a deliberate act'
            # was irresponsible")
            for quoted in _quoted(claim.text):
                for o in pool:
                    if quoted in _plain(claims[o].text) and alleged(o):
                        candidate(d, o, said=True)
            # a reply follows what it answers: the nearest allegation before it in its document
            # that shares a word with it, not the denier's name ("the cracks go back to bad
            # concrete. The builder says its concrete passed every test"); a word of the story
            # counts, as long as at most half the corpus uses it
            named_by = _stems(claim.attributed_to or claim.actor)
            words = {w for w in _word_stems(claim.text) - _SCOPE_STOP
                     if df[w] <= story_few and not w.startswith(named_by)}
            before = sorted((k for k, o in enumerate(pool) if claims[o].doc == claim.doc
                             and claims[o].end <= claim.start), key=lambda k: -claims[pool[k]].end)
            for k in before[:REPLY_REACH] if d not in sure else ():
                if words & _word_stems(claims[pool[k]].text) and alleged(pool[k]):
                    candidate(d, pool[k], said=True)
                    break
            # the most widely carried allegation like it: like the denial, or like its positive
            # reading when it also uses a name the denial uses (one few documents use)
            named_here = {w for w in _name_stems(claim.text) if df[w] <= few}
            positive = exact[pool] @ denied[d] if denied and d in denied else np.zeros(len(pool))
            wide = [(spread[family_of[pool[k]]], float(max(sims[k], positive[k])), pool[k])
                    for k in (range(len(pool)) if d in sure else named)
                    if spread[family_of[pool[k]]] > 1 and (sims[k] >= DENIES or (
                        positive[k] >= DENIES and named_here & _word_stems(claims[pool[k]].text)))]
            if wide:
                o = max(wide)[2]
                candidate(d, o)
                widest[d] = family_of[o]
            if named_here and lex.INVOLVEMENT.search(claim.text):
                # a denial of a party's involvement ("denied any involvement by Velmar",
                # "Velmar had nothing to do with it") answers the allegation against that party
                # carried most widely, nearby or on its matter
                on_matter = [o for doc in rare_of.matter()(claim.doc) if doc not in around for o in by_doc.get(doc, ())
                             if answerable(d, o)]
                against = [o for o in (*pool, *on_matter) if spread[family_of[o]] > 1 and alleged(o)
                           and named_here & _word_stems(claims[o].text)]
                if against:
                    candidate(d, max(against, key=lambda o: (spread[family_of[o]], float(exact[o] @ exact[d]))),
                              said=True)
            if d not in found and not _PERSON_NAME.fullmatch((claim.attributed_to or claim.actor or "").strip()):
                # the accused's own denial of the act, in words the allegation does not use
                # ("the coast guard denied any contact" after "a coast guard cutter rammed the
                # boat"): the nearest allegation before it in its document naming the denier --
                # an organisation or a country (a person named there is more often its source)
                # an allegation someone made or hedged before background that merely names them
                # ("the council, which has set the exams since 1961, ...")
                named_before = [k for k in before if k in accused and alleged(pool[k])]
                contested = [k for k in named_before if claims[pool[k]].hedges
                             or claims[pool[k]].attributed_to or claims[pool[k]].attribution]
                for k in (contested or named_before)[:1]:
                    candidate(d, pool[k], said=True)
    targets: dict[str, set[str]] = {}
    for d, kept in keep.items():
        if kept:
            targets.setdefault(family_of[d], set()).update(kept)
    for d, fams in found.items():
        # An organisation or a country that denies is usually the accused one: among the
        # candidates, those naming it. (A person's name rarely appears in the allegation their
        # organisation answers.)
        denier = claims[d].attributed_to or claims[d].actor or ""
        chosen = list(fams)
        if d in sure:  # what the denial says it answers, over what merely resembles it
            chosen = sorted(sure[d] | ({widest[d]} if d in widest else set()))
        elif not _PERSON_NAME.fullmatch(denier.strip()):
            chosen = [f for f, hit in fams.items() if hit] or chosen
        targets.setdefault(family_of[d], set()).update(chosen)
        if memo is not None and d in keys:
            memo.new[claims[d].id] = (keys[d], tuple(sorted(chosen)))
    if memo is not None:
        for d, key in keys.items():
            memo.new.setdefault(claims[d].id, (key, keep.get(d, ())))
    out = []
    for fam in families:
        if fam.id in targets:
            fam = dataclasses.replace(fam, contradicts=tuple(sorted(targets[fam.id])))
        out.append(fam)
    return out


#: Two statements of one matter by different people, one saying a thing did not happen that
#: the other says did ("two lifeboats could not be lowered" / "all four lifeboats were lowered
#: without difficulty"), contradict each other from this similarity.
FLIPPED = 0.55
#: A verb negated: an auxiliary or modal and "not" ("could not be lowered", "wasn't sold"),
#: "cannot", or "never" ("has never sold").
_PLAIN_NEGATION = re.compile(r"\b(?:(?:is|are|was|were|has|have|had|do|does|did|can|could|will|would|"
                             r"shall|should|may|might|must)\s+not|cannot|never)\b|\w+n[’']t\b", re.I)
_AUXILIARY = frozenset("be been being have has had was were is are do does did ever yet always "
                       "get got even".split())


def _polarity(text: str) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The verbs ``text`` negates (the first word a negation bears on, past its auxiliaries,
    as a stem: "could not be lowered" → "lowere"), each with the stems of its subject (the
    words just before the negation), and the stems it states plainly.

    >>> neg, plain = _polarity("two of the four lifeboats could not be lowered safely")
    >>> {k: sorted(v) for k, v in neg.items()}, "lowere" in plain, "lifebo" in plain
    ({'lowere': ['four', 'lifebo']}, False, True)
    >>> _polarity("views of the United States but not China")[0]  # not a verb's negation
    {}
    """
    negated: dict[str, frozenset[str]] = {}
    for m in _PLAIN_NEGATION.finditer(text):
        for w in re.findall(r"[A-Za-z][\w'’-]*", text[m.end():m.end() + 60])[:4]:
            if w.lower() in _AUXILIARY:
                continue
            stem = w.lower()[:6]
            if len(w) >= 4 and w.lower() not in _SUBJECT_STOP:
                before = re.findall(r"[A-Za-z][\w'’-]{3,}", text[max(0, m.start() - 60):m.start()])[-5:]
                subject = frozenset(x.lower()[:6] for x in before if x.lower() not in _SUBJECT_STOP
                                    and x.lower() not in _AUXILIARY)
                if subject:
                    negated[stem] = negated.get(stem, frozenset()) | subject
            break
    plain = {w.lower()[:6] for w in re.findall(r"[A-Za-z][\w'’-]{3,}", text)} - set(negated)
    return negated, frozenset(plain)


def _flipped(negated: Mapping[str, frozenset[str]], text: str) -> bool:
    """Does ``text`` state plainly a verb ``negated`` negates, with a word of its subject before it?

    >>> neg, _ = _polarity("two of the four lifeboats could not be lowered safely")
    >>> _flipped(neg, "all four lifeboats had been lowered without difficulty")
    True
    >>> _flipped(neg, "the crew lowered the flag before the lifeboats left")
    False
    """
    words = [w.lower()[:6] for w in re.findall(r"[A-Za-z][\w'’-]{3,}", text)]
    own, _ = _polarity(text)
    for verb, subject in negated.items():
        if verb in own or verb not in words:
            continue
        if subject & set(words[:words.index(verb)]):
            return True
    return False


def link_contradictions(families: list[ClaimFamily], claims: Sequence[Claim], family_of: Mapping[int, str],
                        exact: np.ndarray | Float64Rows, stories: Collection[frozenset[str]],
                        edges: Sequence[tuple[int, int, float]], names: Mapping[int, set[str]],
                        speaker: Callable[[int], str | None],
                        when: Callable[[int], tuple[str, int]],
                        denying: Sequence[bool] | None = None,
                        stats: CorpusStats | None = None) -> list[ClaimFamily]:
    """Someone's statement that a thing did not happen, and another person's that it did, at
    least :data:`FLIPPED` alike, in one document or two telling one story (``stories``), or
    anywhere when they share a name or two words few documents use (``edges``, the claims'
    candidate links; rarity as ``stats`` counts it): the later of the
    two (``when``: its document's date and its place in it) contradicts the earlier one's
    family. Neither is a denial in so many words ("two lifeboats could not be lowered" is a
    finding, "all four were lowered without difficulty" a reply), so :func:`link_denials` does
    not see them.

    The search reads each negated statement's document, its story neighbours and its candidate
    links: linear in the corpus.
    """
    denying = denying if denying is not None else [denies(c) for c in claims]
    by_doc, near_docs = _doc_index(claims, stories)
    polarity: dict[int, tuple[dict[str, frozenset[str]], frozenset[str]]] = {}

    def of(k: int) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
        if k not in polarity:
            polarity[k] = _polarity(claims[k].text)
        return polarity[k]

    def said(k: int) -> bool:
        return bool(claims[k].attributed_to or claims[k].attribution) and claims[k].stance != "denies" \
            and not denying[k]

    negated = [d for d, c in enumerate(claims) if said(d) and _PLAIN_NEGATION.search(c.text) and of(d)[0]]
    wanted = set(negated)
    stats = stats if stats is not None or not negated else CorpusStats.count(claims)
    df = _stem_counts(stats) if stats is not None else Counter()
    # a word of the story counts, as long as at most half the corpus uses it (in a small corpus
    # the one story's words are in more than ``few`` of its documents)
    few = max(stats.few, stats.docs // 2) if stats is not None else 0

    def matter(i: int, j: int) -> bool:
        """A name, or two words few documents use, in common."""
        return bool(names[i] & names[j]) or len({w for w in _word_stems(claims[i].text) & _word_stems(claims[j].text)
                                                 if df[w] <= few}) >= 2

    linked: dict[int, set[int]] = {}
    for i, j, sim in edges:
        if sim >= FLIPPED and (i in wanted or j in wanted) and matter(i, j):
            linked.setdefault(i, set()).add(j)
            linked.setdefault(j, set()).add(i)
    targets: dict[str, set[str]] = {}
    for d in negated:
        claim = claims[d]
        who = speaker(d)
        if not who:
            continue
        pool = {o for doc in (claim.doc, *near_docs.get(claim.doc, ())) for o in by_doc.get(doc, ())}
        for o in sorted(pool | linked.get(d, set())):
            if o == d or not said(o) or family_of[o] == family_of[d]:
                continue
            other = speaker(o)
            if not other or norm_name(who) == norm_name(other):
                continue
            if not _flipped(of(d)[0], claims[o].text) or float(exact[o] @ exact[d]) < FLIPPED:
                continue
            later, earlier = (d, o) if when(d) > when(o) else (o, d)
            targets.setdefault(family_of[later], set()).add(family_of[earlier])
    if not targets:
        return families
    return [dataclasses.replace(f, contradicts=tuple(sorted({*f.contradicts, *targets[f.id]})))
            if f.id in targets else f for f in families]


def _fingerprints(claims: Sequence[Claim], family_of: Mapping[int, str], spread: Mapping[str, int],
                  edges: Sequence[tuple[int, int, float]], names: Mapping[int, set[str]],
                  stories: Collection[frozenset[str]], speaker: Callable[[int], str | None],
                  stats: CorpusStats, denying: Sequence[bool],
                  figures: Callable[[int], set[str]] | None = None) -> dict[int, str]:
    """A digest of what :func:`link_denials` reads for each denial (by claim index): its
    claim, and every claim of the documents it may read, with their families, the families'
    spread, speakers and names. A claim id is its document's (content) id and its offsets,
    so its text and vectors come with it."""
    by_doc, near = _doc_index(claims, stories)
    partners: dict[int, list[tuple[int, float]]] = {}
    for i, j, sim in edges:
        partners.setdefault(i, []).append((j, sim))
        partners.setdefault(j, []).append((i, sim))
    digests: dict[str, str] = {}

    def digest(doc: str) -> str:
        if doc not in digests:
            what = repr([(claims[o].id, claims[o].stance, claims[o].attribution, claims[o].attributed_to,
                          claims[o].actor, claims[o].hedges, family_of[o], spread[family_of[o]],
                          speaker(o), sorted(names[o])) for o in by_doc.get(doc, ())])
            digests[doc] = hashlib.blake2b(what.encode("utf-8"), digest_size=12).hexdigest()
        return digests[doc]

    figures_of = figures if figures is not None else lambda k: _figures(claims[k].text)
    stating: dict[str, set[str]] = {}
    for k, c in enumerate(claims):
        for figure in figures_of(k):
            stating.setdefault(figure, set()).add(c.doc)
    matter: _MatterDocs | None = None
    out: dict[int, str] = {}
    for d, c in enumerate(claims):
        if not denying[d]:
            continue
        docs = {c.doc, *near.get(c.doc, ()), *(claims[o].doc for o, _ in partners.get(d, ()))}
        for figure in figures_of(d):
            if stats.figures.get(figure, 0) <= stats.few:
                docs.update(stating.get(figure, ()))
        if lex.INVOLVEMENT.search(c.text):
            if matter is None:
                df = _stem_counts(stats)
                matter = _RareStems(claims, by_doc, df, stats.few).matter()
            docs.update(matter(c.doc))
        what = [c.id, *sorted(f"{claims[o].id}:{sim!r}" for o, sim in partners.get(d, ())),
                *(f"{doc}={digest(doc)}" for doc in sorted(docs))]
        out[d] = hashlib.blake2b("\n".join(what).encode("utf-8"), digest_size=16).hexdigest()
    return out


#: Two to four capitalised words with no organisation word: how a person is named.
_PERSON_NAME = re.compile(r"(?!.*\b(?:Government|Ministry|Agency|Company|Association|Club|Federation|"
                          r"Authority|Council|Service|Office|Laboratories|Group|Union|Bank|Institute|"
                          r"Centre|Center|Police|Army|Coast Guard)\b)[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,3}")
_NOT_A_STEM = frozenset("government ministry minister office the of and for spokesman spokeswoman "
                        "spokesperson officials official president agency company".split())


#: A denial of a party's involvement also reads this many documents on its matter that no story
#: link joins to its own (a report of a denial seldom names, or retells, the report it answers) ...
MATTER_DOCS = 3
#: ... those sharing the most words (at least this many) that few documents use ...
MATTER_WORDS = 3
#: ... counting only words at most this many documents use (a story's names, not a topic's).
MATTER_DF = 12


def _stem_counts(stats: CorpusStats) -> Counter[str]:
    """The stem document frequencies as a Counter (0 for an unseen stem), not copied when
    they are one."""
    return stats.stems if isinstance(stats.stems, Counter) else Counter(stats.stems)


class _RareStems(dict[str, set[str]]):
    """Each document's claim word stems that at most ``few`` documents use, by document, made
    when first asked for (a denial reads those of a few documents), each stem one string
    object however many documents use it. Made for every document at once, with a string per
    stem and document, they took 20 MiB of 5,000 documents (``bench/bench_scale.py``'s)."""

    def __init__(self, claims: Sequence[Claim], by_doc: Mapping[str, Sequence[int]],
                 df: Mapping[str, int], few: int) -> None:
        super().__init__()
        self.claims, self.by_doc, self.df, self.few = claims, by_doc, df, few
        self.one: dict[str, str] = {}
        self._matter: _MatterDocs | None = None

    def __missing__(self, doc: str) -> set[str]:
        value = self.of(doc)
        self[doc] = value
        return value

    def of(self, doc: str, limit: int | None = None) -> set[str]:
        """The rare stems of ``doc`` (used by at most ``limit`` documents too, when given), not
        kept."""
        stems: set[str] = set()
        for k in self.by_doc.get(doc, ()):
            stems.update(_word_stems(self.claims[k].text))
        most = self.few if limit is None else min(self.few, limit)
        return {self.one.setdefault(w, w) for w in stems if self.df[w] <= most}

    def matter(self) -> _MatterDocs:
        """The :class:`_MatterDocs` of these documents, one document's stems made at a time,
        made on the first call (only a denial of a party's involvement reads it)."""
        if self._matter is None:
            self._matter = _MatterDocs(((doc, self.of(doc, MATTER_DF)) for doc in self.by_doc), self.df)
        return self._matter


class _MatterDocs:
    """The documents on one document's matter: per document, the :data:`MATTER_DOCS` others
    sharing the most of its rare words (at least :data:`MATTER_WORDS`), counting only words at
    most :data:`MATTER_DF` documents use, so that one look costs a bounded amount.

    >>> rare = {"a": {"velmar", "trawle", "skerry"}, "b": {"velmar", "trawle", "skerry", "tolls"},
    ...         "c": {"velmar", "tolls"}}
    >>> _MatterDocs(rare, Counter(w for ws in rare.values() for w in ws))("a")
    ['b']
    """

    def __init__(self, rare_of: Mapping[str, set[str]] | Iterable[tuple[str, set[str]]],
                 df: Mapping[str, int]) -> None:
        pairs = rare_of.items() if isinstance(rare_of, Mapping) else rare_of
        self.rare_of = {doc: {w for w in ws if df[w] <= MATTER_DF} for doc, ws in pairs}
        self.docs_with: dict[str, list[str]] = {}
        for doc, ws in self.rare_of.items():
            for w in ws:
                self.docs_with.setdefault(w, []).append(doc)
        self.found: dict[str, list[str]] = {}

    def __call__(self, doc: str) -> list[str]:
        if doc not in self.found:
            shared = Counter(other for w in self.rare_of.get(doc, ()) for other in self.docs_with[w] if other != doc)
            ranked = sorted((n, other) for other, n in shared.items() if n >= MATTER_WORDS)
            self.found[doc] = [other for _, other in sorted(ranked, key=lambda x: (-x[0], x[1]))[:MATTER_DOCS]]
        return self.found[doc]


#: A reply answers one of this many claims just before it in its document.
REPLY_REACH = 3
#: A word is rare when at most this share of the documents use it (at least 3): the words of
#: one matter, not of the news in general.
RARE_SHARE = 0.15
#: The claim words :class:`CorpusStats` counts (five letters or more).
_WORD = re.compile(r"[a-z][a-z'’-]{4,}")
#: What a negation or a denial verb bears on: the words after it ("no recall of the batch",
#: "denied any link to the depot", "did not open that crate").
_SCOPE = re.compile(r"\b(?:no|not|never|nothing|none|nor|without|den(?:y|ies|ied|ying)|"
                    r"reject(?:s|ed|ing)?|refut(?:e|es|ed|ing))\b"
                    # up to four words, to the end of the clause or the next "and", "or", "no"
                    r"((?:\s+(?!(?:and|but|or|no|not|nor|never)\b)[\w'’-]+){1,4})", re.I)
#: Words in a negation's scope that do not say what is denied.
_SCOPE_STOP = frozenset("that this these those with from have been being they their them there about "
                        "against made such said says what where when which whom evidence information "
                        "comment reason basis proof single piece part longer other more only ever "
                        "anyone anything anybody anywhere doubt further would could should will shall "
                        "accept aware know knew true directly indirectly".split())
#: ... nor say who or what a negated verb is about
_SUBJECT_STOP = _SCOPE_STOP | frozenset("also still just only said says told added".split())


#: A figure with its unit: "60 percent", "12%", "4,000 tonnes".
_FIGURE = re.compile(r"\b(\d[\d,.]*\d|\d)\s*(%|per ?cent|[a-z]{3,})", re.I)


#: Numbers from ten written as words, as a figure states them in digits ("twelve tonnes":
#: "12 tonnes"). Below ten, news style spells out counts ("the two vessels", "three players"):
#: things counted, not a quantity in dispute.
_NUMBER_WORDS = {w: str(k) for k, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split()) if k >= 10}
_NUMBER_WORDS.update({w: str(10 * k) for k, w in enumerate(
    "thirty forty fifty sixty seventy eighty ninety".split(), start=3)})
_WORD_FIGURE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\s+(per ?cent|[a-z]{3,})", re.I)


def _figures(text: str) -> set[str]:
    """The figures ``text`` states, with their units, in one form.

    >>> sorted(_figures("Fares rose 12% (12 percent) and 4,000 tonnes were lost on 3 May 2024."))
    ['12 percent', '4,000 tonnes']
    >>> sorted(_figures("We do not recognise the figure of twelve tonnes, or Forty percent."))
    ['12 tonnes', '40 percent']
    """
    found = [(n, u) for n, u in _FIGURE.findall(text) if not _YEAR.fullmatch(n)]
    found += [(_NUMBER_WORDS[n.lower()], u) for n, u in _WORD_FIGURE.findall(text)]
    return {f"{n} {'percent' if u.lower() in ('%', 'per cent', 'percent') else u.lower()}"
            for n, u in found if u.lower()[:3] not in _MONTHS}


#: Dates are not figures: a year, or a day before its month.
_YEAR = re.compile(r"1[89]\d\d|20\d\d")
_MONTHS = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»]+)[\"“”«»]")


def _plain(text: str) -> str:
    """Lower case, words only: how a quotation is found again in another text."""
    return " ".join(re.findall(r"[\w'’-]+", text.lower()))


def _quoted(text: str) -> list[str]:
    """The quotations of three words or more in ``text``, in :func:`_plain` form.

    >>> _quoted('They called the raid "an act of piracy" and "lies".')
    ['an act of piracy']
    """
    return [q for m in _QUOTED.finditer(text) if len((q := _plain(m.group(1))).split()) >= 3]


def _word_stems(text: str) -> set[str]:
    """Crude stems (six letters) of a text's words of four letters or more: "recalled" and
    "recall", "contamination" and "contaminated" meet."""
    return {w.lower()[:6] for w in re.findall(r"[A-Za-z][\w'’-]{3,}", text)}


def _name_stems(text: str) -> set[str]:
    """The :func:`_word_stems` of the capitalised words of ``text``: the names it uses.

    >>> sorted(_name_stems("Velmar has never sent drones to the Osk coast, Dr Hal said."))
    ['velmar']
    """
    return {w.lower()[:6] for w in re.findall(r"\b[A-Z][\w'’-]{3,}", text)}


def _negated(text: str) -> list[list[str]]:
    """The stems each negation or denial verb of ``text`` bears on, the head first.

    >>> _negated("There has been no recall of the batch and it did not touch the pier")
    [['recall', 'batch'], ['touch', 'pier']]
    >>> _negated("no contamination and no recall, the agency said")
    [['contam'], ['recall']]
    """
    out = []
    for m in _SCOPE.finditer(text):
        words = [w for w in re.findall(r"[A-Za-z][\w'’-]{3,}", m.group(1)) if w.lower() not in _SCOPE_STOP]
        stems = list(dict.fromkeys(w.lower()[:6] for w in words))
        if stems:
            out.append(stems)
    return out


def _acts(text: str) -> set[str]:
    """The actions a text names (:data:`~narratrace.claims.lexicon.ACTIONS`), bar the speech act
    "accuse", which an allegation and its denial both carry."""
    return {name for name, rx in lex.ACTIONS if name != "accuse" and rx.search(text)}


def _stems(name: str | None) -> tuple[str, ...]:
    """Word stems of a name that also find its adjectives ("Velmar" → "velma", finds "Velmari")."""
    if not name:
        return ()
    return tuple(w.lower()[:5] for w in re.findall(r"[A-Za-z][\w'’-]{3,}", name) if w.lower() not in _NOT_A_STEM)


def _names_any(text: str, stems: tuple[str, ...]) -> bool:
    """Does ``text`` name the actor whose name gave ``stems``? A one-word name by its stem
    ("Velmar" finds "Velmari"); a longer one by two of its words, so that "medicines" alone
    does not name the "Association of Generic Medicine Producers".

    >>> _names_any("Cough syrups are medicines", _stems("Union of Medicine Makers"))
    False
    >>> _names_any("the Velmari army attacked", _stems("Velmar"))
    True
    """
    low = text.lower()
    hits = sum(1 for stem in set(stems) if re.search(r"\b" + re.escape(stem), low))
    return hits >= min(2, len(set(stems))) and hits > 0


def _answered(denial: Claim, back: re.Match[str], before: Sequence[Claim],
              spread: Sequence[int]) -> list[int]:
    """What a denial that points back ("rejected the allegations", "denied that suggestion",
    "rejected the accusations against the players") answers, among the claims before it in
    its document (indices into ``before``): the nearest allegation -- someone else's
    statement, or a hedged one, rather than the narrator's background -- preferring one that
    shares a word with what follows the pointer ("the players"), then one that several
    documents carry. A plural pointer ("the allegations") also answers the allegation
    carried most widely before it.

    >>> c = lambda t, s, **k: Claim(id=t, doc="d", text=t, start=s, end=s + 1, **k)
    >>> before = [c("The players were paid to lose", 0, hedges=("allegedly",)),
    ...           c("The club was founded in 1921", 5), c("We will interview players", 9, attributed_to="X")]
    >>> denial = c("The union rejected the accusations against the players", 20, stance="denies")
    >>> _answered(denial, _POINTS_BACK.search(denial.text), before, [3, 1, 1])
    [0]
    """
    denier = (denial.attributed_to or denial.actor or "").lower()

    def alleged(c: Claim) -> bool:
        said_by = (c.attributed_to or "").lower()
        return bool(c.hedges) or bool((c.attribution or said_by) and said_by != denier)

    words = {w for w in re.findall(r"[a-z]{4,}", denial.text[back.end():].lower()) if w not in _OBJECT_STOP}
    shares = [bool(words & set(re.findall(r"[a-z]{4,}", c.text.lower()))) for c in before]
    best = max(range(len(before)), key=lambda k: (shares[k], alleged(before[k]), spread[k] > 1, before[k].end))
    out = [best]
    wide = sorted((k for k in range(len(before)) if alleged(before[k]) and spread[k] > 1),
                  key=lambda k: (-spread[k], -before[k].end))
    if _WHOLE_REPORT.search(back.group(0)):
        # "rejected the report": everything the report alleges, as far as others carry it
        out.extend(wide[:WHOLE_REPORT_REACH])
    elif back.group(0).endswith("s") and not shares[best] and wide:
        out.append(wide[0])
    return sorted(set(out))


def _points_back(text: str) -> re.Match[str] | None:
    """The words of a denial that only point back to what was just reported ("rejected the
    allegations", "denied that suggestion", "denied it on Sunday"), or None -- also when the
    pointer goes on to name what is denied ("rejected the suggestion that P").

    >>> _points_back("Stavnes denied that yesterday.").group(0)
    'denied that'
    >>> _points_back("The director rejected the report.").group(0)
    'the report'
    >>> _points_back('"That is pure invention from beginning to end').group(0)
    '"That is'
    >>> _points_back("Velmar denied that its ships had entered the strait.") is None
    True
    >>> _points_back("Velmar rejected the suggestion that its firms bought grain there.") is None
    True
    """
    if lex.denied_clause(text) is not None:
        return None
    return _POINTS_BACK.search(text) or _POINTS_BACK_PRONOUN.search(text) or _POINTS_BACK_SUBJECT.match(text)


#: Words after a pointer that say nothing about what is denied.
_OBJECT_STOP = frozenset("that this these those which were with from have been they their them "
                         "about against made such said says".split())
#: A denial whose object is only a pointer back to what was just reported.
#: "denied it", "rejected that on Sunday": a denial whose object is a pronoun.
_POINTS_BACK_PRONOUN = re.compile(
    r"(?:" + lex.DENIAL_VERB.pattern + r"|\bdisput\w*)\s+(?:that|this|it|them|these|those)\b"
    r"(?=\s*(?:[.,;:!\"”’]|$|(?:yesterday|today|outright|flatly|firmly|strongly|categorically|again|on|in|at|"
    r"as|when|and|but|through|via|during)\b))", re.I)
#: "That is pure invention", "This is simply untrue": a rebuttal whose subject points back.
_POINTS_BACK_SUBJECT = re.compile(r"\W*(?:that|this|it)(?:['’]s|\s+is|\s+was)\b", re.I)
#: A pointer to a whole report rather than one of its statements.
_WHOLE_REPORT = re.compile(r"\b(?:reports?|story|stories|article|account|reporting|coverage)\b", re.I)
#: A denial of a whole report answers at most this many of the report's allegations that
#: others carry (the most widely carried first).
WHOLE_REPORT_REACH = 3
_POINTS_BACK = re.compile(r"\b(?:that|the|these|those|this|such)\s+(?:\w+\s+)?(?:claims?|suggestions?|"
                          r"accusations?|allegations?|reports?|story|stories|assertions?|charges?|account)\b",
                          re.I)


def _doc_index(claims: Sequence[Claim], stories: Collection[frozenset[str]],
               ) -> tuple[dict[str, list[int]], dict[str, set[str]]]:
    """Claim indices by document, and each document's story neighbours (itself for a
    one-document entry)."""
    by_doc: dict[str, list[int]] = {}
    for k, c in enumerate(claims):
        by_doc.setdefault(c.doc, []).append(k)
    near: dict[str, set[str]] = {}
    for pair in stories:
        a, b = tuple(pair) if len(pair) == 2 else (next(iter(pair)),) * 2
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    return by_doc, near
