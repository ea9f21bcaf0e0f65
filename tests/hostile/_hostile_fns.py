"""Module-level part functions for the hostile run tests (a worker process imports them)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from narratrace.types import DocAnalysis


def wait_forever(documents: list, options: object, narratives: bool) -> list:
    """Note this worker's process id in the folder the document text names, then hang, as a
    worker deep in a long document does."""
    folder = Path(documents[0].text)
    (folder / str(os.getpid())).touch()
    while True:
        time.sleep(1)


def hold_the_lock_forever(documents: list, options: object, narratives: bool) -> list:
    """As :func:`wait_forever`, but hang inside one C call that never releases the interpreter
    lock (a regex that backtracks for ever), as a worker deep in a pathological document does:
    no Python thread of the worker can run until it returns."""
    folder = Path(documents[0].text)
    (folder / str(os.getpid())).touch()
    re.match(r"(a+)+$", "a" * 64 + "b")
    return []


class EchoEngine:
    """An engine that analyses nothing: every document back with empty products."""

    name = "echo"

    def map(self, chunks, ctx, *, todo=0):
        for chunk in chunks:
            for d in chunk:
                yield DocAnalysis(document=d), []
