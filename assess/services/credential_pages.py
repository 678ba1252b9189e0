"""Read side of certificates: the public certificate page, an applicant's certificates and
ladders, the admin list, and a readable summary of what a presented credential claims.

Nothing here writes. Nothing public leaves this module with the holder's name or email: the
public page is built from the certificate, its assessment version and the signed credential.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..core.scoring import skill_label
from ..credentials.verify import Verdict
from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt, Certificate, TierRule, User
from ..settings import settings
from . import certificates, scoring

STATUSES = ("valid", "expired", "revoked")
ADMIN_PAGE_SIZE = 100
SHOWN_CHARS = 300  # what a presented credential claims is cut to this length on the page


# ---- one certificate -------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultLine:
    label: str
    value: str | None  # a percentage as the credential states it: "85" (percent)
    required: str | None
    unit: str = ""  # "%" for a result of type Percent (every result assess signs)


@dataclass(frozen=True)
class CertificatePage:
    certificate: Certificate
    status: str  # valid | expired | revoked
    tier_name: str
    title: str
    domain: str
    overall: ResultLine | None
    skills: list[ResultLine]
    superseded_by: str | None  # the public id of the certificate that replaced this one
    url: str
    issuer_name: str

    @property
    def public_id(self) -> str:
        return self.certificate.public_id


def certificate_page(public_id: str, now: datetime) -> CertificatePage:
    """404 (ServiceError) for an unknown or malformed id."""
    certificate = certificates.by_public_id(public_id)
    version = db.session.scalar(
        select(AssessmentVersion).join(Attempt, Attempt.assessment_version_id ==
                                       AssessmentVersion.id)
        .where(Attempt.id == certificate.attempt_id))
    tier = db.session.scalar(select(TierRule.name).where(
        TierRule.assessment_version_id == version.id, TierRule.slug == certificate.tier_slug))
    results = results_of(certificate.credential)
    successor = db.session.scalar(select(Certificate.public_id).where(
        Certificate.id == certificate.superseded_by_id)) if certificate.superseded_by_id else None
    return CertificatePage(
        certificate=certificate, status=certificates.status_of(certificate, now),
        tier_name=tier or certificate.tier_slug, title=version.title, domain=version.domain,
        overall=next((line for slug, line in results if slug == "overall"), None),
        skills=[line for slug, line in results if slug != "overall"],
        superseded_by=successor, url=certificates.certificate_url(public_id),
        issuer_name=settings().issuer_name)


def results_of(credential: Mapping[str, Any]) -> list[tuple[str, ResultLine]]:
    """(slug, line) for every result the signed credential states, in its order."""
    subject = _mapping(credential.get("credentialSubject"))
    descriptions = {d["id"]: d for d in _list(
        _mapping(subject.get("achievement")).get("resultDescription"))
        if isinstance(d, Mapping) and isinstance(d.get("id"), str)}
    lines = []
    for result in _list(subject.get("result")):
        if not isinstance(result, Mapping):
            continue
        ref = result.get("resultDescription")
        ref = ref if isinstance(ref, str) else ""
        description = _mapping(descriptions.get(ref))
        # "<achievement>#result-<slug>"; certificates signed before had two fragments
        # ("…#tier-<tier>#result-<slug>"): the last one names the result either way.
        slug = ref.rpartition("#result-")[2]
        lines.append((slug, ResultLine(_text(description.get("name")) or skill_label(slug),
                                       _text(result.get("value")),
                                       _text(description.get("requiredValue")),
                                       "%" if description.get("resultType") == "Percent"
                                       else "")))
    return lines


# ---- an applicant's certificates -------------------------------------------------------------

@dataclass(frozen=True)
class HeldCertificate:
    public_id: str
    url: str
    tier_name: str
    valid_from: datetime
    valid_until: datetime | None
    status: str  # valid | expired | revoked
    superseded: bool
    revoked_at: datetime | None
    reason: str | None
    days_left: int | None  # while valid with an end date


@dataclass(frozen=True)
class LadderStep:
    name: str
    rank: int
    min_overall: float
    min_skills: list[tuple[str, float]]  # (label, minimum)
    requires: list[str]
    valid_days: int | None
    reached: bool  # a valid certificate at this tier or a higher one is held


@dataclass
class MyAssessment:
    slug: str
    title: str
    domain: str
    certificates: list[HeldCertificate] = field(default_factory=list)
    ladder: list[LadderStep] = field(default_factory=list)
    current_tier: str | None = None  # the name of the highest tier held validly
    pending: int = 0  # attempts whose written answers are being graded
    best_score: float | None = None
    best_tier: str | None = None  # the tier (name) the best scored attempt reached
    next_tier: str | None = None
    needs: list[str] = field(default_factory=list)  # what the next tier still needs
    scored: bool = False

    @property
    def lapsed(self) -> bool:
        """A tier was reached but no certificate for it is valid now: time to renew."""
        return self.best_tier is not None and self.current_tier is None


def my_certificates(user_id: int, now: datetime) -> dict[str, list[MyAssessment]]:
    """Per domain, every assessment the applicant has a scored or grading attempt or a
    certificate in, with their certificates, its tier ladder and what the next tier needs."""
    attempts = db.session.scalars(select(Attempt).where(
        Attempt.user_id == user_id, Attempt.status.in_(("scored", "awaiting_grading")))
        .order_by(Attempt.id)).all()
    held = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                              .order_by(Certificate.created_at.desc(), Certificate.id.desc())).all()
    ids = {a.assessment_id for a in attempts} | {c.assessment_id for c in held}
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.id.in_(ids))
        .options(selectinload(Assessment.versions).selectinload(AssessmentVersion.tiers))).all()
    names = tier_names(ids)
    grouped: dict[str, list[MyAssessment]] = defaultdict(list)
    for assessment in sorted(assessments, key=lambda a: a.latest.title):
        mine = _my_assessment(assessment, [a for a in attempts if a.assessment_id == assessment.id],
                              [c for c in held if c.assessment_id == assessment.id],
                              names.get(assessment.id, {}), now)
        grouped[mine.domain].append(mine)
    return dict(sorted(grouped.items()))


def _my_assessment(assessment: Assessment, attempts: list[Attempt], held: list[Certificate],
                   names: Mapping[str, str], now: datetime) -> MyAssessment:
    latest = assessment.latest
    ranks = {tier.slug: tier.rank for tier in latest.tiers}
    mine = MyAssessment(assessment.slug, latest.title, latest.domain,
                        certificates=[_held(c, names, now) for c in held],
                        pending=sum(a.status == "awaiting_grading" for a in attempts))
    valid = [c for c in held if certificates.status_of(c, now) == "valid"]
    top = max((ranks.get(c.tier_slug, 0) for c in valid), default=None)
    if valid:
        best = max(valid, key=lambda c: ranks.get(c.tier_slug, 0))
        mine.current_tier = names.get(best.tier_slug, best.tier_slug)
    mine.ladder = [LadderStep(
        tier.name, tier.rank, tier.min_overall,
        [(skill_label(s), m) for s, m in sorted((tier.min_skills or {}).items())],
        [r.replace(":", ": ") for r in tier.requires or ()], tier.valid_days,
        top is not None and top >= tier.rank) for tier in latest.tiers]
    scored = [a for a in attempts if a.status == "scored"]
    if scored:
        best_attempt = max(scored, key=lambda a: (ranks.get(a.tier_slug or "", 0), a.score or 0,
                                                  a.id))
        decision = scoring.breakdown(best_attempt, now).decision
        mine.scored = True
        mine.best_score = best_attempt.score
        mine.best_tier = decision.tier.name if decision.tier else None
        if decision.next_tier is not None:
            mine.next_tier = decision.next_tier.rule.name
            mine.needs = [check.reason for check in decision.next_tier.unmet]
    return mine


def tier_names(assessment_ids: set[int]) -> dict[int, dict[str, str]]:
    """Per assessment, tier slug → name across every version (the latest name wins)."""
    rows = db.session.execute(
        select(AssessmentVersion.assessment_id, TierRule.slug, TierRule.name)
        .join(AssessmentVersion, AssessmentVersion.id == TierRule.assessment_version_id)
        .where(AssessmentVersion.assessment_id.in_(assessment_ids))
        .order_by(AssessmentVersion.version))
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for assessment_id, slug, name in rows:
        names[assessment_id][slug] = name
    return names


def _held(certificate: Certificate, names: Mapping[str, str], now: datetime) -> HeldCertificate:
    status = certificates.status_of(certificate, now)
    days_left = (certificate.valid_until - now).days \
        if status == "valid" and certificate.valid_until is not None else None
    return HeldCertificate(
        certificate.public_id, certificates.certificate_url(certificate.public_id),
        names.get(certificate.tier_slug, certificate.tier_slug), certificate.valid_from,
        certificate.valid_until, status, certificate.superseded_by_id is not None,
        certificate.revoked_at, certificate.revocation_reason, days_left)


# ---- the admin list --------------------------------------------------------------------------

@dataclass(frozen=True)
class AdminRow:
    public_id: str
    email: str
    title: str
    tier_name: str
    valid_from: datetime
    valid_until: datetime | None
    status: str
    superseded: bool
    revoked_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class AdminList:
    rows: list[AdminRow]
    total: int
    page: int
    pages: int
    status: str | None


def admin_list(status: str | None, now: datetime, page: int = 1) -> AdminList:
    """Every certificate, newest first, optionally only the valid, expired or revoked ones."""
    status = status if status in STATUSES else None
    where = _status_filter(status, now)
    total = db.session.scalar(select(func.count(Certificate.id)).where(*where)) or 0
    pages = max(1, -(-total // ADMIN_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        select(Certificate, User.email, AssessmentVersion.title, TierRule.name)
        .join(User, User.id == Certificate.user_id)
        .join(Attempt, Attempt.id == Certificate.attempt_id)
        .join(AssessmentVersion, AssessmentVersion.id == Attempt.assessment_version_id)
        .outerjoin(TierRule, and_(TierRule.assessment_version_id == AssessmentVersion.id,
                                  TierRule.slug == Certificate.tier_slug))
        .where(*where).order_by(Certificate.created_at.desc(), Certificate.id.desc())
        .limit(ADMIN_PAGE_SIZE).offset((page - 1) * ADMIN_PAGE_SIZE))
    return AdminList([AdminRow(
        c.public_id, email, title, tier or c.tier_slug, c.valid_from, c.valid_until,
        certificates.status_of(c, now), c.superseded_by_id is not None, c.revoked_at,
        c.revocation_reason) for c, email, title, tier in rows], total, page, pages, status)


def _status_filter(status: str | None, now: datetime) -> list[Any]:
    if status == "revoked":
        return [Certificate.revoked_at.is_not(None)]
    if status == "expired":
        return [Certificate.revoked_at.is_(None), Certificate.valid_until.is_not(None),
                Certificate.valid_until <= now]
    if status == "valid":
        return [Certificate.revoked_at.is_(None),
                or_(Certificate.valid_until.is_(None), Certificate.valid_until > now)]
    return []


def holder_email(certificate: Certificate) -> str:
    """For admins only."""
    return db.session.scalar(select(User.email).where(User.id == certificate.user_id)) or ""


# ---- verifying what anyone presents ----------------------------------------------------------

@dataclass(frozen=True)
class Claims:
    """What a presented credential says about itself, as plain text cut to a safe length."""

    id: str | None
    name: str | None
    issuer_name: str | None
    issuer_id: str | None
    valid_from: str | None
    valid_until: str | None
    achievement: str | None
    results: list[ResultLine]


def verify_any(presented: Any, now: datetime) -> Verdict:
    """verify_presented, but a credential nested too deeply to walk is malformed, not a 500."""
    try:
        return certificates.verify_presented(presented, now)
    except RecursionError:
        reason = "the JSON is nested too deeply to be a credential"
        return Verdict("malformed", reason, (reason,))


def claims_of(verdict: Verdict) -> Claims | None:
    credential = verdict.credential
    if not isinstance(credential, Mapping):
        return None
    issuer = credential.get("issuer")
    issuer_map = _mapping(issuer)
    subject = _mapping(credential.get("credentialSubject"))
    return Claims(
        id=_text(credential.get("id")), name=_text(credential.get("name")),
        issuer_name=_text(issuer_map.get("name")),
        issuer_id=_text(issuer_map.get("id") if issuer_map else issuer),
        valid_from=_text(credential.get("validFrom", credential.get("issuanceDate"))),
        valid_until=_text(credential.get("validUntil", credential.get("expirationDate"))),
        achievement=_text(_mapping(subject.get("achievement")).get("name")),
        results=[line for _, line in results_of(credential)][:20])


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []

