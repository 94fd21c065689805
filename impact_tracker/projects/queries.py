"""Reads for projects: the filtered list and one project with what its page shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from ..core.permissions import visible_org_clause
from ..extensions import db
from .models import Project, ProjectComponent, ProjectStatus, TeamMember


@dataclass(frozen=True)
class ProjectFilters:
    """What the projects list is narrowed by."""

    search: str = ""
    status: ProjectStatus | None = None
    component: str | None = None
    unit_id: int | None = None
    mine: bool = False


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


def load_project_page(project: Project) -> Project:
    """The project with its team, scores, drivers and change ideas loaded in a few queries."""
    return db.session.scalars(
        select(Project)
        .where(Project.id == project.id)
        .options(
            selectinload(Project.team).selectinload(TeamMember.user),
            selectinload(Project.scores),
            selectinload(Project.drivers),
            selectinload(Project.change_ideas),
            selectinload(Project.component_tags),
        )
    ).one()
