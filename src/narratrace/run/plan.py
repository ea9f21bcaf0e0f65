"""Planning a run: which inputs are new, which are already stored, which replace a stored
document, read in two passes so that memory does not grow with the corpus.

Pass 1 (:func:`plan_inputs`) keeps ids, paths and repeated-line counts in compact form (hashes,
one path buffer, :class:`~narratrace.clean.LineCounts`); no document text is kept. Pass 2
(:func:`fresh_inputs`) reads again and yields only what is new.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..options import Options
from ..records import hash64
from ..store import Store
from ..types import RawDocument, Rejected

ProgressHook = Callable[[str, int, int | None], None]  # (phase, advance, total)


class KeySet:
    """A growing set of strings held as sorted 64-bit hashes: 8 bytes a member where a ``set``
    of ids or paths takes ~100, so that what ``analyze`` remembers per input stays small.

    >>> keys = KeySet(["a", "b"])
    >>> keys.add("a"), keys.add("c"), "b" in keys, len(keys)
    (False, True, True, 3)
    """

    def __init__(self, keys: Iterable[str] = ()) -> None:
        import numpy as np

        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        for key in keys:
            self.add(key)

    @classmethod
    def from_hashes(cls, hashes: Any) -> KeySet:
        """A set of the members whose :func:`~narratrace.records.hash64` values are ``hashes``
        (any order, repeats allowed), sorted in one go."""
        import numpy as np

        keys = cls()
        keys._sorted = np.unique(np.asarray(hashes, dtype=np.uint64))
        return keys

    def add(self, key: str) -> bool:
        """Add ``key``; False when it was already there."""
        h = hash64(key)
        if self._has(h):
            return False
        self._recent.add(h)
        # Fold the recent hashes in once they are an eighth of the sorted ones: each fold
        # copies the array, so folds get rarer as it grows (amortised linear).
        if len(self._recent) >= max(4096, len(self._sorted) >> 3):
            self.hashes()
        return True

    def __contains__(self, key: str) -> bool:
        return self._has(hash64(key))

    def has_hash(self, h: int) -> bool:
        """Whether a member hashes to ``h`` (a :func:`~narratrace.records.hash64` value)."""
        return self._has(h)

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def hashes(self) -> Any:
        """The members' hashes, sorted (a numpy ``uint64`` array)."""
        import numpy as np

        if self._recent:
            recent = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
            self._sorted = np.union1d(self._sorted, recent)
            self._recent = set()
        return self._sorted

    def _has(self, h: int) -> bool:
        import numpy as np

        if h in self._recent:
            return True
        pos = int(np.searchsorted(self._sorted, np.uint64(h)))
        return pos < len(self._sorted) and int(self._sorted[pos]) == h


class InputIndex:
    """Ids and paths of the distinct inputs read in pass 1, in read order, compactly: a
    hash per id and the paths utf-8 in one buffer (100k inputs with 40-character paths:
    6.5 MB, where a ``dict`` of the strings took 18 MB, and the sets of pass 2 ~20 more)."""

    def __init__(self) -> None:
        self.ids = KeySet()
        self._order = array("Q")  # id hash of each input, in read order
        self._ends = array("Q")  # where its path ends in _paths
        self._paths = bytearray()

    def add(self, doc_id: str, path: str) -> bool:
        """Remember an input; False when its id was already read (a duplicate)."""
        if not self.ids.add(doc_id):
            return False
        self._order.append(hash64(doc_id))
        self._paths += path.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._paths))
        return True

    def __len__(self) -> int:
        return len(self._order)

    def order(self) -> Any:
        """Id hashes in read order (a numpy ``uint64`` array)."""
        import numpy as np

        return np.frombuffer(self._order, dtype=np.uint64) if self._order else np.empty(0, np.uint64)

    def path(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._paths[start:self._ends[index]].decode("utf-8", "surrogatepass")


@dataclass
class Plan:
    """What pass 1 found: the distinct inputs, the corpus's boilerplate lines, the stored
    documents an incremental run skips, and the stored documents a changed input replaces."""

    seen: InputIndex
    boilerplate: frozenset[str]
    stored_ids: KeySet
    gone_at: dict[str, list[str]]  # path → ids of stored documents no longer among the inputs
    inputs: int = 0
    duplicates: int = 0
    skipped: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    # path → notices about a document that was read but degraded (raw NUL bytes dropped):
    # warnings stored with that document, not rejections
    notes: dict[str, list[Rejected]] = field(default_factory=dict)

    @property
    def todo(self) -> int:
        """Distinct inputs to analyse in this run."""
        return len(self.seen) - self.skipped


def plan_inputs(paths: Iterable[str | Path], *, store: Store, options: Options,
                tick: ProgressHook) -> Plan:
    """Pass 1: read every input once for its id, path and repeated lines; compare with what
    the store holds (incremental runs). Rejected inputs are in ``plan.rejected``."""
    import numpy as np

    from ..clean import LineCounts, boilerplate_lines, line_signatures
    from ..ingest import iter_inputs

    counts = LineCounts()
    seen = InputIndex()
    inputs = duplicates = 0
    rejected: list[Rejected] = []
    notes: dict[str, list[Rejected]] = {}
    last: str | None = None  # the path of the document read last
    for item in iter_inputs(paths, options=options):
        tick("read", 1, None)
        if isinstance(item, Rejected):
            if item.path == last:  # a notice about the document just read (iter_inputs)
                notes.setdefault(item.path, []).append(item)
                continue
            rejected.append(item)
        elif not seen.add(item.id, item.path):
            duplicates += 1
        else:
            counts.add(line_signatures(item))
        inputs += 1
        last = item.path if isinstance(item, RawDocument) else None
    boilerplate = boilerplate_lines(counts, len(seen))
    del counts

    # A stored document whose content is no longer among the inputs, at a path a new input now
    # occupies, is the old version of a changed file: the new one replaces it.
    gone_at: dict[str, list[str]] = {}
    stored = array("Q")  # the stored ids' hashes, sorted once: adding 1M ids one by one took 8-60 s
    for doc_id, path in (store.iter_document_paths() if options.incremental else ()):
        h = hash64(doc_id)
        stored.append(h)
        if not seen.ids.has_hash(h):
            gone_at.setdefault(path, []).append(doc_id)
    stored_ids = KeySet.from_hashes(np.frombuffer(stored, dtype=np.uint64) if stored else ())
    del stored
    skipped = int(np.isin(seen.order(), stored_ids.hashes()).sum())
    return Plan(seen=seen, boilerplate=boilerplate, stored_ids=stored_ids, gone_at=gone_at,
                inputs=inputs, duplicates=duplicates, skipped=skipped, rejected=rejected,
                notes=notes)


def fresh_inputs(paths: Iterable[str | Path], plan: Plan, *, options: Options,
                 on_rejected: Callable[[Rejected], None]) -> Iterator[RawDocument]:
    """Pass 2: read again and yield each input not stored yet, once. An input rejected now but
    not in pass 1 (it changed), or read in pass 1 and gone now (deleted or moved during the
    run), goes to ``on_rejected`` with the reason."""
    import numpy as np

    from ..ingest import iter_inputs

    done = KeySet()
    paths_now = KeySet()
    # A set: looking each rejection up in the list made pass 2 quadratic in the rejected inputs.
    known = {*plan.rejected, *(note for notes in plan.notes.values() for note in notes)}
    for item in iter_inputs(paths, options=options):
        paths_now.add(item.path)
        if isinstance(item, Rejected):
            if item not in known:  # the input changed or vanished since pass 1
                on_rejected(item)
        elif item.id not in plan.stored_ids and done.add(item.id):
            yield item
    order = plan.seen.order()
    missing = ~np.isin(order, plan.stored_ids.hashes()) & ~np.isin(order, done.hashes())
    for index in np.flatnonzero(missing).tolist():
        path = plan.seen.path(index)
        if path not in paths_now:
            on_rejected(Rejected(path, "ingest", _gone_reason(path)))


def _gone_reason(path: str) -> str:
    """Why an input read in pass 1 was not there in pass 2: its file went, or (a record of a
    file that is still there) the file was rewritten or cut short without it.

    >>> _gone_reason("/no/such/file.txt").startswith("the input disappeared during the run")
    True
    """
    file, mark, _ = path.rpartition("#")
    if mark and os.path.isfile(file):
        return ("its file changed during the run and no longer holds this record (rewritten or "
                "cut short); it was not analysed (run again once the file is complete)")
    return "the input disappeared during the run; it was not analysed (run again once it is back)"


__all__ = ["InputIndex", "KeySet", "Plan", "ProgressHook", "fresh_inputs", "plan_inputs"]
