"""Portfolio figures per organisation, each from one aggregate query grouped by organisation.

Every function takes the organisations as a list of ids and returns a dict keyed by organisation id, so the
number of queries a page makes does not grow with the number of organisations or projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Row, Select, case, exists, extract, func, select
from sqlalchemy.orm import selectinload

from ..capability import queries as capability
from ..core.impact import ImpactComponent
from ..core.mixins import utcnow
from ..core.permissions import visible_org_clause
from ..extensions import db
from ..measures.models import DataPoint, Measure, MeasureSummary
from ..orgs.models import Organisation, OrgType, Region, System
from ..pdsa.models import PDSACycle
from ..projects.models import ProgressScore, Project, ProjectComponent, ProjectStatus, TeamMember

STALLED_AFTER = timedelta(days=90)
PERIODS = (3, 6, 12)
OPEN_STATUSES = (ProjectStatus.PROPOSED, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD, ProjectStatus.SUSTAINING)


@dataclass(frozen=True)
class Filters:
    """What a portfolio page is narrowed by: months of cycles counted, organisation type, component, unit."""

    months: int = 12
    org_type: OrgType | None = None
    component: ImpactComponent | None = None
    unit_id: int | None = None


@dataclass
class Figures:
    """The numbers one row of a portfolio shows, for an organisation or a sum of organisations."""

    statuses: dict[str, int] = field(default_factory=dict)
    stalled: int = 0
    score_total: Decimal = Decimal("0")
    scored: int = 0
    scored_3_plus: int = 0
    cycles: int = 0
    months: int = 12
    engaged: int = 0
    trained: int = 0
    headcount: int | None = None
    coaches_trained: int = 0
    coaches_active: int = 0
    fte_dedicated: Decimal = Decimal("0")
    fte_allocated: Decimal = Decimal("0")

    @property
    def active(self) -> int:
        return self.statuses.get(ProjectStatus.ACTIVE.value, 0)

    @property
    def projects(self) -> int:
        return sum(self.statuses.values())

    @property
    def mean_score(self) -> Decimal | None:
        return (self.score_total / self.scored).quantize(Decimal("0.1")) if self.scored else None

    @property
    def cycles_per_month(self) -> Decimal:
        return (Decimal(self.cycles) / self.months).quantize(Decimal("0.1"))

    @property
    def trained_share(self) -> Decimal | None:
        """Percentage of the workforce with any training, when a headcount is known."""
        if not self.headcount:
            return None
        return (Decimal(100 * self.trained) / self.headcount).quantize(Decimal("0.1"))

    def add(self, other: Figures) -> None:
        """Add another organisation's figures to these (for system and national rows)."""
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        for name in ("stalled", "score_total", "scored", "scored_3_plus", "cycles", "engaged", "trained",
                     "coaches_trained", "coaches_active", "fte_dedicated", "fte_allocated"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.headcount is not None:
            self.headcount = (self.headcount or 0) + other.headcount


@dataclass(frozen=True)
class Place:
    """An organisation with where it sits: its system and region."""

    id: int
    code: str
    name: str
    type: OrgType
    system_code: str | None
    system_name: str | None
    region_code: str | None


def places(user, *, system_id: int | None = None, region_id: int | None = None,
           org_type: OrgType | None = None) -> list[Place]:
    """The organisations the user may see, optionally only those in one system or region, by name."""
    query = (select(Organisation.id, Organisation.code, Organisation.name, Organisation.type, System.code,
                    System.name, Region.code)
             .outerjoin(System, Organisation.system_id == System.id).outerjoin(Region, System.region_id == Region.id)
             .where(visible_org_clause(user, Organisation.id)).order_by(Organisation.name))
    if system_id is not None:
        query = query.where(Organisation.system_id == system_id)
    if region_id is not None:
        query = query.where(System.region_id == region_id)
    if org_type is not None:
        query = query.where(Organisation.type == org_type)
    return [Place(*row) for row in db.session.execute(query)]


def scoped_projects(org_ids: list[int], filters: Filters) -> Select:
    """Ids of the organisations' projects (not archived) that the component and unit filters keep."""
    query = select(Project.id).where(Project.organisation_id.in_(org_ids), Project.archived_at.is_(None))
    if filters.component is not None:
        tagged = select(ProjectComponent.project_id).where(ProjectComponent.component == filters.component)
        query = query.where(Project.id.in_(tagged))
    if filters.unit_id is not None:
        query = query.where(Project.unit_id == filters.unit_id)
    return query


def figures(org_ids: list[int], filters: Filters, today: date | None = None) -> dict[int, Figures]:
    """Every portfolio figure for each organisation, in a fixed number of aggregate queries."""
    today = today or date.today()
    result = {org_id: Figures(months=filters.months) for org_id in org_ids}
    if not org_ids:
        return result
    projects = scoped_projects(org_ids, filters)
    _add_statuses(result, projects)
    _add_scores(result, projects)
    _add_cycles(result, projects, _months_ago(today, filters.months))
    _add_engaged(result, projects)
    _add_stalled(result, projects)
    _add_capability(result, org_ids)
    return result


def _months_ago(today: date, months: int) -> date:
    """The first day of the month `months - 1` months before this one (so the period holds `months` months)."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def _add_statuses(result: dict[int, Figures], projects: Select) -> None:
    query = (select(Project.organisation_id, Project.status, func.count(Project.id))
             .where(Project.id.in_(projects)).group_by(Project.organisation_id, Project.status))
    for org_id, status, count in db.session.execute(query):
        result[org_id].statuses[status.value] = count


def latest_scores(projects: Select) -> Select:
    """Each project's newest progress score: (project_id, score)."""
    newest = (select(ProgressScore.project_id, func.max(ProgressScore.set_at).label("set_at"))
              .where(ProgressScore.project_id.in_(projects)).group_by(ProgressScore.project_id).subquery())
    return (select(ProgressScore.project_id, ProgressScore.score)
            .join(newest, (ProgressScore.project_id == newest.c.project_id)
                  & (ProgressScore.set_at == newest.c.set_at)))


def _add_scores(result: dict[int, Figures], projects: Select) -> None:
    latest = latest_scores(projects).subquery()
    query = (select(Project.organisation_id, func.sum(latest.c.score), func.count(latest.c.project_id),
                    func.sum(case((latest.c.score >= 3, 1), else_=0)))
             .join(latest, latest.c.project_id == Project.id)
             .where(Project.status.in_(OPEN_STATUSES)).group_by(Project.organisation_id))
    for org_id, total, scored, high in db.session.execute(query):
        figures_ = result[org_id]
        figures_.score_total, figures_.scored, figures_.scored_3_plus = Decimal(str(total)), scored, high or 0


def _add_cycles(result: dict[int, Figures], projects: Select, since: date) -> None:
    query = (select(PDSACycle.project_id.label("project_id")).where(PDSACycle.project_id.in_(projects),
                                                                    PDSACycle.start >= since).subquery())
    counted = (select(Project.organisation_id, func.count()).join(query, query.c.project_id == Project.id)
               .group_by(Project.organisation_id))
    for org_id, count in db.session.execute(counted):
        result[org_id].cycles = count


def _add_engaged(result: dict[int, Figures], projects: Select) -> None:
    query = (select(Project.organisation_id, func.count(func.distinct(TeamMember.user_id)))
             .join(TeamMember, TeamMember.project_id == Project.id)
             .where(Project.id.in_(projects), Project.status == ProjectStatus.ACTIVE)
             .group_by(Project.organisation_id))
    for org_id, count in db.session.execute(query):
        result[org_id].engaged = count


def stalled_clause():
    """True for an active project older than 90 days with no cycle started and no data entered in 90 days."""
    cutoff = utcnow() - STALLED_AFTER
    recent_cycle = exists().where(PDSACycle.project_id == Project.id, PDSACycle.start >= cutoff.date())
    recent_point = (exists().where(Measure.project_id == Project.id, DataPoint.measure_id == Measure.id,
                                   DataPoint.entered_at >= cutoff))
    return (Project.status == ProjectStatus.ACTIVE) & (Project.created_at < cutoff) & ~recent_cycle & ~recent_point


def _add_stalled(result: dict[int, Figures], projects: Select) -> None:
    query = (select(Project.organisation_id, func.count(Project.id))
             .where(Project.id.in_(projects), stalled_clause()).group_by(Project.organisation_id))
    for org_id, count in db.session.execute(query):
        result[org_id].stalled = count


def _add_capability(result: dict[int, Figures], org_ids: list[int]) -> None:
    trained, coaches = capability.trained_people(org_ids), capability.coach_counts(org_ids)
    headcounts, fte = capability.latest_headcount(org_ids), capability.post_fte(org_ids)
    for org_id, figures_ in result.items():
        figures_.trained, figures_.headcount = trained.get(org_id, 0), headcounts.get(org_id)
        counts = coaches.get(org_id, capability.CoachCounts())
        figures_.coaches_trained, figures_.coaches_active = counts.trained, counts.active
        posts = fte.get(org_id, capability.PostFte())
        figures_.fte_dedicated, figures_.fte_allocated = posts.dedicated, posts.allocated


def score_distribution(organisation: Organisation, filters: Filters) -> list[tuple[Decimal, int]]:
    """(score, number of open projects whose current score it is), lowest score first."""
    latest = latest_scores(scoped_projects([organisation.id], filters)).subquery()
    query = (select(latest.c.score, func.count()).join(Project, Project.id == latest.c.project_id)
             .where(Project.status.in_(OPEN_STATUSES)).group_by(latest.c.score).order_by(latest.c.score))
    return [(Decimal(str(score)).quantize(Decimal("0.1")), count) for score, count in db.session.execute(query)]


def cycles_by_month(organisation: Organisation, filters: Filters, today: date | None = None) -> list[tuple[date, int]]:
    """Cycles started in each of the last 12 months, oldest first, from one query grouped by month."""
    starts = [_months_ago(today or date.today(), 12 - index) for index in range(12)]
    year, month = extract("year", PDSACycle.start), extract("month", PDSACycle.start)
    query = (select(year, month, func.count())
             .where(PDSACycle.project_id.in_(scoped_projects([organisation.id], filters)), PDSACycle.start >= starts[0])
             .group_by(year, month))
    counts = {(int(y), int(m)): count for y, m, count in db.session.execute(query)}
    return [(start, counts.get((start.year, start.month), 0)) for start in starts]


def stalled_projects(organisation: Organisation, filters: Filters) -> list[Project]:
    """The organisation's stalled projects (see stalled_clause), by title."""
    query = (select(Project).where(Project.id.in_(scoped_projects([organisation.id], filters)), stalled_clause())
             .options(selectinload(Project.unit)).order_by(Project.title))
    return list(db.session.scalars(query))


def measure_tile_rows(organisation: Organisation, filters: Filters) -> list[Row]:
    """Every measure of the organisation's open projects, by project and name, with its stored latest analysis:
    (measure_id, name, project_title, then MeasureSummary's status, points, latest_period, variation_icon,
    assurance, run_signal and chart_key, all None for a measure not yet summarised). One query."""
    summary = MeasureSummary
    query = (select(Measure.id, Measure.name, Project.title, summary.status, summary.points, summary.latest_period,
                    summary.variation_icon, summary.assurance, summary.run_signal, summary.chart_key)
             .join(Project, Measure.project_id == Project.id)
             .outerjoin(summary, summary.measure_id == Measure.id)
             .where(Project.id.in_(scoped_projects([organisation.id], filters)), Project.status.in_(OPEN_STATUSES))
             .order_by(Project.title, Measure.name, Measure.id))
    return list(db.session.execute(query))


def organisation_by_code(code: str) -> Organisation | None:
    """The organisation with this code, with its system loaded, or None."""
    query = select(Organisation).where(Organisation.code == code.strip().upper())
    return db.session.scalar(query.options(selectinload(Organisation.system)))
