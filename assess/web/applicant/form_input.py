"""Reading the exam's plain HTML forms."""
from __future__ import annotations

# Form fields that steer the page rather than carry the answer.
CONTROL_FIELDS = {"csrf_token", "revision", "action", "flagged"}


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_form(form) -> bool:
    """A form as autosave posts it: field names mapped to lists of text."""
    return isinstance(form, dict) and all(
        isinstance(values, list) and all(isinstance(v, str) for v in values)
        for values in form.values())
