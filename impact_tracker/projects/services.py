"""Use cases for projects: register, edit, archive and restore, team, progress score, driver diagram, change ideas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..core.database import transactional
from ..core.errors import DomainError, PermissionDenied, VersionConflict
from ..core.impact import ImpactComponent
from ..core.mixins import utcnow
from ..core.permissions import Action, can
from ..extensions import db
from ..orgs.models import Unit, User
from .models import (
    PROGRESS_LEVELS,
    ChangeIdea,
    ChangeIdeaStatus,
    Driver,
    DriverKind,
    Method,
    ProgressScore,
    Project,
    ProjectComponent,
    ProjectStatus,
    TeamMember,
    TeamRole,
)

STALE_SCORE_AFTER = timedelta(days=90)


@dataclass(frozen=True)
class ProjectInput:
    """A project's editable fields; `version` is the one the editor read (None when creating)."""

    title: str
    problem: str = ""
    aim_what: str = ""
    aim_baseline: str = ""
    aim_target: str = ""
    aim_by: date | None = None
    aim_for_whom: str = ""
    unit_id: int | None = None
    status: ProjectStatus = ProjectStatus.PROPOSED
    start_date: date | None = None
    expected_end_date: date | None = None
    components: tuple[ImpactComponent, ...] = ()
    strategic_priority: str = ""
    method: Method = Method.MODEL_FOR_IMPROVEMENT
    version: int | None = None


@dataclass(frozen=True)
class DriverInput:
    """A driver's text, kind and, for a secondary driver, the primary drivers it feeds."""

    kind: DriverKind
    text: str
    primary_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ChangeIdeaInput:
    """A change idea, its status and the secondary drivers it acts on."""

    text: str
    status: ChangeIdeaStatus = ChangeIdeaStatus.IDEA
    driver_ids: tuple[int, ...] = field(default_factory=tuple)


class ProjectArchived(DomainError):
    """A change to an archived project (or anything in it) was refused: it is read-only until restored."""

    def __init__(self):
        super().__init__("This project is archived, so it cannot be changed. "
                         "An organisation improvement lead can restore it from Archived projects.")


def require_contributor(actor: User, project_or_org) -> None:
    """Raise PermissionDenied unless the actor may change the organisation's improvement work.

    For a project, also raise ProjectArchived when it is archived.
    """
    organisation = project_or_org.organisation
    if not can(actor, Action.CONTRIBUTE, organisation):
        raise PermissionDenied("contribute")
    if isinstance(project_or_org, Project):
        require_not_archived(project_or_org)


def require_not_archived(project: Project) -> None:
    """Raise ProjectArchived when the project is archived.

    The one check every service that changes a project's content calls (projects, measures, PDSA), so an
    archived project stays exactly as it was archived until a lead restores it.
    """
    if project.archived_at is not None:
        raise ProjectArchived


@transactional
def create_project(organisation, data: ProjectInput, *, actor: User) -> Project:
    """Register a project; the person registering it joins the team as its lead.

    Raises PermissionDenied for someone who cannot contribute, DomainError for a unit from elsewhere or an
    end before the start.
    """
    require_contributor(actor, organisation)
    project = Project(organisation=organisation, created_by=actor)
    _apply(project, data)
    project.team.append(TeamMember(user=actor, team_role=TeamRole.LEAD))
    db.session.add(project)
    return project


@transactional
def update_project(project: Project, data: ProjectInput, *, actor: User) -> Project:
    """Change a project's fields. Raises VersionConflict if someone else saved it since `data.version`."""
    require_contributor(actor, project)
    check_version(project, data.version)
    _apply(project, data)
    return project


@transactional
def archive_project(project: Project, *, actor: User, version: int | None = None) -> Project:
    """Archive a project (what "delete" does): it leaves every list and becomes read-only, losing nothing.

    Anyone who may edit the project may archive it. Raises PermissionDenied for anyone else, VersionConflict
    when it changed since `version` was read, and DomainError when it is already archived.
    """
    if not can(actor, Action.CONTRIBUTE, project.organisation):
        raise PermissionDenied("archive")
    check_version(project, version)
    if project.archived_at is not None:
        raise DomainError("This project is already archived")
    project.archived_at = utcnow()
    return project


@transactional
def restore_project(project: Project, *, actor: User, version: int | None = None) -> Project:
    """Bring an archived project back into the lists, editable again.

    Only the organisation's improvement leads (and national administrators) may restore. Raises
    PermissionDenied for anyone else, VersionConflict when it changed since `version` was read, and
    DomainError when it is not archived.
    """
    if not can(actor, Action.MANAGE_ORGANISATION, project.organisation):
        raise PermissionDenied("restore")
    check_version(project, version)
    if project.archived_at is None:
        raise DomainError("This project is not archived")
    project.archived_at = None
    return project


def check_version(record, version: int | None) -> None:
    """Raise VersionConflict when the editor read an older version than the one stored."""
    if version is not None and version != record.version:
        raise VersionConflict(record)


def _apply(project: Project, data: ProjectInput) -> None:
    if data.start_date and data.expected_end_date and data.expected_end_date < data.start_date:
        raise DomainError("The expected end must be on or after the start date", field="expected_end_date")
    unit = _unit_in(project.organisation, data.unit_id)
    for name in ("title", "problem", "aim_what", "aim_baseline", "aim_target", "aim_by", "aim_for_whom", "status",
                 "start_date", "expected_end_date", "strategic_priority", "method"):
        setattr(project, name, getattr(data, name))
    project.unit = unit
    wanted = set(data.components)
    project.component_tags = [tag for tag in project.component_tags if tag.component in wanted]
    have = {tag.component for tag in project.component_tags}
    project.component_tags += [ProjectComponent(component=c) for c in ImpactComponent if c in wanted - have]


def _unit_in(organisation, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organisation_id != organisation.id:
        raise DomainError("Choose a unit in this organisation", field="unit_id")
    return unit


@transactional
def add_team_member(project: Project, user_id: int, team_role: TeamRole, *, actor: User) -> TeamMember:
    """Put a colleague from the project's organisation on the team (or change their team role)."""
    require_contributor(actor, project)
    person = db.session.get(User, user_id)
    if person is None or person.organisation_id != project.organisation_id or not person.active:
        raise DomainError("Choose someone in this organisation", field="user_id")
    member = next((m for m in project.team if m.user_id == user_id), None)
    if member is None:
        member = TeamMember(user=person)
        project.team.append(member)
    member.team_role = team_role
    return member


@transactional
def remove_team_member(member: TeamMember, *, actor: User) -> None:
    """Take someone off the team; a project always keeps at least one lead."""
    require_contributor(actor, member.project)
    leads = [m for m in member.project.team if m.team_role is TeamRole.LEAD]
    if member.team_role is TeamRole.LEAD and len(leads) == 1:
        raise DomainError("A project needs a lead. Make someone else lead first.")
    member.project.team.remove(member)


@transactional
def set_progress_score(project: Project, score: Decimal, note: str, *, actor: User) -> ProgressScore:
    """Record a new progress score (0.5 to 5.0 in halves) with why; the history keeps every entry."""
    require_contributor(actor, project)
    score = Decimal(score).quantize(Decimal("0.1"))
    if score not in PROGRESS_LEVELS:
        raise DomainError("Choose a score from 0.5 to 5.0", field="score")
    if not note.strip():
        raise DomainError("Say briefly why the score is this level", field="note")
    entry = ProgressScore(score=score, note=note.strip(), set_by=actor, set_at=utcnow())
    project.scores.insert(0, entry)
    return entry


def score_is_stale(project: Project, now: datetime | None = None) -> bool:
    """True for an active project whose score is missing or unchanged for 90 days (time to review it)."""
    if project.status is not ProjectStatus.ACTIVE:
        return False
    latest = project.current_score
    if latest is None:
        return True
    set_at = latest.set_at if latest.set_at.tzinfo else latest.set_at.replace(tzinfo=utcnow().tzinfo)
    return (now or utcnow()) - set_at > STALE_SCORE_AFTER


@transactional
def save_driver(project: Project, data: DriverInput, *, actor: User, driver: Driver | None = None) -> Driver:
    """Add a driver (or change one). A secondary driver must feed at least one of the project's primaries."""
    require_contributor(actor, project)
    if driver is None:
        driver = Driver(kind=data.kind, position=len(project.drivers))
        project.drivers.append(driver)
    driver.kind, driver.text = data.kind, data.text.strip()
    driver.primaries = _primaries(project, data) if data.kind is DriverKind.SECONDARY else []
    return driver


def _primaries(project: Project, data: DriverInput) -> list[Driver]:
    chosen = [d for d in project.drivers if d.kind is DriverKind.PRIMARY and d.id in data.primary_ids]
    if not chosen or len(chosen) != len(set(data.primary_ids)):
        raise DomainError("Choose the primary driver (or drivers) this one feeds", field="primary_ids")
    return chosen


@transactional
def delete_driver(driver: Driver, *, actor: User) -> None:
    """Remove a driver; its links to other drivers and change ideas go with it."""
    require_contributor(actor, driver.project)
    driver.project.drivers.remove(driver)


@transactional
def save_change_idea(project: Project, data: ChangeIdeaInput, *, actor: User,
                     idea: ChangeIdea | None = None) -> ChangeIdea:
    """Add a change idea (or change one), linked to secondary drivers of the same project."""
    require_contributor(actor, project)
    drivers = [d for d in project.drivers if d.kind is DriverKind.SECONDARY and d.id in data.driver_ids]
    if len(drivers) != len(set(data.driver_ids)):
        raise DomainError("Choose secondary drivers from this project's diagram", field="driver_ids")
    if idea is None:
        idea = ChangeIdea(position=len(project.change_ideas))
        project.change_ideas.append(idea)
    idea.text, idea.status, idea.drivers = data.text.strip(), data.status, drivers
    return idea
