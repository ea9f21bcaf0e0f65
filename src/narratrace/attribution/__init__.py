"""Attribution: who said what, on which cue, in which medium, asserting or denying, hedged or not.

>>> from narratrace.attribution import extract_attributions
>>> # attributions = extract_attributions(document, nlp(document.text), mentions=mentions)

Speakers: ``Speaker.text`` is the source as written ("he", "the outlet", "Anna Petrenko");
``Speaker.actor`` is who that is (:class:`~narratrace.types.Actor`: a person, outlet,
government, organisation, group or anonymous source, with how it was resolved -- name,
pronoun, role noun, continuation, metonymy or description -- and the mention it resolved
to); ``Speaker.start``/``end`` point to that mention, ``mention_start``/``end`` to the source
as written. ``Speaker.entity`` and ``Actor.id`` stay None here: the ``speakers`` corpus stage
links them to the canonical entity by offsets.

Measured on ``../shared/data/attribution-dev`` (286 hand-annotated statements, 16 SemEval
articles; its ``score.py``): statement found and speaker resolved right 63.6% -> 78.0% ->
85.3%, resolved 77.8% -> 90.7% -> 97.6% of found, stated medium 24/44 -> 40/47, 90.6% of the
tool's attributions match a gold statement (80.8% at first, judged by hand), false report
hedges 17 -> 0, denial precision 5/10 -> 6/7. The last step is reports (who put them out),
channels named apart from their platforms, organisations' officials, comment threads, parser
slips and sub-headings run into their paragraphs (see ``tests/test_speakers.py``).
On ``../shared/data/provenance-dev`` (276 gold attributions in 37 fictional articles; its
``score.py``) speakers right 0.82 -> 0.91 (226 -> 251; role nouns 0.63 -> 0.85): screen
names after a closing quotation, "X quoted Y as saying", spokespeople for the organisation
they are described by, "which" said of a thing, wire datelines cut from sources, closing
cues the parser hung elsewhere, outlets named beside their noun or by a nameplate, "the
nurse" back to "a school nurse", the ministry of the minister who spoke, "Varenia's coast
guard", and a title held by one person across the corpus; then 0.90 -> 0.96 (249 -> 266;
role nouns 42/52 -> 50/52): closing cues whose speaker the parser hung as an apposition,
nested reports ("X said the envoy had told her ...", "according to X, the company
reported ..."), "who" of a described name, a ministry or "the government" with no country
written taken as the passage's country's, the subject the parser lent to an inserted clause,
and a description never linked to a name inside it (the ``issue15`` tests in
``tests/test_speakers.py``). Attribution-dev is unchanged by that last step (e2e 85.3%).
Then 85.3% -> 86.0% (246 of 286; provenance-dev speakers unchanged, 0.97): a name after a
courtesy title is a person whatever the tagger says ("Ms Vorstrand" tagged as a place), the
speaker of a nested report is not the passage's speaker a later "she" continues, "the
inspectorate" stands for the organisation the text named with that word, "CITY (AGENCY) -"
datelines, a clause subject the parser made the cue's object, and a stance adjective with a
clause ("the authority is concerned that ...", "we are confident this is ...") as a cue whose
subject is the source ("it is clear that" has none).
Then, for held-out suites of the provenance-dev kind (provenance-dev unchanged, 0.98;
attribution-dev unchanged, 86.0%): a capitalised short name is the body named before ("the
Observer reported" after "The Corvel Observer", not the role noun "observer"), a body's press
office speaks for the body, a memo is its writer's ("a memo written inside the department, the
Ministry of X"; "the memo said" finds who put out a memo before any report), and in the
``speakers`` corpus stage a body written only by a role of two words or more ("the health
board") is the one body of the corpus whose name ends so; and a name ending in a firm's trade
word ("Hardacre Structures") is an organisation, so "the company said" finds it: speakers
0.93 -> 0.94 and 0.81 -> 0.83 on two of them, origins on a third, not read, 0.73 -> 0.80.
PolNeAR dev with ``scope="all"``: overlap F1 0.798 -> 0.806 -> 0.807 (strict 0.694 -> 0.698),
source accuracy 0.876 -> 0.878 (1405 of 1600 matched statements with a source).
Time is linear in document length (``bench/bench_attribution.py --long``: exponent 0.94).
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
