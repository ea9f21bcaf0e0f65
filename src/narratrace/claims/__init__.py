"""Claims: check-worthy propositions per document, and claim families across the corpus.

>>> from narratrace.types import Document, Mention
>>> doc = Document(id="d1", path="d1", source_text="",
...                text="The Zorland army shelled the village of Ostrava on Monday.")
>>> [c.action for c in extract_claims(doc, attributions=[], dates=[],
...     mentions=[Mention("d1", 4, 11, "Zorland", "place"), Mention("d1", 40, 47, "Ostrava", "place")])]
['attack']
"""

from __future__ import annotations

from ._extract import extract_claims
from ._denials import DENIES
from ._group import NEIGHBOURS, RELATED, SAME, STORY, claim_neighbours, group_claims
from ._group import _vectors as claim_matrix
from .text import split_sentences

__all__ = ["DENIES", "NEIGHBOURS", "RELATED", "SAME", "STORY", "claim_matrix", "claim_neighbours", "extract_claims", "group_claims", "split_sentences"]
