"""The stage registry: every stage of a run, in the order data flows, both halves.

Each stage package declares its stages in its own ``stage.py`` (see :mod:`narratrace.stage`);
adding a stage is one declaration there and one line here. Both lists are checked: every
requirement is produced by an earlier stage (or is a stored document kind, for corpus stages).

    >>> [s.name for s in DOC_STAGES]
    ['entities', 'attribution', 'dates', 'claims', 'citations', 'narratives', 'events', 'reuse']
    >>> [s.name for s in CORPUS_STAGES]
    ['entities', 'speakers', 'reuse', 'claim_families', 'origins', 'events']
"""

from __future__ import annotations

from .attribution import stage as attribution
from .claims import stage as claims
from .dates import stage as dates
from .entities import stage as entities
from .events import stage as events
from .narratives import stage as narratives
from .provenance import stage as provenance
from .reuse import stage as reuse
from .stage import CorpusStage, DocStage, check_corpus_stages, check_stages

#: Per-document stages (run where the document is analysed: this process or a worker).
DOC_STAGES: tuple[DocStage, ...] = (entities.DOC, attribution.DOC, dates.DOC, claims.DOC,
                                    provenance.DOC, narratives.DOC, events.DOC, reuse.DOC)
#: Corpus stages (run over the store once the documents are written).
CORPUS_STAGES: tuple[CorpusStage, ...] = (entities.CORPUS, attribution.CORPUS, reuse.CORPUS,
                                          claims.CORPUS, provenance.CORPUS, events.CORPUS)

check_stages(DOC_STAGES)
check_corpus_stages(CORPUS_STAGES)

__all__ = ["CORPUS_STAGES", "DOC_STAGES"]
