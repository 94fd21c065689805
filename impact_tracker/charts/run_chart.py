"""Run chart picture: the values, the median per period, IHI shift and trend points highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matplotlib.lines import Line2D

from ..analysis import RunChart
from . import style
from .figure import (
    Annotation,
    PointNote,
    chart_figure,
    draw_annotations,
    draw_data_line,
    draw_notes,
    draw_per_period,
    draw_rebases,
    draw_target,
    setup_axes,
)


def render_run_chart(dates: Sequence[date], result: RunChart, *, annotations: Sequence[Annotation] = (),
                     rebase_reasons: Sequence[str] = (), notes: Sequence[PointNote] = (),
                     target: float | None = None, unit: str = "", fmt: str = "svg") -> bytes:
    """Draw a run chart of ``result`` (from ``analysis.run_chart``) against ``dates`` as SVG or PNG bytes.

    ``annotations`` mark dates (PDSA cycles) with linked labels; ``rebase_reasons`` label the second and
    later periods; ``notes`` are drawn beside their points; ``unit`` labels the value axis ("%" for
    percentages). Raises ValueError when ``dates`` and the result differ in length, or for an unknown format.
    """
    check_lengths(dates, result.values)
    with chart_figure(fmt) as (figure, axes, buffer):
        setup_axes(axes, dates, unit)
        draw_data_line(axes, dates, result.values, run_colours(result))
        draw_per_period(axes, dates, result.centre, result.period, colors=style.INK, linewidth=1.3)
        draw_target(axes, target, unit)
        draw_rebases(axes, dates, result.period, rebase_reasons)
        draw_annotations(axes, dates, annotations)
        draw_notes(axes, notes)
        figure.legend(handles=_legend(result), loc="outside lower center", ncols=3, frameon=False, fontsize=8)
    return buffer.getvalue()


def run_colours(result: RunChart) -> list[str]:
    """Each point's colour: shift points first, then trend points, else the plain point colour."""
    return [
        style.SHIFT_POINT if shift else style.TREND_POINT if trend else style.RUN_POINT
        for shift, trend in zip(result.shift, result.trend, strict=True)
    ]


def check_lengths(dates: Sequence[date], values: Sequence[float]) -> None:
    """Raise ValueError unless there is one date per value and at least one of each."""
    if not values or len(dates) != len(values):
        raise ValueError(f"{len(dates)} dates for {len(values)} values: a chart needs one date per value")


def _legend(result: RunChart) -> list[Line2D]:
    """Legend entries for the median and whichever highlights appear."""
    handles = [Line2D([], [], color=style.INK, linewidth=1.3, label="Median")]
    if any(result.shift):
        handles.append(_dot(style.SHIFT_POINT, "Shift: 6 or more points on one side of the median"))
    if any(result.trend):
        handles.append(_dot(style.TREND_POINT, "Trend: 5 or more points rising or falling"))
    return handles


def _dot(colour: str, label: str) -> Line2D:
    """A legend entry showing a coloured point."""
    return Line2D([], [], color=colour, marker="o", linestyle="", markersize=style.MARKER_SIZE, label=label)
