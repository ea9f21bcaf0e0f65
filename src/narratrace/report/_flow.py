"""A claim family's provenance as a directed, time-ordered flow, drawn server-side as SVG.

Columns run left to right in time: the origins first, then the carrying documents by
publication date (one column per date), undated documents in a last column marked "undated".
Arrows go from an origin to the documents that carry the claim on its word, and from a source
document to its copies (reprint, rewrite; dashed when the copy does not credit its source);
deniers sit under the origins with a red dashed arrow to the document that carries their
denial. Inside a column, nodes are ordered by the mean row of what points at them, which keeps
most arrows short and uncrossed.

The drawing needs no script, uses classes only (the report's and the web's CSP allow no inline
style), escapes every label, and carries its own text alternative: the card's chain and carrier
list are the accessible version, and each node has a ``<title>``. Arrowheads are drawn as
polygons (no ``<marker>`` ids, so several flows can share a page).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

#: Documents drawn in one flow; past it the earliest are drawn and the rest counted.
MAX_FLOW_DOCS = 40
_COL_W, _NODE_W, _NODE_H, _ROW_H, _PAD, _HEAD = 200, 160, 34, 52, 10, 36
_LABEL = 24  # characters of a node label before it is cut


def _cut(text: str, n: int = _LABEL) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def flow_layout(card: Mapping[str, Any], *, max_docs: int = MAX_FLOW_DOCS) -> dict[str, Any]:
    """Nodes (with column and row) and edges of the flow of ``card`` (see module docstring).

    >>> card = {"origins": [{"name": "Ministry", "type": "official", "href": None,
    ...                      "in_loop": False}],
    ...         "carriers": [
    ...    {"doc": {"id": "a", "title": "A", "outlet": "Wire", "published": "2025-01-02"},
    ...     "href": None, "published": "2025-01-02", "outlet": "Wire", "copy_of": [],
    ...     "on_word_of": ["Ministry"], "hedge_dropped": False},
    ...    {"doc": {"id": "b", "title": "B", "outlet": "Daily", "published": "2025-01-03"},
    ...     "href": None, "published": "2025-01-03", "outlet": "Daily",
    ...     "copy_of": [{"doc": {"id": "a"}, "how": "rewrite, uncredited"}],
    ...     "on_word_of": [], "hedge_dropped": True}], "denials": []}
    >>> lay = flow_layout(card)
    >>> [(n["label"], n["col"]) for n in lay["nodes"]]
    [('Ministry', 0), ('Wire', 1), ('Daily', 2)]
    >>> [(e["source"], e["target"], e["kind"]) for e in lay["edges"]]
    [('o0', 'd0', 'quotes'), ('d0', 'd1', 'copy-uncredited')]
    """
    carriers = list(card.get("carriers") or ())
    drawn, hidden = carriers[:max_docs], max(0, len(carriers) - max_docs)
    dates = sorted({c["published"] for c in drawn if c["published"]})
    date_col = {d: i + 1 for i, d in enumerate(dates)}
    undated_col = len(dates) + 1
    nodes: list[dict[str, Any]] = []
    key_of_origin: dict[str, str] = {}
    for i, o in enumerate(card.get("origins") or ()):
        key = f"o{i}"
        key_of_origin[o["name"]] = key
        nodes.append({"key": key, "kind": "origin", "label": o["name"], "sub": o.get("type") or "",
                      "title": o["name"] + (f" ({o['type']})" if o.get("type") else ""),
                      "href": o.get("href"), "col": 0, "loop": bool(o.get("in_loop"))})
    key_of_doc: dict[str, str] = {}
    for i, c in enumerate(drawn):
        key = f"d{i}"
        key_of_doc[c["doc"]["id"]] = key
        label = c["outlet"] or c["doc"].get("title") or c["doc"]["id"]
        nodes.append({"key": key, "kind": "copy" if c["copy_of"] else "document",
                      "label": label, "sub": c["published"] or "undated",
                      "title": f"{c['doc'].get('title') or ''} · {c['outlet'] or 'unknown outlet'}"
                               f" · {c['published'] or 'undated'}",
                      "href": c.get("href"), "loop": False, "hardened": c.get("hedge_dropped"),
                      "col": date_col.get(c["published"], undated_col)})
    edges: list[dict[str, Any]] = []
    for c in drawn:
        target = key_of_doc[c["doc"]["id"]]
        # A copy reaches its origins through its source: its arrow comes from that source.
        copied = any(src["doc"]["id"] in key_of_doc for src in c["copy_of"])
        for name in () if copied else c.get("on_word_of") or ():
            if name in key_of_origin:
                edges.append({"source": key_of_origin[name], "target": target, "kind": "quotes",
                              "label": "on the word of"})
        for src in c["copy_of"]:
            source = key_of_doc.get(src["doc"]["id"])
            if source is None:
                continue
            uncredited = "uncredited" in src["how"]
            edges.append({"source": source, "target": target,
                          "kind": "copy-uncredited" if uncredited else "copy",
                          "label": src["how"].split(";")[0]})
    deniers: dict[str, str] = {}
    for d in card.get("denials") or ():
        denied_in = key_of_doc.get(d["doc"]["id"])
        if denied_in is None:
            continue
        if d["actor"] not in deniers:
            key = f"n{len(deniers)}"
            deniers[d["actor"]] = key
            nodes.append({"key": key, "kind": "denier", "label": d["actor"], "sub": "denies",
                          "title": f"{d['actor']} denies the claim", "href": d.get("href"),
                          "col": 0, "loop": False})
        edges.append({"source": deniers[d["actor"]], "target": denied_in, "kind": "denies",
                      "label": "denies"})
    _order_rows(nodes, edges)
    return {"nodes": nodes, "edges": edges, "hidden_docs": hidden,
            "columns": ["origins"] + dates + (["undated"] if any(
                n["col"] == undated_col for n in nodes) else [])}


def _order_rows(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> None:
    """Give each node a ``row`` in its column: origins then deniers in column 0; elsewhere by the
    mean row of the nodes pointing at it (column by column, left to right)."""
    by_key = {n["key"]: n for n in nodes}
    preds: dict[str, list[str]] = {}
    for e in edges:
        preds.setdefault(e["target"], []).append(e["source"])
    columns: dict[int, list[dict[str, Any]]] = {}
    for n in nodes:
        columns.setdefault(n["col"], []).append(n)
    for col in sorted(columns):
        members = columns[col]
        if col > 0:
            def weight(n: dict[str, Any]) -> float:
                rows = [by_key[p]["row"] for p in preds.get(n["key"], ()) if "row" in by_key[p]]
                return sum(rows) / len(rows) if rows else 1e9
            members.sort(key=weight)
        else:
            members.sort(key=lambda n: n["kind"] == "denier")
        for i, n in enumerate(members):
            n["row"] = i


def flow_svg(card: Mapping[str, Any], *, max_docs: int = MAX_FLOW_DOCS) -> Markup:
    """The flow of ``card`` as an inline ``<svg>`` (empty when the family has no carrier).

    >>> flow_svg({"origins": [], "carriers": [], "denials": []})
    Markup('')
    """
    lay = flow_layout(card, max_docs=max_docs)
    nodes = lay["nodes"]
    if not any(n["kind"] in ("document", "copy") for n in nodes):
        return Markup("")
    n_cols = max(n["col"] for n in nodes) + 1
    n_rows = max(n["row"] for n in nodes) + 1
    width = n_cols * _COL_W + _PAD
    height = _HEAD + n_rows * _ROW_H + _PAD
    pos = {n["key"]: (_PAD + n["col"] * _COL_W, _HEAD + n["row"] * _ROW_H) for n in nodes}
    label = (f"Provenance flow: {sum(n['kind'] == 'origin' for n in nodes)} origins, "
             f"{sum(n['kind'] in ('document', 'copy') for n in nodes)} documents in time order")
    out = [f'<svg class="flow" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(label)}">']
    for i, name in enumerate(lay["columns"]):
        x = _PAD + i * _COL_W + _NODE_W / 2
        out.append(f'<text class="col" x="{x:.0f}" y="14" text-anchor="middle">'
                   f'{escape(name)}</text>')
    for e in lay["edges"]:
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        x1, y1 = x1 + _NODE_W, y1 + _NODE_H / 2
        y2 = y2 + _NODE_H / 2
        if x2 <= x1:  # same column (a copy dated the same day): loop round on the right
            bend = x1 + 28
            path = f"M{x1:.0f},{y1:.0f} C{bend:.0f},{y1:.0f} {bend:.0f},{y2:.0f} {x1:.0f},{y2:.0f}"
            tip_x, tip_dir = x1, -1
        elif x2 - x1 > _COL_W:  # skips a column: run in the gap above the rows, not through nodes
            lane = min(y1, y2) - _NODE_H / 2 - (_ROW_H - _NODE_H) / 2
            a, b = x1 + 20, x2 - 20
            path = (f"M{x1:.0f},{y1:.0f} C{a:.0f},{y1:.0f} {x1:.0f},{lane:.0f} {a + 10:.0f},"
                    f"{lane:.0f} L{b - 10:.0f},{lane:.0f} C{x2:.0f},{lane:.0f} {b:.0f},{y2:.0f} "
                    f"{x2:.0f},{y2:.0f}")
            tip_x, tip_dir = x2, 1
        else:
            mid = (x1 + x2) / 2
            path = f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
            tip_x, tip_dir = x2, 1
        head = (f"{tip_x:.0f},{y2:.0f} {tip_x - 8 * tip_dir:.0f},{y2 - 4:.0f} "
                f"{tip_x - 8 * tip_dir:.0f},{y2 + 4:.0f}")
        out.append(f'<g class="e e-{e["kind"]}"><title>{escape(e["label"])}</title>'
                   f'<path d="{path}"/><polygon points="{head}"/></g>')
    for n in nodes:
        x, y = pos[n["key"]]
        cls = f'n n-{n["kind"]}' + (" loop" if n.get("loop") else "") + \
            (" hardened" if n.get("hardened") else "")
        box = (f'<g class="{cls}"><title>{escape(n["title"])}</title>'
               f'<rect x="{x}" y="{y}" width="{_NODE_W}" height="{_NODE_H}" rx="5"/>'
               f'<text x="{x + 7}" y="{y + 14}">{escape(_cut(n["label"]))}</text>'
               f'<text class="sub" x="{x + 7}" y="{y + 28}">'
               f'{escape(_cut(n["sub"], 28))}</text></g>')
        href = n.get("href")
        out.append(f'<a href="{escape(href)}">{box}</a>' if href else box)
    out.append("</svg>")
    return Markup("".join(out))


#: The legend printed under every flow (the same words as the classes above).
FLOW_LEGEND = (("n-origin", "origin"), ("n-document", "document carrying the claim"),
               ("n-copy", "copy of another document"), ("n-denier", "denies"),
               ("e-quotes", "on the word of"), ("e-copy", "copy, credited"),
               ("e-copy-uncredited", "copy, uncredited"), ("e-denies", "denial"))
