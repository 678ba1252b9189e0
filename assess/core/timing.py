"""The exam clock as pure arithmetic: deadlines, time left, and whether an answer is in time.

The server owns the clock. ``now`` is always passed in, so tests move time by injecting it.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta


def deadline(started_at: datetime, limit_minutes: int | None, *, extra_minutes: float = 0,
             multiplier: float = 1.0) -> datetime | None:
    """When an attempt ends: the limit scaled by the multiplier, plus extra minutes.

    ``None`` for an untimed assessment. Accommodations never shorten the time.
    """
    if not limit_minutes:
        return None
    minutes = limit_minutes * max(1.0, multiplier or 1.0) + max(0.0, extra_minutes or 0)
    return started_at + timedelta(minutes=minutes)


def seconds_left(deadline_at: datetime | None, now: datetime) -> int | None:
    """Whole seconds until the deadline (never negative); ``None`` when untimed.

    Rounded up, so a countdown never shows 0 while answers are still taken.
    """
    if deadline_at is None:
        return None
    return max(0, math.ceil((deadline_at - now).total_seconds()))


def accepts_answers(deadline_at: datetime | None, grace_seconds: int, now: datetime) -> bool:
    """Answers are taken until the deadline plus a short grace for requests in flight."""
    return deadline_at is None or now <= deadline_at + timedelta(seconds=grace_seconds)


def next_attempt_at(last_finished_at: datetime | None, cooldown_hours: float) -> datetime | None:
    """When a retake is allowed after the previous attempt ended (``None``: no cooldown)."""
    if last_finished_at is None or not cooldown_hours:
        return None
    return last_finished_at + timedelta(hours=cooldown_hours)
