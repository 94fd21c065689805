"""Demo capability and capacity for DEMO1 to DEMO6: tiers, training, headcount, posts, and a few projects in
DEMO3 to DEMO6 so that every roll-up shows real figures. Deterministic, like the rest of the demo."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .capability import services as capability
from .core.impact import ImpactComponent
from .core.permissions import Role
from .extensions import db
from .orgs import services as orgs
from .orgs.models import Organisation
from .pdsa.models import Decision, PDSACycle, Stage
from .projects import services as projects
from .projects.models import ProjectStatus

# People trained per tier (Awareness, Foundation, Practitioner, Coach, Expert) and the staff headcount.
TRAINING = {
    "DEMO1": ((180, 60, 24, 9, 3), 6200),
    "DEMO2": ((90, 30, 12, 5, 1), 3400),
    "DEMO3": ((40, 15, 6, 3, 0), 2100),
    "DEMO4": ((150, 45, 20, 10, 2), 7800),
    "DEMO5": ((30, 10, 4, 2, 0), 4500),
    "DEMO6": ((12, 5, 2, 0, 0), 600),
}
COURSES = ("Improvement essentials (e-learning)", "Foundations of quality improvement",
           "Improvement practitioner programme", "Improvement coaching programme", "Improvement advisor programme")

# (title, FTE, dedicated) per organisation.
POSTS = {
    "DEMO1": (("Head of Quality Improvement", "1.0", True), ("Improvement advisor", "2.0", True),
              ("Improvement data analyst", "0.6", True), ("Ward manager improvement time", "0.4", False)),
    "DEMO2": (("Quality improvement lead", "1.0", True), ("Clinical improvement fellow", "0.5", False)),
    "DEMO3": (("Improvement facilitator", "0.8", True),),
    "DEMO4": (("Director of Continuous Improvement", "1.0", True), ("Improvement advisor", "3.0", True),
              ("Consultant improvement sessions", "0.6", False)),
    "DEMO5": (("Improvement manager", "1.0", True), ("Paramedic improvement time", "0.4", False)),
    "DEMO6": (("System improvement lead", "0.6", True),),
}

# (title, status, component, score, weeks ago each cycle started) for the organisations without demo projects.
PROJECTS = {
    "DEMO3": (("Fewer missed district nursing visits", ProjectStatus.ACTIVE, ImpactComponent.MANAGEMENT_SYSTEMS,
               "2.5", (30, 20, 12, 6)),
              ("Pressure ulcer prevention at home", ProjectStatus.ACTIVE, ImpactComponent.CAPABILITY, "2.0", ())),
    "DEMO4": (("Earlier discharge from the surgical wards", ProjectStatus.ACTIVE, ImpactComponent.SHARED_PURPOSE,
               "3.5", (40, 32, 24, 16, 9, 4, 2)),
              ("Theatre start times", ProjectStatus.ACTIVE, ImpactComponent.MANAGEMENT_SYSTEMS, "3.0", (20, 10, 3)),
              ("Staff wellbeing huddles", ProjectStatus.SUSTAINING, ImpactComponent.PEOPLE_CULTURE, "4.5", ())),
    "DEMO5": (("Faster handover at emergency departments", ProjectStatus.ACTIVE, ImpactComponent.SHARED_PURPOSE,
               "2.5", (26, 14, 5)),),
    "DEMO6": (("Shared improvement method across the system", ProjectStatus.PROPOSED,
               ImpactComponent.LEADERSHIP, "1.0", ()),),
}


def seed_demo_capability(organisations: dict[str, Organisation]) -> None:
    """Add tiers, training records, headcount, posts, and the DEMO3 to DEMO6 projects."""
    today = date.today()
    for code, organisation in organisations.items():
        tiers = capability.ensure_tiers(organisation)
        counts, headcount = TRAINING.get(code, ((0,) * 5, 500))
        capability.import_records(organisation, _training_csv(code, tiers, counts, today), actor=None)
        for months_ago, change in ((2, -40), (1, -15), (0, 0)):
            capability.set_headcount(organisation, capability.HeadcountInput(_month(today, months_ago),
                                                                             headcount + change), actor=None)
        for title, fte, dedicated in POSTS.get(code, ()):
            capability.save_post(organisation, capability.PostInput(title, Decimal(fte), dedicated), actor=None)
        if code in PROJECTS:
            _projects(organisation, PROJECTS[code], today)


def _training_csv(code: str, tiers, counts: tuple[int, ...], today: date) -> str:
    lines = []
    for tier, course, count in zip(tiers, COURSES, counts, strict=True):
        for index in range(count):
            completed = today - timedelta(days=20 + (index * 37) % 700)
            lines.append(f"{code}-{tier.position}{index:04d},{tier.name},{course},{completed.isoformat()}")
    if code == "DEMO1":
        lines.append(f"coach@demo1.example,Coach,{COURSES[3]},{(today - timedelta(days=200)).isoformat()}")
    return "\n".join(lines)


def _month(today: date, months_ago: int) -> date:
    index = today.year * 12 + today.month - 1 - months_ago
    return date(index // 12, index % 12 + 1, 1)


def _projects(organisation: Organisation, plans, today: date) -> None:
    code = organisation.code.lower()
    lead, _ = orgs.create_account(orgs.NewUser(f"project_lead@{code}.example", f"Project lead ({organisation.code})",
                                               Role.PROJECT_LEAD), orgs.Scope(organisation=organisation))
    for title, status, component, score, weeks in plans:
        project = projects.create_project(organisation, projects.ProjectInput(
            title=title, aim_what=title, status=status, components=(component,),
            start_date=today - timedelta(weeks=52)), actor=lead)
        projects.set_progress_score(project, Decimal(score), "Set when the demo was loaded", actor=lead)
        if weeks:
            idea = projects.save_change_idea(project, projects.ChangeIdeaInput(f"Test a change for: {title}"),
                                             actor=lead)
            _cycles(project, idea, lead, weeks, today)


def _cycles(project, idea, lead, weeks: tuple[int, ...], today: date) -> None:
    for number, weeks_ago in enumerate(weeks, start=1):
        begins = today - timedelta(weeks=weeks_ago)
        done = weeks_ago > 2
        db.session.add(PDSACycle(project=project, change_idea=idea, number=number, title=f"Test {number}",
                                 stage=Stage.DONE if done else Stage.DO, start=begins,
                                 end=begins + timedelta(weeks=2) if done else None,
                                 decision=Decision.ADAPT if done else None, created_by_id=lead.id))
    db.session.commit()
