"""Run every benchmark in this folder (`make bench`). Benchmarks print ratios measured in one
run against a baseline (spaCy's own parse, datasketch, ...); they are not timed tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
failed = 0
for script in sorted(here.glob("bench_*.py")):
    print(f"\n=== {script.name}", flush=True)
    failed += subprocess.call([sys.executable, str(script)]) != 0
sys.exit(1 if failed else 0)
