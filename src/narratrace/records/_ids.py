"""Content-derived ids: the same content gives the same id in every process and run."""

from __future__ import annotations

import hashlib


def content_id(*parts: object) -> str:
    """A short stable id (16 hex digits) from the parts, for records derived from content.

    >>> content_id("d1", 10, 42)
    'ea042c5c7610f5bc'
    >>> content_id("d1", 10, 42) == content_id("d1", "10", "42")  # parts are read as text
    True
    """
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return digest[:16]


def hash64(text: str) -> int:
    """A 64-bit hash of ``text`` (blake2b), stable across processes (``hash()`` is salted).
    Lone surrogates, which a file name may hold, are hashed as they are.

    >>> hash64("a") == hash64("a") != hash64("b")
    True
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")
