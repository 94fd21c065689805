"""PDSA cycles over the API: list and start a project's cycles, read one, and change it with PATCH."""

from __future__ import annotations

from datetime import date
from enum import Enum

from flask import current_app, jsonify, request, url_for

from ..core.errors import DomainError, VersionConflict
from ..core.pagination import paginate, parse_page_args
from ..core.permissions import Action, get_for_user_or_404
from ..core.pii import find_pii
from ..core.problems import problem
from ..pdsa import queries, services
from ..pdsa.models import Decision, PDSACycle, Stage
from ..projects.models import Project
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .parsing import whole_number_problem, without_nul
from .serialisers.pdsa import cycle_to_dict

TITLE_LIMIT = 160
TEXT_LIMIT = 10_000
TASK_LIMIT = 300
OWNER_LIMIT = 120
_TEXT_FIELDS = ("objective", "observations", "unexpected", "learning", "next_steps")

_STRING = {"type": "string"}
_DATE = {"type": ["string", "null"], "format": "date"}
_QUESTION = {"type": "object", "required": ["question"], "properties": {
    "question": _STRING, "prediction": _STRING, "result": _STRING}}
_PLAN = {"type": "object", "properties": {
    "who": _STRING, "what": _STRING, "when": _STRING, "where": _STRING, "data_collection": _STRING,
    "tasks": {"type": "array", "items": {"type": "object", "required": ["task"], "properties": {
        "task": {"type": "string", "maxLength": TASK_LIMIT}, "owner": {"type": "string", "maxLength": OWNER_LIMIT},
        "due": _DATE}}}}}
_WRITABLE = {
    "title": {"type": "string", "maxLength": TITLE_LIMIT},
    "objective": _STRING,
    "questions": {"type": "array", "items": _QUESTION},
    "plan": _PLAN,
    "observations": _STRING, "unexpected": _STRING, "learning": _STRING, "next_steps": _STRING,
    "decision": {"enum": [d.value for d in Decision]},
    "start": _DATE, "end": _DATE,
}
register_schema("Cycle", {"type": "object", "properties": {
    **_WRITABLE, "id": {"type": "integer"}, "project": {"type": "integer"}, "change_idea": {"type": "integer"},
    "number": {"type": "integer"}, "label": _STRING, "stage": {"enum": [s.value for s in Stage]},
    "decision": {"enum": [*(d.value for d in Decision), None]}, "version": {"type": "integer"},
    "warnings": {"type": "array", "items": {"type": "object", "properties": {"field": _STRING, "message": _STRING}}},
}})
register_schema("CycleList", {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Cycle"}},
    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}})
register_schema("NewCycle", {"type": "object", "required": ["title", "change_idea"], "properties": {
    "title": _WRITABLE["title"], "change_idea": {"type": "integer"}, "objective": _STRING,
    "questions": _WRITABLE["questions"], "plan": _PLAN, "start": _DATE}})
register_schema("CycleChanges", {"type": "object", "required": ["version"], "properties": {
    **_WRITABLE, "version": {"type": "integer"}, "stage": {"enum": [s.value for s in Stage]}}})


@bp.get("/projects/<int:project_id>/cycles")
@documented(response="CycleList", query=("page", "per_page"))
def list_cycles(project_id: int):
    """A project's PDSA cycles, by change idea and cycle number, a page at a time."""
    project = get_for_user_or_404(Project, project_id, api_user())
    try:
        page, per_page = parse_page_args(request.args, max_per_page=current_app.config["IMPACT_API_MAX_PER_PAGE"])
    except DomainError as err:
        return _invalid([{"field": err.field, "message": err.message}])
    result = paginate(queries.cycles_query(project), page, per_page)
    return jsonify({"items": [cycle_to_dict(cycle) for cycle in result.items], "page": result.page,
                    "per_page": result.per_page, "total": result.total})


@bp.post("/projects/<int:project_id>/cycles")
@documented(request="NewCycle", response="Cycle", status=201)
def create_cycle(project_id: int):
    """Start a PDSA cycle of one of the project's change ideas, at the Plan stage (201)."""
    project = get_for_user_or_404(Project, project_id, api_user(), Action.CONTRIBUTE)
    body = without_nul(request.get_json(silent=True))
    if not isinstance(body, dict):
        return problem(400, "Send a JSON object.")
    reader = _Reader(body)
    data = reader.new_cycle()
    if reader.errors:
        return _invalid(reader.errors)
    try:
        cycle = services.start_cycle(project, data, actor=api_user())
    except DomainError as err:
        return _invalid([{"field": err.field, "message": err.message}])
    response = jsonify(_with_warnings(cycle))
    response.status_code, response.headers["Location"] = 201, url_for("api.get_cycle", cycle_id=cycle.id)
    return response


@bp.get("/cycles/<int:cycle_id>")
@documented(response="Cycle")
def get_cycle(cycle_id: int):
    """One PDSA cycle: the whole worksheet and its version."""
    return jsonify(cycle_to_dict(get_for_user_or_404(PDSACycle, cycle_id, api_user())))


@bp.patch("/cycles/<int:cycle_id>")
@documented(request="CycleChanges", response="Cycle")
def patch_cycle(cycle_id: int):
    """Change a cycle: send the version you read and the fields to change; `stage` moves it on by one stage.

    A stale version is a 409 with the current cycle under `current`; a stage rule not met is a 422.
    """
    cycle = get_for_user_or_404(PDSACycle, cycle_id, api_user(), Action.CONTRIBUTE)
    body = without_nul(request.get_json(silent=True))
    if not isinstance(body, dict):
        return problem(400, "Send a JSON object.")
    reader = _Reader(body)
    data = reader.changes(cycle)
    if reader.errors:
        return _invalid(reader.errors)
    try:
        services.update_cycle(cycle, data, actor=api_user())
    except VersionConflict as err:
        return problem(409, str(err), extra={"current": cycle_to_dict(err.current)})
    except DomainError as err:
        return _invalid([{"field": err.field, "message": err.message}])
    return jsonify(_with_warnings(cycle))


def _invalid(errors: list[dict]) -> object:
    return problem(422, "Some fields are not valid.", errors=errors)


def _with_warnings(cycle: PDSACycle) -> dict:
    """The cycle, plus a warning for each text that looks like patient-identifiable information."""
    body = cycle_to_dict(cycle)
    texts = [(name, body[name]) for name in ("title", *_TEXT_FIELDS)]
    texts += [(f"questions[{i}].{key}", q[key]) for i, q in enumerate(body["questions"]) for key in q]
    texts += [(f"plan.{key}", value) for key, value in body["plan"].items() if isinstance(value, str)]
    body["warnings"] = [{"field": name, "message": message} for name, text in texts for message in find_pii(text)]
    return body


class _Reader:
    """Reads typed fields out of a JSON object, collecting one error per bad field (None means not sent)."""

    def __init__(self, body: dict):
        self.body = body
        self.errors: list[dict] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def text(self, name: str, limit: int = TEXT_LIMIT, source: dict | None = None, prefix: str = "") -> str | None:
        value = (self.body if source is None else source).get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            return self.fail(prefix + name, "Must be a string")
        if len(value) > limit:
            return self.fail(prefix + name, f"Must be {limit} characters or fewer")
        return value

    def date(self, name: str, source: dict | None = None, prefix: str = "") -> date | None:
        value = (self.body if source is None else source).get(name)
        if value is None:
            return None
        try:
            if isinstance(value, str) and len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        return self.fail(prefix + name, "Must be a date like 2026-01-31")

    def choice(self, name: str, enum: type[Enum]):
        value = self.body.get(name)
        if value is None:
            return None
        if value not in [member.value for member in enum]:
            return self.fail(name, "Must be one of " + ", ".join(member.value for member in enum))
        return enum(value)

    def integer(self, name: str) -> int | None:
        value = self.body.get(name)
        if value is not None and (problem_found := whole_number_problem(value)):
            return self.fail(name, problem_found.capitalize())
        return value

    def questions(self) -> tuple[services.QuestionInput, ...] | None:
        items = self._objects("questions")
        if items is None:
            return None
        read = [self._question(item, f"questions[{i}].") for i, item in enumerate(items)]
        return tuple(q for q in read if q is not None)

    def _question(self, item: dict, prefix: str) -> services.QuestionInput | None:
        question = self.text("question", source=item, prefix=prefix)
        if not (question or "").strip():
            return self.fail(prefix + "question", "Write the question")
        return services.QuestionInput(question, self.text("prediction", source=item, prefix=prefix) or "",
                                      self.text("result", source=item, prefix=prefix) or "")

    def plan(self) -> services.PlanFields | None:
        plan = self.body.get("plan")
        if plan is None:
            return None
        if not isinstance(plan, dict):
            return self.fail("plan", "Must be an object")
        tasks = self._objects("tasks", plan, "plan.") or []
        read = tuple(self._task(item, f"plan.tasks[{i}].") for i, item in enumerate(tasks))
        words = [self.text(key, source=plan, prefix="plan.") or "" for key in ("who", "what", "when", "where",
                                                                                 "data_collection")]
        return services.PlanFields(*words, tasks=tuple(task for task in read if task is not None))

    def _task(self, item: dict, prefix: str) -> services.TaskInput | None:
        task = self.text("task", TASK_LIMIT, source=item, prefix=prefix)
        if not (task or "").strip():
            return self.fail(prefix + "task", "Describe the task")
        return services.TaskInput(task, self.text("owner", OWNER_LIMIT, source=item, prefix=prefix) or "",
                                  self.date("due", source=item, prefix=prefix))

    def _objects(self, name: str, source: dict | None = None, prefix: str = "") -> list[dict] | None:
        value = (self.body if source is None else source).get(name)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            return self.fail(prefix + name, "Must be a list of objects")
        return value

    def new_cycle(self) -> services.NewCycle:
        title = self.text("title", TITLE_LIMIT) or ""
        change_idea = self.integer("change_idea")
        if change_idea is None and "change_idea" not in {e["field"] for e in self.errors}:
            self.fail("change_idea", "Send the id of one of the project's change ideas")
        return services.NewCycle(title=title, change_idea_id=change_idea, objective=self.text("objective") or "",
                                 start=self.date("start"), questions=self.questions() or (),
                                 plan=self.plan() or services.PlanFields())

    def changes(self, cycle: PDSACycle) -> services.CycleUpdate:
        version = self.integer("version")
        if version is None and "version" not in {e["field"] for e in self.errors}:
            self.fail("version", "Send the version of the cycle you read")
        if self.body.get("change_idea") not in (None, cycle.change_idea_id):
            self.fail("change_idea", "A cycle's change idea cannot be changed")
        texts = {name: self.text(name) for name in _TEXT_FIELDS}
        return services.CycleUpdate(
            version=version or 0, title=self.text("title", TITLE_LIMIT), questions=self.questions(), plan=self.plan(),
            decision=self.choice("decision", Decision), start=self.date("start"), end=self.date("end"),
            stage=self.choice("stage", Stage), **texts,
        )
