"""Reads for projects: the filtered list and one project with what its page shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ..core.permissions import visible_org_clause
from ..extensions import db
from .models import ChangeIdea, Driver, Project, ProjectComponent, ProjectStatus, TeamMember


@dataclass(frozen=True)
class ProjectFilters:
    """What the projects list is narrowed by."""

    search: str = ""
    status: ProjectStatus | None = None
    component: str | None = None
    unit_id: int | None = None
    mine: bool = False


def filters_from(data: dict) -> ProjectFilters:
    """ProjectFilters from the search form's validated data (blank means no filter)."""
    return ProjectFilters(
        search=(data.get("q") or "").strip(),
        status=ProjectStatus(data["status"]) if data.get("status") else None,
        component=data.get("component") or None,
        unit_id=int(data["unit_id"]) if data.get("unit_id") else None,
        mine=data.get("mine") == "1",
    )


def projects_query(user, filters: ProjectFilters) -> Select:
    """Projects the user may see, not archived, narrowed by the filters, newest first."""
    query = (
        select(Project)
        .where(visible_org_clause(user, Project.organisation_id), Project.archived_at.is_(None))
        .options(selectinload(Project.unit), selectinload(Project.scores), selectinload(Project.organisation))
        .order_by(Project.updated_at.desc(), Project.id.desc())
    )
    if filters.search:
        pattern = f"%{filters.search.lower()}%"
        query = query.where(or_(db.func.lower(Project.title).like(pattern),
                                db.func.lower(Project.aim_what).like(pattern)))
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.component:
        tagged = select(ProjectComponent.project_id).where(ProjectComponent.component == filters.component)
        query = query.where(Project.id.in_(tagged))
    if filters.unit_id:
        query = query.where(Project.unit_id == filters.unit_id)
    if filters.mine:
        query = query.where(Project.id.in_(select(TeamMember.project_id).where(TeamMember.user_id == user.id)))
    return query


def archived_projects(organisation) -> list[Project]:
    """The organisation's archived projects, most recently archived first (for leads to restore)."""
    return list(db.session.scalars(
        select(Project)
        .where(Project.organisation_id == organisation.id, Project.archived_at.is_not(None))
        .options(selectinload(Project.unit))
        .order_by(Project.archived_at.desc(), Project.id.desc())
    ))


def load_project_page(project: Project) -> Project:
    """The project with its team, scores, drivers and change ideas loaded in a few queries."""
    return db.session.scalars(
        select(Project)
        .where(Project.id == project.id)
        .options(
            selectinload(Project.team).selectinload(TeamMember.user),
            selectinload(Project.scores),
            selectinload(Project.drivers).selectinload(Driver.primaries),
            selectinload(Project.change_ideas).selectinload(ChangeIdea.drivers),
            selectinload(Project.component_tags),
        )
    ).one()


def people_choices(organisation) -> list[tuple[str, str]]:
    """(id, name) of the organisation's active people, for the team picker."""
    from ..orgs.models import User

    people = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id, User.active.is_(True)).order_by(User.name)
    )
    return [("", "Choose a person")] + [(str(p.id), p.name) for p in people]


@dataclass(frozen=True)
class DiagramColumnItem:
    """A driver or change idea as the diagram draws it, with the ids it connects to on its left."""

    id: int
    text: str
    feeds: tuple[int, ...]
    status: str | None = None


@dataclass(frozen=True)
class DriverDiagram:
    """The driver diagram as an aim with nested primaries, secondaries and change ideas."""

    aim: str
    primaries: list[DiagramColumnItem]
    secondaries: list[DiagramColumnItem]
    ideas: list[DiagramColumnItem]

    def secondaries_of(self, primary_id: int) -> list[DiagramColumnItem]:
        return [s for s in self.secondaries if primary_id in s.feeds]

    def ideas_of(self, secondary_id: int) -> list[DiagramColumnItem]:
        return [i for i in self.ideas if secondary_id in i.feeds]

    @property
    def unlinked_ideas(self) -> list[DiagramColumnItem]:
        return [i for i in self.ideas if not i.feeds]


def driver_diagram(project: Project) -> DriverDiagram:
    """The project's driver diagram, from already-loaded drivers and change ideas."""
    from .models import DriverKind

    primaries = [DiagramColumnItem(d.id, d.text, ()) for d in project.drivers if d.kind is DriverKind.PRIMARY]
    secondaries = [DiagramColumnItem(d.id, d.text, tuple(p.id for p in d.primaries))
                   for d in project.drivers if d.kind is DriverKind.SECONDARY]
    ideas = [DiagramColumnItem(i.id, i.text, tuple(d.id for d in i.drivers), i.status.value)
             for i in project.change_ideas]
    return DriverDiagram(project.aim_what, primaries, secondaries, ideas)


def my_projects(user, limit: int = 6) -> list[Project]:
    """The open projects the user is on, most recently changed first (for the home page)."""
    open_statuses = (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.SUSTAINING)
    query = (projects_query(user, ProjectFilters(mine=True))
             .where(Project.status.in_(open_statuses)).limit(limit))
    return list(db.session.scalars(query))
