"""Small synthetic news corpora for the scale tests (incremental, crash, Dask, hostile).

Made-up outlets, people and places; each article has a title line, a dateline, a few reported
and quoted statements and one repeated footer line (boilerplate every run must agree on).
Every few articles one reprints an earlier one, so reuse has something to find.
"""

from __future__ import annotations

import random
from pathlib import Path

_PEOPLE = ["Ana Petrel", "Jonas Vell", "Mira Castell", "Oskar Lund", "Talia Brenn", "Ivo Marsh",
           "Lena Corvo", "Piet Anders"]
_ROLES = ["the harbour minister", "a city council spokesperson", "the regional governor",
          "an aid official", "the transport director", "a union leader"]
_PLACES = ["Portvale", "Eastmoor", "Lindholm", "Caraway Bay", "North Ridge", "Selby Cross"]
_TOPICS = ["the new ferry line", "the flood barrier", "the school budget", "the rail strike",
           "the grain shipment", "the water tariff", "the bridge repairs", "the port expansion"]
_OUTLETS = ["Portvale Courier", "Eastmoor Gazette", "Lindholm Daily", "Bay Observer"]
_MONTHS = ["January", "February", "March", "April", "May", "June"]
FOOTER = "Subscribe to our newsletter for the latest local news."


def article(i: int, *, seed: int = 0) -> str:
    """The text of synthetic article ``i`` (deterministic for a given seed)."""
    rng = random.Random(seed * 100_003 + i)
    person, other = rng.sample(_PEOPLE, 2)
    place, topic, role = rng.choice(_PLACES), rng.choice(_TOPICS), rng.choice(_ROLES)
    day, month = rng.randint(1, 28), rng.choice(_MONTHS)
    lines = [
        f"{topic.capitalize()} divides {place} (report {i})",
        f"{place}, {month} {day}, 2025 - {rng.choice(_OUTLETS)}",
        f"{person}, {role}, said on {month} {day} that {topic} would be finished before winter.",
        f"\"We will not accept further delays on {topic},\" {person} told reporters in {place}.",
        f"According to {other}, the cost of {topic} has risen by {rng.randint(5, 60)} percent "
        f"since {rng.choice(_MONTHS)}.",
        f"{other} denied that the council had hidden the figures, and said the audit of "
        f"case {i} would be published in {rng.choice(_MONTHS)}.",
        f"Residents of {place} met on {rng.choice(_MONTHS)} {rng.randint(1, 28)} to discuss "
        f"{topic}, and several of them said they had not been consulted about report {i}.",
        FOOTER,
    ]
    return "\n\n".join(lines) + "\n"


def write_corpus(folder: Path, n: int, *, start: int = 0, seed: int = 0, reprint_every: int = 7) -> list[Path]:
    """Write articles ``start .. start+n-1`` as ``doc_XXXX.txt``; every ``reprint_every``-th
    is a wire reprint of the one before (a reuse link). Returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        if reprint_every and i % reprint_every == reprint_every - 1 and i > start:
            body = article(i - 1, seed=seed).replace(f"(report {i - 1})", f"(report {i}, wire copy)")
        else:
            body = article(i, seed=seed)
        path = folder / f"doc_{i:04d}.txt"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def pair_formula(emb, names_a, names_b, dates_a, dates_b, idf):
    """The same-story score as a formula over one pair (every sum taken again per pair)."""
    shared = names_a & names_b
    name = 0.0
    if shared:
        total = min(sum(idf.get(n, 0.0) for n in names_a), sum(idf.get(n, 0.0) for n in names_b))
        name = min(1.0, sum(idf.get(n, 0.0) for n in shared) / total) if total else 0.0
    da = {s.strip().lower() for s in dates_a if s and s.strip()}
    db = {s.strip().lower() for s in dates_b if s and s.strip()}
    date = len(da & db) / min(len(da), len(db)) if da and db else 0.0
    return round(0.6 * float(emb) + 0.3 * name + 0.1 * date, 4)
