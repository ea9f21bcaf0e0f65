"""The overview chart, shared with the static report (drawn in ``report._charts``)."""

from __future__ import annotations

from ..report._charts import N_COLOURS, narrative_class, narratives_chart

__all__ = ["N_COLOURS", "narrative_class", "narratives_chart"]
