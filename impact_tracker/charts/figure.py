"""Drawing steps both charts share: the Figure, the date axis, centre lines, target, rebases, annotations."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from . import style

FORMATS = ("svg", "png")
LABEL_LEVELS = 3
"""Annotation labels above the chart step down through this many rows so that neighbours do not overlap."""


@dataclass(frozen=True)
class Annotation:
    """A labelled date on a chart (a PDSA cycle starting or adopted, a rebase); ``href`` links the marker."""

    when: date
    label: str
    href: str = ""


@dataclass(frozen=True)
class PointNote:
    """A free note on one data point, drawn beside the point."""

    when: date
    value: float
    text: str


@contextmanager
def chart_figure(fmt: str) -> Iterator[tuple[Figure, Axes, io.BytesIO]]:
    """A fresh Figure with one Axes under the house matplotlib settings; saved as ``fmt`` on exit.

    Raises ValueError for a format other than "svg" or "png".
    """
    if fmt not in FORMATS:
        raise ValueError(f"chart format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    buffer = io.BytesIO()
    with matplotlib.rc_context(style.RC):
        figure = Figure(figsize=style.FIGURE_SIZE, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        yield figure, axes, buffer
        _save(figure, fmt, buffer)


def _save(figure: Figure, fmt: str, buffer: io.BytesIO) -> None:
    """Write the figure, leaving out dates and versions so the same inputs give the same bytes."""
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    else:
        figure.savefig(buffer, format="png", dpi=style.PNG_DPI, metadata={"Software": None})


def format_number(value: float, unit: str = "") -> str:
    """'95%' for percentages, '4.5 falls' with a unit, else the number without a trailing .0."""
    text = f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if unit == "%":
        return text + "%"
    return f"{text} {unit}".strip()


def setup_axes(axes: Axes, dates: Sequence[date], unit: str) -> None:
    """Dates along the bottom (with a little room either side) and the unit on the value axis."""
    locator = AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    pad = max((dates[-1] - dates[0]) / 40, timedelta(days=1))
    axes.set_xlim(dates[0] - pad, dates[-1] + pad)
    axes.grid(axis="y", color="#e8edee", linewidth=0.8)
    axes.set_axisbelow(True)
    if unit:
        axes.set_ylabel(unit)


def period_runs(period: Sequence[int]) -> list[slice]:
    """Slices covering each run of points that share a period number (one per period)."""
    starts = [0] + [i for i in range(1, len(period)) if period[i] != period[i - 1]]
    ends = starts[1:] + [len(period)]
    return [slice(start, end) for start, end in zip(starts, ends, strict=True)]


def draw_per_period(axes: Axes, dates: Sequence[date], line: Sequence[float | None], period: Sequence[int],
                    **style_options) -> None:
    """A horizontal line per period (centre or limit), broken at each rebase; None values are skipped."""
    label = style_options.pop("label", None)
    for part in period_runs(period):
        value = line[part.start]
        if value is None:
            continue
        axes.hlines(value, dates[part.start], dates[part.stop - 1], label=label, **style_options)
        label = None


def draw_target(axes: Axes, target: float | None, unit: str) -> None:
    """The target as a red dashed line labelled at its right-hand end."""
    if target is None:
        return
    axes.axhline(target, color=style.TARGET, linestyle=(0, (6, 3)), linewidth=1.4, zorder=1)
    axes.annotate(f"Target {format_number(target, unit)}", xy=(1, target), xycoords=("axes fraction", "data"),
                  xytext=(-2, 3), textcoords="offset points", ha="right", va="bottom", color=style.TARGET,
                  fontsize=8)


def draw_rebases(axes: Axes, dates: Sequence[date], period: Sequence[int], reasons: Sequence[str]) -> None:
    """A vertical line where each new period starts, labelled with the reason for the rebase."""
    starts = [part.start for part in period_runs(period)][1:]
    for number, start in enumerate(starts):
        when = dates[start - 1] + (dates[start] - dates[start - 1]) / 2
        axes.axvline(when, color=style.REBASE, linewidth=1, linestyle=(0, (2, 2)), zorder=1)
        reason = reasons[number] if number < len(reasons) else ""
        text = _shorten(f"Rebased: {reason}" if reason else "Rebased", style.NOTE_LENGTH + 16)
        axes.text(when, 0.02, text, transform=blended_transform_factory(axes.transData, axes.transAxes),
                  rotation=90, ha="right", va="bottom", fontsize=7, color=style.REBASE)


def draw_annotations(axes: Axes, dates: Sequence[date], annotations: Sequence[Annotation]) -> None:
    """Each annotation within the chart's dates as a marked line with its label above the chart, linked."""
    shown = [note for note in annotations if dates[0] <= note.when <= dates[-1]]
    transform = blended_transform_factory(axes.transData, axes.transAxes)
    for number, note in enumerate(sorted(shown, key=lambda note: note.when)):
        line = axes.axvline(note.when, color=style.ANNOTATION, linewidth=1, alpha=0.7, zorder=1)
        level = number % LABEL_LEVELS
        label = axes.text(note.when, 1.02 + 0.065 * level, note.label, transform=transform, ha="center",
                          va="bottom", fontsize=8, color=style.ANNOTATION, clip_on=False)
        if note.href:
            line.set_url(note.href)
            label.set_url(note.href)


def draw_notes(axes: Axes, notes: Sequence[PointNote]) -> None:
    """Each point's note in small text just above it, shortened if long."""
    for number, note in enumerate(notes):
        axes.annotate(_shorten(note.text, style.NOTE_LENGTH), xy=(note.when, note.value),
                      xytext=(0, 10 + 9 * (number % 2)), textcoords="offset points", ha="center", fontsize=7,
                      color=style.INK, arrowprops={"arrowstyle": "-", "color": style.LINE, "linewidth": 0.6})


def draw_data_line(axes: Axes, dates: Sequence[date], values: Sequence[float], colours: Sequence[str]) -> None:
    """The values joined by a thin line, each point coloured by what the analysis says about it."""
    axes.plot(dates, values, color=style.LINE, linewidth=1.1, zorder=2)
    axes.scatter(dates, values, c=list(colours), s=style.MARKER_SIZE**2, zorder=3, edgecolors="white",
                 linewidths=0.6)


def _shorten(text: str, length: int) -> str:
    """The text, cut at ``length`` characters with an ellipsis."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def inline_svg(svg: bytes) -> str:
    """An SVG document as markup to place inside an HTML page: no XML prolog, links open in the same tab."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    return text.replace(' target="_blank"', "")
