"""The fictional demo region DREG: systems, organisations, units and one user per role.

Deterministic: the same names every time, so guides and tests can refer to them. Later domains extend
`seed_demo` with projects, measures, cycles, assessments and walks.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from .core.errors import DomainError
from .core.permissions import Role
from .demo_assessments import seed_demo_assessments
from .demo_capability import seed_demo_capability
from .demo_gemba import seed_demo_walks
from .demo_projects import seed_demo_projects
from .extensions import db
from .orgs import services as orgs
from .orgs.models import Organisation, OrgType, System, Unit, UnitType, User

SYSTEMS = (("DSYS1", "Demoshire and Vale Integrated Care System"), ("DSYS2", "Northfield Integrated Care System"))

ORGANISATIONS = (
    ("DEMO1", "Demoshire Hospitals NHS Foundation Trust", OrgType.ACUTE, "DSYS1"),
    ("DEMO2", "Demoshire Mental Health NHS Trust", OrgType.MENTAL_HEALTH, "DSYS1"),
    ("DEMO3", "Vale Community Health Services NHS Trust", OrgType.COMMUNITY, "DSYS1"),
    ("DEMO4", "Northfield Teaching Hospitals NHS Trust", OrgType.ACUTE, "DSYS2"),
    ("DEMO5", "Western Counties Ambulance Service NHS Trust", OrgType.AMBULANCE, "DSYS2"),
    ("DEMO6", "Northfield Integrated Care Board", OrgType.ICB, "DSYS2"),
)

# (name, type, children) trees per kind of organisation
UNIT_TREES = {
    OrgType.ACUTE: [
        ("Medicine", UnitType.DIRECTORATE, [
            ("Respiratory", UnitType.SERVICE, [("Ward 7", UnitType.WARD, []), ("Ward 8", UnitType.WARD, [])]),
            ("Emergency Department", UnitType.SERVICE, []),
        ]),
        ("Surgery", UnitType.DIRECTORATE, [("Theatres", UnitType.SERVICE, []),
                                           ("Ward 12", UnitType.WARD, [])]),
    ],
    OrgType.MENTAL_HEALTH: [
        ("Adult Inpatient Services", UnitType.DIRECTORATE, [("Willow Ward", UnitType.WARD, []),
                                                             ("Cedar Ward", UnitType.WARD, [])]),
        ("Community Mental Health", UnitType.DIRECTORATE, [("North Locality Team", UnitType.TEAM, [])]),
    ],
    OrgType.COMMUNITY: [("Community Nursing", UnitType.DIRECTORATE, [("District Nursing East", UnitType.TEAM, [])])],
    OrgType.AMBULANCE: [("Operations", UnitType.DIRECTORATE, [("Emergency Operations Centre", UnitType.SERVICE, [])])],
    OrgType.ICB: [("Quality and Nursing", UnitType.DIRECTORATE, [])],
}

DEMO1_PEOPLE = {
    Role.FRONTLINE: "Sam Okafor",
    Role.PROJECT_LEAD: "Priya Raman",
    Role.COACH: "Tom Hughes",
    Role.IMPROVEMENT_LEAD: "Grace Mensah",
    Role.EXECUTIVE: "Dr Helen Cartwright",
    Role.SYSTEM_VIEWER: "Ade Williams",
    Role.REGION_VIEWER: "Fiona Maclean",
    Role.NATIONAL_ADMIN: "Chris Patel",
}
DEMO2_PEOPLE = {Role.FRONTLINE: "Jo Whitfield", Role.IMPROVEMENT_LEAD: "Marcus Boateng"}


@dataclass(frozen=True)
class SignIn:
    """One demo account, for the printed list."""

    email: str
    role: Role
    organisation: str


def database_is_empty() -> bool:
    """True when there are no organisations and no users (safe to seed)."""
    count = db.session.scalar(select(func.count(Organisation.id))) + db.session.scalar(select(func.count(User.id)))
    return count == 0


def seed_demo(password: str | None = None) -> tuple[str, list[SignIn]]:
    """Load the demo region into an empty database; returns the shared password and the sign-ins.

    Raises DomainError when the database already holds data, so real data is never mixed with the demo.
    """
    if not database_is_empty():
        raise DomainError("The database already holds data; the demo is only loaded into an empty database.")
    password = password or secrets.token_urlsafe(9)
    orgs.check_password_policy(password)
    region = orgs.create_region("DREG", "Demo Region")
    systems = {code: orgs.create_system(code, name, region) for code, name in SYSTEMS}
    organisations = {}
    for code, name, org_type, system_code in ORGANISATIONS:
        organisations[code] = orgs.create_organisation(code, name, org_type, systems[system_code])
        _add_units(organisations[code], UNIT_TREES.get(org_type, []), None)
    sign_ins = _add_people(organisations, systems, region, password)
    seed_demo_projects(organisations, _data_start())
    seed_demo_assessments(organisations)
    seed_demo_walks(organisations)
    seed_demo_capability(organisations)
    return password, sign_ins


def _data_start() -> date:
    """The Monday 40 weeks before this one, so the demo's data always run up to the present."""
    today = date.today()
    return today - timedelta(days=today.weekday(), weeks=40)


def _add_units(organisation: Organisation, tree: list, parent: Unit | None) -> None:
    for name, unit_type, children in tree:
        unit = orgs.create_unit(
            organisation, orgs.UnitInput(name, unit_type, parent.id if parent else None), actor=None
        )
        _add_units(organisation, children, unit)


def _add_people(organisations: dict, systems: dict[str, System], region, password: str) -> list[SignIn]:
    sign_ins = []
    for org_code, people in (("DEMO1", DEMO1_PEOPLE), ("DEMO2", DEMO2_PEOPLE)):
        for role, name in people.items():
            scope = _scope_for(role, organisations[org_code], systems["DSYS1"], region)
            email = f"{role.value}@{org_code.lower()}.example"
            orgs.create_account(orgs.NewUser(email, name, role, password), scope)
            sign_ins.append(SignIn(email, role, org_code))
    return sign_ins


def _scope_for(role: Role, organisation: Organisation, system: System, region) -> orgs.Scope:
    if role is Role.SYSTEM_VIEWER:
        return orgs.Scope(system=system)
    if role is Role.REGION_VIEWER:
        return orgs.Scope(region=region)
    if role is Role.NATIONAL_ADMIN:
        return orgs.Scope()
    return orgs.Scope(organisation=organisation)
