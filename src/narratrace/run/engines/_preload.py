"""What the worker processes' fork server imports before it forks them (see
:mod:`narratrace.run.engines.processes`): the heavy imports (torch ~1.1 s, spaCy ~0.6 s) and
the per-document runner, once for all workers. Nothing here may start a thread or load a
model: the server forks."""

import spacy  # noqa: F401  (thinc imports torch when it is installed)
import torch  # noqa: F401

from . import worker  # noqa: F401
