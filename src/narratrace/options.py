"""One options object, built once (by the CLI or a caller) and passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    """Options for a narratrace run.

    >>> Options(batch_size=50).n_process
    1
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
    framing: str = "contextual"
    # corpus stages
    same_story_threshold: float = 0.6
    # output
    quiet: bool = False
    # scale (issue #7)
    incremental: bool = True  # skip inputs whose content id the store already holds
    engine: str = "local"  # "local" (this process) or "dask" (per-document stages on a cluster)
    scheduler: str | None = None  # Dask scheduler address (tcp://host:8786); None: a LocalCluster
    # Worker processes on this machine: the local engine's pool or a Dask LocalCluster.
    # 0: automatic (see narratrace._processes.local_workers); 1: this process only.
    workers: int = 0
    chunk_size: int = 200  # documents cleaned, analysed and written per step (memory stays flat)
