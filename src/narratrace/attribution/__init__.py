"""Attribution: who said what, on which cue, in which medium, asserting or denying, hedged or not.

>>> from narratrace.attribution import extract_attributions
>>> # attributions = extract_attributions(document, nlp(document.text))

Speakers: ``Speaker.text`` is the source as written ("he", "the outlet", "Anna Petrenko");
``Speaker.start``/``end`` point to the named antecedent a pronoun or role noun resolves to
(the source itself when it is a name or cannot be resolved), and ``mention_start``/``end``
to the source as written. ``Speaker.entity`` stays None: the pipeline links it by offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from spacy.tokens import Doc

from ..types import Attribution, Document, Mention
from ._extract import extract

__all__ = ["extract_attributions"]


def extract_attributions(document: Document, parsed: Doc, *, lang: str = "en",
                         mentions: Sequence[Mention] | None = None,
                         scope: Literal["statements", "all"] = "statements") -> list[Attribution]:
    """Return the attributions of ``document`` in text order.

    ``parsed`` is spaCy's parse of ``document.text`` by ``narratrace.nlp.load_spacy(lang)``;
    all offsets are character offsets into ``document.text``. Kinds: ``direct`` (a quote),
    ``indirect`` (reported speech or thought), ``according_to`` and ``mixed`` (a paraphrase
    holding a quoted fragment). ``mentions`` are the document's typed entity mentions (found
    here when not given); each speaker is resolved to an :class:`~narratrace.types.Actor`.
    ``scope="statements"`` (the default) keeps statements only; ``"all"`` also keeps what
    PolNeAR annotates as attribution: intentions, demands, perceptions and sourceless
    "reportedly". Raises ``PipelineError`` when ``parsed`` is not a dependency parse of
    ``document.text`` and ``UsageError`` for an unsupported ``lang`` or ``scope``.
    """
    return extract(document, parsed, lang=lang, mentions=mentions, scope=scope)
