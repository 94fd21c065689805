"""Forms for tiers, training records (one at a time or a CSV upload), headcount and improvement posts."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..core.forms import BaseForm, choices
from .services import HeadcountInput, PostInput, RecordInput, TierInput

POST_KIND_CHOICES = [("dedicated", "Dedicated: part of the improvement team"),
                     ("allocated", "Allocated: time set aside within another role")]


def _optional_int(value: str | None) -> int | None:
    return int(value) if value else None


class TierForm(BaseForm):
    """Add or rename a training tier."""

    name = StringField("Tier name", validators=[DataRequired("Enter the tier's name"), Length(max=80)])
    is_coach_tier = BooleanField("People who complete this tier are improvement coaches")

    def to_input(self) -> TierInput:
        return TierInput(name=self.name.data, is_coach_tier=bool(self.is_coach_tier.data))


class RecordForm(BaseForm):
    """One completed course."""

    user_id = SelectField("Colleague", choices=[], validate_choice=True)
    staff_reference = StringField(
        "Or a staff reference", description="For someone without an account: an ID such as an ESR number, "
                                            "never a name", validators=[Length(max=40)])
    tier_id = SelectField("Tier", choices=[], validate_choice=True)
    course = StringField("Course", validators=[DataRequired("Enter the course name"), Length(max=160)])
    completed_on = DateField("Completed on", format="%Y-%m-%d",
                             validators=[InputRequired("Enter the date the course was completed")])

    def to_input(self) -> RecordInput:
        return RecordInput(tier_id=int(self.tier_id.data), course=self.course.data,
                           completed_on=self.completed_on.data, user_id=_optional_int(self.user_id.data),
                           staff_reference=self.staff_reference.data or "")


class UploadRecordsForm(BaseForm):
    """A CSV file of training records."""

    file = FileField("Choose a CSV file")

    def validate_file(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError("Choose a file to upload")
        if not upload.filename.lower().endswith((".csv", ".txt")):
            raise ValidationError("The file must be a CSV file")


class ConfirmForm(BaseForm):
    """A button that confirms a deletion (with its CSRF token)."""


class ConfirmRecordsForm(BaseForm):
    """Carries the previewed records back unchanged, so what is saved is what was shown."""

    content = TextAreaField(validators=[DataRequired("There are no records to save")])
    confirmed = HiddenField(default="yes")


class HeadcountForm(BaseForm):
    """The staff headcount for a month."""

    period = DateField("Month", format="%Y-%m", description="For example, 2026-04",
                       validators=[InputRequired("Enter the month, like 2026-04")])
    headcount = IntegerField("Staff headcount", validators=[InputRequired("Enter the headcount as a whole number"),
                                                             NumberRange(min=1, max=2_000_000)])

    def to_input(self) -> HeadcountInput:
        return HeadcountInput(period=self.period.data, headcount=self.headcount.data)


class PostForm(BaseForm):
    """An improvement post."""

    title = StringField("Job title", validators=[DataRequired("Enter the job title"), Length(max=160)])
    fte = DecimalField("Whole-time equivalent (FTE)", places=2, description="For example, 1 or 0.4",
                       validators=[InputRequired("Enter the FTE as a number, like 0.4")])
    kind = RadioField("Kind of post", choices=choices(POST_KIND_CHOICES), default="dedicated")
    unit_id = SelectField("Unit (optional)", choices=[], validate_choice=True, validators=[Optional()])

    def to_input(self) -> PostInput:
        return PostInput(title=self.title.data, fte=self.fte.data, dedicated=self.kind.data == "dedicated",
                         unit_id=_optional_int(self.unit_id.data))
