"""What the worker processes' fork server imports before it forks them (see
:mod:`narratrace.run.engines.processes`): the heavy imports (spaCy ~0.6 s, numpy, the
tokenizer) and the per-document runner, once for all workers. Nothing here may start a thread
or load a model: the server forks."""

import numpy  # noqa: F401
import spacy  # noqa: F401  (without torch: the package imported narratrace.nlp.import_spacy first)
import tokenizers  # noqa: F401

from . import worker  # noqa: F401
