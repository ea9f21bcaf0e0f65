"""What the worker processes' fork server imports before it forks them (see
``narratrace._processes._context``): the heavy imports (torch ~1.1 s, spaCy ~0.6 s), once for
all workers. Nothing here may start a thread or load a model: the server forks."""

import spacy  # noqa: F401  (thinc imports torch when it is installed)
import torch  # noqa: F401

from . import pipeline  # noqa: F401
