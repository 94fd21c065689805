"""Forms for starting a cycle and for its Plan, Do, Study and Act pages.

The Plan page's questions and tasks are lists that grow without JavaScript: each row is a plain field
(`question_1`, `prediction_1`, `task_1`...), the page shows the saved rows plus a few blank ones, and the
"Add another" buttons post the form back to be shown with one more row. Blank rows are ignored.
"""

from __future__ import annotations

import re

from flask import request
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.errors import DomainError
from ..core.forms import BaseForm, apply_domain_error, choices
from ..core.pii import find_pii
from .models import Decision, PDSACycle
from .services import ActInput, DoInput, NewCycle, PlanFields, PlanInput, QuestionInput, StudyInput, TaskInput

BLANK_ROWS = 3
MAX_ROWS = 30
TEXT_LIMIT = 10_000
DECISION_CHOICES = [
    (Decision.ADOPT.value, "Adopt: make the change part of how we work"),
    (Decision.ADAPT.value, "Adapt: change it and test it again in another cycle"),
    (Decision.ABANDON.value, "Abandon: stop testing this change"),
]
_NESTED_FIELD = re.compile(r"questions\[(\d+)\]\.(\w+)")


def _text(label: str, hint: str | None = None) -> TextAreaField:
    return TextAreaField(label, description=hint, validators=[Length(max=TEXT_LIMIT)])


def _optional_date(label: str, hint: str | None = None) -> DateField:
    return DateField(label, description=hint, validators=[Optional()])


class NewCycleForm(BaseForm):
    """Start a cycle: what it is called, which change idea it tests, and what it should teach us."""

    title = StringField("Title of this cycle", validators=[DataRequired("Enter a title for the cycle"),
                                                            Length(max=160)])
    change_idea = SelectField("Change idea to test", choices=[],
                              validators=[DataRequired("Choose the change idea this cycle tests")])
    objective = _text("Objective", "What should this cycle teach you?")

    def to_input(self) -> NewCycle:
        return NewCycle(title=self.title.data, change_idea_id=int(self.change_idea.data),
                        objective=self.objective.data)

    def set_change_ideas(self, pairs: list[tuple[str, str]]) -> None:
        """Offer the project's change ideas (from pdsa.queries.change_idea_choices)."""
        self.change_idea.choices = choices([("", "Choose a change idea"), *pairs])


class StageForm(BaseForm):
    """What every stage page shares: the version it was read at, the patient-data check and the buttons."""

    version = HiddenField()
    pii_checked = HiddenField()
    action = StringField()  # the name of the button pressed: save, advance, add_question or add_task

    @property
    def advancing(self) -> bool:
        return self.action.data == "advance"

    @property
    def adding_row(self) -> bool:
        return self.action.data in ("add_question", "add_task")

    def read_version(self) -> int | None:
        raw = str(self.version.data or "")
        return int(raw) if raw.isdecimal() else None

    def pii_warnings(self) -> list[dict[str, str]]:
        """Warnings (linking to the field) for text that looks like patient data, the first time it is sent.

        Marks the form as checked, so pressing the button again saves the text as it is: a warning, not a block.
        """
        if self.pii_checked.data == "yes":
            return []
        found = [{"href": f"#{item.id}", "text": f"{item.label.text}: {warning}"}
                 for item in self if item.type in ("StringField", "TextAreaField") and item is not self.action
                 for warning in find_pii(item.data)]
        self.pii_checked.data = "yes" if found else ""
        return found

    def field_for(self, name: str | None) -> str | None:
        """The form field showing a service error about `name` (e.g. questions[0].result -> result_1)."""
        match = _NESTED_FIELD.fullmatch(name or "")
        return f"{match[2]}_{int(match[1]) + 1}" if match else name

    def show_error(self, err: DomainError) -> None:
        """Put a service's rule error beside the field it is about."""
        apply_domain_error(self, DomainError(err.message, field=self.field_for(err.field)))


class PlanForm(StageForm):
    """The Plan: objective, questions with predictions, who/what/when/where, tasks and the data plan."""

    title = StringField("Title of this cycle", validators=[DataRequired("Enter a title for the cycle"),
                                                            Length(max=160)])
    objective = _text("Objective", "What should this cycle teach you?")
    who = _text("Who will carry out the test?")
    what = _text("What change will you test?", "Keep early tests small: one person, one patient, one shift.")
    when = _text("When will the test happen?")
    where = _text("Where will the test happen?")
    data_collection = _text("Data collection plan", "Which measures, what else you will note, and who "
                            "collects and looks at the data.")
    start = _optional_date("Start date (optional)")
    question_count = 0
    task_count = 0

    def question_rows(self) -> list[tuple]:
        return [(self[f"question_{n}"], self[f"prediction_{n}"]) for n in range(1, self.question_count + 1)]

    def task_rows(self) -> list[tuple]:
        return [(self[f"task_{n}"], self[f"task_owner_{n}"], self[f"task_due_{n}"])
                for n in range(1, self.task_count + 1)]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for question, prediction in self.question_rows():
            if prediction.data and not question.data:
                question.errors = [*question.errors, "Write the question this prediction answers"]
                valid = False
        for task, owner, due in self.task_rows():
            if (owner.data or due.data) and not task.data:
                task.errors = [*task.errors, "Describe the task, or clear its owner and due date"]
                valid = False
        return valid

    def _kept_question_numbers(self) -> list[int]:
        return [n for n, (question, _) in enumerate(self.question_rows(), start=1) if question.data]

    def field_for(self, name: str | None) -> str | None:
        kept = self._kept_question_numbers()
        match = _NESTED_FIELD.fullmatch(name or "")
        if match and int(match[1]) < len(kept):
            return f"{match[2]}_{kept[int(match[1])]}"
        return "question_1" if name == "questions" else name

    def to_input(self) -> PlanInput:
        questions = tuple(QuestionInput(q.data, p.data) for q, p in self.question_rows() if q.data)
        tasks = tuple(TaskInput(t.data, o.data, d.data) for t, o, d in self.task_rows() if t.data)
        plan = PlanFields(self.who.data, self.what.data, self.when.data, self.where.data,
                          self.data_collection.data, tasks)
        return PlanInput(title=self.title.data, objective=self.objective.data, questions=questions, plan=plan,
                         start=self.start.data, version=self.read_version())


class DoForm(StageForm):
    """Do: what happened and what was unexpected."""

    observations = _text("What happened?", "Include problems, and anything done differently from the plan.")
    unexpected = _text("What did not go as expected?")

    def to_input(self) -> DoInput:
        return DoInput(observations=self.observations.data, unexpected=self.unexpected.data,
                       version=self.read_version())


class StudyForm(StageForm):
    """Study: the result found for each question, set against its prediction, and the learning."""

    learning = _text("What did you learn?", "Did the change lead to improvement? Why, or why not?")
    question_count = 0

    def result_rows(self) -> list:
        return [self[f"result_{n}"] for n in range(1, self.question_count + 1)]

    def to_input(self) -> StudyInput:
        return StudyInput(results=tuple(item.data for item in self.result_rows()), learning=self.learning.data,
                          version=self.read_version())


class ActForm(StageForm):
    """Act: adopt, adapt or abandon, and what the next cycle will test."""

    decision = RadioField("What will you do with this change?", choices=choices(DECISION_CHOICES),
                          validators=[Optional()])
    next_steps = _text("Next steps", "What will the next cycle test, or how will the change be made to last?")
    end = _optional_date("End date (optional)", "Leave blank to use today's date when you finish the cycle.")

    def to_input(self) -> ActInput:
        decision = Decision(self.decision.data) if self.decision.data else None
        return ActInput(decision=decision, next_steps=self.next_steps.data, end=self.end.data,
                        version=self.read_version())


def plan_form(cycle: PDSACycle) -> PlanForm:
    """The Plan form for the cycle, with rows for its questions and tasks plus blank ones (or those posted)."""
    questions = _row_count("question", len(cycle.questions), "add_question")
    tasks = _row_count("task", len(cycle.tasks), "add_task")
    fields: dict = {"question_count": questions, "task_count": tasks}
    for n in range(1, questions + 1):
        fields[f"question_{n}"] = _text(f"Question {n}")
        fields[f"prediction_{n}"] = _text(f"Prediction for question {n}", "What do you expect to find?")
    for n in range(1, tasks + 1):
        fields[f"task_{n}"] = StringField(f"Task {n}", validators=[Length(max=300)])
        fields[f"task_owner_{n}"] = StringField(f"Who does task {n}", validators=[Length(max=120)])
        fields[f"task_due_{n}"] = _optional_date(f"Task {n} due by")
    return type("PlanForm", (PlanForm,), fields)(data=_plan_data(cycle))


def do_form(cycle: PDSACycle) -> DoForm:
    """The Do form, filled with what is saved."""
    return DoForm(data={"observations": cycle.observations, "unexpected": cycle.unexpected,
                        "version": cycle.version})


def study_form(cycle: PDSACycle) -> StudyForm:
    """The Study form: one result field per question of the plan."""
    fields: dict = {"question_count": len(cycle.questions)}
    data: dict = {"learning": cycle.learning, "version": cycle.version}
    for n, question in enumerate(cycle.questions, start=1):
        fields[f"result_{n}"] = _text(f"What did you find for question {n}?")
        data[f"result_{n}"] = question.result
    return type("StudyForm", (StudyForm,), fields)(data=data)


def act_form(cycle: PDSACycle) -> ActForm:
    """The Act form, filled with what is saved."""
    return ActForm(data={"decision": cycle.decision.value if cycle.decision else None,
                         "next_steps": cycle.next_steps, "end": cycle.end, "version": cycle.version})


def _row_count(prefix: str, saved: int, add_action: str) -> int:
    """Saved rows plus blank ones on a fresh page; on a post, the rows sent (plus one when adding)."""
    if request.method != "POST":
        return saved + BLANK_ROWS
    pattern = re.compile(rf"{prefix}_(\d+)")
    sent = max((int(m[1]) for m in map(pattern.fullmatch, request.form) if m), default=0)
    return min(sent + (request.form.get("action") == add_action), MAX_ROWS)


def _plan_data(cycle: PDSACycle) -> dict:
    data = {"title": cycle.title, "objective": cycle.objective, "who": cycle.plan_who, "what": cycle.plan_what,
            "when": cycle.plan_when, "where": cycle.plan_where, "data_collection": cycle.data_collection,
            "start": cycle.start, "version": cycle.version}
    for n, question in enumerate(cycle.questions, start=1):
        data[f"question_{n}"], data[f"prediction_{n}"] = question.question, question.prediction
    for n, task in enumerate(cycle.tasks, start=1):
        data[f"task_{n}"], data[f"task_owner_{n}"], data[f"task_due_{n}"] = task.task, task.owner, task.due
    return data
