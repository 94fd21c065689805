"""Use cases for the self-assessment: load frameworks, start, respond, finalise, share, plan actions, export.

Each public function is one transaction, called alike by the pages, the API and the CLI. Permissions are
checked again here so a script cannot skip them: starting, finalising, sharing and action plans need
Action.MANAGE_ORGANISATION; responding needs Action.CONTRIBUTE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from ..core.csv_export import csv_text
from ..core.database import transactional
from ..core.errors import DomainError, PermissionDenied, VersionConflict
from ..core.impact import ImpactComponent
from ..core.mixins import utcnow
from ..core.permissions import Action, can
from ..extensions import db
from ..projects.models import Project
from . import queries
from .framework import FrameworkSpec, load_default_framework
from .models import (
    PARTICIPANTS,
    ActionPlanItem,
    ActionStatus,
    AssessmentFramework,
    AssessmentStatus,
    ComponentResult,
    FrameworkComponent,
    FrameworkStatement,
    Response,
    ScaleLevel,
    SelfAssessment,
)


@dataclass(frozen=True)
class NewAssessment:
    """What it takes to start an assessment: the period, who took part, and whether to start from the last one."""

    period_label: str
    period_start: date | None = None
    period_end: date | None = None
    with_board: bool = False
    with_executives: bool = False
    with_staff: bool = False
    with_lived_experience: bool = False
    participants_note: str = ""
    prefill: bool = False


@dataclass(frozen=True)
class ResponseInput:
    """One statement's answer: the level (an ordinal of the scale, or None for not yet) and the evidence."""

    level: int | None
    evidence: str
    version: int | None = None


@dataclass(frozen=True)
class ActionInput:
    """An action plan item."""

    component: ImpactComponent
    action: str
    owner: str = ""
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    project_id: int | None = None
    version: int | None = None


def _require(actor, action: Action, organisation) -> None:
    if actor is not None and not can(actor, action, organisation):
        raise PermissionDenied(f"{action} on {organisation}")


def _store_framework(spec: FrameworkSpec, *, is_default: bool) -> AssessmentFramework:
    if queries.get_framework(spec.name, spec.version) is not None:
        raise DomainError(f"{spec.name} version {spec.version} is already loaded; give the file a new version.",
                          field="version")
    framework = AssessmentFramework(name=spec.name, version=spec.version, source=spec.source, is_default=is_default)
    framework.levels = [ScaleLevel(ordinal=level.ordinal, label=level.label, descriptor=level.descriptor)
                        for level in spec.levels]
    framework.components = [
        FrameworkComponent(slug=component.slug, name=component.name, description=component.description,
                           position=index,
                           statements=[FrameworkStatement(key=s.key, text=s.text, position=n)
                                       for n, s in enumerate(component.statements)])
        for index, component in enumerate(spec.components)
    ]
    db.session.add(framework)
    return framework


@transactional
def import_framework(spec: FrameworkSpec, *, make_default: bool = True) -> AssessmentFramework:
    """Store a checked framework; with `make_default`, new assessments use it from now on.

    Raises DomainError (field 'version') when that name and version are already loaded. Existing assessments
    keep the version they were made with.
    """
    if make_default:
        db.session.execute(update(AssessmentFramework).values(is_default=False))
    return _store_framework(spec, is_default=make_default)


def _default_framework() -> AssessmentFramework:
    return queries.default_framework() or _store_framework(load_default_framework(), is_default=True)


@transactional
def ensure_default_framework() -> AssessmentFramework:
    """The default framework, loading the one IMPACT Tracker ships the first time it is needed."""
    return _default_framework()


@transactional
def start_assessment(organisation, data: NewAssessment, *, actor) -> SelfAssessment:
    """Start a draft assessment for a period, with a response row for every statement of the default framework.

    With `prefill`, levels and evidence are copied from the last final assessment (matched by statement key).
    Raises PermissionDenied unless `actor` may manage the organisation; DomainError when a draft is already under
    way, the period label is taken, or the period ends before it starts.
    """
    _require(actor, Action.MANAGE_ORGANISATION, organisation)
    _check_new_period(organisation, data)
    framework = _default_framework()
    assessment = SelfAssessment(
        organisation=organisation, framework=framework, period_label=data.period_label,
        period_start=data.period_start, period_end=data.period_end, participants_note=data.participants_note,
        created_by=actor, **{attribute: getattr(data, attribute) for attribute, _ in PARTICIPANTS},
    )
    earlier = _earlier_answers(organisation.id) if data.prefill else {}
    for component in framework.components:
        for statement in component.statements:
            level, evidence = earlier.get(statement.key, (None, ""))
            assessment.responses.append(Response(statement=statement, level=_on_scale(level, framework),
                                                 evidence=evidence))
    db.session.add(assessment)
    return assessment


def _check_new_period(organisation, data: NewAssessment) -> None:
    draft = queries.open_draft(organisation.id)
    if draft is not None:
        raise DomainError(f"The {draft.period_label} assessment is still a draft. Finalise it before starting "
                          "another.", field="period_label")
    taken = db.session.query(SelfAssessment).filter_by(organisation_id=organisation.id,
                                                       period_label=data.period_label).first()
    if taken is not None:
        raise DomainError("There is already an assessment with this period. Name the period differently.",
                          field="period_label")
    if data.period_start and data.period_end and data.period_end < data.period_start:
        raise DomainError("The end of the period must be on or after its start", field="period_end")


def _earlier_answers(organisation_id: int) -> dict[str, tuple[int | None, str]]:
    last = queries.latest_final(organisation_id)
    if last is None:
        return {}
    return {response.statement.key: (response.level, response.evidence) for response in last.responses}


def _on_scale(level: int | None, framework: AssessmentFramework) -> int | None:
    return level if level in framework.level_labels() else None


@transactional
def save_response(response: Response, data: ResponseInput, *, actor) -> Response:
    """Save one statement's level and evidence.

    Raises PermissionDenied unless `actor` may contribute; DomainError when the assessment is final or the level is
    not on the framework's scale; VersionConflict (with the response as it now is) when someone else saved this
    statement since `data.version` was read.
    """
    assessment = response.assessment
    _require(actor, Action.CONTRIBUTE, assessment.organisation)
    if assessment.is_final:
        raise DomainError("This assessment is final, so its answers cannot change.", field="level")
    if data.level is not None and data.level not in assessment.framework.level_labels():
        raise DomainError("Choose one of the levels", field="level")
    if data.version is not None and data.version != response.version:
        raise VersionConflict(response)
    response.level, response.evidence = data.level, data.evidence
    response.updated_by, response.updated_at = actor, utcnow()
    return response


@transactional
def finalise(assessment: SelfAssessment, *, actor) -> SelfAssessment:
    """Lock the assessment and fix each component's level (the lower median of its statements, see scoring).

    Raises PermissionDenied unless `actor` may manage the organisation; DomainError when it is already final or a
    statement has no level yet.
    """
    _require(actor, Action.MANAGE_ORGANISATION, assessment.organisation)
    if assessment.is_final:
        raise DomainError("This assessment is already final.")
    missing = sum(1 for response in assessment.responses if response.level is None)
    if missing:
        raise DomainError(f"{missing} statement{'s' if missing != 1 else ''} still "
                          f"{'need' if missing != 1 else 'needs'} a level before the assessment can be finalised.")
    for slug, level in queries.live_levels(assessment).items():
        assessment.component_results.append(ComponentResult(component=ImpactComponent(slug), level=level))
    assessment.status, assessment.finalised_at, assessment.finalised_by = AssessmentStatus.FINAL, utcnow(), actor
    return assessment


@transactional
def set_sharing(assessment: SelfAssessment, shared: bool, *, actor) -> SelfAssessment:
    """Opt in (or out) of showing the component levels to the organisation's system and region.

    Only final assessments are ever shown. Raises PermissionDenied unless `actor` may manage the organisation.
    """
    _require(actor, Action.MANAGE_ORGANISATION, assessment.organisation)
    assessment.shared_with_system = shared
    return assessment


def _check_action(assessment: SelfAssessment, data: ActionInput) -> None:
    if data.due is not None and data.due.year < 2000:
        raise DomainError("Enter a due date after the year 2000", field="due")
    if data.project_id is None:
        return
    project = db.session.get(Project, data.project_id)
    tagged = project is not None and project.organisation_id == assessment.organisation_id and \
        data.component in project.components
    if not tagged:
        raise DomainError("Choose a project of your organisation tagged with this component", field="project_id")


@transactional
def add_action(assessment: SelfAssessment, data: ActionInput, *, actor) -> ActionPlanItem:
    """Add an action plan item to one component of the assessment.

    Raises PermissionDenied unless `actor` may manage the organisation; DomainError when the linked project is not
    the organisation's or not tagged with the component.
    """
    _require(actor, Action.MANAGE_ORGANISATION, assessment.organisation)
    _check_action(assessment, data)
    item = ActionPlanItem(assessment=assessment, component=data.component, action=data.action, owner=data.owner,
                          due=data.due, status=data.status, project_id=data.project_id)
    db.session.add(item)
    return item


@transactional
def update_action(item: ActionPlanItem, data: ActionInput, *, actor) -> ActionPlanItem:
    """Change an action plan item. Raises as add_action, plus VersionConflict when `data.version` is stale."""
    _require(actor, Action.MANAGE_ORGANISATION, item.assessment.organisation)
    if data.version is not None and data.version != item.version:
        raise VersionConflict(item)
    _check_action(item.assessment, data)
    item.component, item.action, item.owner = data.component, data.action, data.owner
    item.due, item.status = data.due, data.status
    item.project_id = data.project_id
    return item


def export_csv(assessment: SelfAssessment) -> str:
    """The assessment as CSV: one row per statement (level and evidence), then one per action plan item."""
    labels = assessment.framework.level_labels()
    header = ["Section", "Component", "Statement key", "Statement or action", "Level", "Level label", "Evidence",
              "Owner", "Due", "Status", "Project"]
    rows = []
    for response in sorted(assessment.responses, key=lambda r: (r.statement.component.position, r.statement.position)):
        statement = response.statement
        rows.append(["Statement", statement.component.name, statement.key, statement.text, response.level or "",
                     labels.get(response.level, ""), response.evidence, "", "", "", ""])
    for item in assessment.actions:
        rows.append(["Action", item.component.value, "", item.action, "", "", "", item.owner,
                     item.due.isoformat() if item.due else "", item.status_label,
                     item.project.title if item.project else ""])
    return csv_text(header, rows)
