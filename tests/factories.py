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


def make_project(organisation: Organisation, title: str | None = None, status=None, unit: Unit | None = None,
                 created_by: User | None = None, **fields):
    from datetime import date

    from impact_tracker.projects.models import Project, ProjectStatus

    project = Project(organisation=organisation, title=title or f"Reduce falls on ward {_n()}",
                      status=status or ProjectStatus.ACTIVE, unit=unit, created_by=created_by,
                      problem=fields.pop("problem", "Too many inpatient falls at night."),
                      aim_what=fields.pop("aim_what", "Reduce inpatient falls"),
                      aim_baseline=fields.pop("aim_baseline", "8 per month"),
                      aim_target=fields.pop("aim_target", "4 per month"),
                      aim_by=fields.pop("aim_by", date(2027, 3, 31)), **fields)
    db.session.add(project)
    db.session.commit()
    return project


def make_change_idea(project, text: str | None = None, status=None):
    from impact_tracker.projects.models import ChangeIdea, ChangeIdeaStatus

    idea = ChangeIdea(project=project, text=text or f"Intentional rounding {_n()}",
                      status=status or ChangeIdeaStatus.TESTING, position=len(project.change_ideas))
    db.session.add(idea)
    db.session.commit()
    return idea


def make_measure(project, name: str | None = None, values=None, start=None, proportions=None, **fields):
    """A measure with weekly points from `start`: `values` as plain values, or `proportions` as (num, den)."""
    from datetime import date, timedelta

    from impact_tracker.measures.models import DataPoint, Measure, MeasureKind

    measure = Measure(project=project, name=name or f"Falls per 1,000 bed days {_n()}",
                      kind=fields.pop("kind", MeasureKind.OUTCOME), is_proportion=proportions is not None,
                      **fields)
    db.session.add(measure)
    first = start or date(2026, 1, 5)
    for index, value in enumerate(values or []):
        db.session.add(DataPoint(measure=measure, period=first + timedelta(weeks=index), value=value))
    for index, (numerator, denominator) in enumerate(proportions or []):
        db.session.add(DataPoint(measure=measure, period=first + timedelta(weeks=index), numerator=numerator,
                                 denominator=denominator))
    db.session.commit()
    return measure


def make_cycle(project, change_idea=None, title: str | None = None, stage=None, number: int | None = None,
               **fields):
    from impact_tracker.pdsa.models import PDSACycle, Stage

    idea = change_idea or make_change_idea(project)
    if number is None:
        number = 1 + db.session.query(PDSACycle).filter_by(change_idea_id=idea.id).count()
    cycle = PDSACycle(project=project, change_idea=idea, number=number, title=title or f"Test {_n()}",
                      stage=stage or Stage.PLAN, **fields)
    db.session.add(cycle)
    db.session.commit()
    return cycle
