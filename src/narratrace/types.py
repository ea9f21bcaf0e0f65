"""Typed records that travel between stages.

Every record is a frozen dataclass with tuple fields: picklable (a Dask worker can send it
back), hashable, and free of spaCy objects. Offsets are character offsets into a document's
clean text (``Document.text``) unless the field says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

# --------------------------------------------------------------------------- ingest / clean

InputFormat = Literal["text", "html"]

RemovedKind = Literal[
    "disclaimer",  # legal / syndication disclaimers
    "promo",  # app promos, "download our app", ads
    "related",  # "Related articles" and the unrelated stories after it
    "comments",  # comment widgets
    "caption",  # photo captions
    "credit",  # photo credits
    "subscribe",  # subscribe / newsletter prompts
    "title_repeat",  # the title repeated in the body
    "heading",  # a sub-heading run into the paragraph under it ("...on FundingThe minister")
    "navigation",  # menus, breadcrumbs, link lists
    "share",  # share buttons, social handles
    "byline",  # outlet/date lines that were turned into metadata
    "repeated",  # lines repeated across many documents of the corpus
    "other",
]


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input document as read from disk, before cleaning.

    ``id`` is a content hash of the decoded content plus the metadata given with it, so
    re-reading the same input yields the same id (idempotent upserts).
    ``path`` locates the record: a file path, ``file.jsonl#L12`` for a JSONL line,
    ``file.csv#R3`` for a CSV row, ``file.warc.gz#<record id>`` for a WARC record.
    """

    id: str
    path: str
    content: str
    format: InputFormat
    encoding: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    # None when the encoding was certain (a byte-order mark, valid UTF-8, a declaration the
    # bytes agree with); else it was guessed and this is the detector's confidence (0-1).
    encoding_confidence: float | None = None


@dataclass(frozen=True, slots=True)
class Removed:
    """A span removed by the cleaner; offsets point into ``Document.source_text``."""

    kind: RemovedKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """A cleaned document: the unit every later stage works on."""

    id: str
    path: str
    text: str
    source_text: str
    removed: tuple[Removed, ...] = ()
    title: str | None = None
    outlet: str | None = None
    syndicator: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None
    language: str | None = None
    format: InputFormat = "text"
    analysed: bool = True  # False for languages the NLP stages do not support
    encoding: str | None = None  # how the input's bytes were decoded (None: not known here)
    encoding_confidence: float | None = None  # as RawDocument: None unless guessed


Stage = Literal["ingest", "clean", "nlp", "entities", "attribution", "dates", "reuse",
                "claims", "provenance", "narratives", "store"]


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that could not be analysed; kept in the store and in ``analysis.json``."""

    path: str
    stage: str
    reason: str


# --------------------------------------------------------------------------- entities

EntityType = Literal["person", "organisation", "outlet", "place", "group", "government", "other"]


@dataclass(frozen=True, slots=True)
class Mention:
    doc: str
    start: int
    end: int
    text: str
    type: EntityType
    label: str = ""  # the NER label it came from (PERSON, ORG, GPE, ...)


@dataclass(frozen=True, slots=True)
class Alias:
    """An acronym defined in a document's text: "the Malian Armed Forces (FAMa)"."""

    short: str
    long: str


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = ()
    wikidata: str | None = None
    # What the actor was called where it spoke ("Prime Minister", "head of the security
    # delegation"), most frequent first.
    roles: tuple[str, ...] = ()


# --------------------------------------------------------------------------- attribution

AttributionKind = Literal["direct", "indirect", "according_to", "mixed"]
Stance = Literal["asserts", "denies"]


ActorType = Literal["person", "outlet", "government", "organisation", "group", "anonymous"]
#: How a speaker as written was resolved to its actor: the speaker is a name, an alias
#: (acronym or other name of the same actor), a pronoun, a role noun ("the minister"), a
#: cue-less continuation of the previous speaker's quote, a metonymy ("Moscow said": the
#: government), or a description kept whole ("a senior diplomat", "military sources").
ResolvedHow = Literal["name", "alias", "pronoun", "role noun", "continuation", "metonymy",
                      "description"]


@dataclass(frozen=True, slots=True)
class Actor:
    """Who a speaker is: a canonical actor, or a description kept whole when the text names
    nobody. ``start``/``end`` point at the mention it was resolved to (None for a description
    that names nobody); ``id`` is the canonical entity id once entities are merged."""

    name: str
    type: ActorType
    how: ResolvedHow
    start: int | None = None
    end: int | None = None
    role: str | None = None  # the title or description the text gives ("Prime Minister")
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Speaker:
    text: str
    start: int | None
    end: int | None
    entity: str | None = None  # canonical entity id, once entities are merged
    # Where the source is written in the attribution ("he", "the outlet"); start/end point to
    # the named antecedent it resolves to (the same span when the source is a name).
    mention_start: int | None = None
    mention_end: int | None = None
    actor: Actor | None = None  # None: explicitly unresolved


@dataclass(frozen=True, slots=True)
class Attribution:
    id: str
    doc: str
    kind: AttributionKind
    speaker: Speaker
    cue: str
    content: str
    start: int  # content span
    end: int
    medium: str | None = None
    stance: Stance = "asserts"
    hedges: tuple[str, ...] = ()  # the reporter's distancing: "allegedly", "claimed", anonymous sourcing
    cue_start: int | None = None
    cue_end: int | None = None
    content_hedges: tuple[str, ...] = ()  # modal words inside the speaker's own words
    medium_inherited: bool = False  # the medium was stated earlier in the same passage
    outer: str | None = None  # id of the attribution this one is nested in ("X said Y denied ...")


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True, slots=True)
class DateMention:
    doc: str
    text: str
    start: int
    end: int
    value: str  # "2024-07-24", "2024-08", "2024", or a range "2024-07-24/2024-07-26"
    kind: Literal["absolute", "partial", "relative", "range"] = "absolute"


# --------------------------------------------------------------------------- reuse / claims / provenance

#: ``duplicate``: the same text; ``syndicated``: a reprint (a credit line or a syndication
#: service); ``rewrite``: the same facts in the same order, reworded (``credit`` says whether the
#: copy names its source); ``same_story``: independent coverage of one event.
ReuseKind = Literal["duplicate", "syndicated", "rewrite", "same_story"]


@dataclass(frozen=True, slots=True)
class Reuse:
    a: str
    b: str
    kind: ReuseKind
    score: float
    passages: tuple[tuple[int, int, int, int], ...] = ()
    direction: Literal["a->b", "b->a", "unknown"] = "unknown"
    #: The copy's words that name its source ("according to a report by X", "This story first
    #: appeared in X"), with their span in the copy; None when the copy does not credit it.
    credit: str | None = None
    credit_start: int | None = None
    credit_end: int | None = None
    #: What decided the direction: "dates", "credit", "dateline", "names", ... ("" if unknown).
    direction_by: str = ""


@dataclass(frozen=True, slots=True)
class Claim:
    id: str
    doc: str
    text: str
    start: int
    end: int
    attributed_to: str | None = None
    stance: Stance = "asserts"
    hedges: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    family: str | None = None
    actor: str | None = None
    action: str | None = None
    target: str | None = None
    place: str | None = None
    time: str | None = None
    attribution: str | None = None  # the attribution whose content this claim is


@dataclass(frozen=True, slots=True)
class FamilyDenial:
    """A statement that denies a claim family: who denies, and where the denial is written."""

    actor: str
    doc: str
    start: int
    end: int
    claim: str | None = None  # the denying claim, when one was extracted
    actor_id: str | None = None


@dataclass(frozen=True, slots=True)
class Hardening:
    """A claim hedged in one carrier and stated with fewer hedges in another (derived) one."""

    source_doc: str
    derived_doc: str
    dropped: tuple[str, ...]  # the hedges the derived copy no longer uses
    source_claim: str
    derived_claim: str


@dataclass(frozen=True, slots=True)
class ClaimFamily:
    id: str
    label: str
    claims: tuple[str, ...]
    docs: tuple[str, ...]
    origins: tuple[str, ...] = ()
    independent_origins: int = 0
    first_seen: str | None = None
    circular: bool = False
    origin_types: tuple[str, ...] = ()  # one per origin: "official", "agency/state/RU", ...
    contradicts: tuple[str, ...] = ()  # families this one denies (a denial never joins them)
    origin_ids: tuple[str | None, ...] = ()  # one per origin: its entity id, when resolved
    #: Why the count is what it is, one step per line ("B is an uncredited rewrite of A",
    #: "A cites X", "→ 1 origin: X").
    chain: tuple[str, ...] = ()
    circular_loop: tuple[str, ...] = ()  # the actors of the loop, in citing order
    #: The narrators state it as settled background, not as anyone's allegation.
    background: bool = False
    denials: tuple[FamilyDenial, ...] = ()
    hardening: tuple[Hardening, ...] = ()
    hedge_drop: bool = False  # a carrier states it without the hedges its source used


@dataclass(frozen=True, slots=True)
class Citation:
    doc: str
    source: str
    kind: Literal["outlet", "official", "document", "agency", "other"]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    date: str
    date_text: str
    summary: str
    docs: tuple[str, ...]
    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    #: "happening" (something took place), "statement" (a speech, interview or announcement),
    #: "publication" (a document came out).
    kind: str = "happening"
    origins: tuple[str, ...] = ()  # who the event is known from (the speakers, else the outlets)


# --------------------------------------------------------------------------- narratives


@dataclass(frozen=True, slots=True)
class NarrativeLabel:
    doc: str
    narrative: str
    subnarrative: str | None
    score: float
    evidence: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Framing:
    doc: str
    entity: str
    start: int
    end: int
    main_role: Literal["Protagonist", "Antagonist", "Innocent"]
    fine_roles: tuple[str, ...]
    score: float


# --------------------------------------------------------------------------- per-document sketches


@dataclass(frozen=True, slots=True)
class EventCandidates:
    """The event sentences of one document (JSON rows of :func:`narratrace.events.event_candidates`),
    kept so that the events corpus stage never reads the document again."""

    doc: str
    candidates: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class ReuseFeatures:
    """The per-document sketches the corpus stages merge, base64 little-endian (see
    :mod:`narratrace.records`): the MinHash signature (``uint32``), the story embedding
    (``float32[rows, EMBEDDING_DIM]``) and one vector per claim. Documents that are not
    analysed have a signature only."""

    doc: str
    signature: str
    embedding: str | None = None
    rows: int | None = None
    claim_vectors: Mapping[str, str] | None = None
    #: The narrative sentences rewrites are aligned on: their spans and their vectors
    #: (``float16[len(sentence_spans), EMBEDDING_DIM]``, base64).
    sentence_spans: tuple[tuple[int, int], ...] | None = None
    sentence_vectors: str | None = None


# --------------------------------------------------------------------------- per-document result


@dataclass(frozen=True, slots=True)
class DocAnalysis:
    """Everything the per-document stages produce for one document (picklable): one typed
    field per stored document kind (:data:`narratrace.records.KINDS`), named as the kind."""

    document: Document
    mentions: tuple[Mention, ...] = ()
    aliases: tuple[Alias, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    dates: tuple[DateMention, ...] = ()
    claims: tuple[Claim, ...] = ()
    citations: tuple[Citation, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    narratives: tuple[NarrativeLabel, ...] = ()
    framing: tuple[Framing, ...] = ()
    # None: the stage did not run (a custom stage list) or failed; the corpus runner back-fills it.
    event_candidates: EventCandidates | None = None
    reuse_features: ReuseFeatures | None = None
