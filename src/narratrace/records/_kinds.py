"""The registry of stored kinds: every kind of row the store holds, in one place.

``analysis.json``'s keys, the export tables, the rows a document is written with, the store's
kind check and the corpus stages' reads are all driven by :data:`KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from ..errors import StoreError
from ..types import (Alias, Attribution, Citation, Claim, ClaimFamily, DateMention, Entity, Event,
                     EventCandidates, Framing, Mention, NarrativeLabel, Reuse, ReuseFeatures)
from ._codec import from_row, to_row

Scope = Literal["document", "corpus"]
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Kind:
    """One stored kind.

    ``scope``: ``document`` rows are replaced per document (a field of
    :class:`~narratrace.types.DocAnalysis` of the same name holds them); ``corpus`` rows are
    replaced as a whole by a corpus stage. ``one``: a document kind stored as one row per
    document, absent until its stage has run (so a missing row can be back-filled).
    ``in_analysis``: a key of ``analysis.json`` and a table of the exports. ``encode`` /
    ``decode``: record ↔ row where the row is not simply the record's fields.
    """

    name: str
    record: type
    scope: Scope
    in_analysis: bool = False
    one: bool = False
    encode: Callable[[Any], Row] | None = None
    decode: Callable[[Mapping[str, Any]], Any] | None = None

    def to_row(self, record: Any) -> Row:
        return self.encode(record) if self.encode is not None else to_row(record)

    def from_row(self, row: Mapping[str, Any]) -> Any:
        return self.decode(row) if self.decode is not None else from_row(self.record, row)


def _entity_row(entity: Entity) -> Row:
    # Stored mentions are abbreviated (their type is the entity's): analysis.json's shape.
    return {"id": entity.id, "name": entity.name, "type": entity.type,
            "aliases": list(entity.aliases), "wikidata": entity.wikidata,
            "roles": list(entity.roles),
            "mentions": [{"doc": m.doc, "start": m.start, "end": m.end, "text": m.text}
                         for m in entity.mentions]}


def _entity(row: Mapping[str, Any]) -> Entity:
    return Entity(id=row["id"], name=row["name"], type=row["type"], aliases=tuple(row["aliases"]),
                  wikidata=row.get("wikidata"), roles=tuple(row.get("roles", ())),
                  mentions=tuple(Mention(m["doc"], m["start"], m["end"], m["text"], row["type"])
                                 for m in row["mentions"]))


def _sentences_row(spans: tuple[tuple[int, int], ...]) -> Row:
    return {"spans": [list(s) for s in spans]}


def _sentences(row: Mapping[str, Any]) -> tuple[tuple[int, int], ...]:
    return tuple((s[0], s[1]) for s in row["spans"])


def _stamp(row: Mapping[str, Any]) -> Row:
    return dict(row)


#: Every stored kind. The kinds in ``analysis.json`` come in the order of its keys.
KINDS: tuple[Kind, ...] = (
    Kind("entities", Entity, "corpus", in_analysis=True, encode=_entity_row, decode=_entity),
    Kind("attributions", Attribution, "document", in_analysis=True),
    Kind("dates", DateMention, "document", in_analysis=True),
    Kind("claims", Claim, "document", in_analysis=True),
    Kind("claim_families", ClaimFamily, "corpus", in_analysis=True),
    Kind("reuse", Reuse, "corpus", in_analysis=True),
    Kind("citations", Citation, "document", in_analysis=True),
    Kind("events", Event, "corpus", in_analysis=True),
    Kind("narratives", NarrativeLabel, "document", in_analysis=True),
    Kind("framing", Framing, "document", in_analysis=True),
    Kind("mentions", Mention, "document"),
    Kind("aliases", Alias, "document"),
    Kind("sentences", tuple, "document", one=True, encode=_sentences_row, decode=_sentences),
    Kind("event_candidates", EventCandidates, "document", one=True),
    # Documents that are not analysed have a signature only: absent fields are not written.
    Kind("reuse_features", ReuseFeatures, "document", one=True,
         encode=partial(to_row, omit_none=True)),
    # What the cached pairs of the corpus stages were computed with (see narratrace.run.corpus).
    Kind("corpus_stamp", dict, "corpus", encode=_stamp, decode=_stamp),
)

_BY_NAME = {k.name: k for k in KINDS}


def kind(name: str, *, scope: Scope | None = None) -> Kind:
    """The kind called ``name``; a StoreError names the known ones when there is none (or
    when it has another scope).

    >>> kind("claims").record.__name__
    'Claim'
    >>> kind("claims", scope="corpus")
    Traceback (most recent call last):
    ...
    narratrace.errors.StoreError: 'claims' is not a stored corpus kind; the corpus kinds are entities, claim_families, reuse, events, corpus_stamp.
    """
    found = _BY_NAME.get(name)
    if found is None or (scope is not None and found.scope != scope):
        what = f"{scope} kind" if scope else "kind"
        known = ", ".join(k.name for k in KINDS if scope is None or k.scope == scope)
        raise StoreError(f"{name!r} is not a stored {what}; the {what}s are {known}.")
    return found


def names(*, scope: Scope | None = None, in_analysis: bool | None = None) -> tuple[str, ...]:
    """Names of the kinds in registry order, filtered by scope and ``analysis.json`` presence.

    >>> names(scope="corpus", in_analysis=True)
    ('entities', 'claim_families', 'reuse', 'events')
    """
    return tuple(k.name for k in KINDS if (scope is None or k.scope == scope)
                 and (in_analysis is None or k.in_analysis == in_analysis))
