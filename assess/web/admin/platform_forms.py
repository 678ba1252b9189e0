"""The forms of the platforms and API keys pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ...models import SCOPES


class PlatformForm(FlaskForm):
    name = StringField("Platform name", validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField("Contact email", validators=[DataRequired(), Length(max=254)])
    submit = SubmitField("Register the platform")


class ApiKeyForm(FlaskForm):
    scopes = SelectMultipleField(
        "Scopes", choices=list(SCOPES), default=list(SCOPES[:4]),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[DataRequired("Choose at least one scope.")])
    note = StringField("Note (where the key is used)", validators=[Length(max=500)])
    submit = SubmitField("Create a key")


class RotateForm(FlaskForm):
    overlap_hours = IntegerField("Hours the old key keeps working", default=0,
                                 validators=[InputRequired(), NumberRange(0, 168)])
    submit = SubmitField("Rotate")


class RevokeKeyForm(FlaskForm):
    submit = SubmitField("Revoke now")
