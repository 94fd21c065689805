"""Chart panels for measure pages: gather a measure's points, rebases and PDSA cycles, analyse, render (cached)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app, url_for
from markupsafe import Markup
from sqlalchemy import select

from ... import charts
from ...analysis import SPC, RunChart, describe, percentage_analysis, run_chart, spc
from ...core.errors import DomainError
from ...extensions import db
from ...pdsa.models import Decision, PDSACycle
from ..models import ChartType, DataPoint, Measure

MIN_POINTS = 2
TOO_FEW_POINTS = "Add at least two points to see a chart."
CACHE_EXTENSION = "impact_tracker.chart_cache"

CHART_LABELS = {"run": "Run chart", "xmr": "XmR chart (Making Data Count)"}
RUN_SIGNALS = {(True, True): "Shift and trend", (True, False): "Shift", (False, True): "Trend"}
RULE_WORDS = {
    "above_upper": "above the upper limit",
    "below_lower": "below the lower limit",
    "trend_up": "one of 7 points in a row rising",
    "trend_down": "one of 7 points in a row falling",
    "two_in_three_high": "two of three points near the upper limit",
    "two_in_three_low": "two of three points near the lower limit",
    "shift_high": "one of 7 points in a row above the mean",
    "shift_low": "one of 7 points in a row below the mean",
}
POINT_WORDS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause improvement",
    "special_cause_concern": "Special cause concern",
    "special_cause_neutral_high": "Special cause (neutral)",
    "special_cause_neutral_low": "Special cause (neutral)",
}


@dataclass(frozen=True)
class MeasureAnalysis:
    """A measure's points analysed: what the chart, the measure page and the API share."""

    measure_id: int
    chart: str
    dates: tuple[date, ...]
    result: RunChart | SPC
    rebases: tuple[charts.Annotation, ...]
    cycles: tuple[charts.Annotation, ...]
    notes: tuple[charts.PointNote, ...]
    unit: str
    target: float | None
    warnings: tuple[str, ...]

    @property
    def summary(self) -> str:
        """The plain-English sentences from ``analysis.describe``."""
        return describe(self.result)


@dataclass(frozen=True)
class ChartPanel:
    """Everything the measure page shows about a chart: the SVG, its text alternative and data table.

    ``message`` is set instead of a chart when there is nothing to draw (too few points, unusable data).
    """

    svg: str = ""
    description: str = ""
    png_url: str = ""
    rows: list[dict] = field(default_factory=list)
    variation_icon: str | None = None
    assurance: str | None = None
    warnings: tuple[str, ...] = ()
    message: str = ""
    chart: str = ""
    chart_label: str = ""
    centre_label: str = "Centre"
    has_limits: bool = False
    variation_svg: str = ""
    variation_label: str = ""
    assurance_svg: str = ""
    assurance_label: str = ""
    annotations: list[dict] = field(default_factory=list)


def chart_panel(measure) -> ChartPanel:
    """The chart panel for a measure: inline SVG, description, data table, icons and PDSA links.

    A measure with fewer than two points, or whose data cannot be analysed, gets a panel with a message.
    """
    try:
        analysis = analyse_measure(measure)
    except DomainError as error:
        return ChartPanel(message=error.message, description=error.message)
    if analysis is None:
        return ChartPanel(message=TOO_FEW_POINTS, description=TOO_FEW_POINTS)
    svg = charts.inline_svg(chart_image(analysis, "svg"))
    # Markup is safe here: matplotlib escapes every text it writes (a test puts markup in notes and units),
    # and the icons are our own fixed SVG.
    return ChartPanel(
        svg=Markup(svg),  # nosec B704
        description=analysis.summary,
        png_url=url_for("measures.chart_png", measure_id=measure.id),
        rows=chart_rows(analysis),
        warnings=analysis.warnings,
        chart=analysis.chart,
        chart_label=CHART_LABELS[analysis.chart],
        annotations=[{"label": note.label, "date": note.when, "href": note.href} for note in analysis.cycles],
        **_centre_and_icons(analysis.result),
    )


def _centre_and_icons(result: RunChart | SPC) -> dict:
    """The panel fields that differ between a run chart (median, no icons) and an XmR chart."""
    if isinstance(result, RunChart):
        return {"centre_label": "Median"}
    return {
        "centre_label": "Mean",
        "has_limits": True,
        "variation_icon": result.variation_icon,
        "variation_svg": Markup(charts.variation_icon(result.variation_icon)),  # nosec B704
        "variation_label": charts.VARIATION_LABELS[result.variation_icon],
        "assurance": result.assurance,
        "assurance_svg": Markup(charts.assurance_icon(result.assurance)),  # nosec B704
        "assurance_label": charts.ASSURANCE_LABELS.get(result.assurance or "", ""),
    }


def analyse_measure(measure: Measure, cycles: tuple[charts.Annotation, ...] | None = None,
                    points: Sequence | None = None) -> MeasureAnalysis | None:
    """Analyse a measure's points with its chart type, baseline, rebases, direction and target.

    Proportions are analysed as percentages. Returns None with fewer than two points. Raises DomainError
    (field "points") when the data cannot be analysed, e.g. a numerator greater than its denominator.
    `cycles` are the project's PDSA annotations and `points` its rows in date order (anything with period,
    value, numerator, denominator and annotation), when the caller has them; else they are loaded.
    """
    points = plotted_points(measure, measure.points if points is None else points)
    if len(points) < MIN_POINTS:
        return None
    dates = tuple(point.period for point in points)
    rebase_at, rebases = _rebase_positions(measure, dates)
    baseline, warnings = _baseline(measure.baseline_points, len(dates), rebase_at)
    try:
        result = _analyse(measure, points, baseline, rebase_at)
    except ValueError as error:
        raise DomainError(f"The data cannot be charted: {error}.", field="points") from error
    return MeasureAnalysis(
        measure_id=measure.id, chart=measure.chart.value, dates=dates, result=result, rebases=rebases,
        cycles=tuple(cycle_annotations(measure.project_id)) if cycles is None else cycles,
        notes=_notes(points, result.values),
        unit="%" if measure.is_proportion else measure.unit, target=measure.target,
        warnings=warnings + tuple(_sentence(warning) for warning in result.warnings),
    )


def chart_key(analysis: MeasureAnalysis) -> str:
    """A hash of everything that changes the picture; stored with the measure's summary on every write."""
    return charts.cache_key(analysis.chart, analysis.dates, analysis.result, analysis.rebases, analysis.cycles,
                            analysis.notes, analysis.unit, analysis.target)


def image_key(key: str, fmt: str) -> str:
    """The cache key of one format of the chart named by `key`."""
    return f"{key}.{fmt}"


def chart_image(analysis: MeasureAnalysis, fmt: str) -> bytes:
    """The chart as SVG or PNG bytes, from the cache when the same picture was drawn before."""
    return _cache().get_or_render(image_key(chart_key(analysis), fmt), lambda: _draw(analysis, fmt))


def render_soon(analysis: MeasureAnalysis) -> None:
    """Draw the chart's SVG in the background, so the next page view finds it in the cache."""
    _cache().render_soon(image_key(chart_key(analysis), "svg"), charts.render_chart, analysis.dates,
                         analysis.result, target=analysis.target, **_drawing_options(analysis, "svg"))


def cached_chart(key: str, fmt: str) -> bytes | None:
    """The chart stored under a summary's `key`, if it has been drawn: one cache lookup, no analysis."""
    return _cache().get(image_key(key, fmt)) if key else None


def measure_chart(measure: Measure, fmt: str) -> bytes | None:
    """The measure's chart as SVG or PNG bytes, or None when there is no chart to draw (analyses and draws
    on a cache miss: for a measure whose summary has not been drawn yet)."""
    try:
        analysis = analyse_measure(measure)
    except DomainError:
        return None
    return None if analysis is None else chart_image(analysis, fmt)


def chart_filename(name: str, fmt: str) -> str:
    """A download name from the measure's name, e.g. 'falls-per-1-000-bed-days-chart.png'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "measure"
    return f"{slug}-chart.{fmt}"


def cycle_annotations(project_id: int) -> list[charts.Annotation]:
    """A marker for each PDSA cycle of the project at its start, and another where it was adopted."""
    return cycle_annotations_by_project([project_id]).get(project_id, [])


def cycle_annotations_by_project(project_ids: list[int]) -> dict[int, list[charts.Annotation]]:
    """Each project's cycle markers (see cycle_annotations), from one query however many projects."""
    cycles = db.session.scalars(select(PDSACycle).where(PDSACycle.project_id.in_(project_ids))
                                .order_by(PDSACycle.start, PDSACycle.id))
    markers: dict[int, list[charts.Annotation]] = {}
    for cycle in cycles:
        href = _cycle_href(cycle.id)
        notes = markers.setdefault(cycle.project_id, [])
        if cycle.start:
            notes.append(charts.Annotation(cycle.start, cycle.label, href))
        if cycle.decision == Decision.ADOPT and cycle.end:
            notes.append(charts.Annotation(cycle.end, f"{cycle.label} adopted", href))
    return {project_id: sorted(notes, key=lambda note: note.when) for project_id, notes in markers.items()}


def chart_rows(analysis: MeasureAnalysis) -> list[dict]:
    """The data table: period, value, centre, limits, the signal in words and any note, one row per point."""
    result, percent = analysis.result, analysis.unit == "%"
    centre = result.centre if isinstance(result, RunChart) else result.mean
    upper = (None,) * len(centre) if isinstance(result, RunChart) else result.upper
    lower = (None,) * len(centre) if isinstance(result, RunChart) else result.lower
    notes = {note.when: note.text for note in analysis.notes}
    return [
        {"period": when, "value": _number(result.values[i], percent), "centre": _number(centre[i], percent),
         "upper": _number(upper[i], percent), "lower": _number(lower[i], percent),
         "signal": point_signal(result, i), "note": notes.get(when, "")}
        for i, when in enumerate(analysis.dates)
    ]


def point_signal(result: RunChart | SPC, position: int) -> str:
    """What the analysis says about one point, in words ('' for an unremarkable run chart point)."""
    if isinstance(result, RunChart):
        return RUN_SIGNALS.get((result.shift[position], result.trend[position]), "")
    words = POINT_WORDS[result.point_type[position]]
    rule = result.rule[position]
    return f"{words}: {RULE_WORDS[rule]}" if rule else words


def plotted_points(measure: Measure, points: Sequence) -> list:
    """The points a chart can plot: those with a value (or with both counts, for a proportion)."""
    if measure.is_proportion:
        return [point for point in points if point.numerator is not None and point.denominator is not None]
    return [point for point in points if point.value is not None]


def _rebase_positions(measure: Measure, dates: tuple[date, ...]) -> tuple[list[int], tuple[charts.Annotation, ...]]:
    """Each rebase as the position of the first point on or after its date, with its reason.

    Rebases before the second point or after the last point cannot start a period and are left out.
    """
    positions: list[int] = []
    rebases: list[charts.Annotation] = []
    for rebase in measure.rebases:
        position = bisect.bisect_left(dates, rebase.period)
        if 0 < position < len(dates) and position not in positions:
            positions.append(position)
            rebases.append(charts.Annotation(dates[position], rebase.reason))
    return positions, tuple(rebases)


def _baseline(baseline: int | None, n_points: int, rebase_at: list[int]) -> tuple[int | None, tuple[str, ...]]:
    """The baseline length to use: the measure's, shortened to fit the shortest period (with a warning)."""
    if not baseline:
        return None, ()
    bounds = [0, *rebase_at, n_points]
    shortest = min(end - start for start, end in zip(bounds, bounds[1:], strict=False))
    if baseline <= shortest:
        return baseline, ()
    warning = (f"The baseline of {baseline} points is longer than a period of {shortest} points, so "
               f"{shortest} points set the centre line there and in every period.")
    return shortest, (warning,)


def _analyse(measure: Measure, points: list[DataPoint], baseline: int | None, rebase_at: list[int]):
    """Run the measure's chart analysis; raises ValueError from the analysis on unusable data."""
    options: dict = {"baseline": baseline, "rebase_at": rebase_at}
    function = run_chart
    if measure.chart == ChartType.XMR:
        function = spc
        options |= {"improvement_direction": measure.improvement_direction.value, "target": measure.target}
    if measure.is_proportion:
        counts = [point.numerator for point in points], [point.denominator for point in points]
        return percentage_analysis(function, *counts, **options)
    return function([point.value for point in points], **options)


def _notes(points: list[DataPoint], values: tuple[float, ...]) -> tuple[charts.PointNote, ...]:
    """The free notes people added to points, placed at the plotted values."""
    return tuple(
        charts.PointNote(point.period, value, point.annotation.strip())
        for point, value in zip(points, values, strict=True)
        if point.annotation and point.annotation.strip()
    )


def _draw(analysis: MeasureAnalysis, fmt: str) -> bytes:
    """Render the picture (the slow part the cache saves)."""
    return charts.render_chart(analysis.dates, analysis.result, target=analysis.target,
                               **_drawing_options(analysis, fmt))


def _drawing_options(analysis: MeasureAnalysis, fmt: str) -> dict:
    return {"annotations": analysis.cycles, "rebase_reasons": [note.label for note in analysis.rebases],
            "notes": analysis.notes, "unit": analysis.unit, "fmt": fmt}


def _cache() -> charts.ChartCache:
    """This app's chart cache: memory, plus files under IMPACT_CHART_CACHE_DIR (default instance/chart-cache).

    Setting IMPACT_CHART_CACHE_DIR to "" or None keeps the cache in memory only.
    """
    if CACHE_EXTENSION not in current_app.extensions:
        default = Path(current_app.instance_path) / "chart-cache"
        directory = current_app.config.get("IMPACT_CHART_CACHE_DIR", default)
        current_app.extensions[CACHE_EXTENSION] = charts.ChartCache(directory)
    return current_app.extensions[CACHE_EXTENSION]


def _cycle_href(cycle_id: int) -> str:
    """A link (path only) to the cycle's page. Built from the URL map rather than url_for, because summaries
    are refreshed from the command line too, where there is no request to take a host from."""
    if "pdsa.detail" not in current_app.view_functions:
        return ""
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return adapter.build("pdsa.detail", {"cycle_id": cycle_id})


def _number(value: float | None, percent: bool) -> str:
    """A number for the data table: at most two decimal places, '%' for percentages, '' for none."""
    if value is None:
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text + ("%" if percent else "")


def _sentence(warning: str) -> str:
    """An analysis warning as a sentence."""
    return warning[:1].upper() + warning[1:] + ("" if warning.endswith(".") else ".")
