"""The one place that decides who may see and do what.

Every role acts within a scope: organisation roles within their organisation, system viewers within their
system's organisations, region viewers within their region, national administrators everywhere. Every
organisation-owned model exposes `.organisation`; `get_for_user_or_404` and `visible_org_clause` are the
only ways views and queries reach such objects, so another organisation's object is a 404, never a leak.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, false, select, true

from ..extensions import db
from .errors import NotFound, PermissionDenied


class Role(StrEnum):
    """Role slugs, as used by the CLI, the API and the database."""

    FRONTLINE = "frontline"
    PROJECT_LEAD = "project_lead"
    COACH = "coach"
    IMPROVEMENT_LEAD = "improvement_lead"
    EXECUTIVE = "executive"
    SYSTEM_VIEWER = "system_viewer"
    REGION_VIEWER = "region_viewer"
    NATIONAL_ADMIN = "national_admin"


ROLE_LABELS: dict[Role, str] = {
    Role.FRONTLINE: "Frontline staff",
    Role.PROJECT_LEAD: "Project lead",
    Role.COACH: "Improvement coach",
    Role.IMPROVEMENT_LEAD: "Organisation improvement lead",
    Role.EXECUTIVE: "Executive or board member",
    Role.SYSTEM_VIEWER: "System viewer",
    Role.REGION_VIEWER: "Region viewer",
    Role.NATIONAL_ADMIN: "National administrator",
}

# Higher rank = more power. Used so that nobody can hand out, or take, more than they hold.
ROLE_RANK: dict[Role, int] = {
    Role.FRONTLINE: 1,
    Role.PROJECT_LEAD: 2,
    Role.COACH: 3,
    Role.EXECUTIVE: 3,
    Role.IMPROVEMENT_LEAD: 4,
    Role.SYSTEM_VIEWER: 5,
    Role.REGION_VIEWER: 6,
    Role.NATIONAL_ADMIN: 7,
}

ORGANISATION_ROLES = (Role.FRONTLINE, Role.PROJECT_LEAD, Role.COACH, Role.IMPROVEMENT_LEAD, Role.EXECUTIVE)


class Action(StrEnum):
    """Things a user can do to an organisation's data."""

    VIEW = "view"
    CONTRIBUTE = "contribute"  # register projects, enter data, log cycles and walks
    MANAGE_ORGANISATION = "manage_organisation"  # users, units, settings


_CONTRIBUTORS = frozenset({Role.FRONTLINE, Role.PROJECT_LEAD, Role.COACH, Role.IMPROVEMENT_LEAD, Role.EXECUTIVE})
_MANAGERS = frozenset({Role.IMPROVEMENT_LEAD, Role.NATIONAL_ADMIN})


class Scoped(Protocol):
    """Anything that belongs to an organisation."""

    organisation: Any


def role_of(user) -> Role:
    """The user's role as a Role (the column stores the slug)."""
    return Role(user.role)


def is_org_member(user, organisation) -> bool:
    """True when the organisation is the user's own."""
    return organisation is not None and user.organisation_id == organisation.id


def can_view_org(user, organisation) -> bool:
    """Whether the user may see the organisation and what it owns."""
    if organisation is None:
        return False
    region_id = organisation.system.region_id if organisation.system is not None else None
    return can_view_place(user, organisation.id, organisation.system_id, region_id)


def can_view_place(user, organisation_id: int, system_id: int | None, region_id: int | None) -> bool:
    """can_view_org from the organisation's place alone (its id, system and region), for a hot path that read
    them in the same query as the record and so need not load the organisation."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    role = role_of(user)
    if role is Role.NATIONAL_ADMIN:
        return True
    if role is Role.REGION_VIEWER:
        return region_id is not None and region_id == user.region_id
    if role is Role.SYSTEM_VIEWER:
        return system_id is not None and system_id == user.system_id
    return user.organisation_id == organisation_id


def can(user, action: Action, organisation) -> bool:
    """Whether the user may do `action` to the organisation's data."""
    if not can_view_org(user, organisation):
        return False
    role = role_of(user)
    if action is Action.VIEW:
        return True
    if action is Action.CONTRIBUTE:
        return role in _CONTRIBUTORS and is_org_member(user, organisation)
    if action is Action.MANAGE_ORGANISATION:
        return role in _MANAGERS and (role is Role.NATIONAL_ADMIN or is_org_member(user, organisation))
    return False


def assignable_roles(actor) -> list[Role]:
    """The roles `actor` may give to someone in an organisation they manage."""
    if role_of(actor) is Role.NATIONAL_ADMIN:
        return list(Role)
    return [role for role in ORGANISATION_ROLES if ROLE_RANK[role] <= ROLE_RANK[role_of(actor)]]


T = TypeVar("T")


def get_for_user_or_404(model: type[T], obj_id: int, user, action: Action = Action.VIEW) -> T:
    """Load one organisation-owned object for `user`.

    Raises NotFound when it does not exist or belongs to an organisation the user cannot see (so ids are
    never confirmed), and PermissionDenied when the user can see it but may not do `action`.
    """
    obj = db.session.get(model, obj_id)
    if obj is None or not can_view_org(user, obj.organisation):
        raise NotFound(f"{model.__name__} {obj_id}")
    if not can(user, action, obj.organisation):
        raise PermissionDenied(f"{action} on {model.__name__} {obj_id}")
    return obj


def own_organisation_or_404(user, action: Action):
    """The user's own organisation, for pages about it (people, units, capability).

    Raises NotFound when the user belongs to no organisation, and PermissionDenied when they may not do `action`.
    """
    organisation = user.organisation
    if organisation is None:
        raise NotFound("no organisation")
    if not can(user, action, organisation):
        raise PermissionDenied(f"{action} on own organisation")
    return organisation


def visible_org_clause(user, org_id_column) -> ColumnElement[bool]:
    """A WHERE clause keeping rows whose organisation `user` may see.

    Looks the organisation and system tables up on the metadata so that core imports no domain.
    """
    role = role_of(user)
    if role is Role.NATIONAL_ADMIN:
        return true()
    organisation = db.metadata.tables["organisation"]
    if role is Role.SYSTEM_VIEWER:
        ids = select(organisation.c.id).where(organisation.c.system_id == user.system_id)
        return org_id_column.in_(ids)
    if role is Role.REGION_VIEWER:
        system = db.metadata.tables["system"]
        systems = select(system.c.id).where(system.c.region_id == user.region_id)
        ids = select(organisation.c.id).where(organisation.c.system_id.in_(systems))
        return org_id_column.in_(ids)
    if user.organisation_id is None:
        return false()
    return org_id_column == user.organisation_id
