"""The Python-heap peak of one call, for tests that bound what a step holds."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any


def traced_peak(fn: Callable[[], Any]) -> int:
    """Bytes traced at the peak of ``fn()`` (garbage collected first, so earlier garbage is not counted)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
