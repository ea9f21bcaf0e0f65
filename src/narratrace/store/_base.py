from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from ..records import names
from ..types import Document, Rejected
from ._rows import PairColumns

# The kinds come from the one registry of stored kinds (narratrace.records.KINDS); a backend
# refuses any other with a StoreError (records.kind(name, scope=...)).
# Per-document annotations: replaced as a whole for one document when it is re-analysed.
ANNOTATION_KINDS: tuple[str, ...] = names(scope="document")
# Corpus-level results: replaced as a whole when a corpus stage runs again.
CORPUS_KINDS: tuple[str, ...] = names(scope="corpus")


class Store(Protocol):
    """What every backend offers. Records cross this boundary as dataclasses or JSON dicts."""

    url: str

    def upsert_document(self, document: Document) -> None: ...

    def add_rejected(self, rejected: Rejected) -> None: ...

    def clear_rejected(self, path: str) -> None: ...

    def replace_annotations(self, doc: str, kind: str, rows: Iterable[Mapping[str, Any]]) -> None: ...

    def replace_corpus(self, kind: str, rows: Iterable[Mapping[str, Any] | str]) -> None:
        """Make ``rows`` the rows of the corpus kind ``kind``, in order. A row given as a
        ``str`` is JSON text as :meth:`corpus_texts` returned it, written as it is (a row an
        incremental run keeps is not decoded and encoded again)."""
        ...

    def documents(self) -> Iterator[Document]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def has_document(self, doc_id: str) -> bool: ...

    def document_paths(self) -> dict[str, str]:
        """``{id: path}`` of every stored (complete) document: what an incremental run skips.
        Holds them all in memory; prefer :meth:`iter_document_paths` on a big store."""
        ...

    def iter_document_paths(self, *, page_size: int = 10_000) -> Iterator[tuple[str, str]]:
        """``(id, path)`` of every stored document, fetched ``page_size`` rows at a time (in an
        order the backend picks), so memory stays flat however big the store is. A document
        stored or deleted during the iteration may or may not be seen; no other is missed or
        repeated.

        >>> from narratrace.store import open_store
        >>> list(open_store("sqlite:///:memory:").iter_document_paths())
        []
        """
        ...

    def delete_document(self, doc_id: str) -> None:
        """Remove a document, its annotations and its pairs (a changed file replaces its old
        version); its corpus mark stays for the next corpus run to see it gone."""
        ...

    def count_documents(self) -> int: ...

    def rejected(self) -> list[Rejected]: ...

    def annotations(self, kind: str, *, doc: str | None = None) -> list[dict[str, Any]]: ...

    def annotated_docs(self, kind: str) -> set[str]:
        """The ids of the documents holding at least one row of the document kind ``kind``
        (read from the index, no row decoded).

        >>> from narratrace.store import open_store
        >>> open_store("sqlite:///:memory:").annotated_docs("claims")
        set()
        """
        ...

    def iter_annotations(self, kind: str, *, page_size: int = 2_000) -> Iterator[dict[str, Any]]:
        """Every stored row of the document kind ``kind``, in :meth:`annotations`' order
        (document id, then position), fetched ``page_size`` rows at a time: memory holds one
        page, not the kind, however big the store is. Rows written during the iteration past
        the current page may be seen; the caller may write between rows.

        >>> from narratrace.store import open_store
        >>> list(open_store("sqlite:///:memory:").iter_annotations("claims"))
        []
        """
        ...

    def annotation_fields(self, kind: str, fields: Sequence[str], *,
                          page_size: int = 2_000) -> Iterator[tuple[Any, ...]]:
        """``(doc, value, ...)`` for every stored row of the document kind ``kind``: the
        row's top-level ``fields`` (None where a row lacks one), in :meth:`iter_annotations`'
        order and pages. Only those fields are decoded: a corpus stage that needs the
        signature of every document reads it without the vectors stored beside it.

        >>> from narratrace.store import open_store
        >>> store = open_store("sqlite:///:memory:")
        >>> store.replace_annotations("x", "dates", [{"doc": "x", "text": "Monday", "value": "2024-08-12"}])
        >>> list(store.annotation_fields("dates", ["value", "kind"]))
        [('x', '2024-08-12', None)]
        """
        ...

    def corpus(self, kind: str) -> list[dict[str, Any]]: ...

    def corpus_texts(self, kind: str, key: str) -> list[tuple[Any, str]]:
        """``(value, text)`` for every stored row of the corpus kind ``kind``, in order: the
        row's top-level field ``key`` (None where it lacks one) and the row's JSON text as
        stored, not decoded (:meth:`replace_corpus` writes such a text back as it is).

        >>> from narratrace.store import open_store
        >>> store = open_store("sqlite:///:memory:")
        >>> store.replace_corpus("events", [{"id": "e1", "date": "2024-08-12"}])
        >>> store.corpus_texts("events", "id")
        [('e1', '{"id": "e1", "date": "2024-08-12"}')]
        >>> store.replace_corpus("events", [store.corpus_texts("events", "id")[0][1], {"id": "e2"}])
        >>> store.corpus("events")
        [{'id': 'e1', 'date': '2024-08-12'}, {'id': 'e2'}]
        """
        ...

    def iter_corpus(self, kind: str, *, page_size: int = 2_000) -> Iterator[dict[str, Any]]:
        """:meth:`corpus`, fetched ``page_size`` rows at a time (as :meth:`iter_annotations`)."""
        ...

    # Corpus-stage state (incremental runs): pairs of documents or claims already compared,
    # keyed ``(kind, a, b)``, and the documents the last corpus run covered.
    def put_pairs(self, kind: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Upsert pair rows; each needs ``a``, ``b`` (the pair) and ``doc_a``, ``doc_b``."""
        ...

    def pairs(self, kind: str) -> list[dict[str, Any]]: ...

    def pair_columns(self, kind: str) -> PairColumns:
        """:meth:`pairs` of ``kind`` as columns (:class:`~._rows.PairColumns`): the same rows,
        in the same order, without a dict per row for the fields a kind keeps in columns
        (:data:`~._rows.PAIR_COLUMNS`).

        >>> from narratrace.store import open_store
        >>> store = open_store("sqlite:///:memory:")
        >>> store.put_pairs("story", [{"a": "x", "b": "y", "doc_a": "x", "doc_b": "y", "cos": 0.5,
        ...                            "by_a": True, "by_b": False, "retold": True}])
        >>> got = store.pair_columns("story")
        >>> got.a, got.b, got.values["by_a"], got.values["lead"], got.rest
        (['x'], ['y'], [True], [None], {0: {'retold': True}})
        >>> store.pairs("story")
        [{'a': 'x', 'b': 'y', 'cos': 0.5, 'by_a': True, 'by_b': False, 'retold': True, 'doc_a': 'x', 'doc_b': 'y'}]
        """
        ...

    def drop_pairs(self, docs: Iterable[str] | None = None) -> None:
        """Forget the pairs (and corpus marks) of ``docs``; ``None`` forgets all of them."""
        ...

    def drop_pair_keys(self, kind: str, keys: Iterable[tuple[str, str]]) -> None:
        """Forget the pairs ``(a, b)`` of ``kind`` (a neighbour list moved on past them)."""
        ...

    def corpus_docs(self) -> set[str]: ...

    def add_corpus_docs(self, docs: Iterable[str]) -> None: ...

    def transaction(self) -> Any: ...

    def close(self) -> None: ...
