from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField("Current password",
                                     validators=[DataRequired(), Length(max=200)])
    password = PasswordField("New password", validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Change password")


class SignOutEverywhereForm(FlaskForm):
    submit = SubmitField("Sign out everywhere else")


class NotificationsForm(FlaskForm):
    """One box per kind of notification mail; field names are the ``User`` columns."""
    notify_results = BooleanField("My results are ready, or a regrade changed them")
    notify_certificates = BooleanField("A certificate is issued to me, or revoked")
    notify_appeals = BooleanField("An appeal I filed is decided")
    submit = SubmitField("Save")
