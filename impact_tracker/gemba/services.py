"""Use cases for gemba walks: record a walk (idempotently, by the tablet's client id), follow up its actions,
and take an idea or concern forward as a project or a change idea.

Walks come from tablets that may send the same walk more than once (a retry after a dropped connection, a
double tap), so `save_walk` treats a walk it already holds with the same content as already saved. A walk
changed elsewhere since the sender read it is a VersionConflict: nothing is silently overwritten.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, time

from sqlalchemy import select

from ..core.database import transactional
from ..core.errors import DomainError, NotFound, VersionConflict
from ..core.mixins import utcnow
from ..extensions import db
from ..orgs.models import Unit, User
from ..projects import services as projects
from ..projects.models import ChangeIdea, Project
from . import queries
from .models import (
    ActionStatus,
    ConcernCategory,
    GembaWalk,
    StaffRole,
    WalkAction,
    WalkConcern,
    WalkStaffRole,
    WalkType,
)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_STAFF_COUNT = 500
PROJECT_TITLE_LIMIT = 160
CHANGE_IDEA_LIMIT = 300


@dataclass(frozen=True)
class StaffRoleInput:
    """How many staff in one role the leaders spoke with."""

    role: StaffRole
    count: int


@dataclass(frozen=True)
class ConcernInput:
    """A concern and its category."""

    category: ConcernCategory
    text: str


@dataclass(frozen=True)
class ActionInput:
    """An action agreed on the walk; `owner` is the owner's email address."""

    what: str
    owner: str
    due: date | None
    status: ActionStatus = ActionStatus.OPEN
    fed_back_on: date | None = None
    fed_back_how: str = ""


@dataclass(frozen=True)
class WalkInput:
    """A whole walk as the tablet or the form sends it; `leaders` are email addresses.

    `version` is the version the sender last read (None for a walk it has never sent).
    """

    walked_on: date | None
    walk_type: WalkType = WalkType.GEMBA
    start_time: time | None = None
    unit_id: int | None = None
    leaders: tuple[str, ...] = ()
    staff_roles: tuple[StaffRoleInput, ...] = ()
    observations: str = ""
    went_well: str = ""
    concerns: tuple[ConcernInput, ...] = ()
    ideas: str = ""
    projects: tuple[int, ...] = ()
    change_ideas: tuple[int, ...] = ()
    actions: tuple[ActionInput, ...] = ()
    version: int | None = None


@dataclass(frozen=True)
class SavedWalk:
    """The walk `save_walk` returns, and whether this call created it."""

    walk: GembaWalk
    created: bool


@dataclass(frozen=True)
class ActionUpdate:
    """A follow-up of an action: its status and when and how the outcome was fed back to staff."""

    status: ActionStatus
    fed_back_on: date | None = None
    fed_back_how: str = ""
    version: int | None = None


@dataclass(frozen=True)
class TakeForward:
    """Turn one concern or idea (`source`, from `forward_sources`) into a new project or a change idea."""

    source: str
    target: str  # "project" or "change_idea"
    title: str = ""
    project_id: int | None = None


def _require_contributor(actor, organisation) -> None:
    projects.require_contributor(actor, organisation)


@transactional
def save_walk(organisation, client_id: str, data: WalkInput, *, actor) -> SavedWalk:
    """Create the walk with this client id, or bring it up to date; the same content twice changes nothing.

    Raises PermissionDenied if the actor may not contribute to the organisation, NotFound if the client id
    belongs to another organisation's walk, VersionConflict if the walk has changed since `data.version`
    (or the sender never read it), and DomainError naming the field (`unit`, `leaders[0]`, `actions[1].due`...).
    """
    _require_contributor(actor, organisation)
    if not _UUID.fullmatch(client_id or ""):
        raise DomainError("The walk's id must be a UUID made by the tablet", field="client_id")
    data = normalised(data)
    if not data.leaders:
        data = replace(data, leaders=(actor.email,))
    walk = queries.walk_by_client_id(client_id)
    if walk is None:
        walk = GembaWalk(client_id=client_id, organisation=organisation, created_by_id=actor.id)
        _apply(walk, data)
        db.session.add(walk)
        return SavedWalk(walk, True)
    if walk.organisation_id != organisation.id:
        raise NotFound(f"GembaWalk {client_id}")
    if snapshot(walk) != replace(data, version=None):
        if data.version != walk.version:
            raise VersionConflict(walk)
        _apply(walk, data)
    return SavedWalk(walk, False)


def normalised(data: WalkInput) -> WalkInput:
    """The input in the one form it is stored and compared in: text stripped, lists sorted and de-duplicated."""
    return replace(
        data,
        leaders=tuple(sorted({email.strip().lower() for email in data.leaders if email.strip()})),
        observations=data.observations.strip(), went_well=data.went_well.strip(), ideas=data.ideas.strip(),
        concerns=tuple(replace(c, text=c.text.strip()) for c in data.concerns),
        actions=tuple(replace(a, what=a.what.strip(), owner=a.owner.strip().lower(),
                              fed_back_how=a.fed_back_how.strip()) for a in data.actions),
        projects=tuple(sorted(set(data.projects))), change_ideas=tuple(sorted(set(data.change_ideas))),
    )


def snapshot(walk: GembaWalk) -> WalkInput:
    """The stored walk as a WalkInput (version None), to compare with what a tablet sends."""
    return WalkInput(
        walked_on=walk.walked_on, walk_type=walk.walk_type, start_time=walk.start_time, unit_id=walk.unit_id,
        leaders=tuple(sorted(user.email for user in walk.leaders)),
        staff_roles=tuple(StaffRoleInput(row.role, row.count) for row in walk.staff_roles),
        observations=walk.observations, went_well=walk.went_well, ideas=walk.ideas,
        concerns=tuple(ConcernInput(c.category, c.text) for c in walk.concerns),
        projects=tuple(sorted(p.id for p in walk.projects)),
        change_ideas=tuple(sorted(i.id for i in walk.change_ideas)),
        actions=tuple(ActionInput(a.what, a.owner.email, a.due, a.status, a.fed_back_on, a.fed_back_how)
                      for a in walk.actions),
    )


def _apply(walk: GembaWalk, data: WalkInput) -> None:
    with db.session.no_autoflush:  # one UPDATE of the walk row, so one save moves the version on by one
        _apply_fields(walk, data)


def _apply_fields(walk: GembaWalk, data: WalkInput) -> None:
    organisation = walk.organisation
    if data.walked_on is None:
        raise DomainError("Enter the date of the walk", field="date")
    walk.walked_on, walk.start_time, walk.walk_type = data.walked_on, data.start_time, data.walk_type
    walk.unit = _unit_in(organisation, data.unit_id)
    walk.leaders = _people(organisation, data.leaders, "leaders[{}]")
    walk.staff_roles = _staff_roles(data.staff_roles)
    walk.observations, walk.went_well, walk.ideas = data.observations, data.went_well, data.ideas
    walk.concerns = [_concern(c, i) for i, c in enumerate(data.concerns)]
    walk.projects = _projects(organisation, data.projects)
    walk.change_ideas = _change_ideas(organisation, data.change_ideas)
    _apply_actions(walk, data.actions)
    walk.updated_at = utcnow()  # the walk row changes even when only its rows did, so its version moves on


def _unit_in(organisation, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organisation_id != organisation.id:
        raise DomainError("Choose a unit or area in this organisation", field="unit")
    return unit


def _people(organisation, emails: tuple[str, ...], field: str) -> list[User]:
    """The active people with these emails in the organisation; `field` is the error's field with {} for the index."""
    found = {u.email: u for u in db.session.scalars(select(User).where(
        User.email.in_(emails), User.organisation_id == organisation.id, User.active.is_(True)))}
    for i, email in enumerate(emails):
        if email not in found:
            raise DomainError("Choose someone in this organisation", field=field.format(i))
    return [found[email] for email in emails]


def _staff_roles(rows: tuple[StaffRoleInput, ...]) -> list[WalkStaffRole]:
    seen: set[StaffRole] = set()
    for i, row in enumerate(rows):
        if row.role in seen:
            raise DomainError("Give each role once", field=f"staff_roles[{i}].role")
        if not 1 <= row.count <= MAX_STAFF_COUNT:
            raise DomainError(f"Enter a number from 1 to {MAX_STAFF_COUNT}", field=f"staff_roles[{i}].count")
        seen.add(row.role)
    return [WalkStaffRole(role=row.role, count=row.count, position=i) for i, row in enumerate(rows)]


def _concern(concern: ConcernInput, index: int) -> WalkConcern:
    if not concern.text:
        raise DomainError("Describe the concern", field=f"concerns[{index}].text")
    return WalkConcern(category=concern.category, text=concern.text, position=index)


def _projects(organisation, ids: tuple[int, ...]) -> list[Project]:
    found = {p.id: p for p in db.session.scalars(select(Project).where(
        Project.id.in_(ids), Project.organisation_id == organisation.id))}
    for i, ident in enumerate(ids):
        if ident not in found:
            raise DomainError("Choose a project in this organisation", field=f"projects[{i}]")
    return [found[ident] for ident in ids]


def _change_ideas(organisation, ids: tuple[int, ...]) -> list[ChangeIdea]:
    found = {i.id: i for i in db.session.scalars(select(ChangeIdea).join(Project).where(
        ChangeIdea.id.in_(ids), Project.organisation_id == organisation.id))}
    for i, ident in enumerate(ids):
        if ident not in found:
            raise DomainError("Choose a change idea of a project in this organisation", field=f"change_ideas[{i}]")
    return [found[ident] for ident in ids]


def _apply_actions(walk: GembaWalk, actions: tuple[ActionInput, ...]) -> None:
    """Update the walk's actions in order, add new ones and drop those no longer sent."""
    owners = _people(walk.organisation, tuple(a.owner for a in actions), "actions[{}].owner")
    for index, (item, owner) in enumerate(zip(actions, owners, strict=True)):
        _check_action(item, index, walk.walked_on)
        if index >= len(walk.actions):
            walk.actions.append(WalkAction(position=index))
        action = walk.actions[index]
        action.what, action.owner, action.due, action.status = item.what, owner, item.due, item.status
        action.fed_back_on, action.fed_back_how = item.fed_back_on, item.fed_back_how
    del walk.actions[len(actions):]


def _check_action(item: ActionInput, index: int, walked_on: date) -> None:
    prefix = f"actions[{index}]."
    if not item.what:
        raise DomainError("Say what will be done", field=prefix + "what")
    if item.due is None:
        raise DomainError("Enter the date it is due", field=prefix + "due")
    _check_feedback(item.fed_back_on, item.fed_back_how, walked_on, prefix)


def _check_feedback(fed_back_on: date | None, how: str, walked_on: date, prefix: str = "") -> None:
    if how and fed_back_on is None:
        raise DomainError("Enter the date you fed back to staff", field=prefix + "fed_back_on")
    if fed_back_on is not None and fed_back_on < walked_on:
        raise DomainError("Feedback cannot be before the walk", field=prefix + "fed_back_on")
    if fed_back_on is not None and fed_back_on > date.today():
        raise DomainError("The feedback date cannot be in the future", field=prefix + "fed_back_on")


@transactional
def update_action(action: WalkAction, data: ActionUpdate, *, actor) -> WalkAction:
    """Move an action on and record when and how its outcome was fed back ("you said, we did").

    Raises PermissionDenied for someone who cannot contribute, VersionConflict if someone else changed the
    action since `data.version`, and DomainError (field `fed_back_on`) for a feedback date that is missing
    when the method is given, before the walk, or in the future.
    """
    _require_contributor(actor, action.walk.organisation)
    if data.version is not None and data.version != action.version:
        raise VersionConflict(action)
    _check_feedback(data.fed_back_on, data.fed_back_how.strip(), action.walk.walked_on)
    action.status, action.fed_back_on, action.fed_back_how = data.status, data.fed_back_on, data.fed_back_how.strip()
    action.walk.updated_at = utcnow()  # a tablet holding the walk must see that it changed
    return action


def forward_sources(walk: GembaWalk) -> list[tuple[str, str]]:
    """(key, text) for each concern and each line of the ideas, the things that can be taken forward."""
    sources = [(f"concern-{c.id}", c.text) for c in walk.concerns]
    lines = [line.strip(" -*\u2022\t") for line in walk.ideas.splitlines()]
    sources += [(f"idea-{n}", line) for n, line in enumerate(lines, start=1) if line]
    return sources


@transactional
def take_forward(walk: GembaWalk, data: TakeForward, *, actor) -> Project | ChangeIdea:
    """Turn a concern or idea from the walk into a proposed project, or a change idea on one of the projects.

    The walk is linked to what was made. Raises PermissionDenied for someone who cannot contribute, and
    DomainError naming `source`, `project_id` or `title` when one is missing, unknown or too long.
    """
    _require_contributor(actor, walk.organisation)
    text = dict(forward_sources(walk)).get(data.source)
    if text is None:
        raise DomainError("Choose the concern or idea to take forward", field="source")
    if data.target == "project":
        return _new_project(walk, data.title or text, text, actor)
    return _new_change_idea(walk, data, data.title or text, actor)


def _new_project(walk: GembaWalk, title: str, text: str, actor) -> Project:
    _check_length(title, PROJECT_TITLE_LIMIT)
    problem = f"Raised on a {walk.type_label.lower()} on {walk.walked_on:%d %B %Y}: {text}"
    project = projects.create_project(walk.organisation, projects.ProjectInput(
        title=title, problem=problem, unit_id=walk.unit_id), actor=actor)
    walk.projects.append(project)
    walk.updated_at = utcnow()
    return project


def _new_change_idea(walk: GembaWalk, data: TakeForward, text: str, actor) -> ChangeIdea:
    project = db.session.get(Project, data.project_id) if data.project_id else None
    if project is None or project.organisation_id != walk.organisation_id or project.archived_at is not None:
        raise DomainError("Choose a project in this organisation", field="project_id")  # archived ones are closed
    _check_length(text, CHANGE_IDEA_LIMIT)
    idea = projects.save_change_idea(project, projects.ChangeIdeaInput(text=text), actor=actor)
    walk.change_ideas.append(idea)
    if project not in walk.projects:
        walk.projects.append(project)
    walk.updated_at = utcnow()
    return idea


def _check_length(title: str, limit: int) -> None:
    if len(title) > limit:
        raise DomainError(f"Shorten the title to {limit} characters or fewer", field="title")


def new_client_id() -> str:
    """A fresh client id for a walk made on the server (the tablet makes its own)."""
    return str(uuid.uuid4())
