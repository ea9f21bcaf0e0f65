"""RUN: how a corpus goes through the stages.

* :mod:`.plan` — two-pass reading, incremental skip and replace;
* :mod:`.prepare` — cleaning a chunk with the corpus's boilerplate, language detection;
* :mod:`.document` — the per-document runner (a leaf: what workers import);
* :mod:`.engines` — where the per-document stages run: local, processes, dask;
* :mod:`.writer` — one document and its kinds in one transaction;
* :mod:`.corpus` — the corpus runner, incremental;
* :mod:`.analyze` — the orchestrator, :func:`narratrace.analyze`.

This ``__init__`` imports nothing, so that a worker importing the per-document runner never
imports the orchestrator.
"""
