"""One options object, built once (by the CLI or a caller), validated once, passed explicitly.

Options say how to run; they never carry a stage's products (those travel in typed fields of
:class:`~narratrace.types.DocAnalysis` and the corpus context), so the two cannot collide.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, fields
from typing import Literal

from .errors import UsageError

Framing = Literal["contextual", "fast"]
EngineName = Literal["local", "processes", "dask"]


@dataclass(frozen=True, slots=True)
class Options:
    """Options for a narratrace run; a wrong value is refused when the object is built.

    >>> Options(batch_size=50).n_process
    1
    >>> Options(framing="slow")
    Traceback (most recent call last):
    ...
    narratrace.errors.UsageError: Unknown framing 'slow'; choose contextual or fast.
    """

    # ingest
    max_bytes: int = 20_000_000  # per file, after decompression
    max_decompressed_ratio: int = 200  # gzip bomb guard: decompressed / compressed
    max_html_depth: int = 400  # deeper HTML trees are rejected, not parsed
    # nlp
    batch_size: int = 25
    n_process: int = 1
    languages: tuple[str, ...] = ("en", "fr")
    # Entity framing: "contextual" reads up to 5 mentions per article with the sentence encoder
    # (better roles, ~35 ms of CPU per article); "fast" uses the TF-IDF heads only (~2 ms).
    framing: Framing = "contextual"
    # corpus stages
    same_story_threshold: float = 0.6
    # output
    quiet: bool = False
    # scale (issue #7)
    incremental: bool = True  # skip inputs whose content id the store already holds
    # "local": this process, or worker processes when there are enough documents;
    # "processes": worker processes of this machine; "dask": a Dask cluster.
    engine: EngineName = "local"
    scheduler: str | None = None  # Dask scheduler address (tcp://host:8786); None: a LocalCluster
    # Worker processes on this machine: the local engine's pool or a Dask LocalCluster.
    # 0: automatic (see narratrace.run.engines.processes.local_workers); 1: this process only.
    workers: int = 0
    chunk_size: int = 200  # documents cleaned, analysed and written per step (memory stays flat)
    # Seconds one per-document stage may spend on one document (a batched stage: per document
    # of its group) before it is stopped and the document kept without that stage's products,
    # with a warning. 0: no limit. Articles take milliseconds per stage; a pathological one
    # (tens of thousands of quotes) took minutes. The parse of a text over 100,000 characters
    # is bounded the same way. See narratrace.run.document for what it bounds.
    stage_budget: float = 30.0

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            value = getattr(self, name)
            if value not in choices:
                raise UsageError(f"Unknown {name} {value!r}; choose {' or '.join(choices)}."
                                 if len(choices) == 2 else
                                 f"Unknown {name} {value!r}; choose one of {', '.join(choices)}.")
        for name in ("batch_size", "n_process", "chunk_size", "max_bytes",
                     "max_decompressed_ratio", "max_html_depth"):
            if getattr(self, name) < 1:
                raise UsageError(f"Options.{name} must be at least 1, not {getattr(self, name)}.")
        if not self.stage_budget >= 0:  # also refuses NaN
            raise UsageError("Options.stage_budget is seconds per stage and document (0: no "
                             f"limit), not {self.stage_budget}.")
        if self.workers < 0:
            raise UsageError(f"Options.workers must be 0 (automatic) or more, not {self.workers}.")
        if not 0.0 <= self.same_story_threshold <= 1.0:
            raise UsageError("Options.same_story_threshold is a cosine between 0 and 1, not "
                             f"{self.same_story_threshold}.")
        if self.scheduler and self.engine != "dask":
            raise UsageError("A Dask scheduler address needs the dask engine (--engine dask).")


#: The allowed values of every ``Literal`` field, read from the annotations.
_CHOICES: dict[str, tuple[str, ...]] = {
    f.name: typing.get_args(hint)
    for f in fields(Options)
    if typing.get_origin(hint := typing.get_type_hints(Options)[f.name]) is Literal
}
