"""The admin pages' forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, StopValidation

from ...services.accounts import MAX_EXTRA_MINUTES, MAX_MULTIPLIER


def _finite(form, field) -> None:
    """NumberRange cannot compare a signalling NaN ("sNaN" parses as a Decimal) and fails."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Enter a number.")


class AccommodationForm(FlaskForm):
    extra_minutes = IntegerField("Extra minutes", default=0, validators=[
        InputRequired(), NumberRange(0, MAX_EXTRA_MINUTES)])
    multiplier = DecimalField("Time multiplier", default=1, places=2, validators=[
        InputRequired(), _finite, NumberRange(1, MAX_MULTIPLIER)])
    submit = SubmitField("Save accommodation")


class RegradeForm(FlaskForm):
    item = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Apply: rescore these attempts")


class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason (5 to 500 characters, shown to anyone who verifies it)",
                           validators=[Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField("Revoke the certificate")


class RetryForm(FlaskForm):
    submit = SubmitField("Try signing them again now")
