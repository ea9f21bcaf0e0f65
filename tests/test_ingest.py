"""Ingest: formats, encodings, metadata, ids, and the real inputs in ../shared."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

import narratrace.ingest as ingest
from narratrace.ingest import iter_inputs
from narratrace.ingest._encoding import decode
from narratrace.ingest._html import html_depth
from narratrace.ingest._records import doc_id, normalise_date
from narratrace.options import Options
from narratrace.types import RawDocument, Rejected

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Texts written for these tests (no third-party text).
RU = (
    "Городской совет обсудил вчера новый бюджет на строительство школ и больниц. "
    "Депутаты проголосовали за увеличение расходов на образование и транспорт.\n"
)
FR = (
    "Le conseil municipal a adopté mercredi un budget prévoyant la rénovation des écoles "
    "élémentaires et la création d'un théâtre à côté de la gare, été comme hiver.\n"
)
EN = "The council met on Tuesday.\nIt approved the budget for new schools.\n"


def run(*paths: object, options: Options = Options()) -> list[RawDocument | Rejected]:
    return list(iter_inputs([str(p) for p in paths], options=options))


def docs(items: list[RawDocument | Rejected]) -> list[RawDocument]:
    return [i for i in items if isinstance(i, RawDocument)]


def rejected(items: list[RawDocument | Rejected]) -> list[Rejected]:
    return [i for i in items if isinstance(i, Rejected)]


def test_public_api_is_pinned() -> None:
    assert ingest.__all__ == ["iter_inputs"]


# --------------------------------------------------------------------------- formats


def write_warc(path: Path, pages: list[tuple[str, str, bytes]], *, gz: bool) -> None:
    """Write (url, content type, body) response records plus a request record to skip."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, ctype, body in pages:
        req = writer.create_warc_record(
            url, "request", payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.org")],
                                          is_http_request=True),
        )
        writer.write_record(req)
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=http))
    path.write_bytes(buf.getvalue())


def test_text_and_html_round_trip(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(EN, encoding="utf-8")
    html = "<html><head><title>T</title></head><body><p>Café</p></body></html>"
    (tmp_path / "b.html").write_text(html, encoding="utf-8")
    (tmp_path / "c.htm").write_text(html, encoding="utf-8")
    out = run(tmp_path)
    assert [(d.path.rsplit("/", 1)[1], d.format, d.content) for d in docs(out)] == [
        ("a.txt", "text", EN), ("b.html", "html", html), ("c.htm", "html", html),
    ]
    assert not rejected(out)
    assert all(d.encoding == "utf-8" for d in docs(out))


@pytest.mark.parametrize("name", ["x.txt.gz", "x.html.gz", "x.jsonl.gz", "x.json.gz", "x.csv.gz"])
def test_transparent_gzip(tmp_path: Path, name: str) -> None:
    body = {
        "x.txt.gz": EN,
        "x.html.gz": f"<p>{EN}</p>",
        "x.jsonl.gz": json.dumps({"text": EN}) + "\n",
        "x.json.gz": json.dumps([{"text": EN}]),
        "x.csv.gz": "text,title\n" + '"' + EN + '",T\n',
    }[name]
    # Two gzip members: multi-member streams (as `cat a.gz b.gz`) must decompress whole.
    raw = body.encode("utf-8")
    (tmp_path / name).write_bytes(gzip.compress(raw[:10]) + gzip.compress(raw[10:]))
    out = run(tmp_path / name)
    assert not rejected(out), out
    assert len(docs(out)) == 1 and EN.strip() in docs(out)[0].content


def test_jsonl_fields_and_broken_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": "First story.", "title": "One", "url": "http://e.org/1",
                    "published": "2024-07-24T09:30:00+02:00", "outlet": "Daily"}),
        '{"text": "broken',
        "",
        json.dumps({"html": "<p>Second</p>", "date": "24 July 2024", "source": "Weekly"}),
        json.dumps({"content": "<div>Third</div>", "site": "Site"}),
        json.dumps({"content": "Fourth, plain.", "published": "sometime"}),
        json.dumps({"title": "no body"}),
        json.dumps(["not", "an", "object"]),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    out = run(path)
    got = [(d.path.rsplit("#", 1)[1], d.format, d.title, d.url, d.published, d.outlet) for d in docs(out)]
    assert got == [
        ("L1", "text", "One", "http://e.org/1", "2024-07-24", "Daily"),
        ("L4", "html", None, None, "2024-07-24", "Weekly"),
        ("L5", "html", None, None, None, "Site"),
        ("L6", "text", None, None, None, None),
    ]
    bad = {r.path.rsplit("#", 1)[1]: r.reason for r in rejected(out)}
    assert set(bad) == {"L2", "L7", "L8"}
    assert "invalid JSON on line 2" in bad["L2"]
    assert "no text, html, content or body field" in bad["L7"]
    assert "expected a JSON object" in bad["L8"]
    assert all(r.stage == "ingest" for r in rejected(out))


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        (json.dumps({"text": "Only one."}), [""]),
        (json.dumps([{"text": "a"}, {"text": "b"}]), ["#1", "#2"]),
        (json.dumps({"text": "a"}) + "\n" + json.dumps({"text": "b"}), ["#L1", "#L2"]),
    ],
    ids=["object", "list", "jsonl-in-json"],
)
def test_json_shapes(tmp_path: Path, body: str, paths: list[str]) -> None:
    path = tmp_path / "x.json"
    path.write_text(body, encoding="utf-8")
    out = run(path)
    assert [d.path for d in docs(out)] == [f"{path}{p}" for p in paths]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[1, 2", "invalid JSON"),
        ("[]", "empty JSON list"),
        ('"just a string"', "not an object or a list"),
    ],
)
def test_json_whole_file_rejections(tmp_path: Path, body: str, reason: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(body, encoding="utf-8")
    out = run(path)
    assert not docs(out)
    assert len(out) == 1 and reason in out[0].reason and out[0].path == str(path)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_rows(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(["Title", "Text", "URL", "Date", "Outlet"])
        w.writerow(["One", "First; with, separators\nand a newline.", "http://e.org/1", "2024-07-24", "A"])
        w.writerow(["Two", "", "http://e.org/2", "", "B"])
        w.writerow(["Three", "Third story.", "", "July 25, 2024", ""])
    out = run(path)
    assert [(d.path.rsplit("#", 1)[1], d.title, d.content, d.published) for d in docs(out)] == [
        ("R1", "One", "First; with, separators\nand a newline.", "2024-07-24"),
        ("R3", "Three", "Third story.", "2024-07-25"),
    ]
    assert [(r.path.rsplit("#", 1)[1], "empty" in r.reason) for r in rejected(out)] == [("R2", True)]


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("name,age\nx,3\n", encoding="utf-8")
    (out,) = run(path)
    assert isinstance(out, Rejected) and "no text, html, content or body column" in out.reason
    assert "columns: 'name', 'age'" in out.reason


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_warc_records(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, [
        ("http://e.org/a", "text/html; charset=windows-1251", f"<p>{RU}</p>".encode("cp1251")),
        ("http://e.org/b", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("http://e.org/c", "text/plain", EN.encode()),
        ("http://e.org/d", "text/html", b"   "),
    ], gz=gz)
    out = run(path)
    got = docs(out)
    assert [(d.url, d.format) for d in got] == [("http://e.org/a", "html"), ("http://e.org/c", "text")]
    assert got[0].content == f"<p>{RU}</p>" and got[0].encoding == "cp1251"
    assert all(d.path.startswith(f"{path}#urn:uuid:") for d in got)
    assert all(d.published is not None and len(d.published) == 10 for d in got)  # WARC-Date
    (bad,) = rejected(out)
    assert "empty" in bad.reason and bad.path.startswith(f"{path}#urn:uuid:")


def test_warc_without_pages(tmp_path: Path) -> None:
    path = tmp_path / "img.warc.gz"
    write_warc(path, [("http://e.org/b", "image/png", b"\x89PNG")], gz=True)
    (out,) = run(path)
    assert isinstance(out, Rejected) and "no HTML or text response records" in out.reason


def test_truncated_warc_gz_keeps_whole_records(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    write_warc(path, [(f"http://e.org/{i}", "text/plain", f"Story {i}.".encode()) for i in range(3)], gz=True)
    path.write_bytes(path.read_bytes()[:-30])
    out = run(path)
    assert [d.url for d in docs(out)] == ["http://e.org/0", "http://e.org/1"]
    assert len(rejected(out)) == 1 and "truncated or corrupt gzip" in rejected(out)[0].reason


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("raw", "text", "encodings"),
    [
        (RU.encode("cp1251"), RU, {"cp1251"}),
        (FR.encode("latin-1"), FR, {"iso8859-1", "cp1252", "iso8859-15"}),
        (FR.encode("cp1252"), FR, {"iso8859-1", "cp1252", "iso8859-15"}),
        (codecs_bom := "\ufeff".encode("utf-16-le") + RU.encode("utf-16-le"), RU, {"utf-16-le"}),
        ("\ufeff".encode("utf-16-be") + FR.encode("utf-16-be"), FR, {"utf-16-be"}),
        ("\ufeff".encode("utf-32-le") + FR.encode("utf-32-le"), FR, {"utf-32-le"}),
        ("\ufeff".encode("utf-8") + RU.encode("utf-8"), RU, {"utf-8"}),
        (FR.encode("utf-16-le"), FR, {"utf-16-le"}),  # no byte-order mark
        (RU.encode("utf-8"), RU, {"utf-8"}),
        (FR.replace("\n", "\r\n").encode("utf-8"), FR, {"utf-8"}),
        (FR.replace("\n", "\r").encode("utf-8"), FR, {"utf-8"}),
    ],
    ids=["cp1251", "latin-1", "cp1252", "utf16le-bom", "utf16be-bom", "utf32-bom", "utf8-bom",
         "utf16le-nobom", "utf8", "crlf", "cr"],
)
def test_encodings(tmp_path: Path, raw: bytes, text: str, encodings: set[str]) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(raw)
    (out,) = run(path)
    assert isinstance(out, RawDocument), out
    assert out.content == text
    assert out.encoding in encodings


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    # Short Cyrillic where detection alone is unreliable: the declared charset decides.
    body = "<html><head><meta charset='windows-1251'></head><body><p>Совет, школа.</p></body></html>"
    (tmp_path / "a.html").write_bytes(body.encode("cp1251"))
    legacy = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Совет, школа.</p>'
    (tmp_path / "b.html").write_bytes(legacy.encode("koi8-r"))
    a, b = run(tmp_path)
    assert (a.content, a.encoding) == (body, "cp1251")
    assert (b.content, b.encoding) == (legacy, "koi8-r")


def test_valid_utf8_wins_over_a_wrong_meta_charset(tmp_path: Path) -> None:
    body = "<meta charset='iso-8859-1'><p>Été à Noël</p>"
    (tmp_path / "a.html").write_bytes(body.encode("utf-8"))
    (out,) = run(tmp_path)
    assert (out.content, out.encoding) == (body, "utf-8")


def test_decode_rejects_broken_bom() -> None:
    with pytest.raises(Exception, match="byte-order mark"):
        decode(b"\xff\xfe\x00\xd8")  # UTF-16-LE mark, then a lone surrogate


# --------------------------------------------------------------------------- ids, dates, order


def test_ids_stable_and_content_addressed(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b" / "copy.txt").write_bytes(EN.replace("\n", "\r\n").encode("utf-16"))
    (tmp_path / "b" / "other.txt").write_text(EN + "More.\n", encoding="utf-8")
    (tmp_path / "b" / "rec.jsonl").write_text(
        json.dumps({"text": EN}) + "\n" + json.dumps({"text": EN, "title": "T"}) + "\n", encoding="utf-8"
    )
    first, second = run(tmp_path), run(tmp_path)
    assert [d.id for d in docs(first)] == [d.id for d in docs(second)]
    ids = {d.path.split(str(tmp_path))[1]: d.id for d in docs(first)}
    # Same text in another file, encoding and newline style: same id. Title or text differ: not.
    assert ids["/a/x.txt"] == ids["/b/copy.txt"] == ids["/b/rec.jsonl#L1"]
    assert ids["/b/other.txt"] != ids["/a/x.txt"] != ids["/b/rec.jsonl#L2"]
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids.values())
    assert doc_id(EN, None, None) == ids["/a/x.txt"]


def test_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ["b/z.txt", "b/a.txt", "a.txt", ".git/HEAD.txt", "c/.hidden.txt", "c/d/e.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel, encoding="utf-8")
    out = run(tmp_path)
    assert [d.path[len(str(tmp_path)):] for d in docs(out)] == ["/a.txt", "/b/a.txt", "/b/z.txt", "/c/d/e.txt"]
    # A hidden file named explicitly is read; a single path may be given without a list.
    assert [d.content for d in iter_inputs(tmp_path / "c" / ".hidden.txt")] == ["c/.hidden.txt"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-07-24", "2024-07-24"),
        ("2024-07-24T23:30:00-05:00", "2024-07-24"),
        ("2024-07-24T10:00:00Z", "2024-07-24"),
        ("2024/07/24", "2024-07-24"),
        ("24.07.2024", "2024-07-24"),
        ("24 July 2024", "2024-07-24"),
        ("Jul 24, 2024", "2024-07-24"),
        ("Wed, 24 Jul 2024 10:00:00 GMT", "2024-07-24"),
        ("07/08/2024", None),  # day and month ambiguous: never guessed
        ("2024", None),
        ("yesterday", None),
        ("", None),
        (20240724, None),
        (None, None),
    ],
)
def test_normalise_date(value: object, expected: str | None) -> None:
    assert normalise_date(value) == expected


@pytest.mark.parametrize(
    ("markup", "depth"),
    [
        ("", 0),
        ("<p>x</p>", 1),
        ("<ul><li>a<li>b<li>c</ul>", 2),  # optional end tags do not accumulate
        ("<div><br><img src=x><input/></div>", 1),  # void and self-closed elements
        ("<div><script>'<div><div><div>'</script><!-- <div><div> --></div>", 1),
        ("<div><span></div></div><p>", 2),
        ("<div>" * 50, 50),
    ],
)
def test_html_depth(markup: str, depth: int) -> None:
    assert html_depth(markup) == depth


# --------------------------------------------------------------------------- real inputs


def _shared(sub: str) -> Path:
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"../shared not present: {path} is missing")
    return path


def test_reads_the_seed_articles() -> None:
    seeds = sorted(_shared("seeds").glob("*.txt"))
    out = run(*seeds)
    assert len(seeds) == 5 and not rejected(out)
    assert [d.path for d in docs(out)] == [str(p) for p in seeds]
    assert all(d.format == "text" and len(d.content) > 500 for d in docs(out))


def test_reads_the_zyte_pages() -> None:
    pages = sorted(_shared("data/zyte-aeb/html").glob("*.html.gz"))
    out = run(*pages)
    assert len(pages) >= 90 and not rejected(out), rejected(out)[:3]
    assert len(docs(out)) == len(pages)
    assert all(d.format == "html" and "<" in d.content for d in docs(out))
    assert len({d.id for d in docs(out)}) == len(pages)
