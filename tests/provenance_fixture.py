"""A hand-made analysis with the whole provenance contract filled (schema 1.2), shared by the
report, web and export tests of the evidence cards. Every name, outlet and sentence is invented.

The story: the Lowmere port authority says the north pier is unsafe. Harbour Wire reports it
(hedged), Coast Daily reprints the wire with a credit, Bay Ledger rewrites it without credit and
drops the hedge; Pier Builders Ltd denies it in the wire. A second family circles: Gull Post cites
Tide Blog, which cites Gull Post. A third family is carried by one document only.
"""

from __future__ import annotations

from typing import Any

TEXT_W = ("The north pier may be unsafe, the Lowmere Port Authority said on Monday. "
          "Pier Builders Ltd denied that the pier was unsafe.")
TEXT_C = ("The north pier may be unsafe, the Lowmere Port Authority said on Monday. "
          "This story first appeared in Harbour Wire.")
TEXT_B = "The north pier is unsafe, according to the port authority."
TEXT_G = "Ferries will stop on Friday, Tide Blog reported."
TEXT_T = "Ferries will stop on Friday, as Gull Post revealed."
TEXT_U = "The harbour master retires in June, she said."


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _doc(doc_id: str, title: str, outlet: str, published: str | None, text: str) -> dict[str, Any]:
    return {"id": doc_id, "path": f"news/{doc_id}.txt", "title": title, "outlet": outlet,
            "published": published, "language": "en", "analysed": True, "text": text,
            "source_text": text, "removed": []}


def provenance_analysis() -> dict[str, Any]:
    deny = _span(TEXT_W, "Pier Builders Ltd denied that the pier was unsafe.")
    credit = _span(TEXT_C, "This story first appeared in Harbour Wire.")
    return {
        "schema_version": "1.2", "generated_at": "2025-03-20T10:00:00+00:00",
        "documents": [
            _doc("dW", "Pier may be unsafe", "Harbour Wire", "2025-03-10", TEXT_W),
            _doc("dC", "Pier may be unsafe (reprint)", "Coast Daily", "2025-03-11", TEXT_C),
            _doc("dB", "Pier IS unsafe", "Bay Ledger", "2025-03-12", TEXT_B),
            _doc("dG", "Ferries to stop", "Gull Post", "2025-03-13", TEXT_G),
            _doc("dT", "Ferries to stop, says Gull Post", "Tide Blog", None, TEXT_T),
            _doc("dU", "Harbour master to retire", "Gull Post", "2025-03-14", TEXT_U),
        ],
        "errors": [],
        "entities": [
            {"id": "ent_lpa", "name": "Lowmere Port Authority", "type": "government",
             "aliases": ["port authority"], "mentions": [{"doc": "dW", "start": 34, "end": 56,
                                                          "text": "Lowmere Port Authority"}]},
            {"id": "ent_pb", "name": "Pier Builders Ltd", "type": "organisation", "aliases": [],
             "mentions": [{"doc": "dW", "start": deny[0], "end": deny[0] + 17,
                           "text": "Pier Builders Ltd"}]},
        ],
        "attributions": [],
        "dates": [],
        "claims": [
            {"id": "cW", "doc": "dW", "text": "The north pier may be unsafe", "start": 0, "end": 28,
             "attributed_to": "Lowmere Port Authority", "stance": "asserts", "hedges": ["may"]},
            {"id": "cC", "doc": "dC", "text": "The north pier may be unsafe", "start": 0, "end": 28,
             "attributed_to": "Lowmere Port Authority", "stance": "asserts", "hedges": ["may"]},
            {"id": "cB", "doc": "dB", "text": "The north pier is unsafe", "start": 0, "end": 24,
             "attributed_to": "port authority", "stance": "asserts", "hedges": []},
            {"id": "cG", "doc": "dG", "text": "Ferries will stop on Friday", "start": 0, "end": 27,
             "attributed_to": "Tide Blog", "stance": "asserts", "hedges": []},
            {"id": "cT", "doc": "dT", "text": "Ferries will stop on Friday", "start": 0, "end": 27,
             "attributed_to": "Gull Post", "stance": "asserts", "hedges": []},
            {"id": "cU", "doc": "dU", "text": "The harbour master retires in June", "start": 0,
             "end": 34, "attributed_to": "she", "stance": "asserts", "hedges": []},
        ],
        "claim_families": [
            {"id": "fU", "label": "The harbour master retires in June", "claims": ["cU"],
             "docs": ["dU"], "origins": [], "independent_origins": 0, "first_seen": "2025-03-14"},
            {"id": "fPier", "label": "The north pier is unsafe", "claims": ["cW", "cC", "cB"],
             "docs": ["dB", "dW", "dC"], "origins": ["Lowmere Port Authority"],
             "origin_types": ["official"], "origin_ids": ["ent_lpa"], "independent_origins": 1,
             "first_seen": "2025-03-10",
             "chain": ["Coast Daily reprints Harbour Wire (credited)",
                       "Bay Ledger is an uncredited rewrite of Harbour Wire",
                       "Harbour Wire cites Lowmere Port Authority",
                       "→ 1 origin: Lowmere Port Authority"],
             "denials": [{"actor": "Pier Builders Ltd", "doc": "dW", "start": deny[0],
                          "end": deny[1], "claim": None, "actor_id": "ent_pb"}],
             "hardening": [{"source_doc": "dW", "derived_doc": "dB", "dropped": ["may"],
                            "source_claim": "The north pier may be unsafe",
                            "derived_claim": "The north pier is unsafe"}],
             "hedge_drop": True},
            {"id": "fFerry", "label": "Ferries will stop on Friday", "claims": ["cG", "cT"],
             "docs": ["dG", "dT"], "origins": ["Gull Post"], "origin_types": ["outlet"],
             "origin_ids": [None], "independent_origins": 1, "first_seen": "2025-03-13",
             "circular": True, "circular_loop": ["Gull Post", "Tide Blog"],
             "chain": ["Gull Post cites Tide Blog", "Tide Blog cites Gull Post",
                       "→ 1 origin: Gull Post (circular)"]},
        ],
        "reuse": [
            {"a": "dW", "b": "dC", "kind": "syndicated", "score": 0.97, "passages": [[0, 70, 0, 70]],
             "direction": "a->b", "credit": "This story first appeared in Harbour Wire.",
             "credit_start": credit[0], "credit_end": credit[1], "direction_by": "credit"},
            {"a": "dB", "b": "dW", "kind": "rewrite", "score": 0.71, "passages": [],
             "direction": "b->a", "credit": None, "direction_by": "dates"},
            {"a": "dG", "b": "dT", "kind": "same_story", "score": 0.6, "passages": [],
             "direction": "unknown"},
        ],
        "citations": [],
        "events": [
            {"id": "ev1", "date": "2025-03-10", "date_text": "on Monday",
             "summary": "The port authority warns about the north pier", "docs": ["dW", "dC"],
             "places": ["Lowmere"], "actors": ["Lowmere Port Authority"], "kind": "statement",
             "origins": ["Lowmere Port Authority"]},
            {"id": "ev2", "date": "2025-03-21", "date_text": "on Friday",
             "summary": "Ferries stop", "docs": ["dG"], "places": [], "actors": [],
             "kind": "happening", "origins": ["Gull Post"]},
        ],
        "narratives": [],
        "framing": [],
    }
