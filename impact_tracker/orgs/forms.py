"""Forms for managing an organisation's people and units."""

from __future__ import annotations

from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..core.forms import BaseForm, choices
from ..core.permissions import ROLE_LABELS, Role
from .models import UnitType
from .services import NewUser, UnitInput

UNIT_TYPE_CHOICES = [(t.value, t.value.capitalize()) for t in UnitType]


def _optional_int(value: str | None) -> int | None:
    return int(value) if value else None


def role_choices(roles: list[Role]):
    """(slug, label) pairs for the roles a manager may give."""
    return choices((role.value, ROLE_LABELS[role]) for role in roles)


class PersonForm(BaseForm):
    """Add a person to the organisation."""

    name = StringField("Full name", validators=[DataRequired("Enter the person's name"), Length(max=120)])
    email = EmailField(
        "Work email address",
        validators=[DataRequired("Enter an email address"), Email("Enter an email address like name@nhs.net"),
                    Length(max=254)],
    )
    role = SelectField("Role", validators=[DataRequired("Choose a role")])
    unit_id = SelectField("Unit (optional)", choices=[], validate_choice=True)

    def to_input(self) -> NewUser:
        return NewUser(
            email=self.email.data, name=self.name.data, role=Role(self.role.data),
            unit_id=_optional_int(self.unit_id.data),
        )


class EditPersonForm(BaseForm):
    """Change a person's role or unit."""

    role = SelectField("Role", validators=[DataRequired("Choose a role")])
    unit_id = SelectField("Unit (optional)", choices=[], validate_choice=True)


class UnitForm(BaseForm):
    """Add or edit a unit."""

    name = StringField("Unit name", validators=[DataRequired("Enter the unit's name"), Length(max=120)])
    type = SelectField("Kind of unit", choices=choices(UNIT_TYPE_CHOICES))
    parent_id = SelectField("Part of (optional)", choices=[], validate_choice=True)

    def to_input(self) -> UnitInput:
        return UnitInput(name=self.name.data, type=UnitType(self.type.data),
                         parent_id=_optional_int(self.parent_id.data))
