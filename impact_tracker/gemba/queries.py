"""Reads for gemba walks: lists, a walk with everything its page shows, a leader's actions, and the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from ..core.permissions import visible_org_clause
from ..extensions import db
from ..orgs.models import Organisation, Unit, User
from ..projects.models import Project, ProjectStatus
from .models import UNFINISHED_STATUSES, GembaWalk, WalkAction


@dataclass(frozen=True)
class WalkFigures:
    """What the walks of one organisation add up to (`fed_back_share` is None when there are no actions)."""

    walks: int
    actions: int
    open_actions: int
    overdue_actions: int
    fed_back_share: float | None


EMPTY_FIGURES = WalkFigures(0, 0, 0, 0, None)


def walk_figures(org_ids: list[int], today: date | None = None) -> dict[int, WalkFigures]:
    """Walks, actions, open and overdue actions and the share of actions fed back, per organisation.

    Two aggregate queries whatever the number of organisations; every id asked for gets an entry
    (EMPTY_FIGURES when the organisation has no walks). `today` decides what is overdue (default: today).
    """
    if not org_ids:
        return {}
    today = today or date.today()
    walks = dict(db.session.execute(
        select(GembaWalk.organisation_id, func.count(GembaWalk.id))
        .where(GembaWalk.organisation_id.in_(org_ids)).group_by(GembaWalk.organisation_id)
    ).all())
    rows = db.session.execute(_action_totals(org_ids, today)).all()
    actions = {row.organisation_id: row for row in rows}
    return {org_id: _figures(walks.get(org_id, 0), actions.get(org_id)) for org_id in org_ids}


def _action_totals(org_ids: list[int], today: date) -> Select:
    unfinished = WalkAction.status.in_(UNFINISHED_STATUSES)
    return (
        select(
            GembaWalk.organisation_id,
            func.count(WalkAction.id).label("actions"),
            func.sum(case((unfinished, 1), else_=0)).label("open_actions"),
            func.sum(case(((unfinished & (WalkAction.due < today)), 1), else_=0)).label("overdue"),
            func.sum(case((WalkAction.fed_back_on.is_not(None), 1), else_=0)).label("fed_back"),
        )
        .join(WalkAction, WalkAction.walk_id == GembaWalk.id)
        .where(GembaWalk.organisation_id.in_(org_ids))
        .group_by(GembaWalk.organisation_id)
    )


def _figures(walks: int, row) -> WalkFigures:
    if row is None or not row.actions:
        return WalkFigures(walks, 0, 0, 0, None)
    return WalkFigures(walks, row.actions, int(row.open_actions), int(row.overdue), int(row.fed_back) / row.actions)


def total_figures(user, today: date | None = None) -> WalkFigures:
    """The figures over every organisation the user may see, added together."""
    org_ids = list(db.session.scalars(select(Organisation.id).where(visible_org_clause(user, Organisation.id))))
    parts = list(walk_figures(org_ids, today).values())
    actions = sum(p.actions for p in parts)
    fed_back = sum((p.fed_back_share or 0) * p.actions for p in parts)
    return WalkFigures(sum(p.walks for p in parts), actions, sum(p.open_actions for p in parts),
                       sum(p.overdue_actions for p in parts), round(fed_back) / actions if actions else None)


def walks_query(user) -> Select:
    """Walks the user may see, newest first, with what the list shows loaded."""
    return (
        select(GembaWalk)
        .where(visible_org_clause(user, GembaWalk.organisation_id))
        .options(selectinload(GembaWalk.unit), selectinload(GembaWalk.leaders), selectinload(GembaWalk.actions),
                 selectinload(GembaWalk.concerns), selectinload(GembaWalk.organisation))
        .order_by(GembaWalk.walked_on.desc(), GembaWalk.id.desc())
    )


def walk_by_client_id(client_id: str) -> GembaWalk | None:
    """The walk a tablet made with this client id, or None."""
    return db.session.scalars(select(GembaWalk).where(GembaWalk.client_id == client_id)).one_or_none()


def my_actions(user) -> list[WalkAction]:
    """The user's unfinished walk actions, soonest due first."""
    return list(db.session.scalars(
        select(WalkAction)
        .where(WalkAction.owner_id == user.id, WalkAction.status.in_(UNFINISHED_STATUSES))
        .options(selectinload(WalkAction.walk).selectinload(GembaWalk.unit))
        .order_by(WalkAction.due, WalkAction.id)
    ))


def people_choices(organisation) -> list[tuple[str, str]]:
    """(email, name) for the organisation's active people, to choose leaders and action owners."""
    users = db.session.scalars(select(User).where(User.organisation_id == organisation.id, User.active.is_(True))
                               .order_by(User.name))
    return [(user.email, user.name) for user in users]


def unit_choices(organisation) -> list[tuple[str, str]]:
    """(id, name) for the organisation's active units."""
    units = db.session.scalars(select(Unit).where(Unit.organisation_id == organisation.id, Unit.active.is_(True))
                               .order_by(Unit.name))
    return [(str(unit.id), unit.name) for unit in units]


def project_choices(organisation) -> list[tuple[str, str]]:
    """(id, title) for the organisation's projects still under way, to link a walk to."""
    done = (ProjectStatus.COMPLETED, ProjectStatus.ABANDONED)
    projects = db.session.scalars(
        select(Project).where(Project.organisation_id == organisation.id, Project.archived_at.is_(None),
                              Project.status.not_in(done)).order_by(Project.title))
    return [(str(project.id), project.title) for project in projects]
