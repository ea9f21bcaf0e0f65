"""The static HTML report: one self-contained page for an ``analysis.json`` dict.

>>> from narratrace.report import render_report, unpack_html
>>> html = render_report({"documents": [{"id": "a", "title": "<b>T</b>", "text": "Hi."}]})
>>> "&lt;b&gt;T&lt;/b&gt;" in html and "<b>T</b>" not in html
True
>>> "Hi." in html, "Hi." in unpack_html(html)  # the Documents tab is packed
(False, True)

The page is a small shell (header, the overview and the graph) plus one packed block per heavy
tab (documents, entities, attributions, reuse and claims, narratives, timeline): gzip, then
base64, unpacked by the page's own script the first time the tab is shown (see ``_pack`` for
why packed blocks rather than files next to the page). It inlines its own CSS and JS (no CDN,
opens from disk) and carries a strict Content-Security-Policy whose script and style hashes are
computed here, at render time, so nothing but our own inline blocks can run or style the page.

:func:`write_report` streams the page to disk tab by tab; :func:`render_report` returns it. Given
a store rather than the dict, they read it through :class:`~narratrace.analysis.StoredAnalysis`,
one kind at a time, and keep only what the page shows: on the 20,000-document store of
``bench/bench_scale.py`` the report step's peak RSS went from 1,135 MiB (the whole dict, then
the page) to 552 MiB, at 1,000 documents from 186 to 159 MiB
(``bench/bench_memory.py --layout stores``).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..analysis import StoredAnalysis
from ..outfile import write_text_atomic
from ..store import Store
from ._cards import family_card, key_findings, rests_on
from ._charts import N_COLOURS, narrative_class, narratives_chart
from ._evidence import (MAX_GRAPH_NODES, EvidenceIndex, EvidenceSource, Graph, Links, as_str,
                        build_index, corpus_graph, doc_ref, entity_ref, family_graph, name_key,
                        narratives_over_time, quote_path)
from ._flow import FLOW_LEGEND, flow_svg
from ._highlight import Span, highlight
from ._model import ENTITY_TYPES, Speakers, build_view, resolved_as, source_view
from ._pack import packed_section, unpack_html

# The library's API is render_report, write_report and iter_report (unpack_html turns a page
# into plain HTML, for tests and tools). The other names above are this package's face to the
# web explorer (narratrace.web), which draws the same highlights, graphs and chart from the
# same builders: import them from here, never from the private modules.
__all__ = ["iter_report", "render_report", "unpack_html", "write_report"]

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


#: The tabs in page order: (id, packed, the anchor prefix of the items it holds, so that a link
#: to ``#d12`` unpacks the documents tab before it scrolls). The overview is the first paint and
#: the graph's data is already capped (MAX_GRAPH_NODES): both stay plain HTML.
TABS = (("overview", False, ""), ("documents", True, "d"), ("entities", True, "e"),
        ("attributions", True, ""), ("reuse", True, "f"), ("narratives", True, ""),
        ("timeline", True, ""), ("graph", False, ""))


def iter_report(analysis: Mapping[str, Any] | Store) -> Iterator[str]:
    """The report page for ``analysis`` (the ``analysis.json`` dict, or the store it is read
    from) in pieces, each tab rendered and packed as it comes (the whole page is never one
    string). ``"".join(iter_report(a)) == render_report(a)``.

    >>> pieces = iter_report({})
    >>> next(pieces).startswith("<!DOCTYPE html>")
    True
    """
    css, js, graph_js = _assets()
    csp = (f"default-src 'none'; script-src {_csp_hash(js)} {_csp_hash(graph_js)}; "
           f"style-src {_csp_hash(css)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    env = _environment()
    source: Any = analysis  # build_view tolerates anything; a store is read a kind at a time
    if not isinstance(analysis, Mapping) and hasattr(analysis, "iter_annotations"):
        source = StoredAnalysis(analysis)
    view = build_view(source)

    def tabs() -> Iterator[Markup]:
        for name, pack, prefix in TABS:
            body = env.get_template(f"tab_{name}.html.j2").generate(v=view)
            if not pack:
                yield Markup(f'<section id="{name}" class="tab">')
                yield from (Markup(piece) for piece in body)
                yield Markup("</section>\n")
                continue
            yield from (Markup(piece) for piece in packed_section(name, prefix, body))

    yield from env.get_template("report.html.j2").generate(
        v=view, css=css, js=js, graph_js=graph_js, csp=csp, tabs=tabs())


def render_report(analysis: Mapping[str, Any] | Store) -> str:
    """Render ``analysis`` (the ``analysis.json`` dict, or a store) as one self-contained HTML
    page.

    Missing keys, empty lists, junk items and out-of-range offsets are tolerated; all text
    from the analysis is escaped.

    >>> render_report({}).startswith("<!DOCTYPE html>")
    True
    """
    return "".join(iter_report(analysis))


def write_report(analysis: Mapping[str, Any] | Store, path: str | os.PathLike[str]) -> Path:
    """Write the report for ``analysis`` (the dict, or a store: then it is read a kind at a time
    and never held whole) to ``path`` as it is rendered, atomically (a failure leaves any
    previous file as it was); raise ``OutputError`` if it cannot be written."""
    return write_text_atomic(path, iter_report(analysis))
