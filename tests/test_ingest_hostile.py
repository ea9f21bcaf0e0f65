"""Ingest on hostile inputs: every bad file becomes a Rejected with a reason; good ones still load."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narratrace.ingest import _files, iter_inputs
from narratrace.options import Options
from narratrace.types import RawDocument, Rejected

GOOD = "A short article that must survive its neighbours.\n"


def _zeros_gz(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    out = [comp.compress(chunk) for _ in range(size >> 20)]
    return b"".join(out) + comp.flush()


def _nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "deep" + "</div>" * depth + "</body></html>"


# name -> (file bytes, substring the reason must contain, options)
HOSTILE: dict[str, tuple[Callable[[], bytes], str, Options]] = {
    "binary.txt": (lambda: bytes(range(256)) * 20, "looks binary", Options()),
    "controls.html": (lambda: bytes(range(1, 32)) * 200, "looks binary", Options()),
    "empty.txt": (lambda: b"", "empty", Options()),
    "blank.html": (lambda: b" \n\t\r\n  ", "empty", Options()),
    "bad.json": (lambda: b'{"text": "x",', "invalid JSON", Options()),
    "truncated.html.gz": (lambda: gzip.compress(GOOD.encode() * 200)[:-20], "truncated or corrupt gzip", Options()),
    "corrupt.txt.gz": (lambda: b"\x1f\x8b\x08\x00" + b"\xff" * 64, "truncated or corrupt gzip", Options()),
    "notgzip.txt.gz": (lambda: GOOD.encode(), "not gzip", Options()),
    "bomb.html.gz": (lambda: _zeros_gz(50 << 20), "decompression bomb", Options()),
    "bomb-small-cap.txt.gz": (lambda: _zeros_gz(4 << 20), "more than the 1.0 MB limit", Options(max_bytes=1_000_000)),
    "deep.html": (lambda: _nested(5000).encode(), "nested more than 400", Options()),
    "deep-cap.html": (lambda: _nested(60).encode(), "nested more than 50", Options(max_html_depth=50)),
    "deep.jsonl": (lambda: json.dumps({"html": _nested(1000)}).encode(), "nested more than 400", Options()),
    "report.pdf": (lambda: b"%PDF-1.4\n", "unsupported file type .pdf", Options()),
    "photo.png": (lambda: b"\x89PNG\r\n\x1a\n", "unsupported file type .png", Options()),
    "letter.docx": (lambda: b"PK\x03\x04", "unsupported file type .docx", Options()),
    "archive.gz": (lambda: gzip.compress(b"x"), "unsupported file type .gz", Options()),
    "Makefile": (lambda: b"all:\n", "unsupported file type (no extension)", Options()),
    "huge.txt": (lambda: GOOD.encode() * 1000, "over the", Options(max_bytes=10_000)),
    "nested.json": (lambda: b"[" * 100_000 + b"]" * 100_000, "nested too deeply", Options()),
    "bad-bom.txt": (lambda: b"\xef\xbb\xbf\xff\xfe\xfd", "byte-order mark", Options()),
    "garbage.warc": (lambda: b"this is not a warc\r\n\r\n" * 10, "not a WARC file", Options()),
    "garbage.warc.gz": (lambda: gzip.compress(b"WARC/1.0\r\nnonsense\r\n\r\n"), "no HTML or text response", Options()),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_rejected_and_neighbours_survive(tmp_path: Path, name: str) -> None:
    make, reason, options = HOSTILE[name]
    (tmp_path / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / name).write_bytes(make())
    (tmp_path / "z-good.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")
    out = list(iter_inputs([tmp_path], options=options))
    bad = [o for o in out if isinstance(o, Rejected)]
    good = [o for o in out if isinstance(o, RawDocument)]
    assert [g.path for g in good] == [str(tmp_path / "a-good.txt"), str(tmp_path / "z-good.html")]
    assert len(bad) == 1, bad
    assert bad[0].path in (str(tmp_path / name), f"{tmp_path / name}#L1") and bad[0].stage == "ingest"
    assert reason in bad[0].reason
    assert 10 < len(bad[0].reason) < 300  # a short human sentence, not a traceback


def test_bomb_is_stopped_early(tmp_path: Path) -> None:
    """The guard must stop decompressing, not inflate 50 MB and then complain."""
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(_zeros_gz(50 << 20))
    seen: list[int] = []
    real = _files.zlib.decompressobj

    class Spy:
        def __init__(self, *a: object, **k: object) -> None:
            self._d = real(*a, **k)

        def decompress(self, data: bytes, n: int) -> bytes:
            out = self._d.decompress(data, n)
            seen.append(len(out))
            return out

        def __getattr__(self, name: str) -> object:
            return getattr(self._d, name)

    import pytest as _pt

    with _pt.MonkeyPatch.context() as mp:
        mp.setattr(_files.zlib, "decompressobj", Spy)
        (out,) = list(iter_inputs([path]))
    assert isinstance(out, Rejected) and "bomb" in out.reason
    assert sum(seen) < 3 << 20


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    out = list(iter_inputs([tmp_path / "nope", tmp_path / "ok.txt", "also/missing.html"]))
    assert [type(o).__name__ for o in out] == ["Rejected", "RawDocument", "Rejected"]
    assert "no such file or directory" in out[0].reason and out[0].path == str(tmp_path / "nope")


def test_unreadable_file_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    if os.geteuid() != 0:
        (tmp_path / "a.txt").chmod(0)
    else:  # root reads anything: simulate the permission error at the open call
        real_open = _files._open_regular

        def deny(path: str) -> object:
            if str(path).endswith("a.txt"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path)

        monkeypatch.setattr(_files, "_open_regular", deny)
    out = list(iter_inputs([tmp_path]))
    assert isinstance(out[0], Rejected) and "Permission denied" in out[0].reason
    assert "permissions" in out[0].reason
    assert isinstance(out[1], RawDocument)


def test_file_vanishing_mid_run_is_rejected(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    it = iter_inputs([tmp_path])
    first = next(it)
    (tmp_path / "b.txt").unlink()  # listed already, gone before it is read
    rest = list(it)
    assert isinstance(first, RawDocument)
    assert isinstance(rest[0], Rejected) and "No such file" in rest[0].reason
    assert isinstance(rest[1], RawDocument) and rest[1].content == "c.txt"


def test_folder_symlinks_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    out = list(iter_inputs([tmp_path / "d"]))
    assert [type(o).__name__ for o in out] == ["Rejected", "RawDocument"]
    assert out[0].path == str(tmp_path / "d" / "loop") and "not followed" in out[0].reason


def test_unlistable_folder_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.txt").write_text(GOOD, encoding="utf-8")

    def deny(path: object) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(_files.os, "scandir", deny)
    (out,) = list(iter_inputs([tmp_path / "d"]))
    assert isinstance(out, Rejected) and "cannot list folder" in out.reason


EXTENSIONS = [".txt", ".html", ".htm", ".json", ".jsonl", ".csv", ".warc", ".warc.gz",
              ".txt.gz", ".html.gz", ".jsonl.gz", ".csv.gz", ".pdf", ""]

_payloads = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=2048).map(gzip.compress),
    st.binary(max_size=2048).map(lambda b: gzip.compress(b)[: max(2, len(b) // 2)]),
    st.text(max_size=512).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\x00\x00\xfe\xff", b"WARC/1.0\r\n",
                     b"<html>", b"[{", b"text\n"]).flatmap(
        lambda head: st.binary(max_size=512).map(lambda b: head + b)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ext=st.sampled_from(EXTENSIONS), payload=_payloads)
def test_never_raises_on_random_bytes(tmp_path_factory: pytest.TempPathFactory, ext: str, payload: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / f"input{ext}"
    path.write_bytes(payload)
    out = list(iter_inputs([path], options=Options(max_bytes=100_000)))
    assert out, "every input yields at least one item"
    for item in out:
        assert isinstance(item, (RawDocument, Rejected))
        assert item.path.startswith(str(path))
        if isinstance(item, RawDocument):
            assert item.content.strip() and "\r" not in item.content
        else:
            assert item.reason and "please report it" not in item.reason, item.reason
