"""Time extract_dates + extract_mentions relative to spaCy's parse of the same texts.

    .venv/bin/python bench/bench_dates.py [--repeat 3] [--synthetic 200]

Texts: the seed articles in ../shared/seeds (when present) plus synthetic news-like paragraphs
made from a fixed template (no third-party text). Prints per-stage seconds and the ratio to
the spaCy parse; the budget for dates + attribution together is 25% of the parse.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from narratrace.dates import extract_dates
from narratrace.entities import extract_aliases, extract_mentions
from narratrace.nlp import load_spacy
from narratrace.types import Document

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
_TEMPLATE = ("{who} of the {org} ({acr}) told {outlet} on {day} that troops had entered {place} "
             "in late {month}. The {acr} said talks held on {month} {d}-{d2}, {year} in {city} "
             "failed, and that {place} had cut ties in {month} {year}. Earlier this year, "
             "{outlet} reported clashes last week near {city}, {n} days ago by some accounts. ")


def synthetic(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    pick = rnd.choice
    out = []
    for _ in range(n):
        paras = [_TEMPLATE.format(
            who=pick(["Ivan Petrenko", "Olga Sidorova", "Amadou Diallo", "Maria Lopez"]),
            org=pick(["Sahel Defence Council", "Northern Liberation Front", "Union of Free Traders"]),
            acr=pick(["SDC", "NLF", "UFT"]), outlet=pick(["TASS", "Reuters", "AFP", "Kolo News"]),
            day=pick(["Monday", "Friday", "Sunday"]), place=pick(["Mali", "Niger", "Chad", "Sudan"]),
            month=pick(["May", "June", "August", "March"]), d=rnd.randint(1, 10),
            d2=rnd.randint(11, 20), year=rnd.randint(2015, 2025), city=pick(["Kyiv", "Bamako", "Dakar"]),
            n=pick(["three", "five", "10"])) for _ in range(rnd.randint(3, 8))]
        out.append("\n".join(paras))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic", type=int, default=200)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
    texts += synthetic(args.synthetic)
    docs = [Document(id=str(i), path="-", text=t, source_text=t, published="2025-09-27")
            for i, t in enumerate(texts)]
    nlp = load_spacy("en")
    list(nlp.pipe(texts[:5]))  # warm-up
    t0 = time.perf_counter()
    parsed = list(nlp.pipe(texts, batch_size=25))
    t_parse = time.perf_counter() - t0
    best_dates = best_ents = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        n_dates = sum(len(extract_dates(d, p)) for d, p in zip(docs, parsed))
        best_dates = min(best_dates, time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_ments = sum(len(extract_mentions(d, p)) + len(extract_aliases(d))
                      for d, p in zip(docs, parsed))
        best_ents = min(best_ents, time.perf_counter() - t0)
    chars = sum(map(len, texts))
    print(f"texts={len(texts)} chars={chars} dates={n_dates} mentions+aliases={n_ments}")
    print(f"spaCy parse          {t_parse:8.3f}s  (100.0%)")
    print(f"extract_dates        {best_dates:8.3f}s  ({100 * best_dates / t_parse:5.1f}%)")
    print(f"extract_mentions+al. {best_ents:8.3f}s  ({100 * best_ents / t_parse:5.1f}%)")
    print(f"dates+entities       {best_dates + best_ents:8.3f}s  "
          f"({100 * (best_dates + best_ents) / t_parse:5.1f}%)")


if __name__ == "__main__":
    main()
