"""Module-level part functions for the hostile run tests (a worker process imports them)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def wait_forever(documents: list, options: object, narratives: bool) -> list:
    """Note this worker's process id in the folder the document text names, then hang, as a
    worker deep in a long document does."""
    folder = Path(documents[0].text)
    (folder / str(os.getpid())).touch()
    while True:
        time.sleep(1)
