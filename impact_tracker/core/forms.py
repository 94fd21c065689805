"""Form helpers: rule errors onto fields, and NHS.UK macro parameters built from WTForms fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice

from .errors import DomainError

# WTForms field type -> (NHS.UK component, input type)
_INPUT_TYPES = {
    "StringField": "text",
    "EmailField": "email",
    "PasswordField": "password",
    "IntegerField": "number",
    "DecimalField": "text",
    "FloatField": "text",
    "DateField": "date",
    "TelField": "tel",
    "SearchField": "search",
}
_COMPONENTS = {
    "TextAreaField": "textarea",
    "SelectField": "select",
    "RadioField": "radios",
    "BooleanField": "checkboxes",
    "MultiCheckboxField": "checkboxes",
}


class BaseForm(FlaskForm):
    """Every form: CSRF from Flask-WTF, no silent whitespace, and no NUL characters (PostgreSQL text refuses them)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            if unbound_field.field_class.__name__ in ("StringField", "EmailField", "TextAreaField"):
                filters = [_strip, *filters]
            return unbound_field.bind(form=form, filters=filters, **options)


def _strip(value):
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def choices(pairs) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs (WTForms 3.3 wants SelectChoice objects)."""
    return [SelectChoice(value, label) for value, label in pairs]


def apply_domain_error(form: FlaskForm, err: DomainError) -> None:
    """Show a service's rule error beside its field, or at the top of the form when it names none."""
    target = getattr(form, err.field, None) if err.field else None
    if isinstance(target, Field):
        target.errors = [*target.errors, err.message]
    else:
        form.form_errors.append(err.message)


@dataclass(frozen=True)
class ConflictRow:
    """One field two people saved differently: what is saved now, and what this person entered."""

    label: str
    saved: str
    yours: str


def show_conflict(form: FlaskForm, saved: FlaskForm, message: str) -> None:
    """Someone else saved the record first: say so, list each field where their version and this person's
    differ (the form keeps this person's entries), and take the new version, so that saving again keeps theirs
    knowingly rather than by accident. `saved` is the same form filled from the record as it is saved now."""
    form.form_errors.append(message)
    form.conflict_rows = [ConflictRow(str(field.label.text), _shown(saved[field.name]), _shown(field))
                          for field in form if _compared(field) and _shown(saved[field.name]) != _shown(field)]
    if "version" in form:
        form["version"].data = saved["version"].data


def show_stale(form: FlaskForm, err: Exception) -> None:
    """Someone else saved the record first, on a form that cannot show both versions: say so and how to see theirs."""
    form.form_errors.append(f"{err} Open this page again to see the latest version.")


def _compared(field: Field) -> bool:
    return field.type not in ("HiddenField", "CSRFTokenField", "SubmitField") and field.name != "no_pii"


def _shown(field: Field) -> str:
    """A field's value as a person would read it (choices by their label)."""
    data = field.data
    if hasattr(field, "iter_choices"):
        labels = [label for value, label, selected, *_ in field.iter_choices() if selected]
        return ", ".join(str(label) for label in labels)
    return "" if data is None else str(data).strip()


def form_error_list(form: FlaskForm) -> list[dict[str, str]]:
    """The error summary's list: each message links to its field."""
    items = [{"text": message, "href": "#main-form"} for message in form.form_errors]
    for item in form:
        for message in item.errors:
            items.append({"text": message, "href": f"#{_anchor_id(item)}"})
    return items


@dataclass
class FieldSpec:
    """Which NHS.UK macro renders a field, with its params."""

    component: str
    params: dict[str, Any] = field(default_factory=dict)


def nhsuk_field(item: Field, **overrides: Any) -> FieldSpec:
    """Build the NHS.UK macro params for a WTForms field: label, hint, value, error and attributes."""
    kind = item.type
    component = _COMPONENTS.get(kind, "input")
    params: dict[str, Any] = {
        "id": item.id,
        "name": item.name,
        "label": {"text": item.label.text},
        "hint": {"text": item.description} if item.description else None,
        "errorMessage": {"text": " ".join(item.errors)} if item.errors else None,
    }
    builder = _BUILDERS.get(component)
    if builder:
        builder(item, params)
    if component == "input":
        params["type"] = _INPUT_TYPES.get(kind, "text")
        params["value"] = _display_value(item)
    params.update(overrides)
    return FieldSpec(component, {k: v for k, v in params.items() if v is not None})


def _display_value(item: Field) -> str:
    if item.type == "PasswordField":
        return ""
    value = item._value() if hasattr(item, "_value") else item.data
    return "" if value is None else str(value)


def _textarea(item: Field, params: dict) -> None:
    params["value"] = item.data or ""


def _select(item: Field, params: dict) -> None:
    params["items"] = [{"value": c.value, "text": c.label, "selected": c.selected} for c in item.iter_choices()]


def _radios(item: Field, params: dict) -> None:
    # The first option takes the bare id (so error links land on it); the wrapper must not take it too.
    params["idPrefix"] = item.id
    params.pop("id")
    params["fieldset"] = {"legend": {"text": item.label.text, "size": "s"}}
    params.pop("label")
    params["items"] = [{"value": c.value, "text": c.label, "checked": c.selected} for c in item.iter_choices()]


def _checkboxes(item: Field, params: dict) -> None:
    params["idPrefix"] = item.id
    params.pop("id")
    params.pop("label")
    if item.type == "BooleanField":
        params["items"] = [{"value": "y", "text": item.label.text, "checked": bool(item.data)}]
        return
    params["fieldset"] = {"legend": {"text": item.label.text, "size": "s"}}
    params["items"] = [{"value": c.value, "text": c.label, "checked": c.selected} for c in item.iter_choices()]


_BUILDERS = {"textarea": _textarea, "select": _select, "radios": _radios, "checkboxes": _checkboxes}


def _anchor_id(item: Field) -> str:
    """NHS.UK radios and checkboxes give the first option the bare prefix id, so links land there."""
    return item.id
