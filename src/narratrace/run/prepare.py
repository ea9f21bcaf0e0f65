"""Cleaning a chunk of raw inputs into documents, with corpus-level evidence (lines repeated
across the documents), and detecting each document's language."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .. import nlp
from ..errors import CleaningError
from ..options import Options
from ..types import Document, RawDocument, Rejected


def prepare_documents(raws: Sequence[RawDocument], *, options: Options,
                      boilerplate: frozenset[str] | None = None) -> tuple[list[Document], list[Rejected]]:
    """Clean raw inputs using corpus-level evidence (lines repeated across the documents, or
    across the documents of one outlet: its furniture, removed as ``repeated``).

    ``boilerplate`` (from :func:`~narratrace.clean.boilerplate_lines`) may be computed over a
    larger set than ``raws``, as :func:`~narratrace.analyze` does when it cleans a corpus chunk
    by chunk. A document that cannot be cleaned is rejected with the reason; the others go on.
    """
    from ..clean import LineCounts, boilerplate_lines, clean_document, line_signatures

    if boilerplate is None:
        counts = LineCounts()
        for raw in raws:
            counts.add(line_signatures(raw))
        boilerplate = boilerplate_lines(counts, len(raws))
    documents: list[Document] = []
    rejected: list[Rejected] = []
    for raw in raws:
        try:
            document = clean_document(raw, boilerplate=boilerplate)
        except CleaningError as exc:
            rejected.append(Rejected(raw.path, "clean", str(exc)))
            continue
        except Exception as exc:  # a cleaner bug must not lose the other documents
            rejected.append(Rejected(raw.path, "clean", f"unexpected {type(exc).__name__}: {exc}"))
            continue
        lang = nlp.detect_language(document.text)
        documents.append(dataclasses.replace(document, language=lang,
                                             analysed=lang in options.languages))
    return documents, rejected


__all__ = ["prepare_documents"]
