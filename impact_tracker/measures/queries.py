"""Reads for measures: a project's measures with their latest point, a measure's recent data, lookups by period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import DataPoint, Measure, MeasureKind, Rebase

KIND_LABELS = {
    MeasureKind.OUTCOME: "Outcome measures",
    MeasureKind.PROCESS: "Process measures",
    MeasureKind.BALANCING: "Balancing measures",
}


@dataclass(frozen=True)
class MeasureRow:
    """A measure as the project page lists it, with its latest point (None before any data)."""

    measure: Measure
    latest: DataPoint | None


@dataclass(frozen=True)
class KindGroup:
    """The project's measures of one kind (outcome, process or balancing)."""

    kind: MeasureKind
    label: str
    rows: list[MeasureRow]


def measures_query(project) -> Select:
    """The project's measures, outcome first, then process and balancing, each by name."""
    order = {kind: index for index, kind in enumerate(MeasureKind)}
    return (
        select(Measure)
        .where(Measure.project_id == project.id)
        .options(selectinload(Measure.rebases))
        .order_by(db.case(order, value=Measure.kind), Measure.name, Measure.id)
    )


def project_measures(project) -> list[KindGroup]:
    """The project's measures grouped by kind, each with its latest point, in two queries."""
    measures = list(db.session.scalars(measures_query(project)))
    latest = latest_points([m.id for m in measures])
    groups = []
    for kind in MeasureKind:
        rows = [MeasureRow(m, latest.get(m.id)) for m in measures if m.kind == kind]
        groups.append(KindGroup(kind, KIND_LABELS[kind], rows))
    return groups


def latest_points(measure_ids: list[int]) -> dict[int, DataPoint]:
    """The newest point of each measure, keyed by measure id."""
    if not measure_ids:
        return {}
    newest = (
        select(DataPoint.measure_id, func.max(DataPoint.period).label("period"))
        .where(DataPoint.measure_id.in_(measure_ids))
        .group_by(DataPoint.measure_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(DataPoint).join(
            newest, (DataPoint.measure_id == newest.c.measure_id) & (DataPoint.period == newest.c.period)
        )
    )
    return {point.measure_id: point for point in rows}


def recent_points(measure: Measure, limit: int = 20) -> list[DataPoint]:
    """The measure's newest points, newest first."""
    return list(db.session.scalars(
        select(DataPoint).where(DataPoint.measure_id == measure.id).order_by(DataPoint.period.desc()).limit(limit)
    ))


def count_points(measure: Measure) -> int:
    """How many points the measure has."""
    return db.session.scalar(select(func.count(DataPoint.id)).where(DataPoint.measure_id == measure.id)) or 0


def points_query(measure: Measure) -> Select:
    """All the measure's points, oldest first (for paging and downloads)."""
    return select(DataPoint).where(DataPoint.measure_id == measure.id).order_by(DataPoint.period)


def all_points(measure: Measure) -> list[DataPoint]:
    """Every point of the measure, oldest first."""
    return list(db.session.scalars(points_query(measure)))


def saved_by_period(measure: Measure, periods: Iterable[date]) -> dict[date, Row]:
    """The saved values of the measure's points for these periods, as plain rows keyed by period.

    One query over the periods' date range (then narrowed here), so an upload of 10,000 rows costs one round
    trip and no ORM objects.
    """
    wanted = set(periods)
    if not wanted:
        return {}
    query = (select(DataPoint.id, DataPoint.period, DataPoint.value, DataPoint.numerator, DataPoint.denominator,
                    DataPoint.annotation)
             .where(DataPoint.measure_id == measure.id, DataPoint.period.between(min(wanted), max(wanted))))
    return {row.period: row for row in db.session.execute(query) if row.period in wanted}


def points_by_period(measure: Measure, periods: Iterable[date]) -> dict[date, DataPoint]:
    """The measure's saved points for these periods, keyed by period (in chunks, so 10,000 rows stay cheap)."""
    wanted = sorted(set(periods))
    found: dict[date, DataPoint] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        query = select(DataPoint).where(DataPoint.measure_id == measure.id, DataPoint.period.in_(chunk))
        found.update({point.period: point for point in db.session.scalars(query)})
    return found


def rebase_periods(measure: Measure) -> list[date]:
    """Periods a rebase may start from: every period with data except the first, newest first."""
    periods = list(db.session.scalars(
        select(DataPoint.period).where(DataPoint.measure_id == measure.id).order_by(DataPoint.period.desc())
    ))
    return periods[:-1]


def rebase_exists(measure: Measure, period: date) -> bool:
    """True when the measure already has a rebase from `period`."""
    query = select(func.count(Rebase.id)).where(Rebase.measure_id == measure.id, Rebase.period == period)
    return bool(db.session.scalar(query))


def name_taken(project_id: int, name: str, *, ignore_id: int | None = None) -> bool:
    """True when another measure in the project has this name (ignoring case)."""
    query = select(func.count(Measure.id)).where(
        Measure.project_id == project_id, func.lower(Measure.name) == name.strip().lower()
    )
    if ignore_id is not None:
        query = query.where(Measure.id != ignore_id)
    return bool(db.session.scalar(query))


def point_of(measure: Measure, point_id: int | None) -> DataPoint | None:
    """The measure's point with this id, or None (also for another measure's point)."""
    if point_id is None:
        return None
    point = db.session.get(DataPoint, point_id)
    return point if point is not None and point.measure_id == measure.id else None


def points_table(measure: Measure) -> tuple[list[str], list[list]]:
    """The measure's data as a header and rows, ready for a CSV download (the same shape an upload accepts)."""
    numbers = ["numerator", "denominator", "percentage"] if measure.is_proportion else ["value"]
    rows = []
    for point in all_points(measure):
        values = ((point.numerator, point.denominator, point.plotted_value) if measure.is_proportion
                  else (point.value,))
        rows.append([point.period.isoformat(), *(_number(v) for v in values), point.annotation])
    return ["period", *numbers, "note"], rows


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"
