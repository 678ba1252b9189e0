"""The two-factor set-up, disable and recovery-code forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class ConfirmTwoFactorForm(FlaskForm):
    code = StringField("Code from the app", validators=[DataRequired(), Length(max=20)],
                       render_kw={"inputmode": "numeric"})
    submit = SubmitField("Turn on two-factor sign-in")


class DisableTwoFactorForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Turn off two-factor sign-in")


class RecoveryCodesForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Make new recovery codes")
