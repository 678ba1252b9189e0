"""Certificates: issued when an attempt reaches a tier, reissued when a rescore changes it,
revoked by an admin or when superseded; and verification of anything anyone pastes."""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..core import scoring
from ..credentials import credential as builder
from ..credentials import dataintegrity, documents, issuer, jose, verify
from ..credentials.keys import KeyStore, NoSigningKey, SigningKey
from ..extensions import db
from ..models import Attempt, Certificate
from . import ServiceError


# ---- configuration ---------------------------------------------------------------------------

def key_store() -> KeyStore:
    return KeyStore(current_app.config["SIGNING_KEYS_DIR"])


def issuer_id() -> str:
    return f"{current_app.config['PUBLIC_URL']}/issuer"


def issuer_profile() -> builder.IssuerProfile:
    base = current_app.config["PUBLIC_URL"]
    return builder.IssuerProfile(issuer_id(), current_app.config["ISSUER_NAME"], f"{base}/")


def loader() -> documents.Loader:
    return documents.document_loader(
        contexts=documents.load_contexts(current_app.config["JSONLD_CONTEXTS"]))


def certificate_url(public_id: str) -> str:
    return f"{current_app.config['PUBLIC_URL']}/certificates/{public_id}"


def signing_key(now: datetime) -> SigningKey:
    """The active key, generated on first use when none was set up."""
    store = key_store()
    try:
        return store.active()
    except NoSigningKey:
        key = store.generate(now)
        current_app.logger.warning("No signing key was set up: generated %s in %s", key.kid,
                                   store.directory)
        return key


# ---- issuing ---------------------------------------------------------------------------------

def current_certificate(attempt_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.attempt_id == attempt_id, Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None)))


def follow_score(attempt: Attempt, tier: scoring.TierRule | None, scored: scoring.Scored,
                 now: datetime, *, changed: bool) -> Certificate | None:
    """Keep the attempt's certificate in step with its score: issue one for a new tier,
    reissue after a change (revoking the superseded one), revoke when no tier is left."""
    current = current_certificate(attempt.id)
    if tier is None:
        if current is not None:
            _revoke(current, now, "the attempt was rescored and no longer reaches a tier")
        return None
    if current is not None and not changed:
        return current
    try:
        fresh = _issue(attempt, tier, scored, now)
    except documents.ContextsMissing as exc:
        # Scoring must not fail (and lose a grader's mark) for want of contexts: the
        # certificate is issued later by `flask --app assess certificates issue-pending`.
        current_app.logger.error("Certificate for attempt %s not issued: %s", attempt.id, exc)
        return None
    if current is not None:
        _revoke(current, now, f"superseded by certificate {fresh.public_id} after a rescore")
        current.superseded_by_id = fresh.id
    return fresh


def _issue(attempt: Attempt, tier: scoring.TierRule, scored: scoring.Scored,
           now: datetime) -> Certificate:
    public_id = str(uuid.uuid4())
    version = attempt.assessment_version
    award = builder.Award(
        credential_id=certificate_url(public_id),
        achievement_id=f"{current_app.config['PUBLIC_URL']}/assessments/"
                       f"{attempt.assessment.slug}#tier-{tier.slug}",
        assessment_title=version.title, domain=version.domain, tier_name=tier.name,
        criteria=criteria_text(tier), score=scored.overall or 0.0,
        required_score=tier.min_overall,
        skills=[builder.SkillResult(skill, scoring.skill_label(skill), share.share,
                                    tier.min_skills.get(skill))
                for skill, share in scored.by_skill.items() if share.share is not None],
        valid_from=now, valid_until=scoring.valid_until(attempt.scored_at or now, tier),
        email=attempt.user.email, salt=secrets.token_hex(8))
    unsigned = builder.build(issuer_profile(), award)
    key = signing_key(now)
    signed = dataintegrity.sign(unsigned, key.private, issuer.method_id(issuer_id(), key.kid),
                                builder.timestamp(now), loader())
    certificate = Certificate(
        public_id=public_id, user_id=attempt.user_id, attempt_id=attempt.id,
        assessment_id=attempt.assessment_id, tier_slug=tier.slug, valid_from=award.valid_from,
        valid_until=award.valid_until, credential=signed,
        jwt=jose.sign(unsigned, key.private, key.kid), key_id=key.kid, created_at=now)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def criteria_text(tier: scoring.TierRule) -> str:
    needs = [f"an overall score of at least {scoring.percent(tier.min_overall)}"]
    needs += [f"{scoring.skill_label(skill).lower()} of at least {scoring.percent(minimum)}"
              for skill, minimum in sorted(tier.min_skills.items())]
    needs += [f"the certificate {requirement.replace(':', ' / ')}" for requirement in tier.requires]
    return (f"Awarded for a timed, proctored-by-rules assess screening: auto-graded judgments "
            f"checked against gold keys and written reasoning graded blind against rubrics. "
            f"{tier.name} requires " + ", ".join(needs) + ".")


def _revoke(certificate: Certificate, now: datetime, reason: str) -> None:
    certificate.revoked_at = now
    certificate.revocation_reason = reason


def revoke(public_id: str, admin_id: int, reason: str, now: datetime) -> Certificate:
    certificate = by_public_id(public_id)
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 500:
        raise ServiceError("Give a reason of 5 to 500 characters; it is shown to anyone who "
                           "verifies the certificate.", code="invalid", field="reason",
                           status=422)
    if certificate.revoked_at is not None:
        raise ServiceError("This certificate is already revoked.", code="already_revoked",
                           status=409)
    _revoke(certificate, now, reason)
    current_app.logger.info("Certificate %s revoked by user %s", public_id, admin_id)
    db.session.commit()
    return certificate


def issue_pending(now: datetime) -> int:
    """Certificates for scored attempts with a tier but none issued (contexts were missing)."""
    issued = 0
    from .scoring import breakdown
    for attempt in db.session.scalars(select(Attempt).where(
            Attempt.status == "scored", Attempt.tier_slug.is_not(None),
            ~select(Certificate.id).where(Certificate.attempt_id == Attempt.id).exists())).all():
        result = breakdown(attempt, now)
        if result.decision.tier is not None:
            _issue(attempt, result.decision.tier, result.scored, now)
            issued += 1
    db.session.commit()
    return issued


# ---- reading and verifying -------------------------------------------------------------------

def by_public_id(public_id: str) -> Certificate:
    try:
        uuid.UUID(public_id)
    except ValueError:
        raise ServiceError("No such certificate.", code="not_found", status=404) from None
    certificate = db.session.scalar(select(Certificate).where(Certificate.public_id == public_id))
    if certificate is None:
        raise ServiceError("No such certificate.", code="not_found", status=404)
    return certificate


def status_of(certificate: Certificate, now: datetime) -> str:
    if certificate.revoked_at is not None:
        return "revoked"
    if certificate.valid_until is not None and certificate.valid_until <= now:
        return "expired"
    return "valid"


def _revocation_reason(credential_id: Any) -> str | None:
    prefix = certificate_url("")
    if not isinstance(credential_id, str) or not credential_id.startswith(prefix):
        return None
    found = db.session.execute(select(Certificate.revoked_at, Certificate.revocation_reason)
                               .where(Certificate.public_id == credential_id[len(prefix):])).first()
    if found is None:
        return "this server never issued a certificate with this id"
    return found.revocation_reason if found.revoked_at is not None else None


def trusted_issuer() -> verify.Issuer:
    return verify.Issuer(issuer_id(), {key.kid: key.public for key in key_store().all()})


def verify_presented(presented: str | dict, now: datetime) -> verify.Verdict:
    try:
        return verify.verify(presented, now, trusted_issuer(), _revocation_reason, loader())
    except documents.ContextsMissing as exc:
        raise ServiceError(str(exc), code="unavailable", status=503) from exc


def controller_document() -> dict[str, Any]:
    return issuer.controller_document(issuer_id(), key_store().all())


def jwks() -> dict[str, Any]:
    return issuer.jwks(key_store().all())


@dataclass(frozen=True)
class KeyView:
    kid: str
    created: datetime
    multibase: str
    method: str
    active: bool


def published_keys() -> list[KeyView]:
    keys = key_store().all()
    return [KeyView(key.kid, key.created, key.multibase, issuer.method_id(issuer_id(), key.kid),
                    key is keys[-1]) for key in keys]
