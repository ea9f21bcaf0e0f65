"""Never lose a run (issue #18): raw NUL bytes in text, HTML and CSV files, and CSV files with a
quote that never closes. Each damaged document or row is rejected (or kept, repaired, with a
warning) with a true reason, and every other document of the file keeps its exact text.
Inputs are built here; no model is loaded.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from narratrace import Options, analyze
from narratrace.ingest import iter_inputs
from narratrace.store import open_store
from narratrace.types import RawDocument, Rejected

from _hostile_fns import EchoEngine

# Invented news sentences.
GOOD = [
    "The harbour authority said on Monday that the ferry to Lindholm would resume in May.",
    "Residents of Eastmoor, who met on Tuesday, said they had not been consulted; the council "
    "denied it.",
    "\"We will not accept further delays,\" the union leader told reporters.",
    "According to the transport director, the cost of the bridge has risen by 12 percent.",
    "Le maire de Valbonne a déclaré, lundi, que la fête du port aurait lieu «comme prévu».",
]


def read(path: Path) -> list[RawDocument | Rejected]:
    return list(iter_inputs([path]))


def docs(items: list[RawDocument | Rejected]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def rejects(items: list[RawDocument | Rejected]) -> list[Rejected]:
    return [i for i in items if isinstance(i, Rejected)]


def _csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- NUL: text and HTML

ARTICLE = "\n\n".join(["Ferry service to resume", *GOOD])


@pytest.mark.parametrize("where", ["middle", "padding", "both"])
def test_raw_nul_bytes_in_a_text_file_are_dropped_with_a_warning(tmp_path: Path, where: str) -> None:
    body = ARTICLE.encode("utf-8")
    cut = body.index(b"Lindholm")
    middle = body[:cut] + b"\x00" + body[cut:]  # inside a line
    damaged = {"middle": middle, "padding": body + b"\x00" * 4096,  # a crash's zero padding
               "both": middle + b"\x00" * 300}[where]
    path = tmp_path / "a.txt"
    path.write_bytes(damaged)
    out = read(path)
    assert len(out) == 2
    doc, note = out  # the document, then the notice about it (same path)
    assert isinstance(doc, RawDocument) and doc.content == ARTICLE and doc.encoding == "utf-8"
    assert isinstance(note, Rejected) and note.path == str(path) and note.stage == "ingest"
    count, first = damaged.count(b"\x00"), damaged.index(b"\x00")
    assert note.reason.startswith(f"{count:,} raw NUL byte{'s' if count > 1 else ''} removed "
                                  f"(the first at byte {first:,})")


def test_a_zero_filled_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"\x00" * 8192)
    (out,) = read(path)
    assert isinstance(out, Rejected)
    assert out.reason.startswith("only NUL bytes (8,192): a zero-filled file")


def test_raw_nul_bytes_in_a_latin1_html_page_keep_its_accented_text(tmp_path: Path) -> None:
    page = f"<html><body><h1>Valbonne</h1><p>{GOOD[4]}</p><p>{GOOD[0]}</p></body></html>"
    data = page.encode("latin-1")
    cut = data.index(b"<p>")
    path = tmp_path / "page.html"
    path.write_bytes(data[:cut] + b"\x00\x00" + data[cut:])
    doc, note = read(path)
    assert isinstance(doc, RawDocument) and doc.content == page and doc.format == "html"
    assert isinstance(note, Rejected) and "2 raw NUL bytes removed" in note.reason


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 20,  # binary: its controls are not text once the NULs are gone
    # NULs scattered through the text (3% of the bytes): damaged beyond a stray byte
    ("Ferry to resume in May. " * 40).encode("utf-8").replace(b"May", b"M\x00y"),
], ids=["binary", "many-nuls"])
def test_a_file_with_more_than_a_few_nul_bytes_is_still_binary(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes(data)
    (out,) = read(path)
    assert isinstance(out, Rejected) and out.reason.startswith("looks binary (contains NUL bytes)")




def test_a_run_keeps_a_text_with_nul_bytes_and_stores_the_warning(tmp_path: Path,
                                                                  monkeypatch) -> None:
    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("utf-8") + b"\x00" * 64)
    (tmp_path / "b.txt").write_text(f"Council vote\n\n{GOOD[1]}\n", encoding="utf-8")
    store = open_store(":memory:")
    summary = analyze([tmp_path], store=store, options=Options(quiet=True, framing="fast"))
    assert summary.documents == 2 and summary.exit_code == 0 and not summary.rejected
    assert summary.inputs == 2  # a notice is not an input
    (note,) = [w for w in summary.warnings if w.stage == "ingest"]
    assert note.path == str(tmp_path / "a.txt") and "64 raw NUL bytes removed" in note.reason
    stored = {d.path: d for d in store.documents()}
    assert "\x00" not in stored[str(tmp_path / "a.txt")].source_text
    assert GOOD[3] in stored[str(tmp_path / "a.txt")].source_text
    assert note in store.rejected()  # stored with its document, so the output shows it
    # A second run has nothing new to do and does not report the notice as a rejection.
    again = analyze([tmp_path], store=store, options=Options(quiet=True, framing="fast"))
    assert again.exit_code == 0 and not again.rejected and again.skipped == 2


def test_a_run_keeps_the_good_records_of_a_json_file_with_nul_bytes(tmp_path: Path,
                                                                    monkeypatch) -> None:
    """#18: one raw NUL byte in a JSON list rejected the whole file; now only its record."""
    import json

    from narratrace.run import analyze as run_analyze

    monkeypatch.setattr(run_analyze, "engine", lambda name: EchoEngine())
    records = [json.dumps({"text": GOOD[0]}).encode(), b'{"text": "Dam\x00aged"}',
               json.dumps({"text": GOOD[1]}).encode()]
    path = tmp_path / "feed.json"
    path.write_bytes(b"[" + b", ".join(records) + b"]" + b"\x00" * 512)
    store = open_store(":memory:")
    summary = analyze([tmp_path], store=store, options=Options(quiet=True, framing="fast"))
    assert summary.documents == 2 and summary.exit_code == 3
    assert [(r.path, r.stage) for r in summary.rejected] == [(f"{path}#2", "ingest")]
    assert "raw NUL byte inside record 2" in summary.rejected[0].reason
    (note,) = summary.warnings  # the padding: a warning stored with the last record, not a rejection
    assert note.path == f"{path}#3" and note.reason.startswith("512 raw NUL bytes outside the records")
    assert sorted(d.source_text for d in store.documents()) == sorted(GOOD[:2])


# --------------------------------------------------------------------------- NUL: CSV rows

def test_a_raw_nul_byte_rejects_its_csv_row_not_the_file(tmp_path: Path) -> None:
    rows = [["title", "text"], ["a", GOOD[0]], ["b", "Broken ZZ row"], ["c", GOOD[1]], ["d", GOOD[4]]]
    path = tmp_path / "export.csv"
    path.write_bytes(_csv_bytes(rows).replace(b"ZZ", b"\x00"))
    out = read(path)
    assert [(d.path, d.title, d.content) for d in docs(out)] == [
        (f"{path}#R1", "a", GOOD[0]), (f"{path}#R3", "c", GOOD[1]), (f"{path}#R4", "d", GOOD[4])]
    (rej,) = rejects(out)
    assert rej.path == f"{path}#R2" and rej.stage == "ingest"
    assert rej.reason.startswith("raw NUL byte in the row at line 3")


def test_nul_bytes_in_a_csv_header_and_padding_lose_no_row(tmp_path: Path) -> None:
    rows = [["title", "text"], ["a", GOOD[0]], ["b", GOOD[2]]]
    data = _csv_bytes(rows, delimiter=";").replace(b"title", b"ti\x00tle", 1)
    path = tmp_path / "export.csv"
    path.write_bytes(data + b"\x00" * 100)
    out = read(path)
    assert [(d.title, d.content) for d in docs(out)] == [("a", GOOD[0]), ("b", GOOD[2])]
    (pad,) = rejects(out)  # the padding after the last row is a row of NULs, and says so
    assert pad.path == f"{path}#R3" and "raw NUL byte" in pad.reason


# --------------------------------------------------------------------------- CSV: unclosed quotes

def _broken_csv(tail_quoted: bool) -> tuple[bytes, list[str]]:
    """A CSV whose second row opens a quote it never closes; the rows after it are quoted
    (the lenient reading then stops at the next quote) or not (it runs to the end)."""
    later = [["c", GOOD[1]], ["d", GOOD[2]], ["e", GOOD[3]], ["f", GOOD[4]]]
    good = _csv_bytes([["title", "text"], ["a", GOOD[0]]])
    if tail_quoted:
        rest = "".join(f'{t},"{body.replace(chr(34), chr(34) * 2)}"\n' for t, body in later)
    else:  # cells that need no quotes
        later = [[t, body.replace('"', "").replace(",", "")] for t, body in later]
        rest = "".join(f"{t},{body}\n" for t, body in later)
    broken = 'b,"The minister said the port would close, officials added\n'
    expected = [GOOD[0]] + [body for _, body in later]
    return good + (broken + rest).encode("utf-8"), expected


@pytest.mark.parametrize("tail_quoted", [True, False], ids=["quoted-rows-follow", "to-end-of-file"])
def test_an_unclosed_quote_rejects_its_row_and_keeps_the_rows_after_it(tmp_path: Path,
                                                                      tail_quoted: bool) -> None:
    data, expected = _broken_csv(tail_quoted)
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    out = read(path)
    assert [d.content for d in docs(out)] == expected
    assert [d.path for d in docs(out)] == [f"{path}#R{n}" for n in (1, 3, 4, 5, 6)]
    (rej,) = rejects(out)
    assert rej.path == f"{path}#R2" and rej.stage == "ingest"
    assert rej.reason.startswith("malformed CSV row at line 3: a quote opens a cell and does not "
                                 "close where a cell ends")
    assert "This row was skipped and the rows after it were read" in rej.reason
    if not tail_quoted:
        assert "would swallow 4 more lines to the end of the file" in rej.reason


def test_multi_line_cells_and_a_stray_quote_inside_a_cell_are_not_damage(tmp_path: Path) -> None:
    paragraphs = f"{GOOD[0]}\n\n{GOOD[2]}\n{GOOD[1]}"  # quoted, with doubled quotes, over lines
    text = _csv_bytes([["title", "text"], ["a", paragraphs], ["b", GOOD[3]]]).decode("utf-8")
    text += 'c,The "Eastmoor" plan was dropped\n'  # unquoted cell with quotes inside: fine too
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    out = read(path)
    assert not rejects(out)
    assert [d.content for d in docs(out)] == [paragraphs, GOOD[3], 'The "Eastmoor" plan was dropped']
