"""Native libraries the stages share: the BLAS thread pools and the C heap."""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any


@cache
def blas_controller() -> Any:
    """The process's BLAS libraries (a ``threadpoolctl`` controller), found once: a lookup
    scans every loaded library. ``blas_controller().limit(limits=1, user_api="blas")`` runs a
    block of products on one thread, as the encoder, spaCy's layers and the neighbour search
    do (on two cores a second thread does not speed up their small products, and one thread
    keeps their bits independent of the caller's settings).

    >>> blas_controller() is blas_controller()
    True
    """
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def return_freed_memory() -> bool:
    """Hand the heap memory Python has freed back to the system (glibc's ``malloc_trim``).

    The corpus stages free what they held when they end, but glibc keeps most of the freed
    heap for later allocations instead of returning it, so whatever runs next (writing
    ``analysis.json`` and the report) starts from the corpus stages' footprint and adds to
    it: on the 5,000-document store of ``bench/bench_scale.py`` the report step peaked at
    765 MiB before, 551 after (``bench/bench_memory.py --layout stores``). Returns whether the
    C library had it (glibc does; macOS, Windows and musl do not, and then nothing happens).

    >>> isinstance(return_freed_memory(), bool)
    True
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # no such C library function here
        return False
    trim(0)
    return True
