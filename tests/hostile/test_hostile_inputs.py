"""Never lose a run (issue #18), at the reader: each hostile input is built here, and each
ends as one rejected (or degraded) record with a true reason while every good record of the
same file or folder is read with its exact text. No model is loaded: these run in seconds.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from pathlib import Path

import pytest

from narratrace import Options
from narratrace.ingest import iter_inputs
from narratrace.types import RawDocument, Rejected

# Invented news sentences: the good records every test expects back, character for character.
GOOD = [
    "The harbour authority said on Monday that the ferry to Lindholm would resume in May.",
    "Residents of Eastmoor, who met on Tuesday, said they had not been consulted; the council "
    "denied it.",
    "\"We will not accept further delays,\" the union leader told reporters.",
    "According to the transport director, the cost of the bridge has risen by 12 percent, "
    "the paper's audit says.",
]


def read(*paths: Path, options: Options = Options()) -> list[RawDocument | Rejected]:
    return list(iter_inputs(list(paths), options=options))


def docs(items: list[RawDocument | Rejected]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def rejects(items: list[RawDocument | Rejected]) -> list[Rejected]:
    return [i for i in items if isinstance(i, Rejected)]


# --------------------------------------------------------------------------- JSON: lone surrogates

@pytest.mark.parametrize("field", ["text", "title", "url", "outlet"])
def test_a_lone_surrogate_rejects_its_record_only(tmp_path: Path, field: str) -> None:
    # Valid JSON (an escape for half of a character pair) that no encoder can write back.
    bad = {"text": GOOD[0], field: "Officials said \ud800 the port was closed."}
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [{"text": GOOD[1]}, bad, {"text": GOOD[2]}]),
                    encoding="utf-8")
    assert "\\ud800" in path.read_text(encoding="utf-8")  # the escape, as the file holds it
    out = read(path)
    assert [d.content for d in docs(out)] == [GOOD[1], GOOD[2]]
    (rej,) = rejects(out)
    assert rej.path == f"{path}#L2" and rej.stage == "ingest"
    assert f"the {field} holds a lone surrogate (U+D800 at character 15)" in rej.reason


def test_a_surrogate_pair_escape_is_one_character_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"text": "The mayor waved \U0001F600 at the crowd."}]), encoding="utf-8")
    assert "\\ud83d\\ude00" in path.read_text(encoding="utf-8")
    (doc,) = read(path)
    assert isinstance(doc, RawDocument) and doc.content == "The mayor waved \U0001F600 at the crowd."


# --------------------------------------------------------------------------- file names

def test_a_file_name_that_is_not_utf8_is_read_and_stored_escaped(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9 report.txt"), "w", encoding="utf-8") as fh:
        fh.write(GOOD[0])
    (tmp_path / "b.txt").write_text(GOOD[1], encoding="utf-8")
    out = read(tmp_path)
    assert [d.content for d in docs(out)] == [GOOD[1], GOOD[0]]  # b.txt, then caf?.txt
    paths = {d.content: d.path for d in docs(out)}
    assert paths[GOOD[0]] == f"{tmp_path}/caf\\xe9 report.txt"
    paths[GOOD[0]].encode("utf-8")  # storable: no lone surrogate left


@pytest.mark.parametrize("name", ["a\nb.txt", "a\x1b[31mred\x1b[0m.txt", "tab\there.txt", "bell\x07.txt"])
def test_control_characters_in_a_file_name_never_reach_the_output_raw(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(GOOD[0], encoding="utf-8")
    (doc,) = read(tmp_path)
    assert isinstance(doc, RawDocument) and doc.content == GOOD[0]
    assert doc.path.isprintable() and "\\x" in doc.path
    assert doc.path.startswith(str(tmp_path) + "/")


def test_control_characters_in_a_warc_record_id_are_escaped(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for n, text in enumerate(GOOD[:2]):
            body = f"<html><body><p>{text}</p></body></html>".encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(f"http://example.org/{n}", "response",
                                               payload=io.BytesIO(body), http_headers=http)
            if n == 0:
                record.rec_headers.replace_header("WARC-Record-ID", "<urn:x:\x1b]0;owned\x07>")
            writer.write_record(record)
    out = read(path)
    assert len(docs(out)) == 2 and not rejects(out)
    assert all(d.path.isprintable() for d in docs(out))
    assert docs(out)[0].path == f"{path}#urn:x:\\x1b]0;owned\\x07"


# --------------------------------------------------------------------------- special files

def test_a_named_pipe_is_rejected_without_waiting_for_a_writer(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    (tmp_path / "a.txt").write_text(GOOD[0], encoding="utf-8")
    os.mkfifo(tmp_path / "b.txt")
    os.mkfifo(tmp_path / "given.jsonl")
    (tmp_path / "c.txt").write_text(GOOD[1], encoding="utf-8")
    # If the reader opened a pipe, this would wait forever for a writer: none ever comes.
    out = read(tmp_path)
    assert [d.content for d in docs(out)] == GOOD[:2]
    reasons = {r.path: r.reason for r in rejects(out)}
    assert set(reasons) == {str(tmp_path / "b.txt"), str(tmp_path / "given.jsonl")}
    assert all(r.startswith("a named pipe, not a regular file") for r in reasons.values())
    # Named on the command line, too.
    (given,) = read(tmp_path / "given.jsonl")
    assert isinstance(given, Rejected) and "a named pipe" in given.reason


def test_a_pipe_swapped_in_after_the_walk_is_not_opened(tmp_path: Path, monkeypatch) -> None:
    from narratrace.ingest import _files

    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    os.mkfifo(tmp_path / "late.txt")
    monkeypatch.setattr(_files, "_special_kind", lambda path: None)  # the walk saw a file
    (out,) = read(tmp_path / "late.txt")
    assert isinstance(out, Rejected) and "a named pipe, not a regular file" in out.reason


# --------------------------------------------------------------------------- JSON Lines: NUL bytes

def test_a_raw_nul_byte_rejects_its_line_not_the_file(tmp_path: Path) -> None:
    lines = [json.dumps({"text": GOOD[0]}).encode(), b'{"text": "broken \x00 record"}',
             json.dumps({"text": GOOD[1]}).encode(), b"\x00\x00", json.dumps({"text": GOOD[2]}).encode()]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out = read(path)
    assert [(d.path, d.content) for d in docs(out)] == [
        (f"{path}#L1", GOOD[0]), (f"{path}#L3", GOOD[1]), (f"{path}#L5", GOOD[2])]
    assert sorted(r.path for r in rejects(out)) == [f"{path}#L2", f"{path}#L4"]
    assert all("raw NUL byte" in r.reason for r in rejects(out))


def test_a_nul_escape_in_json_is_text_not_a_rejection(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": "The port \u0000 reopened."}) + "\n", encoding="utf-8")
    (doc,) = read(path)
    assert isinstance(doc, RawDocument) and doc.content == "The port \x00 reopened."


def test_utf16_jsonl_is_still_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    body = "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in GOOD[:2])
    path.write_bytes(body.encode("utf-16-le"))  # NULs in every other byte, no byte-order mark
    assert [d.content for d in docs(read(path))] == GOOD[:2]


# --------------------------------------------------------------------------- JSON: NUL bytes

def test_a_raw_nul_byte_in_a_json_list_rejects_its_record_not_the_file(tmp_path: Path) -> None:
    """#18: a JSON (not JSON Lines) file with a raw NUL byte was rejected whole."""
    good = [json.dumps({"text": t, "title": f"Story {n}"}) for n, t in enumerate(GOOD[:3], 1)]
    broken = b'{"text": "The mayor \x00 said", "title": "Damaged"}'
    between = b'{"text": "A field was lost",\x00 "title": "Outside a string"}'
    body = b"[\n" + b",\n".join([good[0].encode(), broken, good[1].encode(), between,
                                   good[2].encode()]) + b"\n]\n"
    path = tmp_path / "feed.json"
    path.write_bytes(body)
    out = read(path)
    assert [(d.path, d.title, d.content) for d in docs(out)] == [
        (f"{path}#1", "Story 1", GOOD[0]), (f"{path}#3", "Story 2", GOOD[1]),
        (f"{path}#5", "Story 3", GOOD[2])]
    assert [(r.path, r.reason) for r in rejects(out)] == [
        (f"{path}#2", "1 raw NUL byte inside record 2, which JSON never holds; the other records were read"),
        (f"{path}#4", "1 raw NUL byte inside record 4, which JSON never holds; the other records were read")]


def test_zero_padding_after_a_json_file_keeps_every_record_with_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(json.dumps([{"text": t} for t in GOOD[:2]]).encode() + b"\n" + b"\x00" * 4096)
    out = read(path)
    assert out[:2] == docs(out) and [d.content for d in docs(out)] == GOOD[:2]
    (note,) = rejects(out)  # a notice that follows the last record, as the run keeps notices
    assert out[-1] is note and note.path == f"{path}#2"
    assert note.reason.startswith("4,096 raw NUL bytes outside the records of the file removed")


def test_a_nul_in_a_one_object_json_file_rejects_that_record_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "story.json"
    path.write_bytes(b'{"text": "The port\x00 reopened."}')
    (out,) = read(path)
    assert isinstance(out, Rejected) and out.path == str(path)
    assert out.reason == "1 raw NUL byte inside the file's one record, which JSON never holds"


def test_json_lines_saved_as_json_with_a_nul_reject_only_that_line(tmp_path: Path) -> None:
    lines = [json.dumps({"text": GOOD[0]}).encode(), b'{"text": "bro\x00ken"}',
             json.dumps({"text": GOOD[1]}).encode()]
    path = tmp_path / "feed.json"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out = read(path)
    assert [d.content for d in docs(out)] == GOOD[:2]
    assert [r.path for r in rejects(out)] == [f"{path}#L2"]


def test_a_nul_in_json_that_is_not_json_says_both(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_bytes(b'[{"text": "one"} {"text": "two\x00"}]')
    (out,) = read(path)
    assert isinstance(out, Rejected) and out.reason.startswith("invalid JSON, and 1 raw NUL byte in it")


# --------------------------------------------------------------------------- CSV dialects

def _csv(path: Path, rows: list[list[str]], **fmt: object) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, **fmt).writerows(rows)  # type: ignore[arg-type]


ARTICLES = [
    # Quotes, commas, semicolons, apostrophes and paragraphs inside the cells: what the
    # standard library's sniffer misreads.
    "The mayor said, 'we will wait', and left the hall.\n\nCritics called it 'a disaster'; "
    "the council did not answer.",
    "He said \"never\" twice, the paper reported.\nIt's the third strike this year, union "
    "officials said; talks resume on Friday.",
    "Le ministre a dit, lundi, que la grève, qui dure depuis mai, finirait «bientôt»; "
    "l'opposition a quitté la salle.",
] * 4


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL], ids=["minimal", "all"])
def test_csv_dialects_keep_every_article_whole(tmp_path: Path, delimiter: str, quoting: int) -> None:
    path = tmp_path / "export.csv"
    rows = [["Titre", "text", "date", "source"]]
    rows += [[f"Story {n}", body, f"2024-05-{n + 1:02d}", "Le Courrier"] for n, body in enumerate(ARTICLES)]
    _csv(path, rows, delimiter=delimiter, quoting=quoting)
    out = read(path)
    assert not rejects(out)
    got = docs(out)
    assert [d.content for d in got] == ARTICLES
    assert [d.path for d in got] == [f"{path}#R{n}" for n in range(1, len(ARTICLES) + 1)]
    assert [d.published for d in got] == [f"2024-05-{n + 1:02d}" for n in range(len(ARTICLES))]
    assert {d.outlet for d in got} == {"Le Courrier"}


@pytest.mark.parametrize("first", ["sep=;", '"sep=;"', "SEP=;"])
def test_excels_sep_line_names_the_delimiter_and_is_no_header(tmp_path: Path, first: str) -> None:
    # Excel writes and reads a first line "sep=;"; it was taken for the header, and the whole
    # file rejected as having no text column (columns: 'sep=', '').
    path = tmp_path / "export.csv"
    buf = io.StringIO(newline="")
    rows = [["titre", "text", "date"]] + [[f"Story {n}", body, "2024-05-02"]
                                          for n, body in enumerate(ARTICLES[:3])]
    csv.writer(buf, delimiter=";").writerows(rows)
    path.write_text(f"{first}\r\n{buf.getvalue()}", encoding="utf-8", newline="")
    out = read(path)
    assert not rejects(out)
    assert [d.content for d in docs(out)] == ARTICLES[:3]
    assert [d.path for d in docs(out)] == [f"{path}#R{n}" for n in (1, 2, 3)]


def test_a_broken_row_after_a_sep_line_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f'sep=;\ntitle;text\na;{GOOD[0]}\nb;"never closed\nc;{GOOD[3]}\n', encoding="utf-8")
    out = read(path)
    assert [d.content for d in docs(out)] == [GOOD[0], GOOD[3]]
    (rej,) = rejects(out)
    assert rej.path == f"{path}#R2" and "malformed CSV row at line 4:" in rej.reason


def test_blank_lines_before_a_csv_header_do_not_hide_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _csv(path, [[], [], ["title", "text"], *[["t", a] for a in ARTICLES[:2]]], delimiter=";")
    assert [d.content for d in docs(read(path))] == ARTICLES[:2]

def test_a_one_column_csv_of_prose_is_not_split_on_its_commas(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("text\n" + "\n".join(g for g in GOOD if "\"" not in g) + "\n", encoding="utf-8")
    assert [d.content for d in docs(read(path))] == [g for g in GOOD if "\"" not in g]


def test_a_csv_without_an_article_column_names_the_columns_it_saw(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _csv(path, [["headline", "article_body", "when"], ["A", GOOD[0], "2024-05-01"]], delimiter=";")
    (rej,) = read(path)
    assert isinstance(rej, Rejected)
    assert "no text, html, content or body column" in rej.reason
    assert "columns: 'headline', 'article_body', 'when'" in rej.reason


def test_a_csv_cell_over_the_csv_modules_limit_keeps_the_rest_of_the_file(tmp_path: Path) -> None:
    long = " ".join([GOOD[3]] * 1700)  # ~160,000 characters, over csv's default 131,072
    assert len(long) > 131_072
    path = tmp_path / "export.csv"
    _csv(path, [["title", "text"], ["a", GOOD[0]], ["b", long], ["c", GOOD[1]]])
    out = read(path)
    assert not rejects(out)
    assert [d.content for d in docs(out)] == [GOOD[0], long, GOOD[1]]


def test_a_csv_with_a_header_and_no_rows_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("title,text\n", encoding="utf-8")
    (rej,) = read(path)
    assert isinstance(rej, Rejected) and "header but no rows" in rej.reason


def test_gzipped_semicolon_csv(tmp_path: Path) -> None:
    path = tmp_path / "export.csv.gz"
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows([["text", "title"], *[[a, "t"] for a in ARTICLES[:3]]])
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8")))
    assert [d.content for d in docs(read(path))] == ARTICLES[:3]


# --------------------------------------------------------------------------- links

def test_a_broken_link_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD[0], encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "gone.txt")
    out = read(tmp_path)
    assert [d.content for d in docs(out)] == [GOOD[0]]
    (rej,) = rejects(out)
    assert rej.path == str(tmp_path / "b.txt")
    assert rej.reason.startswith("broken symbolic link") and "during the run" not in rej.reason
    (given,) = read(tmp_path / "b.txt")
    assert isinstance(given, Rejected) and given.reason.startswith("broken symbolic link")


# --------------------------------------------------------------------------- true reasons

@pytest.mark.parametrize(("value", "reason"), [
    ({"a": 1}, "the 'text' field holds an object, not text"),
    (["x"], "the 'text' field holds a list, not text"),
    (True, "the 'text' field holds a boolean, not text"),
    (12, "the 'text' field holds a number, not text"),
    ("   ", "empty 'text' field"),
    (None, "empty 'text' field"),
])
def test_a_text_field_that_is_not_text_says_what_it_holds(tmp_path: Path, value: object, reason: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": value}) + "\n" + json.dumps({"text": GOOD[0]}) + "\n",
                    encoding="utf-8")
    out = read(path)
    assert [d.content for d in docs(out)] == [GOOD[0]]
    (rej,) = rejects(out)
    assert rej.path == f"{path}#L1" and rej.reason.startswith(reason)



@pytest.mark.parametrize(("body", "reason"), [
    ('"just a headline"', "JSON holds a string, not an object or a list of objects"),
    ("null", "JSON holds null, not an object or a list of objects"),
    ("42", "JSON holds a number, not an object or a list of objects"),
])
def test_a_json_file_of_one_value_names_it_as_json_does(tmp_path: Path, body: str, reason: str) -> None:
    # Python's own type names ("a str", "a NoneType", "a int") are not what the file holds.
    path = tmp_path / "feed.json"
    path.write_text(body, encoding="utf-8")
    (rej,) = read(path)
    assert isinstance(rej, Rejected) and rej.reason == reason


def test_a_json_list_item_that_is_not_an_object_is_named_as_json_does(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([7, None, {"text": GOOD[0]}]), encoding="utf-8")
    out = read(path)
    assert [d.content for d in docs(out)] == [GOOD[0]]
    assert [r.reason for r in rejects(out)] == ["expected a JSON object, found a number",
                                                "expected a JSON object, found null"]

# --------------------------------------------------------------------------- held-out shapes (#18)
# Inputs of the categories in shapes the tests above do not build; each lost a file or
# a record, or gave an internal reason, before it was fixed.

@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_an_integer_of_thousands_of_digits_does_not_lose_the_file(tmp_path: Path, suffix: str) -> None:
    # Valid JSON; Python refuses to convert an integer of more than 4,300 digits (a ValueError
    # that is not a JSON error, so it escaped as "could not read ...; please report it").
    huge = "9" * 5000
    lines = [json.dumps({"text": GOOD[0]}), f'{{"text": {json.dumps(GOOD[1])}, "views": {huge}}}',
             json.dumps({"text": GOOD[2]})]
    path = tmp_path / f"feed{suffix}"
    path.write_text(("[" + ",".join(lines) + "]") if suffix == ".json" else "\n".join(lines) + "\n",
                    encoding="utf-8")
    out = read(path)
    assert [d.content for d in docs(out)] == GOOD[:3] and not rejects(out)


def _raw_warc_record(uri: str | None, body: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    head = "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:rec-%s>\r\n" % (uri or "none")
    if uri is not None:
        head += f"WARC-Target-URI: {uri}\r\n"
    head += f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    return head.encode() + http + b"\r\n\r\n"


def test_a_warc_response_without_a_target_uri_keeps_the_records_before_it(tmp_path: Path) -> None:
    page = [f"<html><body><p>{t}</p></body></html>".encode() for t in GOOD[:2]]
    path = tmp_path / "crawl.warc"
    path.write_bytes(_raw_warc_record("http://example.org/1", page[0]) + _raw_warc_record(None, page[1]))
    out = read(path)
    assert len(docs(out)) == 1 and GOOD[0] in docs(out)[0].content
    (rej,) = rejects(out)
    assert rej.path == str(path) and "AttributeError" in rej.reason  # named, but not as our bug
    assert rej.reason.startswith("unreadable WARC after 1 records (record 2 has a malformed header block")
    assert "please report it" not in rej.reason


def test_a_wrong_warc_content_length_is_one_line_and_not_printed(tmp_path: Path, capfd) -> None:
    page = f"<html><body><p>{GOOD[0]}</p></body></html>".encode()
    good = _raw_warc_record("http://example.org/0", page)
    wrong = _raw_warc_record("http://example.org/1", page)
    wrong = wrong.replace(wrong[wrong.index(b"Content-Length: "):wrong.index(b"\r\n\r\nHTTP")],
                          b"Content-Length: 12")  # much shorter than the record
    path = tmp_path / "crawl.warc"
    path.write_bytes(good + wrong + good)
    out = read(path)
    assert len(docs(out)) == 1 and GOOD[0] in docs(out)[0].content
    (rej,) = rejects(out)
    assert rej.reason.startswith("unreadable WARC") and "\n" not in rej.reason
    assert "WARNING" not in capfd.readouterr().err  # warcio's own warning stays off the terminal


def test_a_csv_with_backslash_escaped_quotes_keeps_the_article_whole(tmp_path: Path) -> None:
    # As MySQL, PHP or pandas(escapechar="\\") write it: read the standard way, the cell ended at
    # the first escaped quote and the rest of the article was dropped as an extra cell.
    quoted = 'The mayor said \\"we will not wait\\", and the council agreed, after a long debate.'
    path = tmp_path / "export.csv"
    path.write_text(f'title,text\nA,"{quoted}"\nB,"{GOOD[1]}"\n', encoding="utf-8")
    out = read(path)
    assert [d.content for d in docs(out)] == [quoted.replace("\\", ""), GOOD[1]]


def test_a_csv_with_two_text_columns_reads_the_first(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _csv(path, [["title", "text", "text"], ["A", GOOD[0], "note"], ["B", GOOD[1], "note"]])
    assert [d.content for d in docs(read(path))] == GOOD[:2]


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".csv.gz"])
def test_a_line_based_file_whose_gzip_is_cut_short_keeps_its_whole_lines(tmp_path: Path, suffix: str) -> None:
    # A download cut off mid-way: the records decompressed before the cut are good documents.
    texts = [f"{GOOD[n % 4]} (item {n})" for n in range(400)]
    if suffix == ".jsonl.gz":
        body = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    else:
        buf = io.StringIO(newline="")
        csv.writer(buf).writerows([["title", "text"], *([f"T{n}", t] for n, t in enumerate(texts))])
        body = buf.getvalue()
    packed = gzip.compress(body.encode("utf-8"))
    path = tmp_path / f"feed{suffix}"
    path.write_bytes(packed[: len(packed) * 2 // 3])
    out = read(path)
    kept = [d.content for d in docs(out)]
    assert kept and kept == texts[: len(kept)] and len(kept) < len(texts)
    (rej,) = rejects(out)
    assert rej.path == str(path) and rej.reason.startswith("truncated or corrupt gzip")
    assert "before the damage were read; the rest is lost" in rej.reason


def test_a_file_gzipped_twice_says_so(tmp_path: Path) -> None:
    path = tmp_path / "story.txt.gz"
    path.write_bytes(gzip.compress(gzip.compress(GOOD[0].encode("utf-8"))))
    (rej,) = read(path)
    assert isinstance(rej, Rejected) and rej.reason.startswith("compressed twice")


# --------------------------------------------------------------------------- legacy code pages

# Invented Icelandic sentences: a language of Latin-1 whose ð and þ no other table explained,
# so "Forsætisráðherra" was read as cp1257 "Forsętisrįšherra" (with only a guess warning).
ICELANDIC = [
    "Forsætisráðherra sagði á þriðjudag að þingið myndi fjalla um frumvarpið í næstu viku.",
    "Hún sagði að það væri ekki rétt",
    "Veður í dag",
]


@pytest.mark.parametrize("page", ["latin-1", "cp1252"])
@pytest.mark.parametrize("text", ICELANDIC, ids=["sentence", "short", "headline"])
def test_latin1_icelandic_is_read_as_written(tmp_path: Path, page: str, text: str) -> None:
    path = tmp_path / "frett.txt"
    path.write_bytes(f"{text}\n".encode(page))
    (doc,) = docs(read(path))
    assert doc.content == f"{text}\n"


@pytest.mark.parametrize("page", ["utf-32-le", "utf-32-be"])
def test_utf32_without_a_mark_is_text_not_binary(tmp_path: Path, page: str) -> None:
    # Three NUL bytes in every character of ASCII: this was rejected as "looks binary".
    text = f"{GOOD[0]}\n\n{GOOD[1]}\n"
    path = tmp_path / "story.txt"
    path.write_bytes(text.encode(page))
    (doc,) = docs(read(path))
    assert (doc.content, doc.encoding) == (text, page)


# Invented Hebrew and Arabic sentences: no code page of theirs was tried, so each was read as
# Cyrillic ("дщш аош") or KOI8-R with only a guess warning, and every letter was lost.
RIGHT_TO_LEFT = [
    ("השר אמר ביום שלישי כי המעבורת תחזור לפעול בחודש מאי.", "cp1255"),
    ("השר אמר ביום שלישי כי המעבורת תחזור לפעול בחודש מאי.", "iso8859-8"),
    ("قال الوزير يوم الثلاثاء إن العبّارة ستعود إلى العمل في مايو، والنقابة تنفي ذلك.", "cp1256"),
    ("قال الوزير يوم الثلاثاء إن العبارة ستعود إلى العمل في مايو، والنقابة تنفي ذلك؟", "iso8859-6"),
]


@pytest.mark.parametrize(("text", "page"), RIGHT_TO_LEFT, ids=["he-1255", "he-8859", "ar-1256", "ar-8859"])
def test_hebrew_and_arabic_code_pages_are_read_as_written(tmp_path: Path, text: str, page: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(f"{text}\n".encode(page))
    (doc,) = docs(read(path))
    assert doc.content == f"{text}\n"



@pytest.mark.parametrize("name", ["report\u202egnp.txt", "line\u2028two.txt", "para\u2029.txt",
                                  "isolate\u2067x\u2069.txt"])
def test_bidirectional_overrides_and_line_separators_in_a_file_name_are_escaped(tmp_path: Path,
                                                                               name: str) -> None:
    # A right-to-left override shows "report\u202egnp.txt" as "reporttxt.png" in a terminal.
    (tmp_path / name).write_text(GOOD[0], encoding="utf-8")
    (doc,) = read(tmp_path)
    assert isinstance(doc, RawDocument) and doc.content == GOOD[0]
    assert doc.path.isascii() and doc.path.isprintable() and "\\u20" in doc.path


# Invented Russian and Polish sentences behind 100 KB of ASCII: only the first 8 KiB were
# weighed, all of them ASCII, so the text was read as Windows-1252 ("Ìèíèñòð").
LATE_LETTERS = [("Министр заявил, что правительство не будет менять закон.", "cp1251"),
                ("Minister powiedział, że rząd nie zamierza zmieniać ustawy.", "cp1250")]


@pytest.mark.parametrize(("text", "page"), LATE_LETTERS, ids=["ru", "pl"])
def test_a_page_whose_letters_come_after_a_long_script_is_read_as_written(tmp_path: Path, text: str,
                                                                         page: str) -> None:
    path = tmp_path / "page.html"
    script = "<script>var config = '" + "x" * 100_000 + "';</script>"
    path.write_bytes(f"<html><head>{script}</head><body><p>{text}</p></body></html>".encode(page))
    (doc,) = docs(read(path))
    assert text in doc.content


@pytest.mark.parametrize(("text", "page"), LATE_LETTERS, ids=["ru", "pl"])
def test_a_text_with_a_long_ascii_head_is_read_as_written(tmp_path: Path, text: str, page: str) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes((" ".join(["Agency wire, item 42."] * 600) + f"\n\n{text}\n").encode(page))
    (doc,) = docs(read(path))
    assert doc.content.endswith(f"\n\n{text}\n")


def test_a_tab_separated_file_named_tsv_is_read_as_csv(tmp_path: Path) -> None:
    # It was rejected as an unsupported file type ("convert it to text or HTML first").
    path = tmp_path / "export.tsv.gz"
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter="\t").writerows([["title", "text"], *[["t", a] for a in ARTICLES[:3]]])
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8")))
    out = read(path)
    assert not rejects(out)
    assert [d.content for d in docs(out)] == ARTICLES[:3]
