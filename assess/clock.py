"""The one place the web layer reads the time. Tests swap ``app.config['CLOCK']``."""
from datetime import datetime, timezone

from flask import current_app


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def now() -> datetime:
    return current_app.config.get("CLOCK", system_clock)()
