"""Each measure's latest analysis, kept current on write so that no page view has to analyse or draw.

A session listener notes every measure whose picture may have changed (its points, rebases or settings, or a
PDSA cycle of its project, whose markers sit on the chart) and, just before the transaction commits,
re-analyses those measures and stores a `MeasureSummary` for each, in the same transaction. After the commit
the charts are drawn in the background. Bulk writes that bypass the ORM's unit of work call `mark_stale`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_request_context
from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session, selectinload

from ...analysis import RunChart
from ...core.errors import DomainError
from ...core.permissions import can_view_place
from ...extensions import db
from ...pdsa.models import PDSACycle
from ...projects.models import Project
from ..models import DataPoint, Measure, MeasureSummary, Rebase, SummaryStatus
from .charts import (
    MeasureAnalysis,
    analyse_measure,
    cached_chart,
    chart_filename,
    chart_key,
    cycle_annotations_by_project,
    measure_chart,
    plotted_points,
    render_soon,
)

STALE_MEASURES = "impact_tracker.stale_measures"
STALE_PROJECTS = "impact_tracker.stale_projects"
TO_DRAW = "impact_tracker.charts_to_draw"


@dataclass(frozen=True)
class Latest:
    """What a dashboard shows about a measure without opening it."""

    status: SummaryStatus
    points: int
    latest_period: date | None
    variation_icon: str | None
    assurance: str | None
    run_signal: str | None
    chart_key: str


def start_tracking() -> None:
    """Listen to every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def mark_stale(session: Session, measure_ids: Iterable[int]) -> None:
    """Refresh these measures' summaries when the session commits (for writes that bypass the ORM)."""
    session.info.setdefault(STALE_MEASURES, set()).update(measure_ids)


def _after_flush(session: Session, _context) -> None:
    measures = session.info.setdefault(STALE_MEASURES, set())
    projects = session.info.setdefault(STALE_PROJECTS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, DataPoint | Rebase):
            measures.add(obj.measure_id)
        elif isinstance(obj, Measure) and obj not in session.deleted:
            measures.add(obj.id)
        elif isinstance(obj, PDSACycle):
            projects.add(obj.project_id)


def _before_commit(session: Session) -> None:
    session.flush()  # the commit's own flush comes after this event: note what it holds first
    measures = session.info.pop(STALE_MEASURES, set())
    projects = session.info.pop(STALE_PROJECTS, set())
    if projects:
        measures |= set(session.scalars(select(Measure.id).where(Measure.project_id.in_(projects))))
    measures.discard(None)
    if measures:
        session.info[TO_DRAW] = refresh(session, measures)


def _after_commit(session: Session) -> None:
    analyses = session.info.pop(TO_DRAW, [])
    session.info.pop(STALE_MEASURES, None)  # only the summaries themselves were flushed since before_commit
    session.info.pop(STALE_PROJECTS, None)
    # Only for changes made by a request: a command loading thousands of measures leaves them to be drawn
    # when first viewed rather than keeping a drawing process busy (and the command waiting) for minutes.
    if analyses and has_request_context() and current_app.config.get("IMPACT_DRAW_CHARTS_ON_WRITE", True):
        for analysis in analyses:
            render_soon(analysis)


def _after_rollback(session: Session) -> None:
    for key in (STALE_MEASURES, STALE_PROJECTS, TO_DRAW):
        session.info.pop(key, None)


def refresh(session: Session, measure_ids: Iterable[int]) -> list[MeasureAnalysis]:
    """Re-analyse the measures and store their summaries; returns the analyses of those with a chart.

    Loads the measures with their points, rebases, stored summaries and their projects' cycle markers in four
    queries, however many measures changed.
    """
    ids = sorted(measure_ids)
    query = (select(Measure).where(Measure.id.in_(ids))
             .options(selectinload(Measure.rebases), selectinload(Measure.summary))
             .execution_options(populate_existing=True))
    measures = list(session.scalars(query))
    points = point_rows(session, ids)
    cycles = cycle_annotations_by_project(sorted({measure.project_id for measure in measures}))
    analyses = []
    for measure in measures:
        latest, analysis = summarise(measure, tuple(cycles.get(measure.project_id, ())), points.get(measure.id, []))
        _store(session, measure, latest)
        if analysis is not None:
            analyses.append(analysis)
    return analyses


def point_rows(session: Session, measure_ids: list[int]) -> dict[int, list]:
    """The measures' points as plain rows in date order (no ORM objects: a refresh may read thousands)."""
    rows: dict[int, list] = {}
    query = (select(DataPoint.measure_id, DataPoint.period, DataPoint.value, DataPoint.numerator,
                    DataPoint.denominator, DataPoint.annotation)
             .where(DataPoint.measure_id.in_(measure_ids)).order_by(DataPoint.measure_id, DataPoint.period))
    for row in session.execute(query):
        rows.setdefault(row.measure_id, []).append(row)
    return rows


def summarise(measure: Measure, cycles: tuple | None = None,
              points: list | None = None) -> tuple[Latest, MeasureAnalysis | None]:
    """The measure's latest state as a dashboard shows it, and the analysis behind it (None without a chart)."""
    points = measure.points if points is None else points
    latest_period = max((point.period for point in points), default=None)
    try:
        analysis = analyse_measure(measure, cycles, points)
    except DomainError:
        return Latest(SummaryStatus.UNUSABLE, len(points), latest_period, None, None, None, ""), None
    if analysis is None:
        return Latest(SummaryStatus.TOO_FEW_POINTS, len(plotted_points(measure, points)), latest_period,
                      None, None, None, ""), None
    result = analysis.result
    icons = (None, None, _run_signal(result)) if isinstance(result, RunChart) else (
        result.variation_icon, result.assurance, None)
    latest = Latest(SummaryStatus.ANALYSED, len(analysis.dates), analysis.dates[-1], *icons, chart_key(analysis))
    return latest, analysis


def _run_signal(result: RunChart) -> str:
    """'shift', 'trend' or 'none' at the latest point of a run chart."""
    if result.shift[-1]:
        return "shift"
    return "trend" if result.trend[-1] else "none"


def _store(session: Session, measure: Measure, latest: Latest) -> None:
    summary = measure.summary or MeasureSummary(measure_id=measure.id)
    for name, value in vars(latest).items():
        setattr(summary, name, value)
    if measure.summary is None:
        session.add(summary)


def latest_for(ids: list[int]) -> dict[int, Latest]:
    """Each measure's latest state: the stored summary, or (for one never summarised, such as data loaded
    before summaries existed) worked out now without saving. One query when every summary is stored."""
    stored = {row.measure_id: _from_row(row) for row in db.session.scalars(
        select(MeasureSummary).where(MeasureSummary.measure_id.in_(ids)))} if ids else {}
    missing = [measure_id for measure_id in ids if measure_id not in stored]
    if missing:
        query = (select(Measure).where(Measure.id.in_(missing))
                 .options(selectinload(Measure.points), selectinload(Measure.rebases)))
        stored |= {measure.id: summarise(measure)[0] for measure in db.session.scalars(query)}
    return stored


def _from_row(row: MeasureSummary) -> Latest:
    return Latest(row.status, row.points, row.latest_period, row.variation_icon, row.assurance, row.run_signal,
                  row.chart_key)


def refresh_all(batch: int = 500) -> int:
    """Summarise every measure (after an upgrade, or data loaded in bulk); returns how many. Commits per batch."""
    ids = list(db.session.scalars(select(Measure.id).order_by(Measure.id)))
    for start in range(0, len(ids), batch):
        refresh(db.session, ids[start:start + batch])
        db.session.commit()
        db.session.expunge_all()
    return len(ids)


@dataclass(frozen=True)
class StoredChart:
    """A chart's bytes and the name it downloads as."""

    data: bytes
    filename: str


@functools.cache
def _stored_chart_query():
    """Built once: a repeat chart view is the app's hottest path, and building a statement costs more than
    running this one."""
    organisation, system = db.metadata.tables["organisation"], db.metadata.tables["system"]
    return (select(Measure.name, MeasureSummary.chart_key, Project.organisation_id, organisation.c.system_id,
                   system.c.region_id)
            .join(Project, Measure.project_id == Project.id)
            .join(MeasureSummary, MeasureSummary.measure_id == Measure.id)
            .join(organisation, organisation.c.id == Project.organisation_id)
            .outerjoin(system, system.c.id == organisation.c.system_id)
            .where(Measure.id == bindparam("measure_id")))


def stored_chart(measure_id: int, fmt: str, user) -> StoredChart | None:
    """The measure's chart as drawn when its data last changed: one query (with the organisation's place, for
    the permission check) and one cache lookup, with no ORM objects. None when it has not been drawn yet or the
    user may not see it; the caller then loads the measure the usual way, which answers 404 or draws it."""
    row = db.session.execute(_stored_chart_query(), {"measure_id": measure_id}).first()
    if row is None or not can_view_place(user, row.organisation_id, row.system_id, row.region_id):
        return None
    data = cached_chart(row.chart_key, fmt)
    return StoredChart(data, chart_filename(row.name, fmt)) if data else None


def drawn_chart(measure: Measure, fmt: str) -> StoredChart | None:
    """The measure's chart worked out and drawn now (None when there is nothing to draw)."""
    data = measure_chart(measure, fmt)
    return StoredChart(data, chart_filename(measure.name, fmt)) if data else None
