"""Forms for measures: the definition, one data point, pasted or uploaded data, and rebasing the limits."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ..core.forms import BaseForm, choices
from ..core.pii import find_pii
from .importers import CellError, parse_number, parse_period
from .models import ChartType, Direction, Frequency, MeasureKind
from .services.data import PointInput
from .services.definitions import MeasureInput, RebaseInput

KIND_CHOICES = [(MeasureKind.OUTCOME.value, "Outcome: how patients or staff are affected"),
                (MeasureKind.PROCESS.value, "Process: whether the changes are being carried out"),
                (MeasureKind.BALANCING.value, "Balancing: whether something else is getting worse")]
FREQUENCY_CHOICES = [(f.value, f.value.capitalize()) for f in Frequency]
DIRECTION_CHOICES = [(Direction.INCREASE.value, "Higher is better"), (Direction.DECREASE.value, "Lower is better"),
                     (Direction.NEUTRAL.value, "Neither: watch for change either way")]
CHART_CHOICES = [(ChartType.XMR.value, "XmR chart (Making Data Count), with limits"),
                 (ChartType.RUN.value, "Run chart, with a median")]
PROPORTION_CHOICES = [("no", "A single number for each period, such as a count or a time"),
                      ("yes", "A numerator and a denominator, shown as a percentage")]
PII_CONFIRMATION = "I confirm this contains no patient-identifiable information"


class NumberField(StringField):
    """A number typed the way people type them: 12, 12.5, 1,234 or 45%. Empty is None."""

    def __init__(self, label=None, validators=None, whole: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.whole = whole

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        super().process_formdata(valuelist)
        self.text = (self.data or "").strip()
        self.data = None
        if not self.text:
            return
        try:
            self.data = parse_number(self.text)
        except CellError:
            raise ValueError("Enter a number, like 12 or 12.5") from None
        if self.whole and self.data != int(self.data):
            self.data = None
            raise ValueError("Enter a whole number, like 12")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:g}"


class PeriodField(StringField):
    """A date, shown as a date picker; typed UK dates such as 06/01/2025 are read too."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        super().process_formdata(valuelist)
        text, self.data = (self.data or "").strip(), None
        if text:
            try:
                self.data = parse_period(text)
            except CellError:
                raise ValueError("Enter a real date, like 06/01/2025") from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.isoformat() if isinstance(self.data, date) else ""


class PiiCheckedForm(BaseForm):
    """A form whose free-text fields are checked for patient-identifiable information before saving.

    When any of `pii_fields` looks like it holds such information, the form does not validate until the
    person ticks `no_pii`; the warnings appear beside the fields.
    """

    pii_fields: tuple[str, ...] = ()
    no_pii = BooleanField(PII_CONFIRMATION)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.pii_found = self.pii_warnings()
        if self.pii_found and not self.no_pii.data:
            for name, warnings in self.pii_found.items():
                self[name].errors.append("This may identify a patient. " + " ".join(warnings)
                                         + " Remove it, or tick the box below to confirm it does not.")
            return False
        return valid

    def pii_warnings(self) -> dict[str, list[str]]:
        """Warnings for each free-text field that looks like it holds patient-identifiable information."""
        found = {name: find_pii(self[name].data) for name in self.pii_fields}
        return {name: warnings for name, warnings in found.items() if warnings}

    @property
    def asks_for_pii_confirmation(self) -> bool:
        return bool(getattr(self, "pii_found", None))


class MeasureForm(PiiCheckedForm):
    """Add or change a measure's definition."""

    pii_fields = ("name", "definition", "numerator_definition", "denominator_definition")

    name = StringField("Name", description="Start with what is counted, like 'Falls per 1,000 bed days'",
                       validators=[DataRequired("Enter the measure's name"), Length(max=160)])
    kind = RadioField("Kind of measure", choices=choices(KIND_CHOICES),
                      validators=[DataRequired("Choose the kind of measure")])
    definition = TextAreaField(
        "Operational definition", description="Exactly what is measured and how, so it is the same every time",
        validators=[Length(max=2000)])
    is_proportion = RadioField("How is it entered?", choices=choices(PROPORTION_CHOICES), default="no")
    numerator_definition = TextAreaField("Numerator: what is counted (for a percentage)",
                                         validators=[Length(max=2000)])
    denominator_definition = TextAreaField("Denominator: out of what (for a percentage)",
                                           validators=[Length(max=2000)])
    unit = StringField("Unit (optional)", description="For example: falls, minutes, %, per 1,000 bed days",
                       validators=[Length(max=40)])
    frequency = SelectField("How often is it measured?", choices=choices(FREQUENCY_CHOICES),
                            default=Frequency.WEEKLY.value)
    improvement_direction = RadioField("Which way is better?", choices=choices(DIRECTION_CHOICES),
                                       default=Direction.INCREASE.value)
    target = NumberField("Target (optional)", validators=[Optional()])
    chart = RadioField("Chart", choices=choices(CHART_CHOICES), default=ChartType.XMR.value)
    baseline_points = NumberField("Baseline length in points (optional)", whole=True, validators=[Optional()],
                                  description="How many points set the centre line and limits. "
                                              "Leave empty for the usual 12")
    version = HiddenField()

    def to_input(self) -> MeasureInput:
        return MeasureInput(
            name=self.name.data, kind=MeasureKind(self.kind.data), definition=self.definition.data or "",
            is_proportion=self.is_proportion.data == "yes",
            numerator_definition=self.numerator_definition.data or "",
            denominator_definition=self.denominator_definition.data or "", unit=self.unit.data or "",
            frequency=Frequency(self.frequency.data), improvement_direction=Direction(self.improvement_direction.data),
            target=self.target.data, chart=ChartType(self.chart.data),
            baseline_points=int(self.baseline_points.data) if self.baseline_points.data is not None else None,
        )

    def expected_version(self) -> int:
        return int(self.version.data) if (self.version.data or "").isdecimal() else -1


def measure_form_data(measure) -> dict:
    """An edit form's starting values from the saved measure."""
    return {
        "name": measure.name, "kind": measure.kind.value, "definition": measure.definition,
        "is_proportion": "yes" if measure.is_proportion else "no",
        "numerator_definition": measure.numerator_definition,
        "denominator_definition": measure.denominator_definition, "unit": measure.unit,
        "frequency": measure.frequency.value, "improvement_direction": measure.improvement_direction.value,
        "target": measure.target, "chart": measure.chart.value, "baseline_points": measure.baseline_points,
        "version": str(measure.version),
    }


class PointForm(PiiCheckedForm):
    """One period's data: the period and a value, or a numerator and denominator; an optional note."""

    pii_fields = ("annotation",)

    period = PeriodField("Period starting", validators=[InputRequired("Enter the date the period starts")])
    value = NumberField("Value")
    numerator = NumberField("Numerator")
    denominator = NumberField("Denominator")
    annotation = StringField("Note (optional)", description="What happened, like 'new falls bundle started'",
                             validators=[Length(max=300)])

    def __init__(self, *args, proportion: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.proportion = proportion

    def validate_value(self, field):
        if not self.proportion and field.data is None and not field.errors:
            raise ValidationError("Enter the value")

    def validate_numerator(self, field):
        if self.proportion and field.data is None and not field.errors:
            raise ValidationError("Enter the numerator")

    def validate_denominator(self, field):
        if self.proportion and field.data is None and not field.errors:
            raise ValidationError("Enter the denominator")

    def to_input(self) -> PointInput:
        if self.proportion:
            return PointInput(self.period.data, numerator=self.numerator.data, denominator=self.denominator.data,
                              annotation=self.annotation.data or "")
        return PointInput(self.period.data, value=self.value.data, annotation=self.annotation.data or "")


class PasteForm(BaseForm):
    """Data copied from a spreadsheet, previewed first and saved when `confirmed`."""

    pasted = TextAreaField(
        "Paste your data",
        description="Copy the date and value columns from your spreadsheet, with or without the header row",
        validators=[DataRequired("Paste at least one row of data")],
    )
    confirmed = HiddenField()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed.data == "yes"


class ImportConfirmForm(BaseForm):
    """Carries previewed data back unchanged, so what is saved is exactly what was shown."""

    pasted = TextAreaField()
    confirmed = HiddenField(default="yes")


class UploadForm(BaseForm):
    """A CSV or Excel file of data."""

    file = FileField("Choose a CSV or Excel (.xlsx) file")

    def validate_file(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError("Choose a file to upload")
        if not upload.filename.lower().endswith((".csv", ".txt", ".xlsx")):
            raise ValidationError("The file must be a CSV file or an Excel workbook (.xlsx)")

    @property
    def is_excel(self) -> bool:
        return self.file.data.filename.lower().endswith(".xlsx")


class RebaseForm(PiiCheckedForm):
    """Start the centre line and limits again from a period, with the reason."""

    pii_fields = ("reason",)

    period = SelectField("Start again from", choices=[], validate_choice=True)
    reason = StringField("Why did the process change?",
                         description="For example: 'New triage process from PDSA 4 adopted on all wards'",
                         validators=[DataRequired("Say why the process changed at this point"), Length(max=300)])

    def to_input(self) -> RebaseInput:
        return RebaseInput(period=date.fromisoformat(self.period.data), reason=self.reason.data)


class ConfirmForm(BaseForm):
    """A form with nothing but its CSRF token, for buttons that confirm an action."""
