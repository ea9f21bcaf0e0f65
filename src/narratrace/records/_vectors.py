"""Vectors in stored rows: numpy arrays as base64 of their little-endian bytes, so that they
fit a JSON row and cross to a Dask driver; and the width of every sentence vector."""

from __future__ import annotations

import base64
from typing import Any

#: Width of the sentence encoder's vectors (all-MiniLM-L6-v2).
EMBEDDING_DIM = 384


def b64(array: Any) -> str:
    """The array's bytes as base64 text (give it a little-endian dtype: ``<f4``, ``<u4``).

    >>> import numpy as np
    >>> b64(np.array([1, 2], dtype="<u4"))
    'AQAAAAIAAAA='
    """
    return base64.b64encode(array.tobytes()).decode("ascii")


def unb64(text: str, dtype: str, shape: tuple[int, ...]) -> Any:
    """The array :func:`b64` wrote (read-only, no copy).

    >>> unb64('AQAAAAIAAAA=', "<u4", (-1,)).tolist()
    [1, 2]
    """
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype=dtype).reshape(shape)
