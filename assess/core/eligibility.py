"""Whether an applicant may start an attempt now: attempt limits and retake cooldowns."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from .timing import next_attempt_at


@dataclass(frozen=True)
class PastAttempt:
    status: str
    started_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class Standing:
    used: int
    allowed: int  # 0 = unlimited
    next_at: datetime | None  # set while a cooldown runs
    has_open: bool
    reason: str | None  # why a new attempt cannot start now; None when it can

    @property
    def left(self) -> int | None:
        return None if not self.allowed else max(0, self.allowed - self.used)

    @property
    def can_start(self) -> bool:
        return self.reason is None


def standing(past: Iterable[PastAttempt], *, allowed: int, cooldown_hours: float,
             now: datetime) -> Standing:
    """The applicant's position for one assessment. Void attempts do not count.

    The cooldown runs from the end of the latest finished attempt (its submission or
    finalisation), not from its start: a long attempt must not eat into the wait.
    """
    counted = [p for p in past if p.status != "void"]
    has_open = any(p.status == "in_progress" for p in counted)
    finished = [p.submitted_at for p in counted if p.submitted_at is not None]
    ready = next_attempt_at(max(finished), cooldown_hours) if finished else None
    next_at = ready if ready is not None and ready > now else None
    reason = None
    if has_open:
        reason = None  # resuming the open attempt is always allowed
    elif allowed and len(counted) >= allowed:
        reason = "exhausted"
    elif next_at is not None:
        reason = "cooldown"
    return Standing(used=len(counted), allowed=allowed, next_at=next_at, has_open=has_open,
                    reason=reason)
