"""Demo improvement work for DEMO1 and DEMO2: projects with drivers, measures whose data show real signals
after adopted changes, and the PDSA cycles that tested them. Deterministic (seeded random noise)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from .core.impact import ImpactComponent
from .core.mixins import utcnow
from .extensions import db
from .measures.models import ChartType, DataPoint, Direction, Frequency, Measure, MeasureKind, Rebase
from .orgs.models import Organisation, Unit, User
from .pdsa.models import CycleQuestion, Decision, PDSACycle, Stage
from .projects import services as projects
from .projects.models import ChangeIdeaStatus, DriverKind, Method, ProgressScore, ProjectStatus, TeamRole

WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Series:
    """A demo measure: how it is defined and the two levels its data move between."""

    name: str
    kind: MeasureKind
    direction: Direction
    unit: str
    before: float
    after: float
    spread: float
    change_week: int
    target: float | None = None
    proportion_of: int | None = None  # denominator size for a proportion measure
    chart: ChartType = ChartType.XMR
    rebase: tuple[int, str] | None = None  # (week, reason): limits recalculated from that week


def seed_demo_projects(organisations: dict[str, Organisation], start: date) -> None:
    """Add the demo projects; `start` is the Monday of the first week of data."""
    rng = random.Random(20_261_127)
    demo1 = organisations["DEMO1"]
    people = {u.role.value: u for u in db.session.query(User).filter_by(organisation_id=demo1.id)}
    lead = people["project_lead"]
    _falls(demo1, lead, people, rng, start)
    _discharge(demo1, people["coach"], rng, start)
    _sepsis(demo1, people["frontline"], rng, start)
    _simple(demo1, people["improvement_lead"], "Improvement huddles on every ward", ProjectStatus.PROPOSED,
            ImpactComponent.MANAGEMENT_SYSTEMS, Decimal("0.5"))
    _simple(demo1, lead, "Reduce missed insulin doses", ProjectStatus.COMPLETED, ImpactComponent.CAPABILITY,
            Decimal("4.5"))
    demo2 = organisations["DEMO2"]
    frontline2 = db.session.query(User).filter_by(organisation_id=demo2.id, role="frontline").one()
    _simple(demo2, frontline2, "Reduce restrictive practice on Willow Ward", ProjectStatus.ACTIVE,
            ImpactComponent.PEOPLE_CULTURE, Decimal("2.0"))


def _unit(organisation: Organisation, name: str) -> int | None:
    unit = db.session.query(Unit).filter_by(organisation_id=organisation.id, name=name).one_or_none()
    return unit.id if unit else None


def _project(organisation, actor, title, **fields):
    data = projects.ProjectInput(title=title, **fields)
    return projects.create_project(organisation, data, actor=actor)


def _falls(organisation, lead, people, rng, start):
    project = _project(
        organisation, lead, "Reduce inpatient falls on Ward 7",
        problem="Older patients fall at night, mostly on the way to the toilet; several falls a month cause harm.",
        aim_what="Reduce inpatient falls", aim_baseline="7.5 per 1,000 bed days", aim_target="4 per 1,000 bed days",
        aim_by=start + 52 * WEEK, aim_for_whom="adult inpatients on Ward 7", unit_id=_unit(organisation, "Ward 7"),
        status=ProjectStatus.ACTIVE, start_date=start, expected_end_date=start + 60 * WEEK,
        components=(ImpactComponent.CAPABILITY, ImpactComponent.PEOPLE_CULTURE),
        strategic_priority="Safe care: reduce avoidable harm", method=Method.MODEL_FOR_IMPROVEMENT)
    projects.add_team_member(project, people["coach"].id, TeamRole.COACH, actor=lead)
    projects.add_team_member(project, people["executive"].id, TeamRole.SPONSOR, actor=lead)
    projects.add_team_member(project, people["frontline"].id, TeamRole.MEMBER, actor=lead)
    assess = _driver(project, lead, DriverKind.PRIMARY, "Reliable falls risk assessment")
    environment = _driver(project, lead, DriverKind.PRIMARY, "A safe ward environment at night")
    within_6h = _driver(project, lead, DriverKind.SECONDARY, "Assessment within 6 hours of admission", assess)
    rounding = _driver(project, lead, DriverKind.SECONDARY, "Regular checks on high-risk patients", environment)
    bundle = _idea(project, lead, "Falls bundle completed on admission", ChangeIdeaStatus.ADOPTED, within_6h)
    night = _idea(project, lead, "Intentional rounding every hour at night", ChangeIdeaStatus.TESTING, rounding)
    _idea(project, lead, "Bay nursing for patients at highest risk", ChangeIdeaStatus.IDEA, rounding)
    _cycles(project, bundle, start, [(4, Decision.ADAPT), (9, Decision.ADAPT), (16, Decision.ADOPT)], lead)
    _cycles(project, night, start, [(24, Decision.ADAPT), (30, None)], lead)
    _measure(project, Series("Falls per 1,000 occupied bed days", MeasureKind.OUTCOME, Direction.DECREASE,
                             "per 1,000 bed days", 7.4, 4.3, 1.1, 20, target=4.0), rng, start, 40)
    _measure(project, Series("Falls risk assessment within 6 hours", MeasureKind.PROCESS, Direction.INCREASE,
                             "%", 0.58, 0.91, 0.05, 17, target=95.0, proportion_of=40), rng, start, 40)
    _measure(project, Series("Patients asleep at 2am (sleep disturbance check)", MeasureKind.BALANCING,
                             Direction.NEUTRAL, "%", 0.71, 0.70, 0.04, 40, proportion_of=30, chart=ChartType.RUN),
             rng, start, 40)
    _scores(project, lead, [(2, "1.0", "Team and charter agreed"), (10, "2.0", "First PDSA cycles on the bundle"),
                            (32, "3.5", "Sustained shift in falls after the bundle was adopted")], start)


def _discharge(organisation, coach, rng, start):
    project = _project(
        organisation, coach, "Discharge before noon on medical wards",
        problem="Most discharges happen late in the day, so admissions wait in the Emergency Department.",
        aim_what="Increase discharges before noon", aim_baseline="14%", aim_target="33%",
        aim_by=start + 48 * WEEK, aim_for_whom="medical inpatients", unit_id=_unit(organisation, "Medicine"),
        status=ProjectStatus.ACTIVE, start_date=start + 6 * WEEK,
        components=(ImpactComponent.MANAGEMENT_SYSTEMS,), strategic_priority="Urgent and emergency care flow",
        method=Method.QSIR)
    flow = _driver(project, coach, DriverKind.PRIMARY, "Discharge planned from admission")
    board = _driver(project, coach, DriverKind.SECONDARY, "Daily board round agrees tomorrow's discharges", flow)
    idea = _idea(project, coach, "Criteria-led discharge at the 9am board round", ChangeIdeaStatus.TESTING, board)
    _cycles(project, idea, start, [(22, Decision.ADAPT), (28, Decision.ADOPT)], coach)
    _measure(project, Series("Discharges before noon", MeasureKind.OUTCOME, Direction.INCREASE, "%", 0.14, 0.27,
                             0.03, 29, target=33.0, proportion_of=120), rng, start, 40)
    _scores(project, coach, [(8, "1.5", "Planning the board round test"), (30, "3.0", "Early signs of improvement")],
            start)


def _sepsis(organisation, frontline, rng, start):
    project = _project(
        organisation, frontline, "Sepsis antibiotics within the hour",
        problem="Patients with red-flag sepsis wait too long for their first antibiotics in the Emergency Department.",
        aim_what="Increase antibiotics given within 60 minutes", aim_baseline="62%", aim_target="90%",
        aim_by=start + 30 * WEEK, aim_for_whom="adults with red-flag sepsis", status=ProjectStatus.SUSTAINING,
        unit_id=_unit(organisation, "Emergency Department"), start_date=start,
        components=(ImpactComponent.CAPABILITY,), method=Method.MODEL_FOR_IMPROVEMENT)
    idea = _idea(project, frontline, "Sepsis grab bags in every resus bay", ChangeIdeaStatus.ADOPTED, None)
    _cycles(project, idea, start, [(5, Decision.ADAPT), (10, Decision.ADOPT)], frontline)
    _measure(project, Series("Antibiotics within 60 minutes", MeasureKind.PROCESS, Direction.INCREASE, "%", 0.62,
                             0.88, 0.04, 12, target=90.0, proportion_of=25,
                             rebase=(14, "Grab bags adopted after PDSA 2; sustained shift since")), rng, start, 40)
    _scores(project, frontline, [(4, "2.0", "Testing grab bags"), (20, "4.0", "Significant improvement")], start)


def _simple(organisation, actor, title, status, component, score):
    project = _project(organisation, actor, title, aim_what=title, status=status, components=(component,))
    projects.set_progress_score(project, score, "Set when the demo was loaded", actor=actor)


def _driver(project, actor, kind, text, primary=None):
    primaries = (primary.id,) if primary else ()
    return projects.save_driver(project, projects.DriverInput(kind, text, primaries), actor=actor)


def _idea(project, actor, text, status, secondary):
    drivers = (secondary.id,) if secondary else ()
    return projects.save_change_idea(project, projects.ChangeIdeaInput(text, status, drivers), actor=actor)


def _cycles(project, idea, start, plan: list[tuple[int, Decision | None]], actor) -> None:
    for number, (week, decision) in enumerate(plan, start=1):
        begins = start + week * WEEK
        cycle = PDSACycle(
            project=project, change_idea=idea, number=number, title=f"{idea.text} – test {number}",
            stage=Stage.DONE if decision else Stage.STUDY, objective=f"Find out whether '{idea.text}' works here.",
            plan_who="Ward team on one shift", plan_what=idea.text, plan_when=f"Week of {begins:%d %B %Y}",
            plan_where=project.unit.name if project.unit else "One ward", start=begins, end=begins + 2 * WEEK,
            observations="Staff found it quick once the kit was in place.",
            learning="It works on day shifts; nights need a different prompt." if decision is Decision.ADAPT
            else "Reliable on every shift tested.", decision=decision,
            next_steps="Test on nights with the nurse in charge prompting." if decision is Decision.ADAPT else "",
            created_by_id=actor.id,
        )
        cycle.questions.append(CycleQuestion(position=0, question="Will staff complete it for every patient?",
                                             prediction="Yes, for at least 8 in 10 patients.",
                                             result="9 in 10 patients" if decision else ""))
        db.session.add(cycle)
    db.session.commit()


def _measure(project, series: Series, rng: random.Random, start: date, weeks: int) -> None:
    measure = Measure(
        project=project, name=series.name, kind=series.kind, improvement_direction=series.direction,
        unit=series.unit, target=series.target, chart=series.chart, frequency=Frequency.WEEKLY,
        is_proportion=series.proportion_of is not None, baseline_points=12,
        definition=f"{series.name}, counted each week from the ward's records (aggregate counts only).",
    )
    db.session.add(measure)
    for week in range(weeks):
        level = series.before if week < series.change_week else series.after
        db.session.add(_point(measure, series, level, rng, start + week * WEEK))
    if series.rebase:
        week, reason = series.rebase
        db.session.add(Rebase(measure=measure, period=start + week * WEEK, reason=reason))
    db.session.commit()


def _point(measure, series: Series, level: float, rng: random.Random, period: date) -> DataPoint:
    if series.proportion_of is None:
        return DataPoint(measure=measure, period=period, value=round(max(0.0, rng.gauss(level, series.spread)), 1))
    denominator = series.proportion_of + rng.randint(-5, 5)
    share = min(1.0, max(0.0, rng.gauss(level, series.spread)))
    return DataPoint(measure=measure, period=period, numerator=round(share * denominator), denominator=denominator)


def _scores(project, actor, entries: list[tuple[int, str, str]], start: date) -> None:
    for week, score, note in entries:
        set_at = datetime.combine(start + week * WEEK, time(12), tzinfo=utcnow().tzinfo)
        project.scores.insert(0, ProgressScore(score=Decimal(score), note=note, set_by=actor, set_at=set_at))
    db.session.commit()
