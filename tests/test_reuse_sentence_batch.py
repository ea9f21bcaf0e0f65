"""Issue #19: the reuse corpus stage makes the deferred narrative sentence vectors of every
document in a pair it checks for a rewrite together, before the pairs (one embedder call for
many documents, in parts on a local run's helper processes), not one call per document as
each pair first asks for it; the vectors and links are the same."""

from __future__ import annotations

import dataclasses
import operator
import os
import zlib

import numpy as np
import pytest

from narratrace.records import unb64

_STORY = {
    "a": "Old pier to close\n\nThe harbour board voted on Monday to close the old pier for repairs "
         "for at least a month, Quist said. Engineers found cracks in three of the pier's supports "
         "last week. The inspectors said that the cracks in the pier were deeper than expected. "
         "Fishing boats moored by the pier's ferry steps on Tuesday. A crane stood at the pier's end.",
    "b": "Pier shut for a month\n\nThe pier at the harbour will close for a month, the board of the "
         "pier decided on Monday. Cracks were found in the pier's supports by engineers last week. "
         "The pier's inspectors said the cracks went deeper than expected at the pier. Boats "
         "were moored by the ferry steps of the pier on Tuesday. A crane waited on the pier.",
    "c": "Harbour pier closes\n\nThe old pier in the harbour is to close for a month from Monday, "
         "its board said. Last week engineers found the pier's supports cracked. The cracks in the "
         "pier run deeper than the inspectors expected, they said. "
         "Fishing boats lay at the pier's steps on Tuesday. A crane was seen at the pier's end.",
    "d": "Orchard fair returns\n\nThe orchard fair in Tamsby will open on Saturday with forty "
         "stalls of pears and apples. Growers from the whole valley have booked space for cider, "
         "honey and jam. The organisers expect more than two thousand visitors over the weekend.",
}


def _topical(texts: list[str]) -> np.ndarray:
    """A vector per text, the same for the same text; texts on the pier lie close together."""
    out = np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(384)
                    for t in texts]).astype(np.float32)
    out *= 0.5 / np.linalg.norm(out, axis=1, keepdims=True)
    out[:, 0] += np.array(["pier" in t.lower() for t in texts], dtype=np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_checked_pairs_sentences_are_embedded_in_one_call(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """Three retellings of one story (each pair checked) and a text on another: the reuse
    stage embeds the three documents' narrative sentences in one call (before: one call per
    document), stores them as narrative_vectors makes them for each alone, and keeps spans
    only for the fourth."""
    from narratrace import Options, analyze, build_analysis, nlp, open_store
    from narratrace.records import kind
    from narratrace.reuse.stage import narrative_vectors

    state = {"reuse": False}
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        if state["reuse"]:
            calls.append(list(texts))
        return _topical(texts)

    def tick(phase: str, n: int, total: int | None) -> None:
        if phase == "corpus:reuse":
            state["reuse"] = n == 0

    monkeypatch.setattr(nlp, "embed", counting)
    (tmp_path / "in").mkdir()
    for name, text in _STORY.items():
        (tmp_path / "in" / f"{name}.txt").write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s.sqlite")
    analyze([tmp_path / "in"], store=store, options=Options(workers=1, quiet=True), progress=tick)
    spec, claims_spec = kind("reuse_features"), kind("claims")
    documents = {d.path.rsplit("/", 1)[-1][0]: d for d in store.documents()}
    features = {name: spec.from_row(store.annotations("reuse_features", doc=d.id)[0])
                for name, d in documents.items()}
    assert sorted(name for name, f in features.items() if f.sentence_vectors) == ["a", "b", "c"]
    assert len(calls) == 1  # the three documents' texts together
    assert all(any(text in documents[name].text for text in calls[0]) for name in "abc")
    for name in "abc":
        claims = [claims_spec.from_row(r) for r in store.annotations("claims", doc=documents[name].id)]
        alone = narrative_vectors(documents[name], claims,
                                  dataclasses.replace(features[name], sentence_vectors=None))
        stored = unb64(features[name].sentence_vectors or "", "<f2", (len(alone), -1))
        assert np.array_equal(stored, alone)
    assert build_analysis(store)["reuse"]


def test_texts_embedded_in_parts_are_the_bits_of_one_call() -> None:
    """Split across calls (each would run on its own process), the vectors are those of one
    call, bit for bit, in the texts' order."""
    from narratrace import nlp
    from narratrace.reuse.stage import embed_in_parts

    texts = [f"Sentence {k} about the harbour board and its {k * 7} cracked supports." for k in range(9)]
    seen: list[list[str]] = []

    def recording(fn, parts):  # type: ignore[no-untyped-def]
        seen.extend(parts)
        return map(fn, parts)

    got = embed_in_parts(texts, mapper=recording, parts=2, least=4)
    assert [len(part) for part in seen] == [5, 4]
    assert np.array_equal(got, np.asarray(nlp.embed(texts), dtype="<f4"))
    seen.clear()
    assert np.array_equal(embed_in_parts(texts[:3], mapper=recording, parts=2, least=4), got[:3])
    assert not seen  # too few to share


def test_local_corpus_mapper_runs_parts_on_a_helper_process() -> None:
    """The local engine's corpus mapper: the first part here, the others on helper processes,
    results in the parts' order; one worker is the builtin map."""
    from narratrace.run.engines.processes import corpus_mapper

    with corpus_mapper(2) as (mapper, parts):
        assert parts == 2
        here, there = mapper(operator.call, [os.getpid, os.getpid])
    assert here == os.getpid() and there != os.getpid()
    with corpus_mapper(1) as (mapper, parts):
        assert parts == 1 and list(mapper(operator.call, [os.getpid])) == [os.getpid()]
