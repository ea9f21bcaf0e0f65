"""ENTITIES stage: typed mentions per document, acronym definitions, corpus-level entities.

    >>> from narratrace.entities import extract_mentions, extract_aliases, merge_entities
    >>> # per document:  mentions = extract_mentions(doc, parsed); pairs = extract_aliases(doc)
    >>> # per corpus:    entities = merge_entities(all_mentions, aliases=all_pairs)

The curated facts (countries, capitals, outlets, organisations, armed groups, with Wikidata ids)
live in ``narratrace/data/aliases.json``.
"""

from __future__ import annotations

from ..types import Document
from ._acronyms import find_aliases
from ._gazetteer import load_gazetteer
from ._mentions import COMPANY_TAILS, LABEL_TYPES, extract_mentions, looks_like_outlet, outlet_tail
from ._merge import entity_id, merge_entities
from ._normalise import exact_key, translit_key

#: Id prefix of a source a document describes without naming ("a person familiar with the
#: talks"): an actor of that document only, never merged with another document's.
DESCRIBED = "desc_"

__all__ = ["COMPANY_TAILS", "DESCRIBED", "LABEL_TYPES", "entity_id", "exact_key", "extract_aliases", "extract_mentions",
           "load_gazetteer", "looks_like_outlet", "merge_entities", "outlet_tail", "translit_key"]


def extract_aliases(document: Document) -> list[tuple[str, str]]:
    """``(short, long)`` alias pairs defined in the text, verified against initials.

    >>> from narratrace.types import Document
    >>> t = "the Malian Armed Forces (FAMa) said"
    >>> extract_aliases(Document(id="d", path="-", text=t, source_text=t))
    [('FAMa', 'Malian Armed Forces')]
    """
    seen: dict[tuple[str, str], None] = {}
    for short, long, _start, _end in find_aliases(document.text):
        seen.setdefault((short, long), None)
    return list(seen)
