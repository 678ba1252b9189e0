"""Invitations: a platform invites a person (by email, with its own worker id) over the API;
the person follows the one-time link, signs up or signs in, and accepting links their account
to the platform's worker id.

The link carries 32 random bytes; the database keeps only their SHA-256, so a copy of the
database holds no usable link. The link works once: after acceptance it only tells the person
who accepted it that it is done.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Assessment, Invitation, PlatformCandidate, User
from ..settings import settings
from . import ServiceError, notifications, outbox, paging
from .accounts import EMAIL, normalise_email
from .api_keys import Caller
from .idempotency import Idempotency, Reply, commit_with, replay

DEFAULT_LIFETIME = timedelta(days=14)
MAX_LIFETIME = timedelta(days=90)
MAX_EXTERNAL_ID = 200
STATUSES = ("pending", "accepted", "revoked", "expired")


@dataclass(frozen=True)
class NewInvitation:
    email: str
    external_id: str
    assessment: str | None = None  # a slug
    expires_at: datetime | None = None
    send_email: bool = True  # False: the platform sends the link itself


def status_of(invitation: Invitation, now: datetime) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if invitation.expires_at <= now else "pending"


def as_json(invitation: Invitation, now: datetime, link: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": invitation.id, "email": invitation.email, "external_id": invitation.external_id,
        "assessment": invitation.assessment.slug if invitation.assessment else None,
        "status": status_of(invitation, now), "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at), "accepted_at": iso(invitation.accepted_at),
        "revoked_at": iso(invitation.revoked_at)}
    if link is not None:
        body["link"] = link
    return body


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _external_id(value: str) -> str:
    value = (value or "").strip()
    if not 1 <= len(value) <= MAX_EXTERNAL_ID or not value.isprintable():
        raise ServiceError(f"external_id is 1 to {MAX_EXTERNAL_ID} printable characters.",
                           field="external_id")
    return value


def _expiry(expires_at: datetime | None, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=timezone.utc)
    if not now < expires_at <= now + MAX_LIFETIME:
        raise ServiceError("expires_at must be in the future and at most 90 days away.",
                           field="expires_at")
    return expires_at.astimezone(timezone.utc)


def _assessment(slug: str | None) -> Assessment | None:
    if slug is None:
        return None
    found = db.session.scalar(select(Assessment).where(Assessment.slug == slug,
                                                        Assessment.retired.is_(False)))
    if found is None:
        raise ServiceError(f"No assessment {slug!r}: GET /api/v1/assessments lists them.",
                           field="assessment")
    return found


def create(caller: Caller, new: NewInvitation, now: datetime,
           idempotency: Idempotency | None = None) -> Reply:
    """201 with the invitation and its one-time link (the only time the link is given)."""
    earlier = replay(idempotency, now)
    if earlier is not None:
        return earlier
    email = normalise_email(new.email)
    if not EMAIL.match(email) or len(email) > 254 or not email.isprintable():
        raise ServiceError("Enter a valid email address.", field="email")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        platform_id=caller.platform_id, email=email, external_id=_external_id(new.external_id),
        assessment=_assessment(new.assessment), token_hash=_token_hash(token),
        created_at=now, expires_at=_expiry(new.expires_at, now))
    db.session.add(invitation)
    db.session.flush()
    link = f"{settings().public_url}/invitations/{token}"
    if new.send_email:
        notifications.invitation(invitation, link, now)
    return commit_with(idempotency, Reply(201, as_json(invitation, now, link)), now)


def revoke(caller: Caller, invitation_id: int, now: datetime,
           idempotency: Idempotency | None = None) -> Reply:
    """The link stops working; revoking twice is harmless, an accepted one is refused."""
    earlier = replay(idempotency, now)
    if earlier is not None:
        return earlier
    invitation = _own(caller, invitation_id)
    if invitation.accepted_at is not None:
        raise ServiceError("This invitation was already accepted.", code="invitation_closed")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
    return commit_with(idempotency, Reply(200, as_json(invitation, now)), now)


def _own(caller: Caller, invitation_id: int) -> Invitation:
    found = db.session.get(Invitation, invitation_id)
    if found is None or found.platform_id != caller.platform_id:
        raise ServiceError("No such invitation.", code="not_found")
    return found


def listing(caller: Caller, now: datetime, *, status: str | None = None,
            external_id: str | None = None, email: str | None = None,
            cursor: str | None = None, limit: int | None = None) -> paging.Page:
    """The platform's invitations, oldest first, filtered."""
    limit = paging.checked_limit(limit)
    query = select(Invitation).options(joinedload(Invitation.assessment)).where(
        Invitation.platform_id == caller.platform_id, Invitation.id > paging.decode(cursor))
    if status is not None:
        query = query.where(*_status_filter(status, now))
    if external_id is not None:
        query = query.where(Invitation.external_id == external_id)
    if email is not None:
        query = query.where(Invitation.email == normalise_email(email))
    found = db.session.scalars(query.order_by(Invitation.id).limit(limit + 1)).all()
    return paging.page_of([(i.id, as_json(i, now)) for i in found], limit)


def _status_filter(status: str, now: datetime) -> list[Any]:
    accepted, revoked = Invitation.accepted_at.is_not(None), Invitation.revoked_at.is_not(None)
    if status == "accepted":
        return [accepted]
    if status == "revoked":
        return [~accepted, revoked]
    if status == "expired":
        return [~accepted, ~revoked, Invitation.expires_at <= now]
    if status == "pending":
        return [~accepted, ~revoked, Invitation.expires_at > now]
    raise ServiceError(f"status is one of {', '.join(STATUSES)}.", field="status")


# ---- following the link ---------------------------------------------------------------------

@dataclass(frozen=True)
class Landing:
    """What the invitation page shows the person who follows the link."""
    platform: str
    email: str
    status: str
    assessment_slug: str | None
    assessment_title: str | None
    expires_at: datetime
    accepted_by_id: int | None


def _by_token(token: str, *, lock: bool = False) -> Invitation:
    query = select(Invitation).where(Invitation.token_hash == _token_hash(token or ""))
    found = None if len(token or "") > 100 else \
        db.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise ServiceError("This invitation link is not valid: ask the platform for a new one.",
                           code="not_found")
    return found


def landing(token: str, now: datetime) -> Landing:
    invitation = _by_token(token)
    assessment = invitation.assessment
    return Landing(invitation.platform.name, invitation.email, status_of(invitation, now),
                   assessment.slug if assessment else None,
                   assessment.latest.title if assessment else None, invitation.expires_at,
                   invitation.accepted_by_id)


def accept(token: str, user_id: int, now: datetime) -> Landing:
    """Link the signed-in account to the platform's worker id, once. The account's email
    must be the one invited: the link is a bearer secret sent to that address."""
    invitation = _by_token(token, lock=True)
    status = status_of(invitation, now)
    if status == "accepted" and invitation.accepted_by_id == user_id:
        return landing(token, now)
    if status != "pending":
        raise ServiceError(f"This invitation is {status}: ask the platform for a new one.",
                           code="invitation_closed")
    user = db.session.get(User, user_id)
    if user is None or user.email != invitation.email:
        raise ServiceError(f"This invitation was sent to {invitation.email}: sign in with "
                           "that address to accept it.", code="wrong_account")
    _link(invitation, user_id, now)
    invitation.accepted_at, invitation.accepted_by_id = now, user_id
    try:  # the outbox's reads flush the link, which may already hit the unique constraints
        outbox.emit(invitation.platform_id, "invitation.accepted", {
            "external_id": invitation.external_id, "invitation_id": invitation.id,
            "assessment": invitation.assessment.slug if invitation.assessment else None,
            "accepted_at": outbox.iso(now)}, now)
        db.session.commit()
    except IntegrityError:  # a concurrent acceptance linked the same worker id or account
        db.session.rollback()
        raise ServiceError("This account or worker id was just linked by another invitation.",
                           code="already_linked") from None
    return landing(token, now)


def _link(invitation: Invitation, user_id: int, now: datetime) -> None:
    existing = db.session.scalars(select(PlatformCandidate).where(
        PlatformCandidate.platform_id == invitation.platform_id,
        or_(PlatformCandidate.external_id == invitation.external_id,
            PlatformCandidate.user_id == user_id))).all()
    for link in existing:
        if link.user_id == user_id and link.external_id == invitation.external_id:
            return
        if link.user_id != user_id:
            raise ServiceError("Another account is already linked to this worker id on "
                               f"{invitation.platform.name}.", code="already_linked")
        raise ServiceError(f"Your account is already linked to {invitation.platform.name} "
                           "under another worker id.", code="already_linked")
    db.session.add(PlatformCandidate(platform_id=invitation.platform_id,
                                     external_id=invitation.external_id, user_id=user_id,
                                     created_at=now))
