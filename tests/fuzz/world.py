"""The demo world the fuzzers post into: URL values for every route, and proof that nothing was written."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import event, func, literal, select, union_all

from impact_tracker.assessment.models import ActionPlanItem, AssessmentStatus, FrameworkComponent, SelfAssessment
from impact_tracker.assessment.models import Response as StatementResponse
from impact_tracker.assessment.services import NewAssessment, start_assessment
from impact_tracker.auth.models import ApiToken
from impact_tracker.auth.services import create_token
from impact_tracker.capability.models import ImprovementPost, TrainingRecord, TrainingTier
from impact_tracker.core.impact import ImpactComponent
from impact_tracker.core.mixins import utcnow
from impact_tracker.extensions import db
from impact_tracker.gemba.models import GembaWalk, WalkAction
from impact_tracker.measures.models import DataPoint, Measure, Rebase
from impact_tracker.orgs.models import Organisation, Unit, User
from impact_tracker.pdsa.models import Decision, PDSACycle, Stage
from impact_tracker.projects.models import ChangeIdea, Driver, DriverKind, Project, TeamMember

from .. import factories

ORG_CODE = "DEMO1"
SYSTEM_CODE = "DSYS1"
LEAD_EMAIL = "improvement_lead@demo1.example"
COLLEAGUE_EMAIL = "frontline@demo1.example"
REVOCABLE_TOKEN = "Fuzzing: a token to revoke"
SPARE_TITLE = "Fuzzing: a project to archive and restore"

# A request may stamp when a token was last used without saving anything anyone entered.
IGNORED_WRITES = re.compile(r"^UPDATE api_token SET last_used_at=[^,]* WHERE", re.IGNORECASE)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def row_counts() -> dict[str, int]:
    """How many rows each table holds, in one query."""
    counts = union_all(*(select(literal(table.name).label("name"), func.count().label("rows")).select_from(table)
                         for table in db.metadata.sorted_tables))
    result = dict(db.session.execute(counts).all())
    db.session.rollback()
    return result


class CommittedWrites:
    """Listens to the database while a request runs and keeps the writes that were committed.

    Stronger than comparing row counts: an UPDATE that changes no count is caught too. Writes rolled back
    (a service that failed half-way) do not count, because nothing of them is saved.
    """

    def __init__(self, engine):
        self.engine, self.committed, self._pending = engine, [], []

    def __enter__(self) -> CommittedWrites:
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _statement(self, _conn, _cursor, statement, _parameters, _context, _many) -> None:
        if _WRITE.match(statement) and not IGNORED_WRITES.match(statement):
            self._pending.append(" ".join(statement.split())[:120])

    def _commit(self, _conn) -> None:
        self.committed += self._pending
        self._pending = []

    def _rollback(self, _conn) -> None:
        self._pending = []


def first(statement):
    """The first row the statement selects, or None."""
    return db.session.scalars(statement.limit(1)).first()


def organisation() -> Organisation:
    return db.session.scalars(select(Organisation).filter_by(code=ORG_CODE)).one()


def lead() -> User:
    return db.session.scalars(select(User).filter_by(email=LEAD_EMAIL)).one()


def _projects():
    return select(Project).where(Project.organisation_id == organisation().id,
                                 Project.archived_at.is_(None)).order_by(Project.id)


def _spare_project(*, archived: bool) -> Callable[[], dict]:
    """A project kept for archiving (or restoring), so the projects the other routes use stay editable."""

    def resolve() -> dict:
        spare = first(select(Project).filter_by(organisation_id=organisation().id, title=SPARE_TITLE)
                      .where(Project.archived_at.is_not(None) if archived else Project.archived_at.is_(None)))
        if spare is None:
            spare = factories.make_project(organisation(), title=SPARE_TITLE,
                                           archived_at=utcnow() if archived else None)
        return {"project_id": spare.id}

    return resolve


def _project() -> Project:
    return first(_projects())


def measure() -> Measure:
    """The first measure of DEMO1's projects."""
    return first(select(Measure).join(Project).where(Project.organisation_id == organisation().id)
                .order_by(Measure.id))


def _token() -> dict:
    # A token of its own, so that revoking it never stops the bearer token the API tests use.
    token = first(select(ApiToken).filter_by(user_id=lead().id, name=REVOCABLE_TOKEN, revoked_at=None))
    if token is None:
        token = create_token(lead(), REVOCABLE_TOKEN)[1]
    return {"token_id": token.id}


def organisation_rows(model) -> list:
    """Every row of an organisation-owned model in DEMO1, oldest first."""
    return list(db.session.scalars(select(model).filter_by(organisation_id=organisation().id).order_by(model.id)))


def _org_row(model) -> int:
    row = first(select(model).filter_by(organisation_id=organisation().id).order_by(model.id))
    assert row is not None, f"the demo world has no {model.__name__} in {ORG_CODE}"
    return row.id


def _point() -> dict:
    chosen = measure()
    point = first(select(DataPoint).filter_by(measure_id=chosen.id).order_by(DataPoint.id))
    if point is None:
        point = DataPoint(measure=chosen, period=date(2026, 1, 5), value=3)
        db.session.add(point)
        db.session.commit()
    return {"measure_id": chosen.id, "point_id": point.id}


def _rebase() -> dict:
    chosen = measure()
    rebase = first(select(Rebase).filter_by(measure_id=chosen.id))
    if rebase is None:
        rebase = Rebase(measure=chosen, period=date(2026, 3, 2), reason="A new way of working from March")
        db.session.add(rebase)
        db.session.commit()
    return {"measure_id": chosen.id, "rebase_id": rebase.id}


def _colleague() -> dict:
    return {"user_id": db.session.scalars(select(User).filter_by(email=COLLEAGUE_EMAIL)).one().id}


def _idea() -> dict:
    idea = first(select(ChangeIdea).join(Project).where(Project.organisation_id == organisation().id)
                .order_by(ChangeIdea.id))
    return {"project_id": idea.project_id, "idea_id": idea.id}


def _driver() -> dict:
    project = _project()
    driver = first(select(Driver).filter_by(project_id=project.id).order_by(Driver.id))
    if driver is None:
        driver = Driver(project=project, kind=DriverKind.PRIMARY, text="Staff know who is at risk", position=0)
        db.session.add(driver)
        db.session.commit()
    return {"project_id": project.id, "driver_id": driver.id}


def _team_member() -> dict:
    project = _project()
    member = first(select(TeamMember).filter_by(project_id=project.id).order_by(TeamMember.id.desc()))
    return {"project_id": project.id, "member_id": member.id}


def _cycle_at(stage: Stage, decision: Decision | None = None) -> Callable[[], dict]:
    def resolve() -> dict:
        cycle = first(select(PDSACycle).join(Project).where(Project.organisation_id == organisation().id,
                                                             PDSACycle.stage == stage,
                                                             PDSACycle.decision == decision)
                     .order_by(PDSACycle.id))
        if cycle is None:
            cycle = factories.make_cycle(_project(), stage=stage, decision=decision, objective="Fewer falls at night")
        return {"cycle_id": cycle.id}

    return resolve


def _draft() -> SelfAssessment:
    draft = first(select(SelfAssessment).filter_by(organisation_id=organisation().id,
                                                  status=AssessmentStatus.DRAFT))
    if draft is None:
        draft = start_assessment(organisation(), NewAssessment(f"Fuzzing {uuid.uuid4().hex[:8]}"), actor=lead())
    return draft


def _final_assessment() -> dict:
    final = first(select(SelfAssessment).filter_by(organisation_id=organisation().id,
                                                  status=AssessmentStatus.FINAL).order_by(SelfAssessment.id))
    return {"assessment_id": final.id}


def _assessment_action() -> dict:
    draft = _draft()
    item = first(select(ActionPlanItem).filter_by(assessment_id=draft.id).order_by(ActionPlanItem.id))
    if item is None:
        item = ActionPlanItem(assessment=draft, component=list(ImpactComponent)[0], action="Train the ward teams")
        db.session.add(item)
        db.session.commit()
    return {"assessment_id": draft.id, "action_id": item.id}


def _response() -> dict:
    draft = _draft()
    response = first(select(StatementResponse).filter_by(assessment_id=draft.id).order_by(StatementResponse.id))
    return {"assessment_id": draft.id, "response_id": response.id, "component_id": response.statement.component_id}


def _component() -> dict:
    draft = _draft()
    component = first(select(FrameworkComponent).filter_by(framework_id=draft.framework_id)
                     .order_by(FrameworkComponent.id))
    return {"assessment_id": draft.id, "component_id": component.id}


def _walk_action() -> dict:
    action = first(select(WalkAction).join(GembaWalk).where(GembaWalk.organisation_id == organisation().id)
                  .order_by(WalkAction.id))
    return {"action_id": action.id}


# Each route's URL values, found by the set of its URL arguments. A route whose arguments are not here fails
# test_every_post_route_is_fuzzed: add a resolver, and the fuzzers cover it.
BY_ARGUMENTS: dict[frozenset[str], Callable[[], dict]] = {
    frozenset(): dict,
    frozenset({"token_id"}): _token,
    frozenset({"tier_id"}): lambda: {"tier_id": _org_row(TrainingTier)},
    frozenset({"record_id"}): lambda: {"record_id": _org_row(TrainingRecord)},
    frozenset({"post_id"}): lambda: {"post_id": _org_row(ImprovementPost)},
    frozenset({"user_id"}): _colleague,
    frozenset({"unit_id"}): lambda: {"unit_id": _org_row(Unit)},
    frozenset({"project_id"}): lambda: {"project_id": _project().id},
    frozenset({"project_id", "idea_id"}): _idea,
    frozenset({"project_id", "driver_id"}): _driver,
    frozenset({"project_id", "member_id"}): _team_member,
    frozenset({"cycle_id"}): _cycle_at(Stage.PLAN),
    frozenset({"measure_id"}): lambda: {"measure_id": measure().id},
    frozenset({"measure_id", "point_id"}): _point,
    frozenset({"measure_id", "rebase_id"}): _rebase,
    frozenset({"assessment_id"}): lambda: {"assessment_id": _draft().id},
    frozenset({"assessment_id", "action_id"}): _assessment_action,
    frozenset({"assessment_id", "response_id"}): _response,
    frozenset({"assessment_id", "component_id"}): _component,
    frozenset({"walk_id"}): lambda: {"walk_id": _org_row(GembaWalk)},
    frozenset({"action_id"}): _walk_action,
    frozenset({"client_uuid"}): lambda: {"client_uuid": str(uuid.uuid4())},
    frozenset({"code"}): lambda: {"code": ORG_CODE},
}

# Routes whose page needs the object in a particular state (a cycle at its stage, a final assessment).
BY_ENDPOINT: dict[str, Callable[[], dict]] = {
    "pdsa.do": _cycle_at(Stage.DO),
    "pdsa.study": _cycle_at(Stage.STUDY),
    "pdsa.act": _cycle_at(Stage.ACT),
    "pdsa.next_cycle": _cycle_at(Stage.DONE, Decision.ADAPT),
    "assessment.sharing": _final_assessment,
    "projects.archive": _spare_project(archived=False),
    "projects.restore": _spare_project(archived=True),
    "api.projects_delete": _spare_project(archived=False),
    "api.system_portfolio": lambda: {"code": SYSTEM_CODE},
}


def can_resolve(rule) -> bool:
    """Whether the fuzzers know how to fill in this route's URL."""
    return rule.endpoint in BY_ENDPOINT or frozenset(rule.arguments) in BY_ARGUMENTS


def url_values_for(endpoint: str) -> dict:
    """url_values for a route named by its endpoint."""
    return url_values(next(current_app.url_map.iter_rules(endpoint)))


def url_values(rule) -> dict:
    """Values for the rule's URL arguments naming live objects in DEMO1 (made when none is left), plus context."""
    resolve = BY_ENDPOINT.get(rule.endpoint) or BY_ARGUMENTS[frozenset(rule.arguments)]
    values = resolve()
    db.session.commit()
    return values
