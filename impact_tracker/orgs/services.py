"""Use cases for organisations, units and people; each public function is one transaction."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ..core.database import transactional
from ..core.errors import DomainError, PermissionDenied
from ..core.permissions import ORGANISATION_ROLES, ROLE_RANK, Action, Role, assignable_roles, can, role_of
from ..extensions import db
from .models import Organisation, OrgType, Region, System, Unit, UnitType, User

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class NewUser:
    """What it takes to add a person."""

    email: str
    name: str
    role: Role
    password: str | None = None  # None: generate a temporary one
    unit_id: int | None = None


@dataclass(frozen=True)
class UnitInput:
    """A unit's editable fields."""

    name: str
    type: UnitType
    parent_id: int | None = None


@dataclass(frozen=True)
class Scope:
    """Where a user belongs: an organisation, a system, a region, or (national) nowhere in particular."""

    organisation: Organisation | None = None
    system: System | None = None
    region: Region | None = None


@functools.cache
def _common_passwords() -> frozenset[str]:
    lines = (Path(__file__).parent / "common_passwords.txt").read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_password_policy(password: str, *, email: str = "") -> None:
    """Raise DomainError on a password that is short, commonly used, one repeated character or the email.

    Length matters most (NCSC guidance): no rules about symbols, but the passwords attackers try first are out.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters long", field="password")
    lowered = password.lower()
    local_part = email.split("@")[0].lower()
    if lowered in _common_passwords() or len(set(lowered)) <= 2 or (len(local_part) >= 4 and local_part in lowered):
        raise DomainError("This password is too easy to guess. Try three or four random words together",
                          field="password")


def email_taken(email: str) -> bool:
    """True when any account, in any organisation, uses the address (case-insensitively)."""
    normalised = User.normalise_email(email)
    return db.session.scalar(select(func.count(User.id)).where(User.email == normalised)) > 0


def _check_scope(role: Role, scope: Scope) -> None:
    """Each role belongs to exactly the kind of place its views cover."""
    needs = {
        Role.SYSTEM_VIEWER: ("system", scope.system),
        Role.REGION_VIEWER: ("region", scope.region),
        Role.NATIONAL_ADMIN: (None, None),
    }.get(role, ("organisation", scope.organisation))
    kind, place = needs
    if kind is not None and place is None:
        raise DomainError(f"A {role.value.replace('_', ' ')} must belong to a {kind}", field="role")


def _build_user(data: NewUser, scope: Scope) -> tuple[User, str]:
    _check_scope(data.role, scope)
    if email_taken(data.email):
        raise DomainError("An account with this email address already exists", field="email")
    password = data.password or secrets.token_urlsafe(12)
    check_password_policy(password, email=data.email)
    user = User(
        email=User.normalise_email(data.email),
        name=data.name.strip(),
        role=data.role,
        organisation=scope.organisation,
        system=scope.system,
        region=scope.region,
        unit_id=data.unit_id,
        must_change_password=data.password is None,
    )
    user.set_password(password)
    db.session.add(user)
    return user, password


@transactional
def create_account(data: NewUser, scope: Scope) -> tuple[User, str]:
    """Create any account (CLI and seeding). Returns the user and the password it was given.

    Raises DomainError when the email is taken, the password is too weak or the role has no place.
    """
    return _build_user(data, scope)


@transactional
def add_member(organisation: Organisation, data: NewUser, *, actor: User) -> tuple[User, str]:
    """An organisation lead adds a person to their organisation.

    Without a password a temporary one is generated, returned once and must be changed at first sign-in.
    Raises PermissionDenied if the actor cannot manage the organisation, DomainError for a role above the
    actor's own, an organisation-less role, a duplicate email or a unit from elsewhere.
    """
    _require_manager(actor, organisation)
    _check_assignable(data.role, actor)
    if data.role not in ORGANISATION_ROLES:
        raise DomainError("Choose a role that belongs to an organisation", field="role")
    _check_unit(organisation, data.unit_id)
    return _build_user(data, Scope(organisation=organisation))


@transactional
def update_member(user: User, role: Role, unit_id: int | None, *, actor: User) -> User:
    """Change a member's role and unit.

    Raises DomainError if the actor changes their own role (so nobody can raise their own role), gives a
    role above their own, changes someone with more access than they have, or picks a unit from elsewhere.
    """
    _require_manager(actor, user.organisation)
    if role != user.role:
        _check_role_change(user, role, actor)
        user.role = role
    user.unit = _check_unit(user.organisation, unit_id)
    return user


def _check_role_change(user: User, role: Role, actor: User) -> None:
    if user.id == actor.id:
        raise DomainError("You cannot change your own role. Ask another improvement lead.", field="role")
    _check_assignable(role, actor)
    if role not in ORGANISATION_ROLES:
        raise DomainError("Choose a role that belongs to an organisation", field="role")
    if ROLE_RANK[role_of(user)] > ROLE_RANK[role_of(actor)]:
        raise DomainError("You cannot change the role of someone with more access than you", field="role")


@transactional
def set_active(user: User, active: bool, *, actor: User) -> User:
    """Deactivate (or reactivate) a member; a deactivated user cannot sign in or use tokens."""
    _require_manager(actor, user.organisation)
    if user.id == actor.id:
        raise DomainError("You cannot deactivate your own account")
    user.active = active
    return user


@transactional
def create_unit(organisation: Organisation, data: UnitInput, *, actor: User | None) -> Unit:
    """Add a unit to the organisation's tree. Raises DomainError for a parent from elsewhere."""
    if actor is not None:
        _require_manager(actor, organisation)
    parent = _check_unit(organisation, data.parent_id, field="parent_id")
    unit = Unit(organisation=organisation, name=data.name.strip(), type=data.type, parent=parent)
    db.session.add(unit)
    return unit


@transactional
def update_unit(unit: Unit, data: UnitInput, *, actor: User) -> Unit:
    """Rename, retype or move a unit. Raises DomainError when the move would put it inside itself."""
    _require_manager(actor, unit.organisation)
    parent = _check_unit(unit.organisation, data.parent_id, field="parent_id")
    if parent is not None and (parent.id == unit.id or unit in parent.ancestors()):
        raise DomainError("A unit cannot sit inside itself or one of its own units", field="parent_id")
    unit.name, unit.type, unit.parent = data.name.strip(), data.type, parent
    return unit


@transactional
def create_region(code: str, name: str) -> Region:
    """Add a region (CLI and seeding)."""
    region = Region(code=code.upper(), name=name)
    db.session.add(region)
    return region


@transactional
def create_system(code: str, name: str, region: Region) -> System:
    """Add an integrated care system to a region."""
    system = System(code=code.upper(), name=name, region=region)
    db.session.add(system)
    return system


@transactional
def create_organisation(code: str, name: str, org_type: OrgType, system: System | None) -> Organisation:
    """Add an organisation. Raises DomainError when the code is already used."""
    code = code.strip().upper()
    if db.session.scalar(select(Organisation.id).where(Organisation.code == code)) is not None:
        raise DomainError(f"Organisation code {code} is already in use", field="code")
    organisation = Organisation(code=code, name=name, type=org_type, system=system)
    db.session.add(organisation)
    return organisation


def _require_manager(actor: User, organisation: Organisation | None) -> None:
    if not can(actor, Action.MANAGE_ORGANISATION, organisation):
        raise PermissionDenied("manage organisation")


def _check_assignable(role: Role, actor: User) -> None:
    if role not in assignable_roles(actor):
        raise DomainError("You cannot give a role with more access than your own", field="role")


def _check_unit(organisation: Organisation, unit_id: int | None, field: str = "unit_id") -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organisation_id != organisation.id:
        raise DomainError("Choose a unit in this organisation", field=field)
    return unit
