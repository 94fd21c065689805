"""make_* functions: persisted models with sensible keyword defaults."""

from __future__ import annotations

import itertools

from werkzeug.security import generate_password_hash

from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.orgs.models import Organisation, OrgType, Region, System, Unit, UnitType, User

PASSWORD = "correct-horse-battery"
# Hashed once, cheaply: the app's own hashing (scrypt) is tested in the auth tests, not paid per factory call.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def make_region(code: str | None = None, name: str = "Test Region") -> Region:
    region = Region(code=code or f"R{_n()}", name=name)
    db.session.add(region)
    db.session.commit()
    return region


def make_system(region: Region | None = None, code: str | None = None, name: str = "Test System") -> System:
    system = System(code=code or f"S{_n()}", name=name, region=region or make_region())
    db.session.add(system)
    db.session.commit()
    return system


def make_org(system: System | None = None, code: str | None = None, name: str | None = None,
             type: OrgType = OrgType.ACUTE) -> Organisation:
    n = _n()
    organisation = Organisation(code=code or f"ORG{n}", name=name or f"Test Trust {n}", type=type,
                                system=system or make_system())
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_unit(organisation: Organisation, name: str | None = None, type: UnitType = UnitType.WARD,
              parent: Unit | None = None) -> Unit:
    unit = Unit(organisation=organisation, name=name or f"Ward {_n()}", type=type, parent=parent)
    db.session.add(unit)
    db.session.commit()
    return unit


def make_user(organisation: Organisation | None = None, role: Role = Role.FRONTLINE, email: str | None = None,
              name: str | None = None, active: bool = True, system: System | None = None,
              region: Region | None = None, must_change_password: bool = False) -> User:
    n = _n()
    user = User(email=email or f"user{n}@trust.example", name=name or f"Test User {n}", role=role,
                organisation=organisation, system=system, region=region, active=active,
                must_change_password=must_change_password)
    user.password_hash = PASSWORD_HASH
    db.session.add(user)
    db.session.commit()
    return user
