"""Time and peak memory of hostile inputs against good input of the same size, in one run
(issue #18: one hostile input must not stall a run or blow up its memory).

    python bench/bench_hostile.py [--mb 3] [--group N]

Each case runs in its own subprocess (so peaks do not mix) and reads about ``--mb`` MB with
``iter_inputs``: the baseline is the same size of good JSON Lines; the hostile cases are one CSV
cell of that size, semicolon CSV, JSON Lines with a raw NUL byte every tenth line, CSV with a
raw NUL byte in every tenth row, CSV with a quote that never closes in every tenth row (each
rejected alone, the rows after it read), JSON with a lone surrogate in every tenth record, and a named pipe (rejected without being opened). The
last case runs ``analyze`` (its per-document stages replaced by a stand-in: the model stages
are benchmarked elsewhere) on a document over the 1,000,000-character limit beside good ones:
the run pays for reading and cleaning it once, then rejects it. The third group runs the whole
pipeline (every stage and model, one process) on the seven pathological documents of issue #18
that together ran past 20 minutes, against seven good articles; ``--group 3`` runs it alone.
``--group 4`` runs the first of them alone: 20,000 short quoted statements, 777,786 characters in
one paragraph, the one whose parse took the most memory. ``--group 5`` runs the whole pipeline
on 300 short templated articles (one weather report, differing in a town out of eight and
its numbers: what a templated corpus looks like) against 300 short articles of varied words;
on the shared 2-core box it took 69 s (37 CPU s, +294 MiB) against 28 s (14 CPU s, +288 MiB);
since a template filled with other figures is no copy (every pair had been linked), 22.8 s
(23.0 CPU s, +311 MiB) against 13.0 s (13.2 CPU s, +285 MiB), on a less busy box.
``--group 6`` runs ``analyze`` as the command line does (every stage, the report written) on
1,000, 2,000 and 4,000 templated weather reports, and prints the write-ahead log's peak size
(sampled every 0.2 s) and its size once the run is over, before the store is closed, the copy
checks made, the copy rows and all the pair rows stored, and the reuse step's own peak (RSS
over its start). Nearly every two reports are a copy candidate and checked; while every check
was stored (one row a pair), 1,000 and 2,000 reports wrote 498,001 and 1,938,617 copy rows
and the log peaked at 215 and 726 MiB (the reuse step +209 and +585 MiB, the run +425 and
+788 MiB, 85 and 252 CPU s); storing only the copies found (959 and 4,001 rows) and reading
each text's figures once, 59 and 117 MiB (+99 and +251 MiB, the run +423 and +674 MiB, 67 and
147 CPU s), and at 4,000 reports (after only) 15,770 rows, 237 MiB (+524 MiB, the run
+1,237 MiB, 337 CPU s). With the copy candidates listed, checked and dropped a block of
documents at a time instead of every band and slot collision at once (the same checks and
rows), the reuse step +64, +121 and +236 MiB at 1,000, 2,000 and 4,000 reports, the run +337,
+453 and +714 MiB (56, 131 and 279 CPU s, the box shared with another run of this length); the
reuse step's copy search alone (``update_reuse`` on these reports, no same-story pass) went
from +109, +216 and +499 MiB to +35, +54 and +78. ``--group
7`` on 2,500, 5,000 and 10,000 files of one line each (words drawn at random). Their ratios are
against the smallest size: memory that stays flat in the number of inputs stays near 1. These
two take tens of minutes on a shared 2-core machine (the 4,000 articles alone well over 20).
``--group 8`` runs the whole pipeline on one article of paragraphs of quoted statements (each
an attribution and a claim family) of 25,000, 50,000 and 100,000 characters: each parses
within the stage budget, so what grows faster than the text is a stage after the parse.
Ratios near 1 mean the hostile input costs what good input of its size costs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from _peak import reset_high_water, status_kib

_SENTENCE = ("The harbour authority said on {n} May that the ferry to Lindholm would resume, "
             "and the union denied it; \"we were not consulted\", its leader said. ")


def _text(chars: int, seed: int = 0) -> str:
    out, n = [], seed
    while sum(map(len, out)) < chars:
        out.append(_SENTENCE.format(n=n % 28 + 1))
        n += 1
    return "".join(out)[:chars]


def _records(total: int, size: int = 2_000) -> list[str]:
    return [_text(size, seed=i) for i in range(max(1, total // size))]


def make(case: str, folder: Path, total: int) -> list[Path]:
    """Write the input of ``case`` (about ``total`` characters) under ``folder``."""
    if case == "baseline (good JSON Lines)":
        path = folder / "good.jsonl"
        path.write_text("\n".join(json.dumps({"text": t}) for t in _records(total)), encoding="utf-8")
    elif case == "one huge CSV cell":
        path = folder / "cell.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([["title", "text"], ["a", _text(total)], ["b", _text(500)]])
    elif case == "semicolon CSV":
        path = folder / "semi.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=";").writerows([["title", "text"], *[["t", r] for r in _records(total)]])
    elif case == "NUL bytes in JSON Lines":
        path = folder / "nul.jsonl"
        lines = [json.dumps({"text": t}).encode() for t in _records(total)]
        path.write_bytes(b"\n".join(line[:-2] + b"\x00\"}" if i % 10 == 0 else line
                                    for i, line in enumerate(lines)))
    elif case in ("NUL bytes in CSV", "unclosed quotes in CSV"):
        path = folder / "damaged.csv"
        buf = io.StringIO(newline="")
        csv.writer(buf, lineterminator="\n").writerows([["title", "text"], *[["t", r] for r in _records(total)]])
        rows = buf.getvalue().split("\n")  # each record is one line (no newline inside)
        damage = (lambda row: row[:-9] + "\x00" + row[-9:]) if case.startswith("NUL") else \
            (lambda row: row.replace(',"', ',"Unclosed ', 1).rstrip('"'))
        path.write_text("\n".join(damage(row) if i % 10 == 0 and row else row
                                  for i, row in enumerate(rows)), encoding="utf-8")
    elif case == "lone surrogates in JSON":
        path = folder / "sur.json"
        path.write_text(json.dumps([{"text": t + ("\ud800" if i % 10 == 0 else "")}
                                    for i, t in enumerate(_records(total))]), encoding="utf-8")
    elif case == "named pipe":
        path = folder / "pipe.jsonl"
        os.mkfifo(path)
    elif case.endswith("(full pipeline)"):
        path = folder / "in"
        path.mkdir()
        chosen = (_pathological() if case.startswith("seven") else _pathological()[:1]
                  if case.startswith("the quoted") else _quoted_paragraphs(case)
                  if "quoted paragraphs" in case else _short_articles(300, templated=True)
                  if case.startswith("300 templated") else _short_articles(300, templated=False)
                  if case.startswith("baseline: 300") else _seven_articles())
        for name, text in chosen:
            (path / name).write_text(text, encoding="utf-8")
    elif case.endswith(("(WAL)", "(many files)")):
        path = folder / "in"
        path.mkdir()
        n = int(case.split()[0].replace(",", ""))
        chosen = _short_articles(n, templated=True) if case.endswith("(WAL)") else _one_liners(n)
        for name, text in chosen:
            (path / name).write_text(text, encoding="utf-8")
    elif case.endswith("(analyze)"):
        path = folder / "in"
        path.mkdir()
        if case.startswith("baseline"):  # the same number of characters in good articles
            for i, t in enumerate(_records(1_000_050)):
                (path / f"part{i:04d}.txt").write_text(t, encoding="utf-8")
        else:
            (path / "huge.txt").write_text(_text(1_000_050), encoding="utf-8")
        for i, t in enumerate(_records(20_000)):
            (path / f"good{i}.txt").write_text(t, encoding="utf-8")
    else:
        raise SystemExit(f"unknown case {case!r}")
    return [path]


_LEAD = ("The port authority of Vellin said on Monday that the night ferry would run again in "
         "June, once the quay was repaired. Fishers said nobody had asked them; the mayor denied it.")


def _pathological() -> list[tuple[str, str]]:
    """The seven documents of issue #18 that together did not finish in 20 minutes: 20,000
    quoted statements, a 900,000-letter word, 500,000 zero-width joiners, 200,000 combining
    accents, 300,000 ``&amp;`` (1.5 MB of HTML), a 3 MB attribute, 20,000 paragraphs."""
    return [
        ("quotes.txt", "Ferry\n\n" + " ".join(f'"Statement {i}," said official {i}.' for i in range(20_000))),
        ("word_run.txt", "Ferry\n\n" + _LEAD + "\n" + "x" * 900_000 + "\n"),
        ("zwj.txt", "Ferry\n\n" + _LEAD + "\u200d" * 500_000),
        ("combining.txt", "Ferry\n\n" + _LEAD + " e" + "\u0301" * 200_000),
        ("entities.html", "<html><body><p>" + _LEAD + "&amp;" * 300_000 + "</p></body></html>"),
        ("attribute.html", '<html><body><p title="' + "a" * 3_000_000 + '">' + _LEAD + "</p></body></html>"),
        ("paragraphs.txt", "Ferry\n\n" + "\n\n".join(f"Paragraph {i} said the mayor of town number {i}."
                                                      for i in range(20_000))),
    ]


def _quoted_paragraphs(case: str) -> list[tuple[str, str]]:
    """One article of paragraphs of five quoted statements each, of the size the case names
    ("50,000 characters of quoted paragraphs"): it parses within the stage budget, and every
    statement becomes an attribution and a claim family of its own."""
    size = int(case.split()[0].replace(",", ""))
    rng = random.Random(18)
    said, n = [], 0
    while sum(map(len, said)) < size:
        said.append(f'"The {rng.choice(_WORDS[:20])} plan number {n} is ready," {rng.choice(_TOWNS)} '
                    f"officials told reporters on {rng.randint(1, 28)} May. The mayor of "
                    f"{rng.choice(_TOWNS)} denied that the figure of {rng.randint(1, 900)} was "
                    "correct, according to the council. ")
        n += 1
    return [("quoted.txt", "Statements\n\n" + "\n\n".join("".join(said[i:i + 5])
                                                           for i in range(0, len(said), 5)))]


def _seven_articles() -> list[tuple[str, str]]:
    """Seven good articles of about 2,000 characters: what a run of seven documents costs."""
    return [(f"good{i}.txt", f"Ferry {i}\n\n" + _text(2_000, seed=i)) for i in range(7)]


_TOWNS = ["Arlen", "Brisk", "Corvale", "Dunmere", "Elbury", "Fennick", "Garrow", "Holm"]
_WORDS = ("harbour council ferry bridge school market station pier road office clinic union "
          "budget tunnel museum library airport canal stadium depot court prison factory farm "
          "river forest quarry mill tower garden hospital college theatre bakery ward the the "
          "the of of and and to to in in that that said would was for on with by will").split()


def _short_articles(n: int, *, templated: bool) -> list[tuple[str, str]]:
    """``n`` short articles: one weather report with other towns and numbers (``templated``),
    or sentences of words drawn at random (articles that share no more than chance does)."""
    rng = random.Random(18)
    out = []
    for i in range(n):
        if templated:
            town = rng.choice(_TOWNS)
            text = (f"Weather in {town}, day {i}\n\nTemperatures in {town} reached "
                    f"{rng.randint(-5, 35)} degrees on day {rng.randint(1, 28)}, the weather service "
                    f"said. Winds of {rng.randint(5, 90)} km/h are expected, with {rng.randint(0, 40)} "
                    f"mm of rain. \"Drivers should take care on route {rng.randint(1, 99)},\" a "
                    f"spokesperson for {town} said.\n")
        else:
            said = [" ".join(rng.choice(_WORDS) for _ in range(14)).capitalize() + "." for _ in range(3)]
            text = f"Report {i}\n\nThe mayor said: " + " ".join(said) + "\n"
        out.append((f"a{i:04d}.txt", text))
    return out


def _one_liners(n: int) -> list[tuple[str, str]]:
    """``n`` files of one line each: a mayor's statement of words drawn at random."""
    rng = random.Random(18)
    out = []
    for i in range(n):
        said = [" ".join(rng.choice(_WORDS) for _ in range(14)).capitalize() + "." for _ in range(2)]
        out.append((f"l{i:05d}.txt", f"The mayor of {rng.choice(_TOWNS)} said: " + " ".join(said) + "\n"))
    return out


#: Groups of cases, each against its first (the baseline of the same size).
GROUPS = [
    ["baseline (good JSON Lines)", "one huge CSV cell", "semicolon CSV",
     "NUL bytes in JSON Lines", "NUL bytes in CSV", "unclosed quotes in CSV",
     "lone surrogates in JSON", "named pipe"],
    ["baseline: 1 MB of 2,000-character articles (analyze)",
     "one article over 1,000,000 characters (analyze)"],
    ["baseline: seven good articles (full pipeline)",
     "seven pathological documents (full pipeline)"],
    ["baseline: seven good articles (full pipeline)",
     "the quoted statements alone (full pipeline)"],
    ["baseline: 300 varied short articles (full pipeline)",
     "300 templated short articles (full pipeline)"],
    ["1,000 templated short articles (WAL)", "2,000 templated short articles (WAL)",
     "4,000 templated short articles (WAL)"],
    ["2,500 one-line files (many files)", "5,000 one-line files (many files)",
     "10,000 one-line files (many files)"],
    ["25,000 characters of quoted paragraphs (full pipeline)",
     "50,000 characters of quoted paragraphs (full pipeline)",
     "100,000 characters of quoted paragraphs (full pipeline)"],
]


def _child(case: str, total: int) -> None:
    from narratrace import Options, analyze
    from narratrace.ingest import iter_inputs
    from narratrace.run import analyze as run_analyze
    from narratrace.store import open_store
    from narratrace.types import DocAnalysis

    with tempfile.TemporaryDirectory() as tmp:
        paths = make(case, Path(tmp), total)
        reset_high_water()
        start_kib = status_kib("VmRSS")
        t0, cpu0 = time.perf_counter(), time.process_time()
        if case.endswith("(analyze)"):
            class Echo:
                name = "echo"

                def map(self, chunks, ctx, *, todo=0):  # type: ignore[no-untyped-def]
                    for chunk in chunks:
                        for d in chunk:
                            yield DocAnalysis(document=d), []

            run_analyze.engine = lambda name: Echo()  # type: ignore[assignment]
            summary = analyze(paths, store=open_store(":memory:"), options=Options(quiet=True))
            kept, rejected = summary.documents, len(summary.rejected)
        elif case.endswith(("(WAL)", "(many files)")):  # the command line's run, in this process
            kept, rejected, wal = _as_the_cli(paths, Path(tmp))
        elif case.endswith("(full pipeline)"):  # every stage and model, in this process
            summary = analyze(paths, store=open_store(f"sqlite:///{tmp}/store.sqlite"),
                              options=Options(quiet=True, workers=1))
            kept, rejected = summary.documents, len(summary.rejected)
        else:
            items = list(iter_inputs(paths))
            kept = sum(not hasattr(i, "reason") for i in items)
            rejected = len(items) - kept
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        high = max(status_kib("VmHWM"), wal.pop("before_reuse_kib", 0.0)
                   if case.endswith(("(WAL)", "(many files)")) else 0.0)
        print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mib": (high - start_kib) / 1024,
                          "kept": kept, "rejected": rejected, **(wal if case.endswith(("(WAL)", "(many files)")) else {})}))


def _as_the_cli(paths: list[Path], tmp: Path) -> tuple[int, int, dict[str, float]]:
    """``narratrace analyze`` in this process (one process: its peak is the run's): the store,
    every stage, analysis.json and the report; with the log's peak size, sampled meanwhile,
    and its size at the end (before the store is closed, which removes it)."""
    import threading

    from narratrace import Options, analyze
    from narratrace.analysis import build_analysis, write_analysis
    from narratrace.report import write_report
    from narratrace.run import analyze as run_analyze
    from narratrace.store import open_store

    out = tmp / "out"
    out.mkdir()
    log = Path(f"{out / 'narratrace.sqlite'}-wal")
    peak = [0]
    running = threading.Event()
    running.set()

    def watch() -> None:
        while running.is_set():
            try:
                peak[0] = max(peak[0], log.stat().st_size)
            except OSError:
                pass
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    store = open_store(f"sqlite:///{out / 'narratrace.sqlite'}")
    corpus_runs: list[Any] = []
    counted = run_analyze.run_corpus_stages

    def counting(*args: Any, **kwargs: Any) -> Any:
        corpus_runs.append(counted(*args, **kwargs))
        return corpus_runs[-1]

    run_analyze.run_corpus_stages = counting  # type: ignore[assignment]
    # the reuse step's own peak (VmHWM reset as it starts; the run's peak so far kept aside)
    marks: dict[str, float] = {}

    def tick(phase: str, done: int, total: int | None) -> None:
        if phase == "corpus:reuse" and done == 0:
            marks["before"], marks["start"] = status_kib("VmHWM"), status_kib("VmRSS")
            reset_high_water()
        elif phase == "corpus:reuse":
            marks["reuse"] = status_kib("VmHWM")

    summary = analyze(paths, store=store, options=Options(quiet=True, workers=1, framing="fast"),
                      progress=tick)
    write_analysis(store, out / "analysis.json")
    write_report(build_analysis(store), out / "report.html")
    running.clear()
    end = log.stat().st_size if log.exists() else 0
    store.close()
    with closing(sqlite3.connect(out / "narratrace.sqlite")) as db:
        rows = dict(db.execute("SELECT kind, COUNT(*) FROM pairs GROUP BY kind").fetchall())
    return summary.documents, len(summary.rejected), {
        "wal_peak_mib": max(peak[0], end) / 2**20, "wal_end_mib": end / 2**20,
        "copy_checks": corpus_runs[-1].copy_checks if corpus_runs else 0,
        "copy_rows": rows.get("copy", 0), "pair_rows": sum(rows.values()),
        "reuse_peak_mib": (marks.get("reuse", 0.0) - marks.get("start", 0.0)) / 1024,
        "before_reuse_kib": marks.get("before", 0.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--case")
    parser.add_argument("--group", type=int, help="run only this group (1 to 8)")
    args = parser.parse_args()
    total = int(args.mb * 1_000_000)
    if args.case:
        _child(args.case, total)
        return
    print(f"{'case':52} {'kept':>5} {'rejected':>8} {'seconds':>8} {'x base':>7} {'CPU s':>7} "
          f"{'+MiB':>7} {'x base':>7}")
    for group in GROUPS if args.group is None else [GROUPS[args.group - 1]]:
        rows = []
        for case in group:
            out = subprocess.run([sys.executable, __file__, "--mb", str(args.mb), "--case", case],
                                 capture_output=True, text=True, timeout=7200)
            if out.returncode:
                raise SystemExit(f"{case}: {out.stderr[-2000:]}")
            rows.append((case, json.loads(out.stdout.strip().splitlines()[-1])))
        base = rows[0][1]
        for case, r in rows:
            log = (f"  log: peak {r['wal_peak_mib']:.1f} MiB, {r['wal_end_mib']:.1f} at the end; "
                   f"{r['copy_checks']:,} copy checks, {r['copy_rows']:,} copy rows of "
                   f"{r['pair_rows']:,} pair rows; reuse step +{r['reuse_peak_mib']:.0f} MiB"
                   if "wal_peak_mib" in r else "")
            print(f"{case:52} {r['kept']:>5} {r['rejected']:>8} {r['seconds']:>8.2f} "
                  f"{r['seconds'] / max(base['seconds'], 1e-6):>7.2f} {r['cpu']:>7.1f} {r['peak_mib']:>7.1f} "
                  f"{r['peak_mib'] / max(base['peak_mib'], 1e-6):>7.2f}{log}")


if __name__ == "__main__":
    main()
