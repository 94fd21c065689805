"""Forms for starting an assessment, answering a statement, finalising, sharing and the action plan."""

from __future__ import annotations

from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import BaseForm, choices
from ..core.impact import IMPACT_COMPONENT_LABELS, ImpactComponent
from ..core.pii import find_pii
from ..projects.forms import MultiCheckboxField
from .models import ACTION_STATUS_LABELS, PARTICIPANTS, ActionStatus
from .services import ActionInput, NewAssessment, ResponseInput

EVIDENCE_LIMIT = 10_000
NOT_YET = ""


def _version(raw) -> int | None:
    text = str(raw or "")
    return int(text) if text.isdecimal() else None


class StartForm(BaseForm):
    """Start an assessment for a period and say who is taking part."""

    period_label = StringField("Period", validators=[DataRequired("Enter the period this assessment covers"),
                                                     Length(max=60)],
                               description="For example: 2026/27, or Spring 2026")
    period_start = DateField("Period starts (optional)", validators=[Optional()], format="%Y-%m-%d")
    period_end = DateField("Period ends (optional)", validators=[Optional()], format="%Y-%m-%d")
    participants = MultiCheckboxField("Who is taking part", choices=choices(PARTICIPANTS),
                                      description="Select all that apply")
    participants_note = TextAreaField("Notes about who took part (optional)", validators=[Length(max=2000)],
                                      description="For example: board development session, 14 people. "
                                                  "Do not name patients.")
    prefill = BooleanField("Start from the answers of our last final assessment")

    def to_input(self) -> NewAssessment:
        chosen = set(self.participants.data or [])
        return NewAssessment(
            period_label=self.period_label.data, period_start=self.period_start.data,
            period_end=self.period_end.data, participants_note=self.participants_note.data,
            prefill=bool(self.prefill.data), **{attribute: attribute in chosen for attribute, _ in PARTICIPANTS},
        )


class ResponseForm(BaseForm):
    """One statement's level and evidence; each statement has its own small form so it saves on its own."""

    level = RadioField("Level", choices=[], validators=[Optional()])
    evidence = TextAreaField("Evidence", validators=[Length(max=EVIDENCE_LIMIT)],
                             description="What shows this? Papers, data, what people said. No patient details.")
    version = HiddenField()
    pii_checked = HiddenField()

    def set_levels(self, levels: list[tuple[int, str, str]]) -> None:
        """Offer the framework's scale: (ordinal, label, descriptor), plus 'not decided yet'."""
        self.level.choices = choices([*((str(n), f"{n}. {label}: {text}" if text else f"{n}. {label}")
                                        for n, label, text in levels), (NOT_YET, "Not decided yet")])
        if self.level.data is None:
            self.level.data = NOT_YET

    def pii_warnings(self) -> list[str]:
        """Warnings for evidence that looks like patient data, the first time it is sent (then it saves)."""
        if self.pii_checked.data == "yes":
            return []
        found = find_pii(self.evidence.data)
        self.pii_checked.data = "yes" if found else ""
        return found

    def to_input(self) -> ResponseInput:
        level = self.level.data
        return ResponseInput(level=int(level) if level else None, evidence=self.evidence.data or "",
                             version=_version(self.version.data))


class ConfirmForm(BaseForm):
    """A button and its CSRF token (finalising)."""


class SharingForm(BaseForm):
    """Opt in to show the component levels to the organisation's system and region."""

    shared = BooleanField("Share this assessment's component levels with our system and region",
                          description="They see the level for each component and the change since last time, "
                                      "never the evidence or the action plan.")


class ActionForm(BaseForm):
    """An action plan item for one component."""

    component = SelectField("Component", choices=choices(
        (component.value, IMPACT_COMPONENT_LABELS[component]) for component in ImpactComponent))
    action = StringField("Action", validators=[DataRequired("Describe the action"), Length(max=300)])
    owner = StringField("Owner (optional)", validators=[Length(max=120)], description="A person or a team")
    due = DateField("Due (optional)", validators=[Optional()], format="%Y-%m-%d")
    status = SelectField("Status", choices=choices((s.value, label) for s, label in ACTION_STATUS_LABELS.items()),
                         default=ActionStatus.OPEN.value)
    project_id = SelectField("Linked project (optional)", choices=[],
                             description="Projects tagged with this action's component")
    version = HiddenField()

    def set_projects(self, pairs: list[tuple[str, str]]) -> None:
        """Offer projects tagged with the component (from assessment.queries.project_choices)."""
        self.project_id.choices = choices([("", "No linked project"), *pairs])

    def to_input(self) -> ActionInput:
        return ActionInput(component=ImpactComponent(self.component.data), action=self.action.data,
                           owner=self.owner.data or "", due=self.due.data, status=ActionStatus(self.status.data),
                           project_id=int(self.project_id.data) if self.project_id.data else None,
                           version=_version(self.version.data))
