"""Forms for projects, their team, progress score, driver diagram, and archiving and restoring."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import BaseForm, choices
from ..core.impact import IMPACT_COMPONENT_LABELS, ImpactComponent
from .models import (
    METHOD_LABELS,
    PROGRESS_LEVELS,
    PROJECT_STATUS_LABELS,
    ChangeIdeaStatus,
    DriverKind,
    Method,
    ProjectStatus,
    TeamRole,
)
from .services import ChangeIdeaInput, DriverInput, ProjectInput


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (NHS.UK checkboxes via the forms macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value and str(value).isdecimal() else None


DATE_MESSAGE = "Enter a real date, for example 31 3 2027"


class ProjectForm(BaseForm):
    """Register or edit a project."""

    title = StringField("Project title", validators=[DataRequired("Enter a title for the project"), Length(max=160)])
    problem = TextAreaField("What problem are you trying to solve?", validators=[Length(max=4000)],
                            description="Describe it from the point of view of patients and staff. "
                                        "Do not include anything that could identify a patient.")
    aim_what = StringField("Aim: what will improve?", validators=[DataRequired("Say what will improve"),
                                                                   Length(max=300)],
                           description="For example: reduce inpatient falls")
    aim_baseline = StringField("From (baseline)", validators=[Length(max=80)], description="For example: 8 a month")
    aim_target = StringField("To (target)", validators=[Length(max=80)], description="For example: 4 a month")
    aim_by = DateField("By when", validators=[Optional()], format="%Y-%m-%d")
    aim_for_whom = StringField("For whom", validators=[Length(max=200)],
                               description="For example: adult inpatients on Ward 7")
    unit_id = SelectField("Unit", choices=[])
    status = SelectField("Status", choices=choices((s.value, label) for s, label in PROJECT_STATUS_LABELS.items()),
                         default=ProjectStatus.PROPOSED.value)
    start_date = DateField("Start date", validators=[Optional()], format="%Y-%m-%d")
    expected_end_date = DateField("Expected end", validators=[Optional()], format="%Y-%m-%d")
    components = MultiCheckboxField("NHS IMPACT components it serves",
                                    choices=choices((c.value, label) for c, label in IMPACT_COMPONENT_LABELS.items()))
    strategic_priority = StringField("Strategic priority it supports", validators=[Length(max=200)])
    method = SelectField("Improvement method", choices=choices((m.value, label) for m, label in METHOD_LABELS.items()))
    version = HiddenField()

    def to_input(self) -> ProjectInput:
        return ProjectInput(
            title=self.title.data, problem=self.problem.data or "", aim_what=self.aim_what.data,
            aim_baseline=self.aim_baseline.data or "", aim_target=self.aim_target.data or "",
            aim_by=self.aim_by.data, aim_for_whom=self.aim_for_whom.data or "",
            unit_id=_int_or_none(self.unit_id.data), status=ProjectStatus(self.status.data),
            start_date=self.start_date.data, expected_end_date=self.expected_end_date.data,
            components=tuple(ImpactComponent(c) for c in self.components.data or []),
            strategic_priority=self.strategic_priority.data or "", method=Method(self.method.data),
            version=_int_or_none(self.version.data),
        )


TEAM_ROLE_CHOICES = choices((r.value, r.value.capitalize()) for r in TeamRole)


class TeamMemberForm(BaseForm):
    """Add a colleague to the project team."""

    user_id = SelectField("Person", choices=[], validators=[DataRequired("Choose a person")])
    team_role = SelectField("Role in the team", choices=TEAM_ROLE_CHOICES, default=TeamRole.MEMBER.value)


class ProgressScoreForm(BaseForm):
    """Set the project's progress score, with why."""

    score = SelectField("Progress score",
                        choices=choices((str(s), f"{s} – {label}") for s, label in PROGRESS_LEVELS.items()),
                        validators=[DataRequired("Choose a score")])
    note = TextAreaField("Why this score?", validators=[DataRequired("Say briefly why the score is this level"),
                                                        Length(max=1000)],
                         description="For example: the run chart shows a shift after PDSA 3.")

    def score_value(self) -> Decimal:
        return Decimal(self.score.data)


class DriverForm(BaseForm):
    """Add or edit a primary or secondary driver."""

    kind = SelectField("Kind of driver", choices=choices([(DriverKind.PRIMARY.value, "Primary driver"),
                                                          (DriverKind.SECONDARY.value, "Secondary driver")]))
    text = StringField("Driver", validators=[DataRequired("Describe the driver"), Length(max=300)])
    primary_ids = MultiCheckboxField("Primary drivers it feeds (for a secondary driver)", choices=[], coerce=int)

    def to_input(self) -> DriverInput:
        return DriverInput(kind=DriverKind(self.kind.data), text=self.text.data,
                           primary_ids=tuple(self.primary_ids.data or ()))


IDEA_STATUS_CHOICES = choices((s.value, s.value.capitalize()) for s in ChangeIdeaStatus)


class ChangeIdeaForm(BaseForm):
    """Add or edit a change idea."""

    text = StringField("Change idea", validators=[DataRequired("Describe the change idea"), Length(max=300)])
    status = SelectField("Status", choices=IDEA_STATUS_CHOICES, default=ChangeIdeaStatus.IDEA.value)
    driver_ids = MultiCheckboxField("Secondary drivers it acts on", choices=[], coerce=int)

    def to_input(self) -> ChangeIdeaInput:
        return ChangeIdeaInput(text=self.text.data, status=ChangeIdeaStatus(self.status.data),
                               driver_ids=tuple(self.driver_ids.data or ()))


class ProjectSearchForm(BaseForm):
    """Search and filters on the projects list (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Length(max=100)])
    status = SelectField("Status", default="", choices=choices(
        [("", "Any status")] + [(s.value, label) for s, label in PROJECT_STATUS_LABELS.items()]))
    component = SelectField("NHS IMPACT component", default="", choices=choices(
        [("", "Any component")] + [(c.value, label) for c, label in IMPACT_COMPONENT_LABELS.items()]))
    unit_id = SelectField("Unit", choices=[], default="")
    mine = SelectField("Whose", default="", choices=choices([("", "All projects"), ("1", "Projects I am on")]))
    page = IntegerField(default=1, validators=[Optional()])


def _version(value: str | None) -> int | None:
    """The version the person read; anything that is not a number counts as not sent."""
    return int(value) if value and str(value).isdecimal() else None


class ArchiveProjectForm(BaseForm):
    """Confirm archiving a project (the 'delete' that loses nothing)."""

    confirm = RadioField("Are you sure you want to archive this project?",
                         choices=choices([("yes", "Yes, archive it"), ("no", "No, keep it")]),
                         validators=[DataRequired("Select yes to archive the project, or no to keep it")])
    version = HiddenField()

    def confirmed(self) -> bool:
        return self.confirm.data == "yes"

    def version_read(self) -> int | None:
        return _version(self.version.data)


class RestoreProjectForm(BaseForm):
    """Restore an archived project; `version` is the one the lead saw."""

    version = HiddenField()

    def version_read(self) -> int | None:
        return _version(self.version.data)
