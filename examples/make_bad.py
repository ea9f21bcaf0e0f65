"""Write the deliberately bad inputs in examples/bad/ (for the error path; not part of the corpus).

Run from the repository root:  .venv/bin/python examples/make_bad.py
Every file is deterministic, so re-running leaves git clean.

| file | what a reader must do |
|---|---|
| empty.txt | reject: no content |
| binary.txt | reject: NUL bytes / not text although the extension says .txt |
| truncated.txt.gz | reject: the gzip stream ends early |
| broken.jsonl | read line 1 and line 3, reject line 2 (not valid JSON) |
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

BAD = Path(__file__).resolve().parent / "bad"

_GOOD = {
    "title": "Short test record",
    "outlet": "Test Outlet",
    "published": "2025-06-01",
    "url": "https://test.example/a",
    "text": "A valid record before the broken line. It exists so that a reader can show it keeps "
    "the good records of a JSONL file and rejects only the bad line.",
}


def build(out: Path = BAD) -> list[Path]:
    """Write the bad inputs and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []

    empty = out / "empty.txt"
    empty.write_bytes(b"")
    written.append(empty)

    # A PNG signature, NUL bytes and high bytes: binary content behind a .txt name.
    binary = out / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    written.append(binary)

    # A valid gzip member cut in half: the decompressor hits end-of-stream early.
    text = ("This text will never be read in full. " * 60).encode("utf-8")
    whole = gzip.compress(text, compresslevel=9, mtime=0)
    truncated = out / "truncated.txt.gz"
    truncated.write_bytes(whole[: len(whole) // 2])
    written.append(truncated)

    second = dict(_GOOD, title="Second valid record", url="https://test.example/b")
    broken = out / "broken.jsonl"
    broken.write_text(
        json.dumps(_GOOD) + "\n"
        + '{"title": "Broken record", "text": "this line stops in the mid\n'
        + json.dumps(second) + "\n",
        encoding="utf-8",
    )
    written.append(broken)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
