"""Sign-in, password and token forms."""

from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from ..core.forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired("Enter your password"), Length(max=256)])


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", validators=[InputRequired("Enter your current password"), Length(max=256)]
    )
    new_password = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words make a strong, memorable password.",
        validators=[InputRequired("Enter a new password"), Length(max=256)],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        validators=[InputRequired("Enter the new password again"),
                    EqualTo("new_password", "The two new passwords do not match")],
    )


class NewTokenForm(BaseForm):
    name = StringField(
        "Token name",
        description="What will use it, for example 'Data warehouse feed'.",
        validators=[DataRequired("Enter a name for the token"), Length(max=80, message="Use 80 characters or fewer")],
    )
