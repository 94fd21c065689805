"""Demo self-assessments: two final ones a year apart for DEMO1 (shared with its system) and DEMO2 (private),
a draft for DEMO1 this year, and an action plan linked to DEMO1's projects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from .assessment import services
from .assessment.models import ActionStatus, SelfAssessment
from .core.impact import ImpactComponent
from .extensions import db
from .orgs.models import Organisation, User
from .projects.models import Project, ProjectComponent

# Statement levels per component, in framework order, for the earlier and the later final assessment.
EARLIER = {"purpose": [2, 2, 1, 2], "people": [2, 3, 2, 2], "leadership": [1, 2, 2, 1], "capability": [2, 2, 3, 1],
           "systems": [1, 1, 2, 1]}
LATER = {"purpose": [3, 3, 2, 3], "people": [3, 3, 2, 3], "leadership": [2, 2, 3, 2], "capability": [3, 4, 3, 2],
         "systems": [2, 2, 3, 1]}
EVIDENCE = {
    "purpose": "Strategy refresh workshops with patient partners; staff survey question on purpose.",
    "people": "Protected improvement time agreed for two directorates; listening events in spring.",
    "leadership": "Monthly executive walkrounds; board development session on reading SPC charts.",
    "capability": "Foundation course in induction since autumn; coaches attached to every active project.",
    "systems": "Integrated performance report now shows SPC charts; huddles on four wards.",
}
ACTIONS = (
    (ImpactComponent.MANAGEMENT_SYSTEMS, "Roll improvement huddles out to every adult ward", "Deputy chief nurse",
     ActionStatus.IN_PROGRESS),
    (ImpactComponent.CAPABILITY, "Offer the practitioner course to every project lead", "Improvement team",
     ActionStatus.OPEN),
    (ImpactComponent.LEADERSHIP, "Add a coaching module to the leadership programme", "Director of people",
     ActionStatus.OPEN),
)


def seed_demo_assessments(organisations: dict[str, Organisation]) -> None:
    """Add the demo self-assessments (periods follow the NHS financial year, so they stay current)."""
    this_year = _financial_year(date.today())
    for code, shared in (("DEMO1", True), ("DEMO2", False)):
        organisation = organisations[code]
        lead = _lead(organisation)
        _final(organisation, lead, this_year - 2, EARLIER, shared)
        later = _final(organisation, lead, this_year - 1, LATER, shared)
        if code == "DEMO1":
            _actions(later, lead)
            services.start_assessment(organisation, services.NewAssessment(
                period_label=_label(this_year), with_board=True, with_staff=True, prefill=True), actor=lead)


def _financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def _label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _lead(organisation: Organisation) -> User:
    return db.session.scalars(select(User).where(User.organisation_id == organisation.id,
                                                 User.role == "improvement_lead")).one()


def _final(organisation, lead, year: int, levels: dict[str, list[int]], shared: bool) -> SelfAssessment:
    data = services.NewAssessment(period_label=_label(year), period_start=date(year, 4, 1),
                                  period_end=date(year + 1, 3, 31), with_board=True, with_executives=True,
                                  with_staff=True, with_lived_experience=year % 2 == 0,
                                  participants_note="Board development session and two staff workshops.")
    assessment = services.start_assessment(organisation, data, actor=lead)
    for response in assessment.responses:
        prefix = response.statement.key.split("-")[0]
        level = levels[prefix][response.statement.position]
        services.save_response(response, services.ResponseInput(level, EVIDENCE[prefix]), actor=lead)
    services.finalise(assessment, actor=lead)
    assessment.finalised_at = datetime(year + 1, 3, 20, 12, tzinfo=UTC)
    db.session.commit()
    services.set_sharing(assessment, shared, actor=lead)
    return assessment


def _actions(assessment: SelfAssessment, lead: User) -> None:
    for component, action, owner, status in ACTIONS:
        project_id = db.session.scalar(
            select(Project.id).join(ProjectComponent)
            .where(Project.organisation_id == assessment.organisation_id, ProjectComponent.component == component)
            .order_by(Project.id).limit(1))
        services.add_action(assessment, services.ActionInput(component, action, owner=owner,
                                                             due=date(assessment.period_end.year, 9, 30),
                                                             status=status, project_id=project_id), actor=lead)
