"""The user administration forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from ...models import ROLES


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=list(ROLES),
                       validators=[InputRequired()])
    submit = SubmitField("Change role")


class DisableForm(FlaskForm):
    submit = SubmitField("Disable account")


class EnableForm(FlaskForm):
    submit = SubmitField("Enable account")


class TurnOffTwoFactorForm(FlaskForm):
    submit = SubmitField("Turn off two-factor sign-in")
