"""The one entry point for drawing a measure's chart, whichever kind its analysis is (picklable, for drawing in
another process)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ..analysis import SPC, RunChart
from .run_chart import render_run_chart
from .spc_chart import render_spc_chart


def render_chart(dates: Sequence[date], result: RunChart | SPC, *, target: float | None = None, **common) -> bytes:
    """A run chart (with its target line) or an XmR chart (whose target is in the result) as SVG or PNG bytes."""
    if isinstance(result, RunChart):
        return render_run_chart(dates, result, target=target, **common)
    return render_spc_chart(dates, result, **common)
