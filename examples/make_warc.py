"""Build examples/corpus/web_capture.warc.gz from our own HTML (no network).

Two response records:
  1. an exact mirror of corpus/varenia_today_20250528.html served from another URL
     (exercises the "duplicate" reuse kind and WARC reading);
  2. an opinion column from the fictional "Sentinel Weekly", written for this demo.

Run from the repository root:  .venv/bin/python examples/make_warc.py
Record ids and dates are fixed so that re-running yields the same records.
"""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus" / "web_capture.warc.gz"

SENTINEL_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kaldonia's quiet war, and the people who pretend not to see it | Sentinel Weekly</title>
<meta property="og:site_name" content="Sentinel Weekly">
<meta property="article:published_time" content="2025-06-14T09:00:00Z">
</head>
<body>
<div class="cookie-bar">Sentinel Weekly uses cookies for analytics. <button>Fine</button></div>
<header><a href="/">SENTINEL WEEKLY</a>
<nav><a href="/opinion">Opinion</a> <a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav></header>
<main>
<article>
<h1>Kaldonia's quiet war, and the people who pretend not to see it</h1>
<p class="byline">Opinion | Marek Vasko | 14 June 2025</p>
<p>For two years the villages of Tarsova have been attacked by an enemy that has no air force, no factories and, we are told, no friends. And yet the National Liberation Front of Tarsova now flies drones over Zelvany every night.</p>
<p>Varenia's government has named the friend. Prime Minister Mirela Dancu said last Friday that the drones were "built in Kaldonia, paid for by Kaldonia". Intelligence chief Yury Kostelnik told Radio Varenia that Kaldonian instructors trained the rebels' pilots. Ostrel answers, as always, that it has never done anything to anyone.</p>
<p>Kaldonia is a country that closed its border crossings earlier this year in the name of fighting smuggling, while smugglers reportedly carried forty drones across the Harsek mountains. It is a country whose foreign minister, Tomas Rehak, calls the evidence "absurd" before he has seen it.</p>
<p>Worse than Ostrel's denials is the silence of those who should know better. International organisations say they "cannot confirm" anything. Foreign correspondents who never leave the capital write that the claims are "unverified", as if the wounded border guards were unverified too.</p>
<p>Kaldonia is allegedly preparing a dossier on "Varenian disinformation". It would do better to prepare an explanation. Until it does, every drone over Tarsova is Kaldonia's responsibility.</p>
</article>
<aside><h3>Read next</h3><ul><li><a href="/opinion/pensions">Our pension system needs courage</a></li><li><a href="/culture/opera">A night at the new opera house</a></li></ul></aside>
</main>
<footer>&copy; 2025 Sentinel Weekly. Views expressed in opinion columns are the authors' own.</footer>
</body>
</html>
"""

RECORDS = [
    (
        "https://vt-mirror.example/archive/2025/05/28/zelvany-drones-kaldonia.html",
        "<urn:uuid:6f1f2b8e-0000-4000-8000-000000000001>",
        "2025-05-29T10:00:00Z",
        (HERE / "corpus" / "varenia_today_20250528.html").read_bytes(),
    ),
    (
        "https://sentinelweekly.example/opinion/2025/06/14/kaldonia-quiet-war",
        "<urn:uuid:6f1f2b8e-0000-4000-8000-000000000002>",
        "2025-06-14T12:00:00Z",
        SENTINEL_HTML.encode("utf-8"),
    ),
]


def build(out: Path = OUT) -> Path:
    """Write the WARC file and return its path."""
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, rec_id, date, body in RECORDS:
            http = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Record-ID": rec_id, "WARC-Date": date},
            )
            writer.write_record(record)
    return out


if __name__ == "__main__":
    print(build())
