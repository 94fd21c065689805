"""A synthetic national dataset for benchmarks: `flask --app impact_tracker generate-scale`.

The shape follows a national deployment (about 220 organisations in 42 systems and 7 regions, 20,000
projects, 120,000 PDSA cycles, 60,000 measures with 2,000,000 data points, 100,000 users); smaller runs keep
the same proportions. Rows go in with bulk inserts in batches, so a national dataset takes minutes, and the
same seed always gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, text
from werkzeug.security import generate_password_hash

from .core.impact import ImpactComponent
from .core.permissions import Role
from .extensions import db
from .measures.models import ChartType, DataPoint, Direction, Measure, MeasureKind, MeasureSummary
from .measures.services.summary import refresh_all
from .orgs.models import Organisation, OrgType, Region, System, Unit, UnitType, User
from .pdsa.models import Decision, PDSACycle, Stage
from .projects.models import (
    ChangeIdea,
    ChangeIdeaStatus,
    ProgressScore,
    Project,
    ProjectComponent,
    ProjectStatus,
    TeamMember,
    TeamRole,
)

BATCH = 5_000
STATUS_WEIGHTS = {ProjectStatus.ACTIVE: 50, ProjectStatus.COMPLETED: 20, ProjectStatus.PROPOSED: 10,
                  ProjectStatus.ON_HOLD: 8, ProjectStatus.SUSTAINING: 7, ProjectStatus.ABANDONED: 5}
ORG_TYPE_WEIGHTS = {OrgType.ACUTE: 45, OrgType.MENTAL_HEALTH: 20, OrgType.COMMUNITY: 12, OrgType.AMBULANCE: 4,
                    OrgType.ICB: 19}
NOW = datetime(2026, 11, 2, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Shape:
    """How many of each thing to make."""

    organisations: int = 220
    systems: int = 42
    regions: int = 7
    projects: int = 20_000
    cycles: int = 120_000
    measures: int = 60_000
    points: int = 2_000_000
    users: int = 100_000

    @classmethod
    def scaled(cls, organisations: int) -> Shape:
        """The national proportions for a given number of organisations."""
        factor = organisations / cls.organisations
        return cls(organisations=organisations, systems=max(1, round(cls.systems * factor)),
                   regions=max(1, min(cls.regions, round(cls.regions * factor))),
                   projects=round(cls.projects * factor), cycles=round(cls.cycles * factor),
                   measures=round(cls.measures * factor), points=round(cls.points * factor),
                   users=round(cls.users * factor))


def generate(shape: Shape, seed: int = 1) -> dict[str, int]:
    """Fill an empty database with a dataset of `shape`; returns the row counts.

    Raises ValueError when the database already holds organisations (never mixes with real data).
    """
    if db.session.scalar(select(func.count(Organisation.id))):
        raise ValueError("The database already holds organisations; generate-scale needs an empty database.")
    rng = random.Random(seed)
    org_ids = _places(shape, rng)
    user_ids = _users(shape, org_ids, rng)
    projects = _projects(shape, org_ids, user_ids, rng)
    ideas = _change_ideas(projects, rng)
    _cycles(shape, projects, ideas, rng)
    _measures(shape, projects, rng)
    _reset_sequences()
    db.session.commit()
    refresh_all()  # the bulk inserts skipped the listeners that keep each measure's latest analysis
    db.session.execute(text("ANALYZE"))  # planner statistics, as a deployment's autovacuum would gather
    db.session.commit()
    return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
        ("organisations", Organisation), ("users", User), ("projects", Project), ("cycles", PDSACycle),
        ("measures", Measure), ("points", DataPoint), ("measure summaries", MeasureSummary))}


def _bulk(model, rows: Iterator[dict] | list[dict]) -> None:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(insert(model), batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)


def _places(shape: Shape, rng: random.Random) -> list[int]:
    _bulk(Region, ({"id": r + 1, "code": f"SR{r + 1:02d}", "name": f"Region {r + 1}"} for r in range(shape.regions)))
    _bulk(System, ({"id": s + 1, "code": f"SS{s + 1:03d}", "name": f"Integrated Care System {s + 1}",
                    "region_id": s % shape.regions + 1} for s in range(shape.systems)))
    types, weights = list(ORG_TYPE_WEIGHTS), list(ORG_TYPE_WEIGHTS.values())
    _bulk(Organisation, ({"id": o + 1, "code": f"SO{o + 1:04d}", "name": f"Scale Trust {o + 1}",
                          "type": rng.choices(types, weights)[0], "system_id": o % shape.systems + 1,
                          "created_at": NOW, "updated_at": NOW} for o in range(shape.organisations)))
    _bulk(Unit, ({"organisation_id": o + 1, "name": f"Ward {w + 1}", "type": UnitType.WARD, "active": True,
                  "version": 1, "created_at": NOW, "updated_at": NOW}
                 for o in range(shape.organisations) for w in range(8)))
    return list(range(1, shape.organisations + 1))


def _users(shape: Shape, org_ids: list[int], rng: random.Random) -> dict[int, list[int]]:
    password_hash = generate_password_hash("scale-dataset-password", method="pbkdf2:sha256:1000")
    roles = [Role.FRONTLINE] * 70 + [Role.PROJECT_LEAD] * 18 + [Role.COACH] * 7 + [Role.EXECUTIVE] * 4 + \
        [Role.IMPROVEMENT_LEAD]
    by_org: dict[int, list[int]] = {org: [] for org in org_ids}
    rows = []
    for user_id in range(1, shape.users + 1):
        org = org_ids[(user_id - 1) % len(org_ids)]
        by_org[org].append(user_id)
        rows.append({"id": user_id, "email": f"user{user_id}@scale.example", "name": f"Scale User {user_id}",
                     "password_hash": password_hash, "role": rng.choice(roles), "active": True,
                     "must_change_password": False, "organisation_id": org, "version": 1,
                     "created_at": NOW, "updated_at": NOW})
    _bulk(User, rows)
    return by_org


@dataclass(frozen=True)
class _Project:
    id: int
    organisation_id: int
    status: ProjectStatus
    start: date


def _projects(shape: Shape, org_ids: list[int], users: dict[int, list[int]], rng: random.Random) -> list[_Project]:
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    projects = [_Project(p, rng.choice(org_ids), rng.choices(statuses, weights)[0],
                         NOW.date() - timedelta(days=rng.randint(30, 900))) for p in range(1, shape.projects + 1)]
    _bulk(Project, ({"id": p.id, "organisation_id": p.organisation_id, "title": f"Improvement project {p.id}",
                     "problem": "", "aim_what": f"Improve outcome {p.id % 50}", "status": p.status,
                     "start_date": p.start, "version": 1, "created_at": NOW, "updated_at": NOW} for p in projects))
    components = list(ImpactComponent)
    _bulk(ProjectComponent, ({"project_id": p.id, "component": c} for p in projects
                             for c in rng.sample(components, rng.randint(0, 2))))
    _bulk(TeamMember, _team_rows(projects, users, rng))
    _bulk(ProgressScore, ({"project_id": p.id, "score": Decimal(rng.choice(["1.0", "2.0", "2.5", "3.0", "3.5"])),
                           "note": "", "set_at": NOW - timedelta(days=rng.randint(1, 200))}
                          for p in projects for _ in range(2)))
    return projects


def _team_rows(projects: list[_Project], users: dict[int, list[int]], rng: random.Random) -> Iterator[dict]:
    for project in projects:
        people = rng.sample(users[project.organisation_id], min(3, len(users[project.organisation_id])))
        for index, user_id in enumerate(people):
            yield {"project_id": project.id, "user_id": user_id,
                   "team_role": (TeamRole.LEAD, TeamRole.COACH, TeamRole.MEMBER)[index]}


def _change_ideas(projects: list[_Project], rng: random.Random) -> dict[int, list[int]]:
    ideas: dict[int, list[int]] = {}
    rows, next_id = [], 1
    for project in projects:
        ideas[project.id] = [next_id, next_id + 1]
        for position in range(2):
            rows.append({"id": next_id, "project_id": project.id, "text": f"Change idea {next_id}",
                         "status": rng.choice(list(ChangeIdeaStatus)), "position": position, "version": 1})
            next_id += 1
    _bulk(ChangeIdea, rows)
    return ideas


def _cycles(shape: Shape, projects: list[_Project], ideas: dict[int, list[int]], rng: random.Random) -> None:
    per_project = max(1, round(shape.cycles / max(1, len(projects))))

    def rows() -> Iterator[dict]:
        for project in projects:
            for number in range(per_project):
                idea = ideas[project.id][number % 2]
                start = project.start + timedelta(days=21 * number + rng.randint(0, 10))
                done = start < NOW.date() - timedelta(days=30)
                yield {"project_id": project.id, "change_idea_id": idea, "number": number // 2 + 1,
                       "title": f"Test {number + 1}", "stage": Stage.DONE if done else Stage.DO,
                       "decision": rng.choice(list(Decision)) if done else None, "start": start,
                       "end": start + timedelta(days=14), "version": 1, "created_at": NOW, "updated_at": NOW}

    _bulk(PDSACycle, rows())


def _measures(shape: Shape, projects: list[_Project], rng: random.Random) -> None:
    per_project = max(1, round(shape.measures / max(1, len(projects))))
    per_measure = max(2, round(shape.points / max(1, per_project * len(projects))))
    kinds = [MeasureKind.OUTCOME, MeasureKind.PROCESS, MeasureKind.BALANCING]
    measure_rows, point_rows = [], []
    measure_id = 0
    for project in projects:
        for index in range(per_project):
            measure_id += 1
            direction = rng.choice([Direction.INCREASE, Direction.DECREASE])
            measure_rows.append({"id": measure_id, "project_id": project.id, "name": f"Measure {measure_id}",
                                 "kind": kinds[index % 3], "improvement_direction": direction,
                                 "chart": ChartType.XMR if index % 2 == 0 else ChartType.RUN,
                                 "target": 60.0, "baseline_points": 12, "version": 1, "created_at": NOW,
                                 "updated_at": NOW})
            point_rows.append((measure_id, project.start))
    _bulk(Measure, measure_rows)
    _bulk(DataPoint, _point_rows(point_rows, per_measure, rng))


def _point_rows(measures: list[tuple[int, date]], per_measure: int, rng: random.Random) -> Iterator[dict]:
    for measure_id, start in measures:
        level, shift_at = rng.uniform(20, 80), rng.randint(per_measure // 2, per_measure)
        for week in range(per_measure):
            value = level + (8 if week >= shift_at else 0) + rng.gauss(0, 4)
            yield {"measure_id": measure_id, "period": start + timedelta(weeks=week), "value": round(value, 1),
                   "annotation": "", "entered_at": NOW}


def _reset_sequences() -> None:
    """PostgreSQL's id sequences must move past the explicit ids used above."""
    if db.engine.dialect.name != "postgresql":
        return
    # The table names are our own constants, never input, so building the statement from them is safe.
    for table in ("region", "system", "organisation", "app_user", "project", "change_idea", "measure"):
        statement = (f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608
                     f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
        db.session.execute(text(statement))
