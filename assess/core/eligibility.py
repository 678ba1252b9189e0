"""Whether an applicant may start an attempt now: attempt limits, retake cooldowns, and the
certificates an assessment's tiers require."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from .scoring import Held, TierRule, prerequisite_check
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


# ---- prerequisites ------------------------------------------------------------------------

@dataclass(frozen=True)
class MissingCertificate:
    """One ``requires`` entry the applicant does not meet."""

    assessment: str  # the slug of the assessment that grants it
    tier: str  # the tier slug needed there (or a higher one)
    state: str  # "missing" | "expired" | "revoked" | "unknown" (no such assessment or tier)


@dataclass(frozen=True)
class Locked:
    """Why an assessment can lead to no tier: ``tier`` is the one nearest to open (fewest
    certificates missing, then the lowest rank) and ``missing`` what it still needs."""

    tier: TierRule
    missing: tuple[MissingCertificate, ...]


def locked_by(rules: Iterable[TierRule], held: Sequence[Held],
              ladders: Mapping[str, Mapping[str, int]], now: datetime) -> Locked | None:
    """None when some tier can still be reached: it requires nothing, or every certificate it
    requires is held validly (as ``scoring.decide_tier`` checks them, all of a tier's
    ``requires`` must be met, and a higher tier of the same assessment counts). An
    assessment without tiers (practice) is never locked."""
    best: Locked | None = None
    for rule in sorted(rules, key=lambda r: r.rank):
        missing = []
        for requirement in rule.requires:
            check = prerequisite_check(requirement, held, ladders, now)
            if not check.met:
                missing.append(_missing(requirement, held, ladders))
        if not missing:
            return None
        if best is None or len(missing) < len(best.missing):
            best = Locked(rule, tuple(missing))
    return best


def _missing(requirement: str, held: Sequence[Held],
             ladders: Mapping[str, Mapping[str, int]]) -> MissingCertificate:
    """What is wrong with an unmet requirement, in the terms of ``scoring._prerequisite``."""
    assessment, _, tier = requirement.partition(":")
    ladder = ladders.get(assessment, {})
    if tier not in ladder:
        return MissingCertificate(assessment, tier, "unknown")
    enough = [h for h in held if h.assessment == assessment
              and ladder.get(h.tier, -math.inf) >= ladder[tier]]
    if not enough:
        state = "missing"
    else:
        state = "revoked" if all(h.revoked for h in enough) else "expired"
    return MissingCertificate(assessment, tier, state)
