"""Notification mails: what happened to a person's attempts, certificates and appeals, and
the invitations platforms send them.

Each function is called by the use case that makes the change, before its one commit, next
to the webhook it records: ``mail.queue`` adds the message to the same transaction, so a
change that rolls back mails nothing. Mails go only to active accounts that keep the kind of
mail switched on (``User.notify_*``, set on /account/notifications); security mails (password
reset, address change) are not notifications and are always sent, by their own use cases.
A mail says no more than the results page shows: the overall score and the tier.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core import scoring
from ..extensions import db
from ..models import Attempt, Certificate, Invitation, User
from ..settings import settings
from . import mail

# The account's switches, by the page's field names; each names the column it sets.
PREFERENCES = ("notify_results", "notify_certificates", "notify_appeals")


def preferences_url() -> str:
    return f"{settings().public_url}/account/notifications"


def results_url(attempt_id: int) -> str:
    return f"{settings().public_url}/attempts/{attempt_id}/results"


def _recipient(user_id: int, preference: str) -> User | None:
    user = db.session.get(User, user_id)
    if user is None or not user.active or not getattr(user, preference):
        return None
    return user


def _send(user: User, template: str, context: dict[str, Any], now: datetime) -> None:
    mail.queue(user.email, template,
               {**context, "name": user.name, "preferences_url": preferences_url()}, now=now)


def _tier_name(attempt: Attempt, slug: str | None) -> str | None:
    """The tier's name as the attempt's version (and so its results page) words it."""
    if slug is None:
        return None
    return next((tier.name for tier in attempt.assessment_version.tiers if tier.slug == slug),
                slug)


def _score(share: float | None) -> str | None:
    return scoring.percent(share) if share is not None else None


def _result(attempt: Attempt) -> dict[str, Any]:
    return {"assessment": attempt.assessment_version.title, "attempt_number": attempt.number,
            "score": _score(attempt.score), "tier": _tier_name(attempt, attempt.tier_slug),
            "link": results_url(attempt.id)}


def results_ready(attempt: Attempt, now: datetime) -> None:
    """The attempt was scored for the first time (rescoring sends ``result_changed``)."""
    user = _recipient(attempt.user_id, "notify_results")
    if user is not None:
        _send(user, "results_ready", _result(attempt), now)


def result_changed(attempt: Attempt, change: scoring.ScoreChange, now: datetime) -> None:
    """A regrade changed the score or tier of an attempt scored before."""
    user = _recipient(attempt.user_id, "notify_results")
    if user is not None:
        _send(user, "result_changed", {
            **_result(attempt), "old_score": _score(change.old_score),
            "old_tier": _tier_name(attempt, change.old_tier)}, now)


def appeal_decided(attempt: Attempt, *, changed: bool, note: str, now: datetime) -> None:
    """After the decision and the rescore it led to: the decision, its note, the result."""
    user = _recipient(attempt.user_id, "notify_appeals")
    if user is not None:
        _send(user, "appeal_decided", {**_result(attempt), "changed": changed, "note": note,
                                       "scored": attempt.status == "scored"}, now)


def certificate_issued(certificate: Certificate, attempt: Attempt, url: str,
                       now: datetime) -> None:
    user = _recipient(certificate.user_id, "notify_certificates")
    if user is not None:
        _send(user, "certificate_issued", {
            "assessment": attempt.assessment_version.title,
            "tier": _tier_name(attempt, certificate.tier_slug),
            "valid_until": _day(certificate.valid_until), "link": url}, now)


def certificate_revoked(certificate: Certificate, reason: str, url: str,
                        now: datetime) -> None:
    user = _recipient(certificate.user_id, "notify_certificates")
    if user is None:
        return
    attempt = db.session.get(Attempt, certificate.attempt_id)
    _send(user, "certificate_revoked", {
        "assessment": attempt.assessment_version.title if attempt else "",
        "tier": _tier_name(attempt, certificate.tier_slug) if attempt else certificate.tier_slug,
        "reason": reason, "link": url}, now)


def invitation(invited: Invitation, link: str, now: datetime) -> None:
    """The platform's invitation with its one-time link, to the invited address, unless an
    account with that address was deactivated (it could not accept)."""
    account = db.session.scalar(select(User).where(User.email == invited.email))
    if account is not None and not account.active:
        return
    assessment = invited.assessment
    mail.queue(invited.email, "invitation", {
        "platform": invited.platform.name, "link": link,
        "assessment": assessment.latest.title if assessment else None,
        "expires_at": invited.expires_at.strftime("%d %B %Y, %H:%M UTC")}, now=now)


def _day(moment: datetime | None) -> str | None:
    return moment.strftime("%d %B %Y") if moment is not None else None
