"""The static report at scale (issue #17 item 4): size, render time, peak memory, first paint.

    python bench/bench_report.py [--analysis analysis.json] [--sizes 1000,5000] [--no-browser]
                                 [--tab documents|entities|attributions|reuse|narratives|timeline]

An ``analysis.json`` (default: ``narratrace analyze examples/corpus`` run once into a
temporary folder) is tiled to each size: copy ``k`` of every document, entity, claim and family
gets its ids suffixed ``~k``, so references stay consistent and the corpus has the shape of the
real one, only bigger. For each size, in a fresh subprocess (so peaks do not mix):

- **render**: wall seconds of ``write_report`` (the page and its per-tab data written to disk);
- **peak**: the process's peak RSS during that call, above its RSS before it (the analysis
  dict itself is loaded first and not counted), and the whole process's peak;
- **size**: bytes written, report.html plus anything next to it;
- **first paint**: ``first-contentful-paint`` of report.html opened from disk (file://) in
  headless Chromium; **load**: its load event (until then the page does not answer); then the
  time until the Documents tab is shown (unpacked) after navigating to it. Medians of three
  loads.

Goals (issue #17): 1,000 articles give a report of at most 5 MB and a first paint within 3 s.
This is a benchmark, not a timed test. Measured on the shared 2-core dev box, the 396-article
SemEval analysis (396 documents, 3,458 claim families, 13,838 framed mentions) tiled. Render
columns: before and after run back to back on a quiet box (load average 2); browser columns:
under heavy load (load average 6-11), so read them as orders of magnitude:

    docs  render s  render peak MiB  process peak MiB  size MB  first paint ms  load ms  tab ms
    one page, every tab plain HTML (before):
    1000  6.5       306              694               29.28    588             112240   402
    5000  26.5      1119             1750              98.70    (not run)
    shell + packed tabs, streamed (after):
    1000  4.5       116              504               3.31     512             776      424
    5000  14.1      496              1127              6.37     456             2702     1021

The old page painted its first screen early too (HTML paints as it streams in), but its load
event came after 112 s, and during the load it did not answer a script probe within 30 s.
Whole process (load, tile, render), after against before at 1k in alternating paired runs, three
runs: CPU 9.7 s vs 11.9 s (0.82x), peak 504 vs 694 MiB. Opening each packed tab at 1k (after
the load; heavy load): documents 0.4-0.7 s, entities 1.2-2.1, attributions ~1.0, reuse and
claims 1.3-1.5, narratives 3.3-4.0, timeline 0.2-0.5.

``--tab narratives`` times the Narratives tab instead (until its script is done, then a forced
layout). On the demo corpus's analysis (``analyze examples/corpus``: 30 documents, 51 labels,
581 framed mentions) tiled to 1,000 documents (952 narrative cards, 2,394 labels, 2,000
framing rows), before and after run back to back under heavy load (load average 6-8): every
card laid out when the tab opens 4334 and 3450 ms; the first 100 cards, the others in inert
``<template>`` pages behind "Show 100 more", 1931 and 2132 ms. In the browser's own timing
the layout was split about evenly between the cards and the framing table, which remains.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _peak import high_water_kib, reset_high_water, status_kib  # noqa: E402

_ID_KEYS = ("documents", "entities", "claims", "claim_families")
#: Seconds a page may take to load before the browser figures are given up (as "> this").
PAGE_LOAD_TIMEOUT = 300


def tile(analysis: dict[str, Any], n_docs: int) -> dict[str, Any]:
    """``analysis`` repeated until it holds ``n_docs`` documents, ids suffixed per copy."""
    docs = analysis.get("documents") or []
    if not docs:
        raise SystemExit("the analysis has no documents to tile")
    ids = {str(x["id"]) for key in _ID_KEYS for x in analysis.get(key) or []
           if isinstance(x, dict) and x.get("id")}
    copies = -(-n_docs // len(docs))
    out: dict[str, Any] = {k: v for k, v in analysis.items() if not isinstance(v, list)}

    def rename(value: Any, suffix: str) -> Any:
        if isinstance(value, str):
            return value + suffix if value in ids else value
        if isinstance(value, list):
            return [rename(v, suffix) for v in value]
        if isinstance(value, dict):
            return {k: rename(v, suffix) for k, v in value.items()}
        return value

    for key, value in analysis.items():
        if isinstance(value, list):
            out[key] = [rename(x, f"~{k}" if k else "") for k in range(copies) for x in value]
    # Cut to exactly n_docs documents; items of the dropped tail still name them (tolerated).
    out["documents"] = out["documents"][:n_docs]
    return out


def _default_analysis(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "narratrace", "analyze", str(ROOT / "examples" / "corpus"),
                    "--out", str(folder), "-q"], check=False, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    path = folder / "analysis.json"
    if not path.exists():
        raise SystemExit("narratrace analyze examples/corpus wrote no analysis.json")
    return path


def _render_one(analysis_path: Path, n_docs: int, out: Path) -> dict[str, Any]:
    """Runs in its own process: load, tile, render; time and memory of the render alone."""
    from narratrace.report import write_report

    analysis = tile(json.loads(analysis_path.read_text(encoding="utf-8")), n_docs)
    before = status_kib("VmRSS")
    reset_high_water()
    t0 = time.perf_counter()
    write_report(analysis, out / "report.html")
    seconds = time.perf_counter() - t0
    peak = high_water_kib()
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"docs": len(analysis["documents"]), "seconds": seconds,
            "render_peak_mib": (peak - before) / 1024, "process_peak_mib": peak / 1024,
            "bytes": size}


def _shown(tab: str) -> str:
    """The JS condition under which ``tab`` counts as shown after navigating to it: its content
    unpacked (the Documents tab: its first row or its empty note; another tab: its script done,
    ``data-ready``) and nothing still busy."""
    if tab == "documents":
        return ("document.querySelector('#documents details.doc, #documents p.muted') "
                "&& !document.querySelector('#documents[aria-busy], #documents .unpacking')")
    return f"document.querySelector('#{tab}[data-ready]') && !document.querySelector('#{tab}[aria-busy]')"


def _first_paint(report: Path, profile: Path, tab: str = "documents") -> dict[str, float]:
    """Median of three loads: first contentful paint, the load event (both from the page's own
    performance entries), then ``tab`` shown after navigating to it (:func:`_shown`, then a
    forced layout). A figure that does not come within PAGE_LOAD_TIMEOUT is reported as that
    many milliseconds."""
    from _chromium import WIDTHS, start_chromium, wait_for
    from selenium.common.exceptions import WebDriverException

    driver = start_chromium(profile, page_load_strategy="none")
    driver.set_script_timeout(PAGE_LOAD_TIMEOUT)  # a busy page answers a probe late, not never
    url = report.as_uri()
    limit = 1000.0 * PAGE_LOAD_TIMEOUT
    try:
        driver.set_window_size(*WIDTHS["laptop"])
        paints, loads, tabs = [], [], []
        for _ in range(3):
            driver.get("about:blank")
            driver.get(url)
            here = f"location.href === {json.dumps(url)}"
            try:
                wait_for(driver, f"{here} && performance.getEntriesByName("
                         "'first-contentful-paint').length", PAGE_LOAD_TIMEOUT)
                paints.append(driver.execute_script(
                    "return performance.getEntriesByName('first-contentful-paint')[0].startTime"))
                wait_for(driver, f"{here} && document.readyState === 'complete' && "
                         "performance.getEntriesByType('navigation')[0].loadEventEnd > 0",
                         PAGE_LOAD_TIMEOUT)
                loads.append(driver.execute_script(
                    "return performance.getEntriesByType('navigation')[0].loadEventEnd"))
            except (AssertionError, WebDriverException):  # wait_for's or the probe's time-out
                return {"first_paint_ms": paints[-1] if paints else limit, "load_ms": limit,
                        "tab_ms": float("nan")}
            t0 = time.perf_counter()
            driver.execute_script(f"location.hash = '#{tab}'")
            wait_for(driver, _shown(tab), PAGE_LOAD_TIMEOUT)
            driver.execute_script("return document.body.offsetHeight")  # force layout
            tabs.append(1000 * (time.perf_counter() - t0))
        return {"first_paint_ms": statistics.median(paints), "load_ms": statistics.median(loads),
                "tab_ms": statistics.median(tabs)}
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analysis", type=Path, help="analysis.json to tile (default: "
                        "analyze examples/corpus)")
    parser.add_argument("--sizes", default="1000", help="document counts, comma-separated")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
    parser.add_argument("--tab", default="documents", help="the tab whose opening is timed "
                        "(documents, entities, attributions, reuse, narratives, timeline)")
    parser.add_argument("--one", nargs=3, metavar=("ANALYSIS", "N", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_render_one(Path(args.one[0]), int(args.one[1]), Path(args.one[2]))))
        return
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp_name:
        tmp = Path(tmp_name)
        source = args.analysis or _default_analysis(tmp / "source")
        print(f"{'docs':>6} {'render s':>9} {'render peak MiB':>16} {'process peak MiB':>17} "
              f"{'size MB':>8} | {'first paint ms':>14} {'load ms':>8} {args.tab + ' tab ms':>16}")
        for n in (int(s) for s in args.sizes.split(",")):
            out = tmp / f"report-{n}"
            out.mkdir()
            done = subprocess.run([sys.executable, __file__, "--one", str(source), str(n), str(out)],
                                  check=True, capture_output=True, text=True)
            row = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{row['docs']:>6} {row['seconds']:>9.1f} {row['render_peak_mib']:>16.0f} "
                  f"{row['process_peak_mib']:>17.0f} {row['bytes'] / 1e6:>8.2f} |", end="",
                  flush=True)
            if args.no_browser or not Path("/usr/bin/chromium").exists():
                print(" (no browser)")
                continue
            b = _first_paint(out / "report.html", tmp / f"profile-{n}", args.tab)
            print(f" {b['first_paint_ms']:>14.0f} {b['load_ms']:>8.0f} {b['tab_ms']:>16.0f}",
                  flush=True)

if __name__ == "__main__":
    main()
