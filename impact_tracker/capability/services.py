"""Use cases for capability and capacity: tiers, training records (one by one or from CSV), headcount, posts."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..core.database import transactional
from ..core.errors import DomainError, PermissionDenied
from ..core.permissions import Action, can
from ..extensions import db
from ..measures.importers import CellError, parse_period
from ..orgs.models import Organisation, Unit, User
from .models import DEFAULT_TIERS, ImprovementPost, TrainingRecord, TrainingTier, WorkforceHeadcount

MAX_IMPORT_ROWS = 5_000
RECORD_COLUMNS = ("person", "tier", "course", "completed_on")
COLUMN_LABELS = {"person": "person", "tier": "tier", "course": "course", "completed_on": "completed on"}


@dataclass(frozen=True)
class TierInput:
    """A tier's name and whether completing it makes someone an improvement coach."""

    name: str
    is_coach_tier: bool = False


@dataclass(frozen=True)
class RecordInput:
    """A completed course: a colleague (`user_id`) or, without one, a name-free `staff_reference`."""

    tier_id: int
    course: str
    completed_on: date
    user_id: int | None = None
    staff_reference: str = ""


@dataclass(frozen=True)
class HeadcountInput:
    """The organisation's staff headcount in the month holding `period`."""

    period: date
    headcount: int


@dataclass(frozen=True)
class PostInput:
    """An improvement post: title, whole-time equivalent, dedicated or allocated, and optionally its unit."""

    title: str
    fte: Decimal
    dedicated: bool = True
    unit_id: int | None = None


@dataclass(frozen=True)
class RecordRow:
    """One readable row of an upload, with the person and tier it matched."""

    row: int
    source: str
    person: str
    tier: TrainingTier
    course: str
    completed_on: date
    user_id: int | None = None
    staff_reference: str = ""


@dataclass(frozen=True)
class RecordError:
    """Why one row (or, with row None, the whole file) cannot be saved."""

    row: int | None
    column: str | None
    message: str

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column or "", "")


@dataclass
class RecordPreview:
    """The rows an upload would add and the errors that stop it; saving is all or nothing."""

    rows: list[RecordRow] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def require_manager(actor: User | None, organisation: Organisation) -> None:
    """Raise PermissionDenied unless the actor manages the organisation (None: seeding, allowed)."""
    if actor is not None and not can(actor, Action.MANAGE_ORGANISATION, organisation):
        raise PermissionDenied("manage capability")


@transactional
def ensure_tiers(organisation: Organisation) -> list[TrainingTier]:
    """The organisation's tiers, lowest first, creating the defaults the first time they are needed."""
    tiers = _tiers(organisation)
    if not tiers:
        tiers = [TrainingTier(organisation=organisation, name=name, position=index, is_coach_tier=coach)
                 for index, (name, coach) in enumerate(DEFAULT_TIERS)]
        db.session.add_all(tiers)
    return tiers


def _tiers(organisation: Organisation) -> list[TrainingTier]:
    query = select(TrainingTier).where(TrainingTier.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(TrainingTier.position, TrainingTier.id)))


@transactional
def save_tier(organisation: Organisation, data: TierInput, *, actor: User | None,
              tier: TrainingTier | None = None) -> TrainingTier:
    """Add a tier at the top of the order, or rename one. Raises DomainError for a name already used."""
    require_manager(actor, organisation)
    name = data.name.strip()
    others = [t for t in _tiers(organisation) if t is not tier]
    if any(t.name.lower() == name.lower() for t in others):
        raise DomainError("Another tier already has this name", field="name")
    if tier is None:
        tier = TrainingTier(organisation=organisation, position=max((t.position for t in others), default=-1) + 1)
        db.session.add(tier)
    tier.name, tier.is_coach_tier = name, data.is_coach_tier
    return tier


@transactional
def move_tier(tier: TrainingTier, *, up: bool, actor: User | None) -> TrainingTier:
    """Swap a tier with its neighbour below (`up` False) or above; at either end nothing changes."""
    require_manager(actor, tier.organisation)
    tiers = _tiers(tier.organisation)
    for index, existing in enumerate(tiers):
        existing.position = index
    index = tiers.index(tier)
    other = index + (1 if up else -1)
    if 0 <= other < len(tiers):
        tiers[index].position, tiers[other].position = other, index
    return tier


@transactional
def add_record(organisation: Organisation, data: RecordInput, *, actor: User | None) -> TrainingRecord:
    """Record a completed course. Raises DomainError for a tier or colleague from elsewhere, no person, or a
    date in the future."""
    require_manager(actor, organisation)
    record = _build_record(organisation, data)
    db.session.add(record)
    return record


def _build_record(organisation: Organisation, data: RecordInput) -> TrainingRecord:
    tier = db.session.get(TrainingTier, data.tier_id)
    if tier is None or tier.organisation_id != organisation.id:
        raise DomainError("Choose a tier from this organisation", field="tier_id")
    if data.completed_on > date.today():
        raise DomainError("The completion date must be today or in the past", field="completed_on")
    return TrainingRecord(organisation=organisation, tier=tier, course=data.course.strip(),
                          completed_on=data.completed_on, **_person(organisation, data))


def _person(organisation: Organisation, data: RecordInput) -> dict:
    if data.user_id is not None:
        user = db.session.get(User, data.user_id)
        if user is None or user.organisation_id != organisation.id:
            raise DomainError("Choose someone in this organisation", field="user_id")
        return {"user": user, "staff_reference": "", "person_key": f"user:{user.id}"}
    reference = data.staff_reference.strip()
    if not reference:
        raise DomainError("Choose a colleague or enter a staff reference", field="staff_reference")
    return {"user": None, "staff_reference": reference, "person_key": f"ref:{reference.lower()}"}


@transactional
def delete_record(record: TrainingRecord, *, actor: User | None) -> None:
    """Remove a training record entered in error."""
    require_manager(actor, record.organisation)
    db.session.delete(record)


@transactional
def set_headcount(organisation: Organisation, data: HeadcountInput, *, actor: User | None) -> WorkforceHeadcount:
    """Record (or correct) the staff headcount for a month. Raises DomainError for a future month or a
    headcount below one."""
    require_manager(actor, organisation)
    period = data.period.replace(day=1)
    if period > date.today():
        raise DomainError("Enter a month that has started", field="period")
    if data.headcount < 1:
        raise DomainError("The headcount must be 1 or more", field="headcount")
    entry = db.session.scalar(select(WorkforceHeadcount).where(
        WorkforceHeadcount.organisation_id == organisation.id, WorkforceHeadcount.period == period))
    if entry is None:
        entry = WorkforceHeadcount(organisation=organisation, period=period)
        db.session.add(entry)
    entry.headcount = data.headcount
    return entry


@transactional
def save_post(organisation: Organisation, data: PostInput, *, actor: User | None,
              post: ImprovementPost | None = None) -> ImprovementPost:
    """Add or change an improvement post. Raises DomainError for an FTE outside 0.01–10 or a unit from
    elsewhere."""
    require_manager(actor, organisation)
    if not Decimal("0.01") <= data.fte <= Decimal("10"):
        raise DomainError("The FTE must be between 0.01 and 10, for example 0.4", field="fte")
    unit = db.session.get(Unit, data.unit_id) if data.unit_id else None
    if data.unit_id and (unit is None or unit.organisation_id != organisation.id):
        raise DomainError("Choose a unit in this organisation", field="unit_id")
    if post is None:
        post = ImprovementPost(organisation=organisation)
        db.session.add(post)
    post.title, post.fte, post.dedicated, post.unit = data.title.strip(), data.fte, data.dedicated, unit
    return post


@transactional
def delete_post(post: ImprovementPost, *, actor: User | None) -> None:
    """Remove a post that no longer exists."""
    require_manager(actor, post.organisation)
    db.session.delete(post)


def preview_records(organisation: Organisation, text: str) -> RecordPreview:
    """Read CSV text of training records (person, tier, course, completed on) against the organisation.

    The person is a colleague's email address or a staff reference; the tier is one of the organisation's
    tier names (any case). A header row is optional. Never raises: problems come back row by row.
    """
    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) if any(c.strip() for c in row)]
    if rows and not _is_date(rows[0][3] if len(rows[0]) > 3 else ""):
        rows = rows[1:]
    if not rows:
        return RecordPreview(errors=[RecordError(None, None, "There are no records to read.")])
    if len(rows) > MAX_IMPORT_ROWS:
        return RecordPreview(errors=[RecordError(None, None, f"Up to {MAX_IMPORT_ROWS:,} records can be added "
                                                             "at once.")])
    lookups = _Lookups.for_organisation(organisation)
    preview = RecordPreview()
    for number, cells in enumerate(rows, start=1):
        _read_record(preview, number, [cell.strip() for cell in cells], lookups)
    return preview


@dataclass(frozen=True)
class _Lookups:
    """The organisation's tiers by lower-cased name and people by email, read once per upload."""

    tiers: dict[str, TrainingTier]
    people: dict[str, User]

    @classmethod
    def for_organisation(cls, organisation: Organisation) -> _Lookups:
        people = db.session.scalars(select(User).where(User.organisation_id == organisation.id))
        return cls({t.name.lower(): t for t in _tiers(organisation)}, {u.email: u for u in people})


def _read_record(preview: RecordPreview, number: int, cells: list[str], lookups: _Lookups) -> None:
    if len(cells) != len(RECORD_COLUMNS):
        preview.errors.append(RecordError(number, None, "Each row needs four columns: person, tier, course and "
                                                        "completion date."))
        return
    person, tier_name, course, completed = cells
    errors = []
    user = lookups.people.get(User.normalise_email(person)) if "@" in person else None
    if not person or ("@" in person and user is None):
        errors.append(RecordError(number, "person", _person_problem(person)))
    elif len(person) > 40 and user is None:
        errors.append(RecordError(number, "person", "A staff reference can be up to 40 characters."))
    tier = lookups.tiers.get(tier_name.lower())
    if tier is None:
        errors.append(RecordError(number, "tier", f"“{tier_name}” is not one of your tiers: "
                                                  + ", ".join(t.name for t in lookups.tiers.values()) + "."))
    if not course or len(course) > 160:
        errors.append(RecordError(number, "course", "Enter the course name (up to 160 characters)."))
    completed_on = _completed_on(number, completed, errors)
    if errors:
        preview.errors.extend(errors)
        return
    preview.rows.append(RecordRow(number, person, user.name if user else person, tier, course, completed_on,
                                  user.id if user else None, "" if user else person))


def _person_problem(person: str) -> str:
    if not person:
        return "Enter the person's work email address or staff reference."
    return f"Nobody in your organisation has the email address {person}."


def _completed_on(number: int, cell: str, errors: list[RecordError]) -> date | None:
    try:
        completed_on = parse_period(cell)
    except CellError as err:
        errors.append(RecordError(number, "completed_on", str(err)))
        return None
    if completed_on > date.today():
        errors.append(RecordError(number, "completed_on", "The completion date is in the future."))
    return completed_on


def _is_date(cell: str) -> bool:
    try:
        parse_period(cell)
    except CellError:
        return False
    return True


@transactional
def import_records(organisation: Organisation, text: str, *, actor: User | None) -> int:
    """Save every record in the CSV text, or none: raises DomainError (field "file") if any row has a problem.

    Returns how many records were added.
    """
    require_manager(actor, organisation)
    preview = preview_records(organisation, text)
    if not preview.ok:
        raise DomainError("The records could not be saved: correct the problems listed and upload again.",
                          field="file")
    for row in preview.rows:
        data = RecordInput(row.tier.id, row.course, row.completed_on, row.user_id, row.staff_reference)
        db.session.add(_build_record(organisation, data))
    return len(preview.rows)


def records_to_text(rows: list[RecordRow]) -> str:
    """Rows written back as CSV text that preview_records reads to the same rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([row.source, row.tier.name, row.course, row.completed_on.isoformat()])
    return out.getvalue()
