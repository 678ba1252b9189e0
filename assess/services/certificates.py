"""Certificates: issued when an attempt reaches a tier, reissued when a rescore changes it,
revoked by an admin or when superseded; and verification of anything anyone pastes."""
from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ..core import scoring
from ..credentials import credential as builder
from ..credentials import dataintegrity, documents, issuer, jose, verify
from ..credentials.keys import KeyStore, NoSigningKey, SigningKey
from ..extensions import db
from ..models import Attempt, Certificate
from ..settings import settings
from . import ServiceError, notifications, outbox, status_lists
from .locks import lock_attempt

log = logging.getLogger(__name__)


# ---- configuration ---------------------------------------------------------------------------

def key_store() -> KeyStore:
    return KeyStore(settings().signing_keys_dir)


def issuer_id() -> str:
    return f"{settings().public_url}/issuer"


def issuer_profile() -> builder.IssuerProfile:
    return builder.IssuerProfile(issuer_id(), settings().issuer_name, f"{settings().public_url}/")


def loader() -> documents.Loader:
    return documents.document_loader(
        contexts=documents.load_contexts(settings().jsonld_contexts))


def certificate_url(public_id: str) -> str:
    return f"{settings().public_url}/certificates/{public_id}"


def signing_key(now: datetime) -> SigningKey:
    """The active key, generated on first use when none was set up."""
    store = key_store()
    try:
        return store.active()
    except NoSigningKey:
        key = store.generate(now)
        log.warning("No signing key was set up: generated %s in %s", key.kid, store.directory)
        return key


# ---- issuing ---------------------------------------------------------------------------------

def current_certificate(attempt_id: int) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.attempt_id == attempt_id, Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None)))


SUPERSEDED = "superseded: the attempt was rescored and a new certificate replaces this one"


def follow_score(attempt: Attempt, tier: scoring.TierRule | None, now: datetime, *,
                 changed: bool) -> None:
    """Keep the (locked) attempt's certificates in step with its score, without signing
    anything: revoke at once what the score no longer supports, and mark a new certificate
    due when the attempt first reaches a tier or its score or tier changed. Signing happens
    after the score is committed (``issue_due``), so a signing failure never loses a mark."""
    current = current_certificate(attempt.id)
    if tier is None:
        if current is not None:
            _revoke(current, now, "the attempt was rescored and no longer reaches a tier")
        attempt.certificate_due_at = None
        return
    if not changed:
        return  # the current certificate stands (or stays revoked, if an admin revoked it)
    if current is not None:
        _revoke(current, now, SUPERSEDED)
    attempt.certificate_due_at = now
    attempt.certificate_error = None
    attempt.certificate_tries = 0


def issue_due(attempt_id: int, now: datetime) -> Certificate | None:
    """Sign and store the certificate the attempt's committed score made due. A use case of
    its own, run after the score is committed and again by the sweep until it succeeds; a
    failure is logged and kept on the attempt for admins, never raised."""
    if db.session.scalar(select(Attempt.certificate_due_at)
                         .where(Attempt.id == attempt_id)) is None:
        db.session.rollback()
        return None
    try:
        certificate = _issue_due(attempt_id, now)
        db.session.commit()
        return certificate
    except Exception as exc:  # noqa: BLE001 - any key, context or PyLD error: retry later
        db.session.rollback()
        log.exception("Certificate for attempt %s not issued", attempt_id)
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
            certificate_error=f"{type(exc).__name__}: {exc}"[:2000],
            certificate_tries=Attempt.certificate_tries + 1))
        db.session.commit()
        return None


def issue_soon(attempt_id: int, now: datetime) -> None:
    """After the commit that made the attempt's certificate due: sign it in a background job
    (``issue_due``; at once in immediate mode). Should the queue be out of reach, the periodic
    sweep issues it all the same: the certificate stays due until it is signed."""
    from ..jobs.tasks import issue_certificate  # here: the jobs module imports the services
    due = db.session.scalar(select(Attempt.certificate_due_at).where(Attempt.id == attempt_id))
    db.session.rollback()
    if due is None:
        return  # most submits, visits and grades: no job to queue
    try:
        issue_certificate.enqueue(attempt_id, now)
    except Exception:  # noqa: BLE001 - the score is committed; only the signing waits
        log.exception("Could not queue the certificate of attempt %s", attempt_id)


def _issue_due(attempt_id: int, now: datetime) -> Certificate | None:
    from .scoring import recorded  # scoring decides when a certificate is due; no cycle
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.certificate_due_at is None:
        return None  # issued by someone else meanwhile
    attempt.certificate_due_at = None
    attempt.certificate_error = None
    found = recorded(attempt) if attempt.status == "scored" else None
    if found is None:
        return None
    tier, scored = found
    fresh = _issue(attempt, tier, scored, now)
    for old in db.session.scalars(select(Certificate).where(
            Certificate.attempt_id == attempt.id, Certificate.id != fresh.id,
            Certificate.revocation_reason == SUPERSEDED, Certificate.superseded_by_id.is_(None))):
        old.superseded_by_id = fresh.id
    return fresh


@dataclass(frozen=True)
class IssueRun:
    issued: int
    failed: list[tuple[int, str]]  # (attempt id, error)


def issue_all_due(now: datetime) -> IssueRun:
    """Every certificate still due (signing failed, or the server stopped before it)."""
    due = db.session.scalars(select(Attempt.id).where(Attempt.certificate_due_at.is_not(None))
                             .order_by(Attempt.certificate_due_at)).all()
    db.session.rollback()
    issued, failed = 0, []
    for attempt_id in due:
        if issue_due(attempt_id, now) is not None:
            issued += 1
        else:
            error = db.session.scalar(select(Attempt.certificate_error)
                                      .where(Attempt.id == attempt_id))
            db.session.rollback()
            if error:
                failed.append((attempt_id, error))
    return IssueRun(issued, failed)


def waiting() -> list[Attempt]:
    """Attempts whose certificate is due but not issued, for the admin page."""
    return list(db.session.scalars(select(Attempt).where(Attempt.certificate_due_at.is_not(None))
                                   .order_by(Attempt.certificate_due_at)))


def _issue(attempt: Attempt, tier: scoring.TierRule, scored: scoring.Scored,
           now: datetime) -> Certificate:
    public_id = str(uuid.uuid4())
    version = attempt.assessment_version
    slot = status_lists.allocate(now)
    award = builder.Award(
        credential_id=certificate_url(public_id),
        achievement_id=achievement_id(attempt.assessment.slug, tier.slug),
        assessment_title=version.title, domain=version.domain, tier_name=tier.name,
        criteria=criteria_text(tier), score=scored.overall or 0.0,
        required_score=tier.min_overall,
        skills=[builder.SkillResult(skill, scoring.skill_label(skill), share.share,
                                    tier.min_skills.get(skill))
                for skill, share in scored.by_skill.items() if share.share is not None],
        valid_from=now, valid_until=scoring.valid_until(attempt.scored_at or now, tier),
        email=attempt.user.email, salt=secrets.token_hex(8), status=slot.entry)
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
    status_lists.attach(slot, certificate.id)
    outbox.record("certificate.issued", attempt,
                  outbox.certificate_data(certificate, award.credential_id), now)
    notifications.certificate_issued(certificate, attempt, award.credential_id, now)
    return certificate


def achievement_id(assessment_slug: str, tier_slug: str) -> str:
    """A URL without a fragment: result descriptions add ``#result-<slug>`` to it. (Before,
    it was ``…/assessments/<slug>#tier-<tier>``; certificates signed then keep that form.)"""
    return f"{settings().public_url}/assessments/{assessment_slug}/tiers/{tier_slug}"


def criteria_text(tier: scoring.TierRule) -> str:
    needs = [f"an overall score of at least {scoring.percent(tier.min_overall)}"]
    needs += [f"{scoring.skill_label(skill).lower()} of at least {scoring.percent(minimum)}"
              for skill, minimum in sorted(tier.min_skills.items())]
    needs += [f"the certificate {requirement.replace(':', ' / ')}" for requirement in tier.requires]
    return (f"Awarded for a timed, proctored-by-rules assess screening: auto-graded judgments "
            f"checked against gold keys and written reasoning graded blind against rubrics. "
            f"{tier.name} requires " + ", ".join(needs) + ".")


def _revoke(certificate: Certificate, now: datetime, reason: str) -> int | None:
    """Revoke, and move the certificate's status list on (its bit is now set) in the same
    transaction. Returns the status list's id (None for certificates issued before them)."""
    certificate.revoked_at = now
    certificate.revocation_reason = reason
    outbox.record("certificate.revoked", certificate.user_id, {
        **outbox.certificate_data(certificate, certificate_url(certificate.public_id)),
        "revoked_at": outbox.iso(now), "reason": reason}, now)
    if reason != SUPERSEDED:  # a superseded one is followed by its replacement's mail
        notifications.certificate_revoked(certificate, reason,
                                          certificate_url(certificate.public_id), now)
    return status_lists.revoked(certificate.id)


def revoke(public_id: str, admin_id: int, reason: str, now: datetime) -> Certificate:
    certificate = by_public_id(public_id)
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 500:
        raise ServiceError("Give a reason of 5 to 500 characters; it is shown to anyone who "
                           "verifies the certificate.", code="invalid", field="reason")
    if certificate.revoked_at is not None:
        raise ServiceError("This certificate is already revoked.", code="already_revoked")
    list_id = _revoke(certificate, now, reason)
    if list_id is not None:
        status_lists.publish(list_id, now)  # re-signed with the bit set, in this transaction
    log.info("Certificate %s revoked by user %s", public_id, admin_id)
    db.session.commit()
    return certificate


# ---- reading and verifying -------------------------------------------------------------------

def by_public_id(public_id: str) -> Certificate:
    try:
        uuid.UUID(public_id)
    except ValueError:
        raise ServiceError("No such certificate.", code="not_found") from None
    certificate = db.session.scalar(select(Certificate).where(Certificate.public_id == public_id))
    if certificate is None:
        raise ServiceError("No such certificate.", code="not_found")
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
    """The verdict a platform can rely on: valid only for this server's credentials and those
    of the issuers in TRUSTED_ISSUERS; this server's status lists are read locally."""
    try:
        known = documents.document_loader(
            trusted_documents(), documents.load_contexts(settings().jsonld_contexts),
            fetch=lambda url: status_lists.local_document(url, now))
        return verify.verify(presented, now, trusted_issuer(), _revocation_reason, known,
                             trusted=settings().trusted_issuers)
    except documents.ContextsMissing as exc:
        raise ServiceError(str(exc), code="unavailable") from exc


TRUSTED_DOCUMENTS = "trusted-issuers"  # in the instance folder


def trusted_documents() -> dict[str, Any]:
    """Controller documents of trusted issuers, saved as JSON files in
    ``instance/trusted-issuers/``: what ties an https issuer's keys to it offline."""
    folder = settings().instance_path / TRUSTED_DOCUMENTS
    found: dict[str, Any] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("Skipped trusted issuer document %s: %s", path, exc)
            continue
        if isinstance(document, dict) and document.get("id") in settings().trusted_issuers:
            found[document["id"]] = document
    return found


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
