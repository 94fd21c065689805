"""Reads for the self-assessment: who may see which assessment, roll-up levels, results and evidence from the app.

The sharing rule lives here and only here: an organisation's own people see all of its assessments; anyone
else who can see the organisation (system and region viewers, national administrators) sees only its FINAL
assessments that it chose to share, and then only the component levels, never the evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, distinct, false, func, or_, select
from sqlalchemy.orm import selectinload

from ..core.errors import NotFound, PermissionDenied
from ..core.impact import ImpactComponent
from ..core.mixins import utcnow
from ..core.permissions import Action, can, can_view_org, is_org_member, visible_org_clause
from ..extensions import db
from ..measures.models import Measure
from ..orgs.models import User
from ..pdsa.models import PDSACycle
from ..projects.models import Project, ProjectComponent, ProjectStatus, TeamMember, TeamRole
from . import scoring
from .models import (
    AssessmentFramework,
    AssessmentStatus,
    ComponentResult,
    FrameworkComponent,
    FrameworkStatement,
    Response,
    ScaleLevel,
    SelfAssessment,
)

RECENT_CYCLE_DAYS = 90


@dataclass(frozen=True)
class ComponentLevels:
    """An organisation's latest final assessment as others may see it: a level per component and the change."""

    assessment_id: int
    period_label: str
    finalised_at: datetime | None
    levels: dict[str, int | None]
    level_labels: dict[int, str]
    changes: dict[str, int | None]


def shared_component_levels(org_ids: list[int], *, include_private_for: int | None = None
                            ) -> dict[int, ComponentLevels]:
    """For each organisation in `org_ids`, its latest FINAL assessment's level per component and the change since
    its previous final one, counting only assessments the organisation shared with its system and region.

    `include_private_for` is the viewer's own organisation, whose unshared assessments count too. Organisations
    with nothing to show are left out. Two queries whatever the number of organisations. Raises nothing.
    """
    if not org_ids:
        return {}
    rows = db.session.execute(_latest_two_final(org_ids, include_private_for)).all()
    by_org: dict[int, list] = {}
    for row in rows:
        by_org.setdefault(row.organisation_id, []).append(row)
    labels = _level_labels({row.framework_id for row in rows})
    return {org_id: _component_levels(org_rows, labels) for org_id, org_rows in by_org.items()}


def _latest_two_final(org_ids: list[int], include_private_for: int | None) -> Select:
    visible = SelfAssessment.shared_with_system.is_(True)
    if include_private_for is not None:
        visible = or_(visible, SelfAssessment.organisation_id == include_private_for)
    rank = func.row_number().over(partition_by=SelfAssessment.organisation_id,
                                  order_by=(SelfAssessment.finalised_at.desc(), SelfAssessment.id.desc()))
    ranked = (select(SelfAssessment.id, SelfAssessment.organisation_id, SelfAssessment.framework_id,
                     SelfAssessment.period_label, SelfAssessment.finalised_at, rank.label("rank"))
              .where(SelfAssessment.organisation_id.in_(org_ids),
                     SelfAssessment.status == AssessmentStatus.FINAL, visible)
              .subquery())
    return (select(ranked, ComponentResult.component, ComponentResult.level)
            .outerjoin(ComponentResult, ComponentResult.assessment_id == ranked.c.id)
            .where(ranked.c.rank <= 2)
            .order_by(ranked.c.organisation_id, ranked.c.rank))


def _level_labels(framework_ids: set[int]) -> dict[int, dict[int, str]]:
    labels: dict[int, dict[int, str]] = {}
    if not framework_ids:
        return labels
    query = select(ScaleLevel.framework_id, ScaleLevel.ordinal, ScaleLevel.label).where(
        ScaleLevel.framework_id.in_(framework_ids))
    for framework_id, ordinal, label in db.session.execute(query):
        labels.setdefault(framework_id, {})[ordinal] = label
    return labels


def _component_levels(rows: list, labels: dict[int, dict[int, str]]) -> ComponentLevels:
    latest = rows[0]
    current = {row.component.value if row.component else None: row.level for row in rows if row.rank == 1}
    previous = {row.component.value if row.component else None: row.level for row in rows if row.rank == 2}
    levels = {component.value: current.get(component.value) for component in ImpactComponent}
    changes = {slug: level - previous[slug] if level is not None and previous.get(slug) is not None else None
               for slug, level in levels.items()}
    return ComponentLevels(assessment_id=latest.id, period_label=latest.period_label,
                           finalised_at=latest.finalised_at, levels=levels,
                           level_labels=labels.get(latest.framework_id, {}), changes=changes)


def is_insider(user, assessment: SelfAssessment) -> bool:
    """True when the user belongs to the assessment's organisation (and so may see evidence and drafts)."""
    return is_org_member(user, assessment.organisation)


def outsider_may_see(user, assessment: SelfAssessment) -> bool:
    """Someone outside the organisation sees an assessment only when it is final and shared, and they can see the
    organisation at all."""
    return assessment.is_final and assessment.shared_with_system and can_view_org(user, assessment.organisation)


def get_assessment_or_404(assessment_id: int, user, action: Action = Action.VIEW) -> SelfAssessment:
    """Load an assessment for `user`.

    Raises NotFound when it does not exist, or the user is outside the organisation and it is not a shared final
    assessment (national administrators included); PermissionDenied when an insider may not do `action`, or an
    outsider asks for anything but VIEW.
    """
    assessment = db.session.get(SelfAssessment, assessment_id)
    if assessment is None:
        raise NotFound(f"SelfAssessment {assessment_id}")
    if is_insider(user, assessment):
        if not can(user, action, assessment.organisation):
            raise PermissionDenied(f"{action} on SelfAssessment {assessment_id}")
        return assessment
    if not outsider_may_see(user, assessment):
        raise NotFound(f"SelfAssessment {assessment_id}")
    if action is not Action.VIEW:
        raise PermissionDenied(f"{action} on SelfAssessment {assessment_id}")
    return assessment


def get_child_or_404(model, child_id: int, assessment: SelfAssessment):
    """A response or action plan item of `assessment`; NotFound when it belongs to another assessment."""
    child = db.session.get(model, child_id)
    if child is None or child.assessment_id != assessment.id:
        raise NotFound(f"{model.__name__} {child_id}")
    return child


def visible_assessments_query(user) -> Select:
    """Assessments `user` may see, newest first: all of their own organisation's, and elsewhere only shared finals."""
    own = SelfAssessment.organisation_id == user.organisation_id if user.organisation_id else false()
    shared = and_(SelfAssessment.status == AssessmentStatus.FINAL, SelfAssessment.shared_with_system.is_(True),
                  visible_org_clause(user, SelfAssessment.organisation_id))
    return (select(SelfAssessment).where(or_(own, shared))
            .options(selectinload(SelfAssessment.organisation), selectinload(SelfAssessment.component_results),
                     selectinload(SelfAssessment.framework).selectinload(AssessmentFramework.levels))
            .order_by(SelfAssessment.created_at.desc(), SelfAssessment.id.desc()))


def open_draft(organisation_id: int) -> SelfAssessment | None:
    """The organisation's draft assessment, if one is under way."""
    return db.session.scalar(select(SelfAssessment).where(
        SelfAssessment.organisation_id == organisation_id, SelfAssessment.status == AssessmentStatus.DRAFT))


def latest_final(organisation_id: int, *, before: SelfAssessment | None = None) -> SelfAssessment | None:
    """The organisation's most recent final assessment (finalised before `before`, when given)."""
    query = select(SelfAssessment).where(SelfAssessment.organisation_id == organisation_id,
                                         SelfAssessment.status == AssessmentStatus.FINAL)
    if before is not None:
        query = query.where(SelfAssessment.id != before.id)
        if before.finalised_at is not None:
            query = query.where(SelfAssessment.finalised_at < before.finalised_at)
    return db.session.scalar(query.order_by(SelfAssessment.finalised_at.desc(), SelfAssessment.id.desc()).limit(1))


def default_framework() -> AssessmentFramework | None:
    """The framework new assessments use unless told otherwise (the newest marked default)."""
    return db.session.scalar(select(AssessmentFramework).where(AssessmentFramework.is_default.is_(True))
                             .order_by(AssessmentFramework.id.desc()).limit(1))


def frameworks() -> list[AssessmentFramework]:
    """Every framework version loaded, newest first."""
    return list(db.session.scalars(select(AssessmentFramework).order_by(AssessmentFramework.id.desc())))


def get_framework(name: str, version: str) -> AssessmentFramework | None:
    """A framework by name and version."""
    return db.session.scalar(select(AssessmentFramework).filter_by(name=name, version=version))


def responses_by_component(assessment: SelfAssessment) -> dict[int, list[Response]]:
    """The assessment's responses grouped by framework component id, in the framework's statement order."""
    query = (select(Response).join(Response.statement)
             .where(Response.assessment_id == assessment.id)
             .options(selectinload(Response.statement), selectinload(Response.updated_by))
             .order_by(FrameworkStatement.position))
    grouped: dict[int, list[Response]] = {}
    for response in db.session.scalars(query):
        grouped.setdefault(response.statement.component_id, []).append(response)
    return grouped


def component_for(assessment: SelfAssessment, component_id: int) -> FrameworkComponent:
    """One component of the assessment's framework; NotFound when it belongs to another framework."""
    component = db.session.get(FrameworkComponent, component_id)
    if component is None or component.framework_id != assessment.framework_id:
        raise NotFound(f"FrameworkComponent {component_id}")
    return component


def live_levels(assessment: SelfAssessment) -> dict[str, int | None]:
    """Each component's level computed from the responses as they stand (see scoring.component_level)."""
    by_component: dict[str, list[int | None]] = {component.slug.value: []
                                                 for component in assessment.framework.components}
    for response in assessment.responses:
        by_component[response.statement.component.slug.value].append(response.level)
    return scoring.component_levels(by_component)


def stored_levels(assessment: SelfAssessment) -> dict[str, int | None]:
    """The levels fixed at finalisation, by component slug."""
    return {result.component.value: result.level for result in assessment.component_results}


def projects_by_component(organisation_id: int) -> dict[str, list[Project]]:
    """The organisation's live projects (not archived, abandoned or completed) tagged with each component."""
    query = (select(ProjectComponent.component, Project).join(Project, Project.id == ProjectComponent.project_id)
             .where(Project.organisation_id == organisation_id, Project.archived_at.is_(None),
                    Project.status.not_in([ProjectStatus.ABANDONED, ProjectStatus.COMPLETED]))
             .order_by(Project.title))
    grouped: dict[str, list[Project]] = {component.value: [] for component in ImpactComponent}
    for component, project in db.session.execute(query):
        grouped[component.value].append(project)
    return grouped


def project_choices(organisation_id: int, component: str) -> list[tuple[str, str]]:
    """(id, title) of the organisation's projects tagged with `component`, for an action's project link."""
    return [(str(project.id), project.title) for project in projects_by_component(organisation_id)[component]]


@dataclass(frozen=True)
class Figure:
    """One number the app already knows that bears on a component, e.g. ('People on project teams', '12')."""

    label: str
    value: str


EvidenceSource = Callable[[int], list[Figure]]
_EVIDENCE_SOURCES: dict[ImpactComponent, list[EvidenceSource]] = {component: [] for component in ImpactComponent}


def add_evidence_source(component: ImpactComponent, source: EvidenceSource) -> None:
    """Register a function (organisation id -> figures) shown beside `component` on the results page.

    This is the seam later features use: for example the training tiers add their counts to
    ImpactComponent.CAPABILITY from their own module, without this one importing them.
    """
    _EVIDENCE_SOURCES[component].append(source)


def app_evidence(organisation_id: int) -> dict[str, list[Figure]]:
    """The figures from every registered evidence source, by component slug."""
    return {component.value: [figure for source in sources for figure in source(organisation_id)]
            for component, sources in _EVIDENCE_SOURCES.items()}


def team_figures(organisation_id: int) -> list[Figure]:
    """People in the organisation, people on its project teams and coaches on its teams (one query)."""
    on_team = select(TeamMember.user_id).join(Project).where(Project.organisation_id == organisation_id)
    people, members, coaches = db.session.execute(select(
        select(func.count(User.id)).where(User.organisation_id == organisation_id, User.active.is_(True))
        .scalar_subquery(),
        select(func.count(distinct(on_team.subquery().c.user_id))).scalar_subquery(),
        select(func.count(distinct(TeamMember.user_id))).join(Project)
        .where(Project.organisation_id == organisation_id, TeamMember.team_role == TeamRole.COACH)
        .scalar_subquery(),
    )).one()
    return [Figure("People in the organisation using IMPACT Tracker", str(people)),
            Figure("People on project teams", str(members)),
            Figure("Improvement coaches on project teams", str(coaches))]


def management_figures(organisation_id: int, *, today: date | None = None) -> list[Figure]:
    """Of the organisation's active projects, the share with a measure and with a PDSA cycle started lately."""
    since = (today or utcnow().date()) - timedelta(days=RECENT_CYCLE_DAYS)
    since_time = datetime.combine(since, datetime.min.time()).replace(tzinfo=utcnow().tzinfo)
    active = select(Project.id).where(Project.organisation_id == organisation_id,
                                      Project.status == ProjectStatus.ACTIVE, Project.archived_at.is_(None))
    recent = or_(PDSACycle.start >= since, and_(PDSACycle.start.is_(None), PDSACycle.created_at >= since_time))
    total, with_measure, with_cycle = db.session.execute(select(
        select(func.count()).select_from(active.subquery()).scalar_subquery(),
        select(func.count(distinct(Measure.project_id))).where(Measure.project_id.in_(active)).scalar_subquery(),
        select(func.count(distinct(PDSACycle.project_id))).where(PDSACycle.project_id.in_(active), recent)
        .scalar_subquery(),
    )).one()
    return [Figure("Active projects", str(total)),
            Figure("Active projects with at least one measure", _share(with_measure, total)),
            Figure(f"Active projects with a PDSA cycle started in the last {RECENT_CYCLE_DAYS} days",
                   _share(with_cycle, total))]


def _share(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else "No active projects"


add_evidence_source(ImpactComponent.CAPABILITY, team_figures)
add_evidence_source(ImpactComponent.MANAGEMENT_SYSTEMS, management_figures)


def tagged_project_choices(organisation_id: int) -> list[tuple[str, str]]:
    """(id, title) of the organisation's live projects tagged with any component, for action plan links."""
    seen: dict[int, str] = {}
    for projects in projects_by_component(organisation_id).values():
        seen.update((project.id, project.title) for project in projects)
    return sorted(((str(ident), title) for ident, title in seen.items()), key=lambda pair: pair[1])


@dataclass(frozen=True)
class ComponentRow:
    """One component on the results page."""

    component: FrameworkComponent
    level: int | None
    level_label: str
    change: int | None
    actions: list
    projects: list[Project]
    evidence: list[Figure]

    @property
    def change_text(self) -> str:
        """'Up 1 level', 'Down 2 levels', 'No change' or 'No earlier level'."""
        if self.change is None:
            return "No earlier level"
        if self.change == 0:
            return "No change"
        steps = abs(self.change)
        return f"{'Up' if self.change > 0 else 'Down'} {steps} level{'s' if steps != 1 else ''}"


@dataclass(frozen=True)
class Results:
    """Everything the results page shows; `insider` decides whether action plans and evidence appear."""

    assessment: SelfAssessment
    previous: SelfAssessment | None
    rows: list[ComponentRow]
    strengths: list[str]
    gaps: list[str]
    top_level: int
    insider: bool


def results(assessment: SelfAssessment, user) -> Results:
    """The results of an assessment for `user`: levels (fixed when final, live for a draft), the change since the
    previous final assessment, strengths and gaps and, for the organisation's own people, actions, tagged projects
    and the evidence from the app."""
    insider = is_insider(user, assessment)
    levels = stored_levels(assessment) if assessment.is_final else live_levels(assessment)
    previous = latest_final(assessment.organisation_id, before=assessment) if insider else None
    change = scoring.changes(levels, stored_levels(previous) if previous else None)
    labels = assessment.framework.level_labels()
    names = {component.slug.value: component.name for component in assessment.framework.components}
    split = scoring.strengths_and_gaps(levels)
    projects = projects_by_component(assessment.organisation_id) if insider else {}
    evidence = app_evidence(assessment.organisation_id) if insider else {}
    rows = [ComponentRow(component, levels.get(component.slug.value), labels.get(levels.get(component.slug.value), ""),
                         change.get(component.slug.value),
                         [item for item in assessment.actions if item.component == component.slug] if insider else [],
                         projects.get(component.slug.value, []), evidence.get(component.slug.value, []))
            for component in assessment.framework.components]
    return Results(assessment, previous, rows, [names[s] for s in split.strengths], [names[s] for s in split.gaps],
                   max(labels) if labels else 0, insider)
