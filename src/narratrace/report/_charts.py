"""Server-drawn SVG charts (no script needed; every label escaped, colours by class)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

#: Narrative colours before they repeat (web.css and report.css define .n0 … .n9).
N_COLOURS = 10
_W, _LABEL_W, _ROW_H, _AXIS_H = 800, 170, 34, 22
#: The key under the chart: one row per this many pixels, a swatch and a name per narrative.
_KEY_ROW_H, _KEY_SWATCH, _CHAR_W = 20, 12, 6.6


def narrative_class(narratives: list[str], name: str) -> str:
    return f"n{narratives.index(name) % N_COLOURS}" if name in narratives else "n0"


def narratives_chart(data: Mapping[str, Any]) -> Markup:
    """Documents per month per outlet, each bar stacked by top narrative; hover for counts.
    A key under the axis names the colour of every narrative drawn.

    >>> str(narratives_chart({"months": [], "outlets": [], "narratives": [], "cells": []}))
    ''
    """
    months: list[str] = list(data.get("months") or [])
    outlets: list[str] = list(data.get("outlets") or [])
    narratives: list[str] = list(data.get("narratives") or [])
    if not months or not outlets:
        return Markup("")
    cells = {(c["outlet"], c["month"]): c["counts"] for c in data.get("cells") or []}
    peak = max((sum(c.values()) for c in cells.values()), default=1) or 1
    col = (_W - _LABEL_W) / len(months)
    bar = max(1.0, col * 0.8)
    key, key_h = _key(narratives, len(outlets) * _ROW_H + _AXIS_H)
    height = len(outlets) * _ROW_H + _AXIS_H
    out = [f'<svg class="chart" viewBox="0 0 {_W} {height + key_h}" role="img" '
           f'aria-label="Documents per month and outlet, by narrative">']
    for r, outlet in enumerate(outlets):
        y0 = r * _ROW_H
        label = outlet if len(outlet) <= 24 else outlet[:23] + "…"
        out.append(f'<text class="lbl" x="{_LABEL_W - 6}" y="{y0 + _ROW_H / 2 + 4:.1f}" '
                   f'text-anchor="end"><title>{escape(outlet)}</title>{escape(label)}</text>')
        out.append(f'<line class="base" x1="{_LABEL_W}" x2="{_W}" y1="{y0 + _ROW_H - 2}" '
                   f'y2="{y0 + _ROW_H - 2}"/>')
        for m, month in enumerate(months):
            counts = cells.get((outlet, month))
            if not counts:
                continue
            x = _LABEL_W + m * col + (col - bar) / 2
            y = y0 + _ROW_H - 2
            for name, n in sorted(counts.items(), key=lambda kv: narratives.index(kv[0])
                                  if kv[0] in narratives else 0):
                h = (_ROW_H - 6) * n / peak
                y -= h
                out.append(f'<rect class="{narrative_class(narratives, name)}" x="{x:.1f}" '
                           f'y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}"><title>'
                           f'{escape(outlet)} · {escape(month)} · {escape(name)}: {n}'
                           f'</title></rect>')
    step = max(1, len(months) // 8)
    for m in range(0, len(months), step):
        x = _LABEL_W + (m + 0.5) * col
        out.append(f'<text class="axis" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
                   f'{escape(months[m])}</text>')
    out.extend(key)
    out.append("</svg>")
    return Markup("".join(out))


def _key(narratives: list[str], top: float) -> tuple[list[str], float]:
    """The chart's legend as SVG (a swatch and a name per narrative, wrapped into rows under
    the axis), and its height."""
    out, x, y = [], float(_LABEL_W), top + 4
    for name in narratives:
        label = name if len(name) <= 40 else name[:39] + "…"
        width = _KEY_SWATCH + 6 + len(label) * _CHAR_W + 16
        if x + width > _W and x > _LABEL_W:
            x, y = float(_LABEL_W), y + _KEY_ROW_H
        out.append(f'<g class="key"><rect class="{narrative_class(narratives, name)}" x="{x:.1f}" '
                   f'y="{y:.1f}" width="{_KEY_SWATCH}" height="{_KEY_SWATCH}"/>'
                   f'<text class="lbl" x="{x + _KEY_SWATCH + 5:.1f}" y="{y + _KEY_SWATCH - 1:.1f}">'
                   f'<title>{escape(name)}</title>{escape(label)}</text></g>')
        x += width
    if out:
        out.insert(0, f'<text class="axis" x="{_LABEL_W - 6}" y="{top + 4 + _KEY_SWATCH - 1:.1f}" '
                      'text-anchor="end">Top narrative:</text>')
    return out, (y - top + _KEY_ROW_H + 4 if out else 0.0)
