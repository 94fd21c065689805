"""Use cases for PDSA cycles: start one, work through Plan, Do, Study and Act, and start the next of a ramp.

The stage rules are what make a cycle a test rather than a diary: predictions are written before Do, a
result is set against each prediction before Act, and Act ends with a decision. Every public function is
one transaction; the HTML pages, the API and any script call the same functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from ..core.database import transactional
from ..core.errors import DomainError, PermissionDenied, VersionConflict
from ..core.mixins import utcnow
from ..core.permissions import Action, can
from ..extensions import db
from ..projects.models import ChangeIdea, ChangeIdeaStatus, Project
from ..projects.services import require_not_archived
from .models import CycleQuestion, CycleTask, Decision, PDSACycle, Stage

NEXT_STAGE = {Stage.PLAN: Stage.DO, Stage.DO: Stage.STUDY, Stage.STUDY: Stage.ACT, Stage.ACT: Stage.DONE}
STAGE_LABELS = {Stage.PLAN: "Plan", Stage.DO: "Do", Stage.STUDY: "Study", Stage.ACT: "Act", Stage.DONE: "Done"}
DECISION_IDEA_STATUS = {
    Decision.ADOPT: ChangeIdeaStatus.ADOPTED,
    Decision.ADAPT: ChangeIdeaStatus.TESTING,
    Decision.ABANDON: ChangeIdeaStatus.ABANDONED,
}
_CYCLE_SUFFIX = re.compile(r"\s*\(cycle \d+\)$")


@dataclass(frozen=True)
class QuestionInput:
    """A question the cycle should answer, its prediction (Plan) and its result (Study)."""

    question: str
    prediction: str = ""
    result: str = ""


@dataclass(frozen=True)
class TaskInput:
    """One task of the plan."""

    task: str
    owner: str = ""
    due: date | None = None


@dataclass(frozen=True)
class PlanFields:
    """Who, what, when and where, the tasks and the data collection plan."""

    who: str = ""
    what: str = ""
    when: str = ""
    where: str = ""
    data_collection: str = ""
    tasks: tuple[TaskInput, ...] = ()


@dataclass(frozen=True)
class NewCycle:
    """What it takes to start a cycle; the rest of the Plan may come now or later."""

    title: str
    change_idea_id: int | None
    objective: str = ""
    start: date | None = None
    questions: tuple[QuestionInput, ...] = ()
    plan: PlanFields = field(default_factory=PlanFields)


@dataclass(frozen=True)
class PlanInput:
    """The Plan page: the whole of the plan, replacing what was there."""

    title: str
    objective: str
    questions: tuple[QuestionInput, ...]
    plan: PlanFields
    start: date | None = None
    version: int | None = None


@dataclass(frozen=True)
class DoInput:
    """The Do page: what happened, and what nobody expected."""

    observations: str
    unexpected: str = ""
    version: int | None = None


@dataclass(frozen=True)
class StudyInput:
    """The Study page: a result for each question, in order, and the learning."""

    results: tuple[str, ...]
    learning: str
    version: int | None = None


@dataclass(frozen=True)
class ActInput:
    """The Act page: the decision, the next steps and when the cycle ended."""

    decision: Decision | None
    next_steps: str = ""
    end: date | None = None
    version: int | None = None


@dataclass(frozen=True)
class CycleUpdate:
    """A partial change from the API: None means 'not sent'. `stage` may move the cycle on by one stage."""

    version: int
    title: str | None = None
    objective: str | None = None
    questions: tuple[QuestionInput, ...] | None = None
    plan: PlanFields | None = None
    observations: str | None = None
    unexpected: str | None = None
    learning: str | None = None
    decision: Decision | None = None
    next_steps: str | None = None
    start: date | None = None
    end: date | None = None
    stage: Stage | None = None


@transactional
def start_cycle(project: Project, data: NewCycle, *, actor) -> PDSACycle:
    """Start the next cycle of a change idea's ramp, at the Plan stage, numbered after the idea's last cycle.

    Marks the change idea as being tested. Raises PermissionDenied if the actor may not contribute to the
    project, and DomainError when the title is missing, the change idea is not the project's, or the idea
    already has a cycle that has not finished.
    """
    _require_contributor(actor, project)
    if not data.title.strip():
        raise DomainError("Enter a title for the cycle", field="title")
    idea = _change_idea_of(project, data.change_idea_id)
    cycle = PDSACycle(project=project, change_idea=idea, number=_next_number(idea), title=data.title.strip(),
                      objective=data.objective, start=data.start, created_by_id=actor.id)
    _write_plan(cycle, data.questions, data.plan)
    idea.status = ChangeIdeaStatus.TESTING
    db.session.add(cycle)
    return cycle


@transactional
def save_plan(cycle: PDSACycle, data: PlanInput, *, actor, advance: bool = False) -> PDSACycle:
    """Save the Plan; with `advance`, move to Do.

    Raises DomainError (field `title`, `questions` or `questions[i].prediction`) when the title is missing,
    or on advancing without a question or with a question that has no prediction; PermissionDenied,
    VersionConflict, and DomainError when the cycle is not at the Plan stage.
    """
    _check_editable(cycle, Stage.PLAN, data.version, actor)
    if not data.title.strip():
        raise DomainError("Enter a title for the cycle", field="title")
    cycle.title, cycle.objective, cycle.start = data.title.strip(), data.objective, data.start
    _write_plan(cycle, data.questions, data.plan)
    return _finish_save(cycle, advance)


@transactional
def save_do(cycle: PDSACycle, data: DoInput, *, actor, advance: bool = False) -> PDSACycle:
    """Save what happened; with `advance`, move to Study.

    Raises DomainError (field `observations`) on advancing with nothing recorded; PermissionDenied,
    VersionConflict, and DomainError when the cycle is not at the Do stage.
    """
    _check_editable(cycle, Stage.DO, data.version, actor)
    cycle.observations, cycle.unexpected = data.observations, data.unexpected
    return _finish_save(cycle, advance)


@transactional
def save_study(cycle: PDSACycle, data: StudyInput, *, actor, advance: bool = False) -> PDSACycle:
    """Save the result against each prediction and the learning; with `advance`, move to Act.

    Raises DomainError (field `questions[i].result` or `learning`) on advancing without a result for every
    question or without learning; PermissionDenied, VersionConflict, and DomainError when the cycle is not at
    the Study stage.
    """
    _check_editable(cycle, Stage.STUDY, data.version, actor)
    for question, result in zip(cycle.questions, data.results, strict=False):
        question.result = result
    cycle.learning = data.learning
    return _finish_save(cycle, advance)


@transactional
def save_act(cycle: PDSACycle, data: ActInput, *, actor, advance: bool = False) -> PDSACycle:
    """Save the decision and next steps; with `advance`, finish the cycle and update the change idea's status.

    Adopting marks the idea adopted, abandoning marks it abandoned, adapting keeps it being tested. Raises
    DomainError (field `decision`) on finishing without a decision; PermissionDenied, VersionConflict, and
    DomainError when the cycle is not at the Act stage.
    """
    _check_editable(cycle, Stage.ACT, data.version, actor)
    cycle.decision, cycle.next_steps, cycle.end = data.decision, data.next_steps, data.end
    return _finish_save(cycle, advance)


@transactional
def start_next_cycle(cycle: PDSACycle, *, actor) -> PDSACycle:
    """Start the cycle after an adapted one: same change idea and objective, its questions without answers.

    The title gains '(cycle N)'. Raises PermissionDenied, and DomainError when the cycle has not finished
    with 'adapt' or its change idea already has a cycle under way.
    """
    _require_contributor(actor, cycle.project)
    if cycle.stage is not Stage.DONE or cycle.decision is not Decision.ADAPT:
        raise DomainError("Only a finished cycle that was adapted leads on to a next cycle", field="decision")
    _check_no_open_cycle(cycle.change_idea)
    number = _next_number(cycle.change_idea)
    title = f"{_CYCLE_SUFFIX.sub('', cycle.title)} (cycle {number})"
    questions = tuple(QuestionInput(q.question) for q in cycle.questions)
    following = PDSACycle(project=cycle.project, change_idea=cycle.change_idea, number=number, title=title,
                          objective=cycle.objective, created_by_id=actor.id)
    _write_plan(following, questions, PlanFields())
    db.session.add(following)
    return following


@transactional
def update_cycle(cycle: PDSACycle, data: CycleUpdate, *, actor) -> PDSACycle:
    """Apply an API PATCH: change the fields sent, then move on one stage if `stage` asks to.

    Predictions are fixed once a cycle leaves Plan, so after that `questions` may only add results. Raises
    VersionConflict on a stale version, PermissionDenied, and DomainError naming the field for a finished
    cycle, a stage that is not the current or the next one, or a stage rule that is not met.
    """
    _check_editable(cycle, cycle.stage, data.version, actor)
    if cycle.stage is Stage.DONE:
        raise DomainError("A finished cycle cannot be changed", field="stage")
    if data.stage not in (None, cycle.stage, NEXT_STAGE[cycle.stage]):
        raise DomainError(f"A cycle at {cycle.stage.value} can only move on to {NEXT_STAGE[cycle.stage].value}",
                          field="stage")
    _apply_update(cycle, data)
    return _finish_save(cycle, data.stage is not None and data.stage is not cycle.stage)


def stage_label(stage: Stage) -> str:
    """'Plan', 'Do', 'Study', 'Act' or 'Done'."""
    return STAGE_LABELS[stage]


def _require_contributor(actor, project: Project) -> None:
    if not can(actor, Action.CONTRIBUTE, project.organisation):
        raise PermissionDenied("contribute to this project")
    require_not_archived(project)


def _check_editable(cycle: PDSACycle, stage: Stage, version: int | None, actor) -> None:
    _require_contributor(actor, cycle.project)
    if version is not None and version != cycle.version:
        raise VersionConflict(cycle)
    if cycle.stage is not stage:
        raise DomainError(f"This cycle is at the {stage_label(cycle.stage)} stage, so this part cannot be changed")


def _change_idea_of(project: Project, change_idea_id: int | None) -> ChangeIdea:
    idea = db.session.get(ChangeIdea, change_idea_id) if change_idea_id else None
    if idea is None or idea.project_id != project.id:
        raise DomainError("Choose one of this project's change ideas", field="change_idea")
    _check_no_open_cycle(idea)
    return idea


def _check_no_open_cycle(idea: ChangeIdea) -> None:
    open_number = db.session.scalar(
        select(PDSACycle.number).where(PDSACycle.change_idea_id == idea.id, PDSACycle.stage != Stage.DONE).limit(1)
    )
    if open_number is not None:
        raise DomainError(f"Cycle {open_number} of this change idea is still under way: finish it first",
                          field="change_idea")


def _next_number(idea: ChangeIdea) -> int:
    latest = db.session.scalar(select(func.max(PDSACycle.number)).where(PDSACycle.change_idea_id == idea.id))
    return (latest or 0) + 1


def _write_plan(cycle: PDSACycle, questions: tuple[QuestionInput, ...], plan: PlanFields) -> None:
    cycle.questions = [CycleQuestion(position=i, question=q.question, prediction=q.prediction, result=q.result)
                       for i, q in enumerate(questions)]
    cycle.tasks = [CycleTask(position=i, task=t.task, owner=t.owner, due=t.due) for i, t in enumerate(plan.tasks)]
    cycle.plan_who, cycle.plan_what, cycle.plan_when = plan.who, plan.what, plan.when
    cycle.plan_where, cycle.data_collection = plan.where, plan.data_collection


def _finish_save(cycle: PDSACycle, advance: bool) -> PDSACycle:
    cycle.updated_at = utcnow()  # an UPDATE of the cycle row, so its version moves even when only children changed
    if advance:
        _ADVANCE_CHECKS[cycle.stage](cycle)
        cycle.stage = NEXT_STAGE[cycle.stage]
        if cycle.stage is Stage.DONE:
            cycle.change_idea.status = DECISION_IDEA_STATUS[cycle.decision]
            cycle.end = cycle.end or date.today()
    return cycle


def _ready_for_do(cycle: PDSACycle) -> None:
    if not cycle.questions:
        raise DomainError("Add at least one question the cycle will answer before moving to Do", field="questions")
    for index, question in enumerate(cycle.questions):
        if not question.prediction.strip():
            raise DomainError(f"Write what you predict for question {index + 1} before moving to Do",
                              field=f"questions[{index}].prediction")


def _ready_for_study(cycle: PDSACycle) -> None:
    if not cycle.observations.strip():
        raise DomainError("Record what happened before moving to Study", field="observations")


def _ready_for_act(cycle: PDSACycle) -> None:
    for index, question in enumerate(cycle.questions):
        if not question.result.strip():
            raise DomainError(f"Write what you found for question {index + 1} before moving to Act",
                              field=f"questions[{index}].result")
    if not cycle.learning.strip():
        raise DomainError("Write what you learned before moving to Act", field="learning")


def _ready_to_finish(cycle: PDSACycle) -> None:
    if cycle.decision is None:
        raise DomainError("Choose whether to adopt, adapt or abandon the change", field="decision")


_ADVANCE_CHECKS = {Stage.PLAN: _ready_for_do, Stage.DO: _ready_for_study, Stage.STUDY: _ready_for_act,
                   Stage.ACT: _ready_to_finish}


def _apply_update(cycle: PDSACycle, data: CycleUpdate) -> None:
    if data.title is not None and not data.title.strip():
        raise DomainError("Enter a title for the cycle", field="title")
    for name in ("title", "objective", "observations", "unexpected", "learning", "decision", "next_steps", "start",
                 "end"):
        value = getattr(data, name)
        if value is not None:
            setattr(cycle, name, value.strip() if name == "title" else value)
    if cycle.stage is Stage.PLAN:
        if data.questions is not None or data.plan is not None:
            questions = data.questions if data.questions is not None else tuple(map(_as_input, cycle.questions))
            _write_plan(cycle, questions, data.plan if data.plan is not None else _plan_of(cycle))
        return
    if data.plan is not None:
        raise DomainError("The plan is fixed once a cycle has moved to Do", field="plan")
    if data.questions is not None:
        _record_results(cycle, data.questions)


def _record_results(cycle: PDSACycle, questions: tuple[QuestionInput, ...]) -> None:
    fixed = [(q.question, q.prediction) for q in cycle.questions]
    if [(q.question, q.prediction) for q in questions] != fixed:
        raise DomainError("Questions and predictions are fixed once a cycle has moved to Do; send them unchanged",
                          field="questions")
    for question, sent in zip(cycle.questions, questions, strict=True):
        question.result = sent.result


def _as_input(question: CycleQuestion) -> QuestionInput:
    return QuestionInput(question.question, question.prediction, question.result)


def _plan_of(cycle: PDSACycle) -> PlanFields:
    tasks = tuple(TaskInput(t.task, t.owner, t.due) for t in cycle.tasks)
    return PlanFields(cycle.plan_who, cycle.plan_what, cycle.plan_when, cycle.plan_where, cycle.data_collection,
                      tasks)

