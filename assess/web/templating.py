"""Jinja filters and globals every page uses."""
from __future__ import annotations

from datetime import datetime

from flask import Flask

from ..core.scoring import PART_LABELS
from ..core.scoring import percent as as_percent
from ..rendering import safe


def init_app(app: Flask) -> None:
    app.jinja_env.filters["html"] = safe  # only for HTML made by assess.rendering
    app.jinja_env.globals["part_labels"] = PART_LABELS

    @app.template_filter("when")
    def when(value: datetime | None) -> str:
        return value.strftime("%d %b %Y, %H:%M UTC") if value else ""

    @app.template_filter("percent")
    def percent(value: float | None) -> str:
        return "—" if value is None else as_percent(value)
