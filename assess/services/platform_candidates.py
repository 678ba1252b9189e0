"""A platform's view of one of its candidates (their attempts, current tier per domain and
certificates) and of one certificate of theirs. Someone else's is simply not found."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Assessment, Certificate, PlatformCandidate
from . import ServiceError, certificates
from .api_keys import Caller
from .invitations import iso
from .platform_results import attempts_of, tier_json, tier_table


@dataclass(frozen=True)
class PlatformCertificate:
    body: dict[str, Any]  # JSON form, with the signed credential
    jwt: str
    status: str  # valid | revoked | expired


def _link(caller: Caller, external_id: str) -> PlatformCandidate:
    found = None if not external_id.isprintable() or len(external_id) > 200 else \
        db.session.scalar(select(PlatformCandidate).where(
            PlatformCandidate.platform_id == caller.platform_id,
            PlatformCandidate.external_id == external_id))
    if found is None:
        raise ServiceError("No candidate with this external_id has accepted your invitation.",
                           code="not_found")
    return found


def candidate(caller: Caller, external_id: str, now: datetime) -> dict[str, Any]:
    link = _link(caller, external_id)
    held = db.session.scalars(select(Certificate).where(Certificate.user_id == link.user_id)
                              .order_by(Certificate.created_at, Certificate.id)).all()
    assessments = {a.id: a for a in db.session.scalars(
        select(Assessment).where(Assessment.id.in_({c.assessment_id for c in held}))
        .options(selectinload(Assessment.versions)))}
    tiers = tier_table(set(assessments))
    shown = [_certificate_json(c, assessments[c.assessment_id].slug, tiers, now) for c in held]
    return {"external_id": link.external_id, "linked_at": iso(link.created_at),
            "attempts": attempts_of(caller, external_id),
            "tiers": _current_tiers(held, assessments, tiers, now), "certificates": shown}


def _current_tiers(held: list[Certificate], assessments: dict[int, Assessment],
                   tiers: dict[tuple[int, str], tuple[str, int]], now: datetime
                   ) -> list[dict[str, Any]]:
    """Per domain, the highest-ranked tier a current, valid certificate states."""
    best: dict[str, tuple[tuple[int, datetime], dict[str, Any]]] = {}
    for cert in held:
        if cert.superseded_by_id is not None or certificates.status_of(cert, now) != "valid":
            continue
        assessment = assessments[cert.assessment_id]
        tier = tier_json(tiers, cert.assessment_id, cert.tier_slug) or {}
        domain = assessment.latest.domain
        order = (tier.get("rank") or 0, cert.valid_from)
        if domain not in best or order > best[domain][0]:
            best[domain] = (order, {"domain": domain, "assessment": assessment.slug, **tier,
                                    "certificate": cert.public_id,
                                    "valid_until": iso(cert.valid_until)})
    return [entry for _, (_, entry) in sorted(best.items())]


def _certificate_json(cert: Certificate, slug: str, tiers: dict[tuple[int, str], tuple[str, int]],
                      now: datetime) -> dict[str, Any]:
    return {"id": cert.public_id, "assessment": slug,
            "tier": tier_json(tiers, cert.assessment_id, cert.tier_slug),
            "status": certificates.status_of(cert, now), "valid_from": iso(cert.valid_from),
            "valid_until": iso(cert.valid_until), "revoked_at": iso(cert.revoked_at),
            "superseded": cert.superseded_by_id is not None,
            "url": certificates.certificate_url(cert.public_id)}


def certificate(caller: Caller, public_id: str, now: datetime) -> PlatformCertificate:
    """A certificate of one of the platform's candidates, in both signed forms."""
    cert = certificates.by_public_id(public_id)
    external_id = db.session.scalar(select(PlatformCandidate.external_id).where(
        PlatformCandidate.platform_id == caller.platform_id,
        PlatformCandidate.user_id == cert.user_id))
    if external_id is None:
        raise ServiceError("No such certificate.", code="not_found")
    slug = db.session.scalar(select(Assessment.slug).where(Assessment.id == cert.assessment_id))
    body = _certificate_json(cert, slug, tier_table({cert.assessment_id}), now)
    body.update(external_id=external_id, revocation_reason=cert.revocation_reason,
                credential=cert.credential)
    return PlatformCertificate(body, cert.jwt, body["status"])
