"""XmR chart picture in Making Data Count colours: mean, process and near-limit lines, target, rebases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..analysis import SPC
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
    period_runs,
    setup_axes,
)
from .run_chart import check_lengths

NEAR_LIMIT_SHARE = 2 / 3
"""Near-limit lines sit two thirds of the way from the mean to each process limit (the 2-sigma lines)."""

POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neutral",
    "special_cause_neutral_low": "Special cause: neutral",
}


def render_spc_chart(dates: Sequence[date], result: SPC, *, annotations: Sequence[Annotation] = (),
                     rebase_reasons: Sequence[str] = (), notes: Sequence[PointNote] = (), unit: str = "",
                     fmt: str = "svg") -> bytes:
    """Draw an XmR chart of ``result`` (from ``analysis.spc``) against ``dates`` as SVG or PNG bytes.

    Points take the Making Data Count colour of their point type; limits are drawn per period and
    labelled "Trial limits" where fewer than 12 points set them; the target comes from the result.
    ``annotations``, ``rebase_reasons``, ``notes`` and ``unit`` are as for ``render_run_chart``.
    Raises ValueError when ``dates`` and the result differ in length, or for an unknown format.
    """
    check_lengths(dates, result.values)
    with chart_figure(fmt) as (figure, axes, buffer):
        setup_axes(axes, dates, unit)
        draw_data_line(axes, dates, result.values, [style.POINT_COLOURS[kind] for kind in result.point_type])
        _draw_limits(axes, dates, result)
        draw_target(axes, result.target, unit)
        draw_rebases(axes, dates, result.period, rebase_reasons)
        draw_annotations(axes, dates, annotations)
        draw_notes(axes, notes)
        figure.legend(handles=_legend(result), loc="outside lower center", ncols=3, frameon=False, fontsize=8)
    return buffer.getvalue()


def near_limits(result: SPC) -> tuple[list[float | None], list[float | None]]:
    """The upper and lower near-limit lines per point (None where the limits are None)."""
    upper = [None if top is None else mean + NEAR_LIMIT_SHARE * (top - mean)
             for mean, top in zip(result.mean, result.upper, strict=True)]
    lower = [None if bottom is None else mean - NEAR_LIMIT_SHARE * (mean - bottom)
             for mean, bottom in zip(result.mean, result.lower, strict=True)]
    return upper, lower


def _draw_limits(axes: Axes, dates: Sequence[date], result: SPC) -> None:
    """Mean, process limits and near-limit lines per period, and the trial-limits labels."""
    draw_per_period(axes, dates, result.mean, result.period, colors=style.INK, linewidth=1.3)
    for line in (result.upper, result.lower):
        draw_per_period(axes, dates, line, result.period, colors=style.LIMIT, linewidth=1.1,
                        linestyles=(0, (5, 3)))
    for line in near_limits(result):
        draw_per_period(axes, dates, line, result.period, colors=style.COMMON_CAUSE, linewidth=0.8,
                        linestyles=(0, (1, 2)))
    _label_trial_limits(axes, dates, result)


def _label_trial_limits(axes: Axes, dates: Sequence[date], result: SPC) -> None:
    """Say 'Trial limits' above the upper limit of each period whose limits rest on fewer than 12 points."""
    for part in period_runs(result.period):
        if not result.trial_limits[part.start]:
            continue
        top = result.upper[part.start]
        axes.annotate("Trial limits", xy=(dates[part.start], result.mean[part.start] if top is None else top),
                      xytext=(2, 3), textcoords="offset points", fontsize=7.5, color=style.LIMIT,
                      fontstyle="italic")


def _legend(result: SPC) -> list[Line2D]:
    """Legend entries for the lines and for each point type on the chart."""
    trial = " (trial)" if any(result.trial_limits) else ""
    handles = [
        Line2D([], [], color=style.INK, linewidth=1.3, label="Mean"),
        Line2D([], [], color=style.LIMIT, linewidth=1.1, linestyle=(0, (5, 3)), label=f"Process limits{trial}"),
        Line2D([], [], color=style.COMMON_CAUSE, linewidth=0.8, linestyle=(0, (1, 2)), label="Near-limit lines"),
    ]
    labels = {POINT_LABELS[kind]: style.POINT_COLOURS[kind] for kind in result.point_type}
    handles += [
        Line2D([], [], color=colour, marker="o", linestyle="", markersize=style.MARKER_SIZE, label=label)
        for label, colour in labels.items()
    ]
    return handles
