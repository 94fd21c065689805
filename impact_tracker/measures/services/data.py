"""Use cases for a measure's data: add or replace one point, import many all-or-nothing, delete one.

The row rules (a value or a numerator and denominator, numerator no more than denominator, one row per date)
live in `point_errors`, which the HTML preview, the import, the single-point form and the API all share.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import bindparam, insert, update

from ...audit.services import record_change
from ...core.database import retry_once_on_clash, transactional
from ...core.errors import DomainError
from ...core.mixins import utcnow
from ...extensions import db
from ...projects.services import require_not_archived
from ..importers import MAX_ROWS, ParsedRow, ParseResult, RowError
from ..models import DataPoint, Frequency, Measure
from ..queries import points_by_period, saved_by_period
from .summary import mark_stale

ANNOTATION_MAX = 300


@dataclass(frozen=True)
class PointInput:
    """One period's data as entered: a value, or a numerator and denominator for a proportion."""

    period: date
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    annotation: str = ""


@dataclass(frozen=True)
class PointError:
    """What is wrong with the point at `index` of the input, and in which field."""

    index: int
    field: str
    message: str


class InvalidPoints(DomainError):
    """Some points broke the rules; nothing was saved. `errors` lists every one."""

    def __init__(self, errors: list[PointError]):
        super().__init__(f"{len(errors)} problem(s) were found; nothing has been saved.", field="points")
        self.errors = errors


@dataclass(frozen=True)
class ImportSummary:
    """How many points an import added, replaced, or left as they were."""

    added: int
    replaced: int
    unchanged: int


@dataclass(frozen=True)
class RecordedPoint:
    """The point saved by record_data_point, and whether it replaced an earlier value for the period."""

    point: DataPoint
    replaced: bool


@dataclass(frozen=True)
class PreviewRow:
    """One row of an import preview: the new data, and the saved point it would replace, if any."""

    row: int
    point: PointInput
    existing: DataPoint | None = None

    @property
    def status(self) -> str:
        if self.existing is None:
            return "new"
        return "unchanged" if _same(self.existing, self.point) else "replace"


@dataclass(frozen=True)
class Preview:
    """What an import would do, or why it cannot be done."""

    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)


def point_errors(measure: Measure, points: list[PointInput]) -> list[PointError]:
    """Every rule the points break for this measure (an empty list when they can all be saved)."""
    errors: list[PointError] = []
    seen: set[date] = set()
    for index, point in enumerate(points):
        errors += [PointError(index, name, message) for name, message in _row_errors(measure, point)]
        if point.period in seen:
            errors.append(PointError(index, "period", "This date appears more than once. Keep one row per date."))
        seen.add(point.period)
    return errors


def _row_errors(measure: Measure, point: PointInput) -> list[tuple[str, str]]:
    errors = _proportion_errors(point) if measure.is_proportion else _value_errors(point)
    if not 1900 <= point.period.year <= 2100:
        errors.append(("period", "The year does not look right."))
    if len(point.annotation or "") > ANNOTATION_MAX:
        errors.append(("annotation", f"The note must be {ANNOTATION_MAX} characters or fewer."))
    return errors


def _value_errors(point: PointInput) -> list[tuple[str, str]]:
    errors = [(name, "This measure takes a single value, not a numerator and denominator.")
              for name in ("numerator", "denominator") if getattr(point, name) is not None]
    if point.value is None:
        errors.append(("value", "Enter the value."))
    elif not math.isfinite(point.value):
        errors.append(("value", "The value must be a number."))
    return errors


def _proportion_errors(point: PointInput) -> list[tuple[str, str]]:
    if point.value is not None:
        return [("value", "This measure is entered as a numerator and denominator, not a single value.")]
    numerator, denominator = point.numerator, point.denominator
    if numerator is None or denominator is None:
        return [(name, f"Enter the {name}.") for name in ("numerator", "denominator")
                if getattr(point, name) is None]
    if not (math.isfinite(numerator) and math.isfinite(denominator)):
        return [("numerator", "The numerator and denominator must be numbers.")]
    if denominator <= 0:
        return [("denominator", "The denominator must be more than 0 (leave out a period with none).")]
    if numerator < 0:
        return [("numerator", "The numerator cannot be negative.")]
    if numerator > denominator:
        return [("numerator", f"The numerator ({numerator:g}) is more than the denominator ({denominator:g}).")]
    return []


def points_from_rows(rows: list[ParsedRow]) -> list[PointInput]:
    """Import rows as point inputs, in the same order."""
    return [PointInput(r.period, value=r.value, numerator=r.numerator, denominator=r.denominator) for r in rows]


def preview_import(measure: Measure, parsed: ParseResult) -> Preview:
    """What importing the parsed rows would do: each row new, replace or unchanged, and every problem found.

    Combines the importer's errors (bad dates, not a number) with the measure's rules (numerator above
    denominator, one row per date), as RowErrors naming the row and column, in row order. Writes nothing.
    """
    rows = parsed.rows
    points = points_from_rows(rows)
    errors = [RowError(rows[e.index].row, e.field, e.message) for e in point_errors(measure, points)]
    existing = points_by_period(measure, [p.period for p in points])
    preview_rows = [PreviewRow(row.row, point, existing.get(point.period))
                    for row, point in zip(rows, points, strict=True)]
    errors = sorted([*parsed.errors, *errors], key=lambda e: (e.row or 0))
    return Preview(rows=preview_rows, errors=errors)


@retry_once_on_clash
@transactional
def import_points(measure: Measure, points: list[PointInput], *, actor) -> ImportSummary:
    """Save many points at once, replacing any saved for the same period: all of them, or none.

    Raises InvalidPoints (listing every bad point) when any breaks a rule, or there are more than MAX_ROWS.
    Rows are written with two bulk statements rather than one ORM object each (an upload of 1,000 points is
    one round trip per kind of change), so the audit line and the summary refresh are asked for here.
    """
    require_not_archived(measure.project)
    if len(points) > MAX_ROWS:
        raise DomainError(f"Up to {MAX_ROWS:,} points can be saved at once.", field="points")
    errors = point_errors(measure, points)
    if errors:
        raise InvalidPoints(errors)
    existing = saved_by_period(measure, [p.period for p in points])
    added = [_new_row(measure, point, actor) for point in points if point.period not in existing]
    changed = [_changed_row(existing[point.period], point, actor) for point in points
               if point.period in existing and not _same(existing[point.period], point)]
    if added:
        db.session.execute(insert(DataPoint), added)
    if changed:  # a plain executemany by id: the ORM's bulk update costs several times more per row
        table = DataPoint.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("saved_id")), changed)
    summary = ImportSummary(len(added), len(changed), len(points) - len(added) - len(changed))
    _record_import(measure, summary, actor)
    return summary


def _new_row(measure: Measure, point: PointInput, actor) -> dict:
    return {"measure_id": measure.id, "period": point.period, "value": point.value, "numerator": point.numerator,
            "denominator": point.denominator, "annotation": point.annotation or "",
            "entered_by_id": getattr(actor, "id", None), "entered_at": utcnow()}


def _changed_row(saved, point: PointInput, actor) -> dict:
    return {"saved_id": saved.id, "value": point.value, "numerator": point.numerator, "denominator": point.denominator,
            "annotation": point.annotation or saved.annotation, "entered_by_id": getattr(actor, "id", None),
            "entered_at": utcnow()}


def _record_import(measure: Measure, summary: ImportSummary, actor) -> None:
    """One audit line for the upload and a summary refresh at commit (bulk statements skip the listeners)."""
    if summary.added or summary.replaced:
        record_change(measure.organisation.id, "DataPoint", "imported",
                      f"{summary.added} added and {summary.replaced} replaced on measure {measure.id}", actor=actor)
        mark_stale(db.session, [measure.id])


@retry_once_on_clash
@transactional
def record_data_point(measure: Measure, point: PointInput, *, actor) -> RecordedPoint:
    """Add one period's data, or replace what was saved for that period.

    Raises DomainError naming the field (period, value, numerator, denominator or annotation) on a broken rule.
    """
    require_not_archived(measure.project)
    errors = point_errors(measure, [point])
    if errors:
        raise DomainError(errors[0].message, field=errors[0].field)
    existing = points_by_period(measure, [point.period]).get(point.period)
    status, saved = _upsert(measure, existing, point, actor)
    return RecordedPoint(saved, replaced=status == "replaced")


@transactional
def delete_data_point(point: DataPoint, *, actor) -> None:
    """Remove one period's data from its measure."""
    require_not_archived(point.measure.project)
    db.session.delete(point)


def _upsert(measure: Measure, existing: DataPoint | None, point: PointInput, actor) -> tuple[str, DataPoint]:
    if existing is not None and _same(existing, point):
        return "unchanged", existing
    actor_id = getattr(actor, "id", None)
    target = existing or DataPoint(measure_id=measure.id, period=point.period, annotation="")
    db.session.add(target)
    target.value, target.numerator, target.denominator = point.value, point.numerator, point.denominator
    if point.annotation:
        target.annotation = point.annotation
    target.entered_by_id = actor_id
    return ("added" if existing is None else "replaced"), target


def _same(saved, point: PointInput) -> bool:
    """Whether a saved point (a DataPoint or a saved row) already holds what the input says."""
    same_numbers = (saved.value, saved.numerator, saved.denominator) == (point.value, point.numerator,
                                                                         point.denominator)
    return same_numbers and (not point.annotation or point.annotation == saved.annotation)


def next_period(frequency: Frequency, latest: date | None, today: date) -> date:
    """The period a new point is most likely for: one step after the latest, or the last whole period."""
    if latest is not None:
        return _step(frequency, latest, 1)
    return _step(frequency, _period_start(frequency, today), -1)


def _period_start(frequency: Frequency, day: date) -> date:
    if frequency is Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    if frequency is Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency is Frequency.QUARTERLY:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day


def _step(frequency: Frequency, day: date, steps: int) -> date:
    if frequency is Frequency.DAILY:
        return day + timedelta(days=steps)
    if frequency is Frequency.WEEKLY:
        return day + timedelta(weeks=steps)
    months = steps * (3 if frequency is Frequency.QUARTERLY else 1)
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
