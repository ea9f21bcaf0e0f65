"""The static HTML report: one self-contained page for an ``analysis.json`` dict.

>>> from narratrace.report import render_report
>>> html = render_report({"documents": [{"id": "a", "title": "<b>T</b>", "text": "Hi."}]})
>>> "&lt;b&gt;T&lt;/b&gt;" in html and "<b>T</b>" not in html
True

The page inlines its own CSS and JS (no CDN, opens from disk) and carries a strict
Content-Security-Policy whose script and style hashes are computed here, at render time, so
nothing but our own inline blocks can run or style the page.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ._cards import family_card, key_findings, rests_on
from ._charts import N_COLOURS, narrative_class, narratives_chart
from ._evidence import (MAX_GRAPH_NODES, EvidenceIndex, EvidenceSource, Graph, Links, as_str,
                        build_index, corpus_graph, doc_ref, entity_ref, family_graph, name_key,
                        narratives_over_time, quote_path)
from ._flow import FLOW_LEGEND, flow_svg
from ._highlight import Span, highlight
from ._model import ENTITY_TYPES, Speakers, build_view, resolved_as, source_view

# The library's API is render_report. The other names above are this package's face to the
# web explorer (narratrace.web), which draws the same highlights, graphs and chart from the
# same builders: import them from here, never from the private modules.
__all__ = ["render_report"]

_HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Cached: it holds only our own template and assets, never anything from an analysis.
    return Environment(loader=FileSystemLoader(_HERE),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    css = (_HERE / "report.css").read_text(encoding="utf-8")
    js = (_HERE / "report.js").read_text(encoding="utf-8")
    # The provenance graph, shared with the web explorer (which serves it as /static/web.js).
    graph_js = (_HERE / "graph.js").read_text(encoding="utf-8")
    # Our own files: a closing tag inside them would end the block early.
    assert "</style" not in css.lower()
    assert "</script" not in js.lower() and "</script" not in graph_js.lower()
    return css, js, graph_js


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_report(analysis: Mapping[str, Any]) -> str:
    """Render ``analysis`` (the ``analysis.json`` dict) as one self-contained HTML page.

    Missing keys, empty lists, junk items and out-of-range offsets are tolerated; all text
    from the analysis is escaped.

    >>> render_report({}).startswith("<!DOCTYPE html>")
    True
    """
    css, js, graph_js = _assets()
    csp = (f"default-src 'none'; script-src {_csp_hash(js)} {_csp_hash(graph_js)}; "
           f"style-src {_csp_hash(css)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    template = _environment().get_template("report.html.j2")
    return template.render(v=build_view(analysis), css=css, js=js, graph_js=graph_js,
                           csp=csp)
