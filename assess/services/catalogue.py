"""Read side: the assessments an applicant can take, grouped by domain, and which of them
are locked because every tier they lead to requires a certificate the applicant lacks."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import items as item_types
from ..core.eligibility import Locked, MissingCertificate, PastAttempt, locked_by, standing
from ..core.selection import types_in
from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt
from . import scoring
from .banks import imported_candidates


@dataclass(frozen=True)
class Prerequisite:
    """A certificate an assessment needs first, in words, and where to get it."""

    slug: str  # the assessment that grants it (a link, when it is offered)
    title: str
    tier_name: str
    state: str  # missing | expired | revoked | unknown
    offered: bool  # the granting assessment exists and is not retired

    @property
    def describe(self) -> str:
        return f"{self.tier_name} certificate of {self.title}"

    @property
    def how_to_get(self) -> str:
        if not self.offered:
            return f"It cannot be earned at the moment: {self.title} is not offered."
        if self.state == "expired":
            return (f"Your {self.describe} has expired: take {self.title} again to renew "
                    f"it.")
        if self.state == "revoked":
            return (f"Your {self.describe} was revoked: take {self.title} again and reach "
                    f"{self.tier_name} or higher.")
        return (f"You do not hold one yet: take {self.title} first and reach {self.tier_name} "
                f"or higher.")


@dataclass(frozen=True)
class Lock:
    title: str  # the locked assessment
    tier_name: str  # its tier nearest to open
    needs: tuple[Prerequisite, ...]

    @property
    def message(self) -> str:
        """For example: "Coding review is open only to holders of a valid Generalist
        certificate of General AI answer review screening. You do not hold one yet: take
        General AI answer review screening first and reach Generalist or higher."
        """
        wanted = " and ".join(f"a valid {p.describe}" for p in self.needs)
        return " ".join([f"{self.title} is open only to holders of {wanted}."]
                        + [p.how_to_get for p in self.needs])


def _lock(title: str, locked: Locked, assessments: Mapping[str, Assessment]) -> Lock:
    def prerequisite(missing: MissingCertificate) -> Prerequisite:
        granting = assessments.get(missing.assessment)
        if granting is None:
            return Prerequisite(missing.assessment, missing.assessment, missing.tier,
                                missing.state, False)
        version = granting.latest
        tier_name = next((t.name for t in version.tiers if t.slug == missing.tier), missing.tier)
        return Prerequisite(granting.slug, version.title, tier_name, missing.state,
                            not granting.retired and missing.state != "unknown")
    return Lock(title, locked.tier.name, tuple(prerequisite(m) for m in locked.missing))


def _required_slugs(versions: Iterable[AssessmentVersion]) -> set[str]:
    return {requirement.partition(":")[0] for version in versions for tier in version.tiers
            for requirement in (tier.requires or ())}


def lock_of(user_id: int, version: AssessmentVersion, now: datetime, *,
            held: list | None = None, ladders: dict | None = None,
            assessments: Mapping[str, Assessment] | None = None) -> Lock | None:
    """The lock on one assessment version for this applicant, or None when some tier of it
    can be reached. Nothing is queried for an assessment whose tiers require nothing."""
    rules = [scoring.rule_of(tier) for tier in version.tiers]
    if not any(rule.requires for rule in rules):
        return None
    held = scoring.held_by(user_id) if held is None else held
    ladders = scoring.ladders() if ladders is None else ladders
    locked = locked_by(rules, held, ladders, now)
    if locked is None:
        return None
    if assessments is None:
        slugs = {m.assessment for m in locked.missing}
        assessments = {a.slug: a for a in db.session.scalars(
            select(Assessment).where(Assessment.slug.in_(slugs)))}
    return _lock(version.title, locked, assessments)


def prerequisite_refusal(user_id: int, assessment_version: AssessmentVersion,
                         now: datetime) -> str | None:
    """Why ``user_id`` may not start ``assessment_version`` yet: every tier it leads to
    requires a certificate they do not hold validly. A sentence naming the certificate
    (assessment title and tier name) and how to get it; None when some tier is reachable.
    Reads only."""
    lock = lock_of(user_id, assessment_version, now)
    return lock.message if lock else None


@dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    title: str
    domain: str
    mode: str
    description_html: str
    time_limit_minutes: int | None
    item_count: int
    item_types: list[str]  # human labels
    attempts_allowed: int
    attempts_used: int
    cooldown_hours: float
    next_attempt_at: datetime | None  # when a cooldown is running
    has_open: bool
    tiers: list[str]
    lock: Lock | None = None  # every tier needs a certificate the applicant lacks

    @property
    def attempts_left(self) -> int | None:
        if not self.attempts_allowed:
            return None
        return max(0, self.attempts_allowed - self.attempts_used)


def catalogue(user_id: int | None, now: datetime) -> dict[str, list[CatalogueEntry]]:
    """Per domain, the assessments the applicant can take first, then the locked ones (each
    naming the certificate it needs); domains with something to take come before domains
    where everything is locked. Otherwise in order of domain and slug."""
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.retired.is_(False)).order_by(Assessment.slug)
        .options(selectinload(Assessment.versions).selectinload(AssessmentVersion.sections),
                 selectinload(Assessment.versions).selectinload(AssessmentVersion.tiers))).all()
    past: dict[int, list[PastAttempt]] = defaultdict(list)
    if user_id is not None:
        rows = db.session.execute(
            select(Attempt.assessment_id, Attempt.status, Attempt.started_at,
                   Attempt.submitted_at).where(Attempt.user_id == user_id)).all()
        for assessment_id, *fields in rows:
            past[assessment_id].append(PastAttempt(*fields))
    locks = _locks(user_id, assessments, now)
    candidates = imported_candidates()
    grouped: dict[str, list[CatalogueEntry]] = defaultdict(list)
    for assessment in assessments:
        version = assessment.latest
        types = types_in((s.selector for s in version.sections), candidates)
        state = standing(past.get(assessment.id, []), allowed=version.attempts_allowed,
                         cooldown_hours=version.cooldown_hours, now=now)
        grouped[version.domain].append(CatalogueEntry(
            slug=assessment.slug, title=version.title, domain=version.domain, mode=version.mode,
            description_html=version.description_html,
            time_limit_minutes=version.time_limit_minutes, item_count=version.item_count,
            item_types=[item_types.get(t).label for t in types],
            attempts_allowed=version.attempts_allowed, attempts_used=state.used,
            cooldown_hours=version.cooldown_hours, next_attempt_at=state.next_at,
            has_open=state.has_open,
            tiers=[tier.name for tier in version.tiers],
            lock=locks.get(assessment.slug)))
    for entries in grouped.values():
        entries.sort(key=lambda e: e.lock is not None)  # stable: slug order otherwise
    return dict(sorted(grouped.items(),
                       key=lambda kv: (all(e.lock is not None for e in kv[1]), kv[0])))


def _locks(user_id: int | None, assessments: list[Assessment],
           now: datetime) -> dict[str, Lock]:
    """Slug → lock, with the applicant's certificates, the ladders and the granting
    assessments read once for the whole catalogue (and not at all when nothing requires a
    certificate)."""
    versions = [a.latest for a in assessments]
    required = _required_slugs(versions)
    if user_id is None or not required:
        return {}
    by_slug = {a.slug: a for a in assessments}
    absent = required - set(by_slug)
    if absent:  # a retired assessment still grants the certificates it issued
        by_slug.update((a.slug, a) for a in db.session.scalars(
            select(Assessment).where(Assessment.slug.in_(absent))))
    held, ladders = scoring.held_by(user_id), scoring.ladders()
    locks = {}
    for assessment, version in zip(assessments, versions):
        lock = lock_of(user_id, version, now, held=held, ladders=ladders, assessments=by_slug)
        if lock is not None:
            locks[assessment.slug] = lock
    return locks
