"""Forms for capturing a walk, following up an action, and taking an idea or concern forward.

The walk form has a fixed number of concern and action rows, so it works as a plain form without
JavaScript; on a tablet, static/js/gemba.js reads the same fields, keeps the walk on the tablet and sends it
to the API. Blank rows are ignored.
"""

from __future__ import annotations

import re
from datetime import date, time

from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ..core.errors import DomainError
from ..core.forms import BaseForm, apply_domain_error, choices
from ..core.pii import find_pii
from ..projects.forms import MultiCheckboxField
from .models import (
    ACTION_STATUS_LABELS,
    CONCERN_CATEGORY_LABELS,
    STAFF_ROLE_LABELS,
    WALK_TYPE_LABELS,
    ActionStatus,
    ConcernCategory,
    StaffRole,
    WalkAction,
    WalkType,
)
from .services import ActionInput, ActionUpdate, ConcernInput, StaffRoleInput, TakeForward, WalkInput

CONCERN_ROWS = 3
ACTION_ROWS = 3
TEXT_LIMIT = 10_000
DATE_MESSAGE = "Enter a real date, for example 31 3 2027"
_ROW_FIELD = re.compile(r"(concerns|actions)\[(\d+)\]\.(\w+)")
_SINGULAR = {"concerns": "concern", "actions": "action"}
_PLAIN_FIELDS = {"date": "walked_on", "time": "start_time", "unit": "unit_id", "type": "walk_type"}


def _text(label: str, hint: str | None = None) -> TextAreaField:
    return TextAreaField(label, description=hint, validators=[Length(max=TEXT_LIMIT)])


class PiiCheckMixin:
    """Warn, once, about text that looks like patient-identifiable information; pressing save again saves it."""

    def pii_warnings(self) -> list[dict[str, str]]:
        if self.pii_checked.data == "yes":
            return []
        found = [{"href": f"#{item.id}", "text": f"{item.label.text}: {warning}"}
                 for item in self if item.type in ("StringField", "TextAreaField")
                 for warning in find_pii(item.data)]
        self.pii_checked.data = "yes" if found else ""
        return found


class WalkForm(PiiCheckMixin, BaseForm):
    """Capture a walk: where and when, who was spoken with, what was seen and heard, and the actions agreed."""

    client_id = HiddenField()
    pii_checked = HiddenField()
    walked_on = DateField("Date of the walk", validators=[DataRequired(DATE_MESSAGE)], default=date.today)
    start_time = StringField("Time it started (optional)", validators=[
        Optional(), Regexp(r"^[0-2]\d:[0-5]\d$", message="Enter a time like 14:30")])
    walk_type = RadioField("Type of visit", choices=choices((t.value, label) for t, label in WALK_TYPE_LABELS.items()),
                           default=WalkType.GEMBA.value)
    unit_id = SelectField("Unit or area", choices=[], validators=[Optional()])
    leaders = MultiCheckboxField("Leaders on the walk", choices=[],
                                 description="If you choose nobody, you are recorded as the leader.")
    observations = _text("What did you see?")
    went_well = _text("What is going well?", "Positive practice staff are proud of, or you noticed.")
    ideas = _text("Ideas staff offered", "One idea a line, so each can be taken forward on its own.")
    projects = MultiCheckboxField("Improvement projects this walk touched", choices=[], coerce=int)

    @property
    def role_fields(self) -> list:
        return [self[f"role_{role.value}"] for role in StaffRole]

    def concern_rows(self) -> list[tuple]:
        return [(self[f"concern_{n}_category"], self[f"concern_{n}_text"]) for n in range(1, CONCERN_ROWS + 1)]

    def action_rows(self) -> list[tuple]:
        return [tuple(self[f"action_{n}_{part}"] for part in ("what", "owner", "due"))
                for n in range(1, ACTION_ROWS + 1)]

    def set_choices(self, units: list, people: list, projects: list) -> None:
        """Offer the organisation's units, people and projects (from gemba.queries)."""
        self.unit_id.choices = choices([("", "Choose a unit or area"), *units])
        self.leaders.choices = choices(people)
        self.projects.choices = choices((int(value), label) for value, label in projects)
        for _what, owner, _due in self.action_rows():
            owner.choices = choices([("", "Choose who will do it"), *people])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for n, (category, text) in enumerate(self.concern_rows(), start=1):
            if text.data and not category.data:
                category.errors = [*category.errors, f"Choose a category for concern {n}"]
                valid = False
        return self._validate_actions() and valid

    def _validate_actions(self) -> bool:
        valid = True
        for n, (what, owner, due) in enumerate(self.action_rows(), start=1):
            if not (what.data or owner.data or due.data or due.raw_data and due.raw_data[0]):
                continue
            for item, message in ((what, f"Say what will be done for action {n}"),
                                  (owner, f"Choose who will do action {n}"),
                                  (due, f"Enter when action {n} is due")):
                if not item.data and not item.errors:
                    item.errors = [message]
                    valid = False
        return valid

    def to_input(self) -> WalkInput:
        return WalkInput(
            walked_on=self.walked_on.data, walk_type=WalkType(self.walk_type.data),
            start_time=_time(self.start_time.data), unit_id=int(self.unit_id.data) if self.unit_id.data else None,
            leaders=tuple(self.leaders.data or ()), staff_roles=tuple(
                StaffRoleInput(role, self[f"role_{role.value}"].data) for role in StaffRole
                if self[f"role_{role.value}"].data),
            observations=self.observations.data or "", went_well=self.went_well.data or "",
            ideas=self.ideas.data or "",
            concerns=tuple(ConcernInput(ConcernCategory(category.data), text.data)
                           for category, text in self.concern_rows() if text.data),
            projects=tuple(self.projects.data or ()),
            actions=tuple(ActionInput(what.data, owner.data, due.data)
                          for what, owner, due in self.action_rows() if what.data),
        )

    def show_error(self, err: DomainError) -> None:
        """Put a service's rule error beside the field it is about (actions[0].due -> action_1_due)."""
        apply_domain_error(self, DomainError(err.message, field=self._field_for(err)))

    def _field_for(self, err: DomainError) -> str | None:
        name = err.field or ""
        match = _ROW_FIELD.fullmatch(name)
        if match:
            return f"{_SINGULAR[match[1]]}_{int(match[2]) + 1}_{match[3]}"
        if name.startswith("staff_roles["):
            filled = [item for item in self.role_fields if item.data]
            return filled[int(name[12:name.index("]")])].name
        base = name.split("[")[0]
        return _PLAIN_FIELDS.get(base, base)


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


for _role in StaffRole:
    setattr(WalkForm, f"role_{_role.value}", IntegerField(
        STAFF_ROLE_LABELS[_role], validators=[Optional(), NumberRange(1, 500, "Enter a number from 1 to 500")]))
for _n in range(1, CONCERN_ROWS + 1):
    setattr(WalkForm, f"concern_{_n}_category", RadioField(
        f"Category of concern {_n}", validators=[Optional()],
        choices=choices((c.value, label) for c, label in CONCERN_CATEGORY_LABELS.items())))
    setattr(WalkForm, f"concern_{_n}_text", _text(f"Concern {_n}"))
for _n in range(1, ACTION_ROWS + 1):
    setattr(WalkForm, f"action_{_n}_what", StringField(f"Action {_n}: what will be done",
                                                      validators=[Length(max=300)]))
    setattr(WalkForm, f"action_{_n}_owner", SelectField(f"Action {_n}: who will do it", choices=[],
                                                        validators=[Optional()]))
    setattr(WalkForm, f"action_{_n}_due", DateField(f"Action {_n}: due by", validators=[Optional()]))


def walk_form(units: list, people: list, projects: list) -> WalkForm:
    """A walk form with the organisation's choices filled in."""
    form = WalkForm()
    form.set_choices(units, people, projects)
    return form


class ActionForm(PiiCheckMixin, BaseForm):
    """Follow up an action: where it has got to, and when and how staff were told ("you said, we did")."""

    version = HiddenField()
    pii_checked = HiddenField()
    status = RadioField("Status", choices=choices((s.value, label) for s, label in ACTION_STATUS_LABELS.items()))
    fed_back_on = DateField("Date fed back to staff", validators=[Optional()],
                            description="When you told the staff who raised it what happened.")
    fed_back_how = StringField("How it was fed back", validators=[Length(max=300)],
                               description="For example: at the 9am huddle, on the ward's improvement board")

    def to_input(self) -> ActionUpdate:
        version = str(self.version.data or "")
        return ActionUpdate(ActionStatus(self.status.data), self.fed_back_on.data, self.fed_back_how.data or "",
                            int(version) if version.isdecimal() else None)


def action_form(action: WalkAction) -> ActionForm:
    """The action form, prefilled from the action on first display."""
    return ActionForm(data={"status": action.status.value, "fed_back_on": action.fed_back_on,
                            "fed_back_how": action.fed_back_how, "version": action.version})


class TakeForwardForm(BaseForm):
    """Turn one concern or idea into a proposed project, or a change idea on a project."""

    source = RadioField("What do you want to take forward?", choices=[],
                        validators=[DataRequired("Choose the concern or idea to take forward")])
    target = RadioField("Take it forward as", default="project", choices=choices([
        ("project", "A new proposed improvement project"),
        ("change_idea", "A change idea on an existing project"),
    ]))
    project_id = SelectField("Project (for a change idea)", choices=[], validators=[Optional()])
    title = StringField("Title (optional)", validators=[Length(max=300)],
                        description="Leave blank to use the words recorded on the walk.")

    def set_choices(self, sources: list, projects: list) -> None:
        self.source.choices = choices(sources)
        self.project_id.choices = choices([("", "Choose a project"), *projects])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.target.data == "change_idea" and not self.project_id.data:
            self.project_id.errors = [*self.project_id.errors, "Choose the project the change idea belongs to"]
            return False
        return valid

    def to_input(self) -> TakeForward:
        return TakeForward(self.source.data, self.target.data, self.title.data or "",
                           int(self.project_id.data) if self.project_id.data else None)
