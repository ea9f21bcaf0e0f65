"""What claim grouping reads of each claim's own words, kept between incremental runs.

Grouping claims reads, for every stored claim on every run, whether it denies something
(:func:`~narratrace.claims._denials.denies`) and the figures it states, and, for the claims of
candidate links, the actions and amounts it names: regular expressions over the claim's
words, pure functions of its text and of the fields those read. :class:`ClaimFacts` keeps them
in the store (pairs ``claim_facts``, one row per document), keyed by a digest of what they are
computed from, so that a run computes them only for claims it has not seen: on the bench
store of ``bench/bench_scale.py`` (15,000 claims) they took ~0.8 s of every incremental run.
The digest a claim's facts are kept under is made once per claim object in a run (grouping
asks for several facts of each claim: 64,109 digests of the 15,300 claims of that store before).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..types import Claim
from ._denials import _figures


class ClaimFacts:
    """Facts of claims (``get(claim, name, compute)``: ``compute(claim)``, remembered), found
    again by a digest of the claim's text, stance, action and whether someone said it -- every
    field the facts are computed from -- so a claim whose words or fields changed is computed
    again. A fact (one of :data:`FACTS`) is a bool or a set of strings, given back as a new set
    each time.

    >>> from narratrace.types import Claim
    >>> facts = ClaimFacts()
    >>> c = Claim("c1", "d1", "Velmar shipped 40 tonnes", 0, 24)
    >>> facts.get(c, "figures", _claim_figures)
    {'40 tonnes'}
    >>> again = ClaimFacts.from_rows(facts.rows([c]))
    >>> again.get(c, "figures", lambda c: 1 / 0)  # kept: not computed again
    {'40 tonnes'}
    >>> again.grown
    set()
    >>> import dataclasses
    >>> again.get(dataclasses.replace(c, text="Velmar shipped 50 tonnes"), "figures", _claim_figures)
    {'50 tonnes'}
    >>> again.grown  # (other words: computed, and its document's row to be written again)
    {'d1'}
    """

    def __init__(self, known: Mapping[str, list[Any]] | None = None) -> None:
        # digest → one value per fact, None until computed (the JSON lists of the stored rows)
        self._facts: dict[str, list[Any]] = dict(known or {})
        self._keys: dict[tuple[str, ...], str] = {}  # the fields read → their digest
        # each claim object's digest, by its identity (the claim held, so the identity stays
        # its own): a claim's facts are asked for several times a run
        self._seen: dict[int, tuple[Claim, str]] = {}
        #: Documents whose claims got a fact computed here (their rows are written again).
        self.grown: set[str] = set()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> ClaimFacts:
        known: dict[str, list[Any]] = {}
        for row in rows:
            known.update(row["facts"])
        return cls(known)

    def rows(self, claims: Iterable[Claim], docs: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """A row per document of ``docs`` (every document of ``claims`` when None): the facts
        of its claims, as pairs ``(doc, doc)``."""
        wanted = None if docs is None else set(docs)
        by_doc: dict[str, dict[str, list[Any]]] = {}
        for claim in claims:
            if wanted is None or claim.doc in wanted:
                key = self._key(claim)
                if key in self._facts:
                    by_doc.setdefault(claim.doc, {})[key] = self._facts[key]
        return [{"a": doc, "b": doc, "doc_a": doc, "doc_b": doc, "facts": facts}
                for doc, facts in sorted(by_doc.items())]

    def get(self, claim: Claim, name: str, compute: Callable[[Claim], Any]) -> Any:
        at = _AT[name]
        seen = self._seen.get(id(claim))
        if seen is not None and seen[0] is claim:
            key = seen[1]
        else:
            key = self._key(claim)
            self._seen[id(claim)] = (claim, key)
        entry = self._facts.get(key)
        if entry is None:
            entry = self._facts[key] = [None] * len(FACTS)
        value = entry[at]
        if value is None:
            value = compute(claim)
            value = entry[at] = value if isinstance(value, bool) else sorted(value)
            self.grown.add(claim.doc)
        return value if isinstance(value, bool) else set(value)

    def _key(self, claim: Claim) -> str:
        fields = (claim.text, claim.stance or "", "1" if claim.attribution or claim.attributed_to else "",
                  claim.action or "")
        key = self._keys.get(fields)
        if key is None:
            key = self._keys[fields] = hashlib.blake2b("\x1f".join(fields).encode("utf-8", "surrogatepass"),
                                                       digest_size=12).hexdigest()
        return key


#: The facts :class:`ClaimFacts` keeps, in the order of a stored entry's values.
FACTS = ("denies", "figures", "amounts", "actions")
_AT = {name: at for at, name in enumerate(FACTS)}


def _claim_figures(claim: Claim) -> set[str]:
    """:func:`~narratrace.claims._denials._figures` of a claim's text."""
    return _figures(claim.text)
