"""narratrace: turn a pile of news articles into an evidence map.

>>> import narratrace
>>> store = narratrace.open_store("sqlite:///:memory:")
>>> summary = narratrace.analyze(["examples/corpus"], store=store)  # doctest: +SKIP
>>> analysis = narratrace.build_analysis(store)                     # doctest: +SKIP
"""

from __future__ import annotations

from .version import __version__

from .nlp import import_spacy

import_spacy()  # before the stages import it: spaCy without torch (see import_spacy)

from .analysis import build_analysis, write_analysis
from .errors import NarratraceError
from .options import Options
from .run.analyze import RunSummary, analyze
from .store import open_store
from .types import (Attribution, DateMention, Document, Entity, Mention, NarrativeLabel,
                    RawDocument, Rejected, Removed, Reuse)

__all__ = [
    "Attribution",
    "DateMention",
    "Document",
    "Entity",
    "Mention",
    "NarrativeLabel",
    "NarratraceError",
    "Options",
    "RawDocument",
    "Rejected",
    "Removed",
    "Reuse",
    "RunSummary",
    "__version__",
    "analyze",
    "build_analysis",
    "open_store",
    "write_analysis",
]
