"""The overview chart, shared with the static report (drawn by ``narratrace.report``)."""

from __future__ import annotations

from ..report import N_COLOURS, narrative_class, narratives_chart

__all__ = ["N_COLOURS", "narrative_class", "narratives_chart"]
