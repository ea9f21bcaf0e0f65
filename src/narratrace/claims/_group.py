"""Corpus-level claim families: the same claim across documents, stance respected."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..types import Claim, ClaimFamily, Document
from . import lexicon as lex
from ._denials import _MONTHS, _WORD, _YEAR, CorpusStats, DenialMemo, Float64Rows, denied_propositions, denies, link_contradictions, link_denials
from ._incremental import ClaimFacts, _claim_figures
from .text import content_id, name_keys, norm_name, same_actor

#: Cosine similarity (all-MiniLM-L6-v2, normalised) above which two claims are paraphrases of
#: one proposition even without the same action words. Measured on the 5 seed articles: the same
#: quote in two outlets scores 0.97-0.98, a rewritten sentence of one report 0.80-0.96; the
#: closest pair of different claims about the same actors scored 0.77.
SAME = 0.80
#: Similarity above which two claims join when they also share a named actor/target/place and
#: an action (supply, attack, sever ties, …). On the seeds, topic-mates that are different
#: claims sit at 0.55-0.70 (the whole corpus is about one accusation), so the action and
#: the names do the separating; 0.62 keeps "X supplies drones" (0.65-0.67 across outlets)
#: while the action test keeps "X's weapons end up with terrorists" (0.70) out. Across two
#: texts that tell no one story (no reuse link), this bar also needs one speaker for both claims
#: or two words few documents use: in a corpus about one matter ("Russia", "Ukraine",
#: "attack" everywhere) names and action pin nothing. On the 396 SemEval training articles
#: families spanning several documents went from 135 to 102; in a sample of 30 of the
#: families this took apart, 2 were one proposition (read by hand). Two claims stating
#: different amounts ("7,000 troops killed", "315,000") never join, at any similarity,
#: unless one text retells the other.
RELATED = 0.62
#: At most this many candidate links per claim (its most similar claims above RELATED): a claim
#: repeated by more outlets still forms one family, since families are clustered over the
#: connected components of the candidate links, and the links stay linear in the corpus.
NEIGHBOURS = 32
#: Two clusters merge only when their mean cross similarity is at least RELATED (average
#: linkage), so one bridging pair cannot chain two different claims into one family.
#: Similarity above which two claims join when their documents tell one story (a reuse link of
#: any kind: copy, rewrite, or independent coverage of the same event) and they also share a
#: figure, a name, two rare words or the speaker. Outlets reporting one statement paraphrase it
#: far more than a bi-encoder forgives (on provenance-dev, half of the same-claim pairs in
#: different articles score below 0.62); the story link and the shared specifics are the
#: context that makes the lower bar safe. Below CORROBORATE, two different speakers' claims
#: never join, at this bar or at RELATED: on the seeds, one official's accusation and another's
#: about the same weapons score 0.65-0.67 and are two claims.
STORY = 0.5
#: Similarity at which two different speakers' claims join as one proposition with two origins
#: (corroboration), when their documents tell one story, neither document is derived from the
#: other, both are assertions or both denials, and they share a figure, a name or two rare
#: words. Below it two speakers stay two claims. On the seeds, where one narrative is carried
#: by several officials, no pair of named speakers in independent documents of one story
#: reaches it; on provenance-dev it joins an eyewitness's account with a government's
#: accusation of the same act. Between 0.65 and 0.70 the pairs it would add on provenance-dev
#: were mostly different propositions about the same matter (a company's denial and an
#: official's account of what the company sent).
CORROBORATE = 0.70

_CAPS = re.compile(r"\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*")
_SKIP = frozenset("The A An In On At But And This That These Those It He She They We I As After "
                  "Before During While When If Some Western".split())


def group_claims(claims: Sequence[Claim], *, documents: Mapping[str, Document],
                 entities_by_claim: Mapping[str, set[str]] | None = None,
                 embeddings: Mapping[str, np.ndarray] | None = None,
                 matrix: np.ndarray | None = None,
                 neighbours: Mapping[tuple[str, str], float] | None = None,
                 same: float = SAME, related: float = RELATED,
                 stories: Collection[frozenset[str]] = (), story: float = STORY,
                 speakers: Mapping[str, str] | None = None,
                 context: Collection[frozenset[str]] = (),
                 derived: Collection[frozenset[str]] = (),
                 stats: CorpusStats | None = None,
                 memo: FamilyMemo | None = None) -> tuple[list[Claim], list[ClaimFamily]]:
    """Group claims that state the same proposition into families.

    Two claims join when their embeddings are near-paraphrases (``same``), or similar
    (``related``) and sharing a named actor/target/place plus the action. A denial never joins an
    assertion family; its family lists the families it contradicts. ``embeddings`` (claim id →
    normalised vector) are computed with :func:`narratrace.nlp.embed` when not given. ``matrix``:
    the claims' vectors already stacked and normalised as :func:`_vectors` stacks them (row ``k``
    claim ``k``, float32), read instead of stacking ``embeddings`` (which still give the denied
    clauses' vectors).
    ``neighbours`` (``(id_a, id_b)`` → cosine, every pair at least ``related``, as
    :func:`claim_neighbours` finds them) may come from earlier runs; by default they are
    searched here.

    Clusters only ever merge along linked pairs, so the claims are split into the connected
    components of that graph and each component is clustered on its own (average linkage,
    most similar pair first): the result is the one a clustering of all claims at once
    gives, at the cost of the components instead of all pairs of claims.

    ``derived`` are the pairs where one text is a copy or a rewrite of the other: there a
    retold sentence is the same claim from ``story`` similarity even when the retelling
    dropped the names and figures ("three drug makers" for the three companies' names), when
    each of the two claims is the other's closest in its text (a retelling maps sentence to
    sentence; a second sentence of the source on the same topic is not what was retold).

    ``context`` are more document pairs that likely tell one story (a same-story score just
    under the link bar): a denial looks for what it answers in the texts of its story and of
    its context, but claims join families only across ``stories``.

    ``stories`` are the document pairs that tell one story (reuse links); claims of two such
    documents join from ``story`` similarity when they share a figure or a name, or have the
    same speaker (``speakers``: claim id → a speaker key, e.g. its canonical name).

    ``stats``: the document frequencies rarity is judged by (:class:`CorpusStats`; counted
    from ``claims`` when not given). ``memo`` (:class:`FamilyMemo`): the families of each
    connected component an earlier run clustered, by a fingerprint of the component (its
    claims, their speakers, outlets and dates, its links with their bars), and each denial's
    answer (:class:`~narratrace.claims._denials.DenialMemo`); a component or denial whose
    fingerprint is unchanged keeps them, the others are clustered and linked again, and the
    memo is filled with this run's. With the same ``stats`` the result is the one a run
    without a memo gives.

    Returns the claims with ``family`` set (input order) and the families.
    """
    if not claims:
        return [], []
    vectors = matrix if matrix is not None else _vectors(claims, embeddings)
    index = {c.id: k for k, c in enumerate(claims)}
    low = min(related, story) if stories else related
    if neighbours is None:
        neighbours = {(claims[i].id, claims[j].id): s
                      for i, j, s in claim_neighbours(vectors, threshold=low)}
    story_pairs = {p for p in stories if len(p) == 2}
    derived_pairs = {p for p in derived if len(p) == 2} & story_pairs
    speaker_of = speakers or {}
    # Names and actions only matter for claims with a neighbour: computed on first use.
    names = _Lazy(lambda k: entities_by_claim.get(claims[k].id, set())
                  if entities_by_claim is not None else _names(claims[k]))
    facts = memo.facts if memo is not None else ClaimFacts()  # (kept between runs in the memo)
    actions = _Lazy(lambda k: facts.get(claims[k], "actions", _actions))
    n = len(claims)

    figures = _Lazy(lambda k: set(_FIGURE.findall(claims[k].text)))
    amounts = _Lazy(lambda k: facts.get(claims[k], "amounts", lambda c: _amounts(c.text)))
    # Words few documents use ("turbine", "levy"): two retellings that share two of them
    # are pinned to one matter as a shared name would pin them.
    words_of = _Lazy(lambda k: set(_WORD.findall(claims[k].text.lower())))
    stats = stats if stats is not None else CorpusStats.count(claims)
    df, few = stats.words, stats.few
    rare = _Lazy(lambda k: {w for w in words_of[k] if df.get(w, 0) <= few})
    # pure functions of names, called for every candidate pair and cluster: remembered here
    alike = functools.cache(same_actor)
    norm = functools.cache(norm_name)
    keys_of = functools.cache(name_keys)
    denying = [facts.get(c, "denies", denies) for c in claims]  # read by the bars, the denial vectors and links
    denial = _Lazy(lambda k: {"no"} if denying[k] else set())
    # a report of a denial ("X denied the claims"), not a statement that something is not so
    reported = _Lazy(lambda k: claims[k].stance == "denies" or bool(lex.DENIAL_VERB.search(claims[k].text)))

    def bar(i: int, j: int, sim: float) -> float | None:
        """The average-linkage bar for a candidate pair, None when the pair is no link."""
        a, b = claims[i], claims[j]
        if a.stance != b.stance or sim < low:
            return None
        # two amounts for one thing are two claims ("7,000 troops killed", "315,000 killed";
        # "$40 billion in aid", "$113 billion"), however alike the sentences; a rewrite may round
        if amounts[i] and amounts[j] and not amounts[i] & amounts[j] \
                and frozenset((a.doc, b.doc)) not in derived_pairs:
            return None
        spoke, other = speaker_of.get(a.id), speaker_of.get(b.id)
        if sim >= same:
            # one speaker's "had not been tested" and another's "was last tested" are one claim; one
            # party saying it is not so of what another says is so ("at no time was the pressure
            # reduced by hand") is a denial of it, however alike the words
            denier = spoke if denial[i] else other
            if denial[i] != denial[j] and denier is not None \
                    and not (spoke is not None and other is not None and alike(spoke, other)):
                return None
            # nor are two parties' reports of denials one ("Moscow has denied those claims", "Kyiv
            # denied Moscow's claims"); two of them saying one thing is not so ("the davits had not
            # been tested") is corroboration
            if reported[i] and reported[j] and spoke is not None and other is not None and not alike(spoke, other):
                return None
            return related
        if spoke is not None and other is not None and not alike(spoke, other) \
                and not (relays(spoke, b.doc) or relays(other, a.doc)):
            pair = frozenset((a.doc, b.doc))
            if sim >= CORROBORATE and a.doc != b.doc and pair in story_pairs and pair not in derived_pairs \
                    and denial[i] == denial[j] and not (reported[i] or reported[j]) \
                    and (figures[i] & figures[j] or names[i] & names[j] or len(rare[i] & rare[j]) >= 2):
                # two sources telling the same thing: one family, two origins (two parties'
                # reported denials are not corroboration: "Moscow denied those claims", "Kyiv
                # denied Moscow's")
                return related
            return None  # two speakers saying something alike are two claims until shown the same
        # below near-paraphrase, a statement that something is not so never joins one that it is,
        # unless one speaker said both ("had not been tested since 2019", "had gone untested")
        if denial[i] != denial[j] and not (spoke is not None and other is not None and alike(spoke, other)):
            return None
        pair = frozenset((a.doc, b.doc))
        # across texts that do not tell one story, topic-mates share the names and the verb
        # ("Russia", "attack") of a whole corpus about one matter: there, below a
        # near-paraphrase, a claim joins only one speaker's words (one statement reported by
        # two outlets) or one that also shares two words few documents use
        one_speaker = spoke is not None and other is not None and alike(spoke, other)
        # one speaker's statement reported twice: the same names, or, closer, three words few
        # documents use (the tagger may give one place two names); a speaker's other statements
        # on the matter share fewer
        if sim >= related and (names[i] & names[j] and (actions[i] & actions[j] or one_speaker)
                               or one_speaker and sim >= CORROBORATE and len(rare[i] & rare[j]) >= 3) \
                and (a.doc == b.doc or pair in story_pairs or len(rare[i] & rare[j]) >= 2 or one_speaker):
            return related
        if sim >= story and a.doc != b.doc and pair in story_pairs:
            if figures[i] & figures[j] or names[i] & names[j] or (spoke is not None and other is not None
                                                                     and alike(spoke, other)) \
                    or (pair in derived_pairs and retold(i, j)) \
                    or len(rare[i] & rare[j]) >= 2:
                return story
        return None

    def outlet_of(doc: str) -> str | None:
        outlet = getattr(documents.get(doc), "outlet", None)
        return outlet if isinstance(outlet, str) and outlet else None

    def relays(speaker: str, doc: str) -> bool:
        """The speaker is the outlet of the other document: one outlet citing another ("the
        website W says ...") passes on what W's article attributes to its own source."""
        outlet = outlet_of(doc)
        return outlet is not None and norm(speaker) == norm(outlet)

    edges: list[tuple[int, int, float]] = []
    for (a, b), sim in neighbours.items():
        if a in index and b in index:
            i, j = sorted((index[a], index[b]))
            edges.append((i, j, float(sim)))
    # A retelling maps sentence to sentence: in a copy or rewrite pair, each claim's most
    # similar claim of the other text is the one it retells
    closest: dict[tuple[int, str], tuple[float, int]] = {}
    for i, j, sim in edges:
        if frozenset((claims[i].doc, claims[j].doc)) in derived_pairs:
            for x, y in ((i, j), (j, i)):
                at = (x, claims[y].doc)
                if at not in closest or (sim, -y) > (closest[at][0], -closest[at][1]):
                    closest[at] = (sim, y)

    def retold(i: int, j: int) -> bool:
        return closest.get((i, claims[j].doc), (0.0, -1))[1] == j \
            and closest.get((j, claims[i].doc), (0.0, -1))[1] == i

    needs = [(i, j, sim, need) for i, j, sim in edges if (need := bar(i, j, sim)) is not None]
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _, _ in needs:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    components: dict[int, list[int]] = {}
    for k in range(n):
        components.setdefault(root(k), []).append(k)

    exact = Float64Rows(vectors)  # float64 rows read as needed, not a float64 copy
    comp_edges: dict[int, list[tuple[float, int, int, float]]] = {}
    for i, j, sim, need in needs:
        comp_edges.setdefault(root(i), []).append((sim, i, j, need))
    families: list[tuple[int, ClaimFamily]] = []
    family_of: dict[int, str] = {}
    for comp_root, comp in components.items():
        key = None
        if memo is not None and len(comp) > 1:
            key = _component_key(comp, comp_edges.get(comp_root, []), claims, speaker_of, outlet_of,
                                 lambda d: getattr(documents.get(d), "published", None))
            kept = memo.groups.get(key)
            if kept is not None and all(c in index for f in kept for c in f.claims):
                memo.new_groups[key] = kept
                for fam in kept:
                    idx = [index[c] for c in fam.claims]
                    families.append((min(idx), fam))
                    for k in idx:
                        family_of[k] = fam.id
                continue
            memo.clustered += 1
            memo.new_groups[key] = []
        for idx, means in _cluster(comp, comp_edges.get(comp_root, []), exact, related,
                                   lambda k: speaker_of.get(claims[k].id),
                                   lambda k: outlet_of(claims[k].doc), keys_of):
            fam_claims = [claims[k] for k in idx]
            fid = content_id("family", *sorted(c.id for c in fam_claims))
            # Means rounded: a tie (any two-claim family) goes to the first member, not to
            # float noise on the diagonal.
            medoid = idx[0] if len(idx) == 1 else idx[int(np.argmax(np.round(means, 6)))]
            docs = tuple(dict.fromkeys(c.doc for c in fam_claims))
            published = sorted(p for d in docs if (p := getattr(documents.get(d), "published", None)))
            family = ClaimFamily(id=fid, label=_label(claims[medoid].text), claims=tuple(c.id for c in fam_claims),
                                 docs=docs, first_seen=published[0] if published else None)
            families.append((min(idx), family))
            if memo is not None and key is not None:
                memo.new_groups[key].append(family)
            for k in idx:
                family_of[k] = fid
    ordered = [fam for _, fam in sorted(families, key=lambda f: f[0])]
    ordered = link_denials(ordered, claims, family_of, edges, names, related,
                            story_pairs | {p for p in context if len(p) == 2}, exact,
                            speaker=lambda k: speaker_of.get(claims[k].id) or _narrator(claims[k], documents),
                            denied=denied_propositions(claims, embeddings, denying), story=story, stats=stats,
                            memo=memo.denials if memo is not None else None, denying=denying,
                            figures=lambda k: facts.get(claims[k], "figures", _claim_figures))
    ordered = link_contradictions(ordered, claims, family_of, exact, story_pairs, edges, names,
                                  speaker=lambda k: speaker_of.get(claims[k].id) or claims[k].attributed_to,
                                  when=lambda k: (getattr(documents.get(claims[k].doc), "published", None) or "",
                                                  claims[k].start),
                                  denying=denying, stats=stats)
    out = [c if c.family == family_of[k] else dataclasses.replace(c, family=family_of[k])  # (most keep theirs)
           for k, c in enumerate(claims)]
    return out, ordered


@dataclass
class FamilyMemo:
    """What an earlier run of :func:`group_claims` found, reused where its inputs are
    unchanged: ``groups`` (component fingerprint → its families) and ``denials``; filled by
    the run with this run's (``new_groups``, ``denials.new``) and counts of what was done
    again (``clustered`` components, ``denials.relinked``)."""

    groups: Mapping[str, list[ClaimFamily]] = field(default_factory=dict)
    denials: DenialMemo = field(default_factory=DenialMemo)
    #: What each claim's own words give (whether it denies, its figures, actions, amounts).
    facts: ClaimFacts = field(default_factory=ClaimFacts)
    new_groups: dict[str, list[ClaimFamily]] = field(default_factory=dict)
    clustered: int = 0


def _component_key(comp: Sequence[int], edges: Sequence[tuple[float, int, int, float]],
                   claims: Sequence[Claim], speaker_of: Mapping[str, str],
                   outlet_of: Callable[[str], str | None], published: Callable[[str], Any]) -> str:
    """A digest of everything :func:`_cluster` and the family records read for one component:
    its claims (an id is its document's content id and offsets, so text and vector come with
    it), their speakers, outlets and dates, and its links with their bars."""
    what = repr(([(claims[k].id, speaker_of.get(claims[k].id), outlet_of(claims[k].doc), published(claims[k].doc))
                  for k in comp],
                 sorted((claims[i].id, claims[j].id, sim, need) for sim, i, j, need in edges)))
    return hashlib.blake2b(what.encode("utf-8"), digest_size=16).hexdigest()


class _Lazy(dict[int, set[str]]):
    """``lazy[k]`` computes ``fn(k)`` once."""

    def __init__(self, fn: Any) -> None:
        super().__init__()
        self._fn = fn

    def __missing__(self, k: int) -> set[str]:
        value: set[str] = self._fn(k)
        self[k] = value
        return value


class _Names:
    """The speakers (or outlets) a cluster rests on, by the keys of :func:`name_keys`, so that
    "Ms Okafor" meets "Adaeze Okafor" (``surnames``; outlets meet by their whole name only);
    merging and meeting cost the smaller set."""

    def __init__(self, name: str | None = None, *, surnames: bool = True,
                 keys: Callable[[str], tuple[str, str | None, str | None]] = name_keys) -> None:
        self.full: set[str] = set()
        self.single: set[str] = set()
        self.surname: set[str] = set()
        if name:
            full, single, surname = keys(name)
            self.full.add(full)
            if not surnames:
                return
            if single is not None:
                self.single.add(single)
            if surname is not None:
                self.surname.add(surname)

    def __bool__(self) -> bool:
        return bool(self.full)

    def meets(self, other: _Names) -> bool:
        return bool(self.full & other.full or self.single & other.surname or other.single & self.surname)

    def update(self, other: _Names) -> None:
        self.full |= other.full
        self.single |= other.single
        self.surname |= other.surname


def _cluster(comp: list[int], edges: list[tuple[float, int, int, float]], exact: np.ndarray | Float64Rows,
             related: float, speaker: Callable[[int], str | None] = lambda k: None,
             outlet: Callable[[int], str | None] = lambda k: None,
             keys: Callable[[str], tuple[str, str | None, str | None]] = name_keys,
             ) -> list[tuple[list[int], np.ndarray]]:
    """Average-linkage clusters of one component (claim indices ascending), each with its
    members' mean similarity to the cluster. The linked candidate pairs (``edges``) are taken
    most similar first, ties by index, as a clustering of all claims would take them; a merge
    needs the clusters' mean cross similarity to reach ``related``, so one bridging pair
    cannot chain two different claims together. On unit vectors that mean is the dot product
    of the two clusters' vector sums over the product of their sizes, so a merge test costs
    one dot product, not a block of the similarity matrix.

    A merge below ``related`` (the story bar) also needs the two clusters to rest on one
    speaker where both name one (``speaker``: claim index → speaker key or None), or one to
    cite the outlet that published the other (``outlet``: claim index → its document's
    outlet, in the form ``speaker`` gives names): at that
    similarity, what the narrator of a blog retells may resemble two people's different
    statements, and must not carry one into the other's family."""
    if len(comp) == 1:
        return [([comp[0]], np.ones(1))]
    cluster = {k: k for k in comp}
    members: dict[int, list[int]] = {k: [k] for k in comp}
    sums: dict[int, np.ndarray] = {k: exact[k] for k in comp}
    # who each cluster rests on, and where it is published: kept per cluster, merged with it
    said = {k: _Names(speaker(k), keys=keys) for k in comp}
    where = {k: _Names(outlet(k), surnames=False, keys=keys) for k in comp}  # an outlet by its whole name
    for _, i, j, need in sorted(edges, reverse=True):
        ci, cj = cluster[i], cluster[j]
        if ci == cj:
            continue
        cross = float(sums[ci] @ sums[cj]) / (len(members[ci]) * len(members[cj]))
        if cross < min(need, related):
            continue
        if need < related and said[ci] and said[cj] and not said[ci].meets(said[cj]) \
                and not said[ci].meets(where[cj]) and not said[cj].meets(where[ci]):
            continue
        if len(members[ci]) < len(members[cj]):  # the smaller joins the larger
            ci, cj = cj, ci
        for k in members[cj]:
            cluster[k] = ci
        members[ci].extend(members.pop(cj))
        sums[ci] = sums[ci] + sums.pop(cj)
        said[ci].update(said.pop(cj))
        where[ci].update(where.pop(cj))
    out = []
    for head, idx in members.items():
        idx = sorted(idx)  # input order, whichever way the merges went
        out.append((idx, exact[idx] @ sums[head] / len(idx)))
    return out


def claim_neighbours(vectors: np.ndarray, rows: Sequence[int] | None = None, *,
                     threshold: float = RELATED, k: int | None = None) -> list[tuple[int, int, float]]:
    """Index pairs ``(i, j, cosine)``, ``i < j``, of claims at least ``threshold`` alike: for
    each of the ``rows`` given (all when None), its at most ``k`` (default ``NEIGHBOURS``) most
    similar claims. These
    are the candidate links :func:`group_claims` tests.

    Searched in a bounded inverted-file index (:func:`narratrace.reuse.nearest_pairs`), so a
    query costs the same whatever the corpus size; each pair's cosine is a float64 dot of its
    own two rows, so an incremental run that searches only new claims finds the pairs a full
    search finds from their side.
    """
    from ..reuse import nearest_pairs

    return nearest_pairs(np.asarray(vectors, dtype=np.float32), rows,
                         k=NEIGHBOURS if k is None else k, threshold=threshold)


def _vectors(claims: Sequence[Claim], embeddings: Mapping[str, np.ndarray] | None) -> np.ndarray:
    if embeddings is None:
        from .. import nlp

        return np.asarray(nlp.embed([c.text for c in claims]), dtype=np.float32)
    rows = [np.asarray(embeddings[c.id], dtype=np.float32) for c in claims]
    return unit_rows(np.vstack(rows))


def unit_rows(mat: np.ndarray, *, block: int = 4096) -> np.ndarray:
    """``mat`` (float32) with each row divided by its norm, in place (a zero row stays zero).
    A ``block`` of rows at a time: the norms square a copy of the rows they read (88 MiB for
    the 60,000 claims of the 20,000-document scale store, at once); each row's norm is the
    same float however many rows are read with it."""
    for lo in range(0, len(mat), block):
        rows = mat[lo:lo + block]
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        rows /= np.where(norms == 0, 1, norms)
    return mat


def _actions(claim: Claim) -> set[str]:
    """Every action a claim states ("involved in ... distributing drones" → involve, supply)."""
    found = {name for name, rx in lex.ACTIONS if name not in ("use", "accuse") and rx.search(claim.text)}
    return found | ({claim.action} if claim.action else set())


def _names(claim: Claim) -> set[str]:
    """Name keys of a claim: its actor/target/place and capitalised words inside it."""
    found = {norm_name(x) for x in (claim.actor, claim.target, claim.place) if x}
    for m in _CAPS.finditer(claim.text):
        parts = [w for w in m.group(0).split() if w not in _SKIP]
        if parts:
            found.add(norm_name(" ".join(parts)))
            found.update(norm_name(w) for w in parts)  # "Ukrainian military" ~ "Ukraine"
    return {f for f in found if f}


#: Figures that pin a claim down: numbers with their unit words stripped ("48,000", "MR-4471").
_FIGURE = re.compile(r"\b[A-Z]*-?\d[\d,.]*\d\b|\b\d+\b")
_AMOUNT = re.compile(r"(?<![\w.,])\d[\d,.]*\d(?![\w])|(?<![\w.,])\d(?![\w.,])")


def _amounts(text: str) -> set[str]:
    """The amounts a sentence states, digits only: not years, not the day of a date.

    >>> sorted(_amounts("As many as 7,000 troops were killed by 24 March 2022, up from 6.5 on May 3"))
    ['6.5', '7000']
    """
    out = set()
    for m in _AMOUNT.finditer(text):
        n = m.group(0).rstrip(".,")
        before, after = text[max(0, m.start() - 10):m.start()].split(), text[m.end():m.end() + 10].split()
        if _YEAR.fullmatch(n) or any(w and w[-1].lower()[:3] in _MONTHS for w in (before, after[:1])):
            continue
        out.add(n.replace(",", ""))
    return out


def _narrator(claim: Claim, documents: Mapping[str, Document]) -> str | None:
    """Whose words an unattributed claim is: its document's outlet (a statement an
    association publishes is the association's)."""
    if claim.attribution or claim.attributed_to:
        return None
    outlet = getattr(documents.get(claim.doc), "outlet", None)
    return outlet if isinstance(outlet, str) and outlet else None


def _label(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
