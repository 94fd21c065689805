"""Use cases for a measure's definition: create it, change it, and rebase its limits from a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm.exc import StaleDataError

from ...core.database import transactional
from ...core.errors import DomainError, VersionConflict
from ...extensions import db
from ...projects.services import require_not_archived
from .. import queries
from ..models import ChartType, Direction, Frequency, Measure, MeasureKind, Rebase

NAME_MAX, UNIT_MAX, TEXT_MAX, REASON_MAX = 160, 40, 2000, 300
BASELINE_RANGE = (2, 100)


@dataclass(frozen=True)
class MeasureInput:
    """A measure's editable fields."""

    name: str
    kind: MeasureKind
    definition: str = ""
    is_proportion: bool = False
    numerator_definition: str = ""
    denominator_definition: str = ""
    unit: str = ""
    frequency: Frequency = Frequency.WEEKLY
    improvement_direction: Direction = Direction.INCREASE
    target: float | None = None
    chart: ChartType = ChartType.XMR
    baseline_points: int | None = None


@dataclass(frozen=True)
class RebaseInput:
    """Where the centre line and limits start again, and why."""

    period: date
    reason: str


@transactional
def create_measure(project, data: MeasureInput, *, actor) -> Measure:
    """Add a measure to a project. Raises DomainError naming the field when a rule is broken."""
    require_not_archived(project)
    _check(data, project_id=project.id)
    measure = Measure(project_id=project.id)
    _apply(measure, data)
    db.session.add(measure)
    return measure


@transactional
def update_measure(measure: Measure, data: MeasureInput, *, expected_version: int, actor) -> Measure:
    """Change a measure's definition.

    Raises VersionConflict when it changed since `expected_version` was read, and DomainError naming the
    field when a rule is broken (for example, switching to or from a proportion once data has been entered).
    """
    require_not_archived(measure.project)
    if measure.version != expected_version:
        raise VersionConflict(measure)
    _check(data, project_id=measure.project_id, measure=measure)
    _apply(measure, data)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise VersionConflict(db.session.get(Measure, measure.id)) from None
    return measure


@transactional
def add_rebase(measure: Measure, data: RebaseInput, *, actor) -> Rebase:
    """Start a new centre line and limits from a period with data (not the first), giving the reason.

    Raises DomainError on the period (no data there, the first period, or already rebased) or the reason.
    """
    require_not_archived(measure.project)
    reason = data.reason.strip()
    if not reason:
        raise DomainError("Say why the process changed at this point", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(f"The reason must be {REASON_MAX} characters or fewer", field="reason")
    if data.period not in queries.rebase_periods(measure):
        raise DomainError("Choose a period with data, after the first one", field="period")
    if queries.rebase_exists(measure, data.period):
        raise DomainError("The limits already start again from this period", field="period")
    rebase = Rebase(measure=measure, period=data.period, reason=reason, created_by_id=getattr(actor, "id", None))
    db.session.add(rebase)
    return rebase


@transactional
def remove_rebase(rebase: Rebase, *, actor) -> None:
    """Take a rebase away, so the limits carry on across that period."""
    require_not_archived(rebase.measure.project)
    db.session.delete(rebase)


def _check(data: MeasureInput, *, project_id: int, measure: Measure | None = None) -> None:
    _check_text(data)
    if queries.name_taken(project_id, data.name, ignore_id=measure.id if measure else None):
        raise DomainError("This project already has a measure with this name", field="name")
    if data.is_proportion:
        _check_proportion(data)
    if measure is not None and measure.is_proportion != data.is_proportion and queries.count_points(measure):
        raise DomainError("This measure already has data, so it cannot switch between a single value and a "
                          "numerator and denominator. Add a new measure instead.", field="is_proportion")
    low, high = BASELINE_RANGE
    if data.baseline_points is not None and not low <= data.baseline_points <= high:
        raise DomainError(f"The baseline must be between {low} and {high} points", field="baseline_points")


def _check_text(data: MeasureInput) -> None:
    if not data.name.strip():
        raise DomainError("Enter the measure's name", field="name")
    limits = {"name": NAME_MAX, "unit": UNIT_MAX, "definition": TEXT_MAX, "numerator_definition": TEXT_MAX,
              "denominator_definition": TEXT_MAX}
    for name, limit in limits.items():
        if len(getattr(data, name)) > limit:
            raise DomainError(f"This must be {limit} characters or fewer", field=name)


def _check_proportion(data: MeasureInput) -> None:
    if not data.numerator_definition.strip():
        raise DomainError("Say what is counted in the numerator", field="numerator_definition")
    if not data.denominator_definition.strip():
        raise DomainError("Say what is counted in the denominator", field="denominator_definition")
    if data.target is not None and not 0 <= data.target <= 100:
        raise DomainError("A percentage target must be between 0 and 100", field="target")


def _apply(measure: Measure, data: MeasureInput) -> None:
    for name, value in vars(data).items():
        setattr(measure, name, value.strip() if isinstance(value, str) else value)
