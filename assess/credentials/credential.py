"""The OpenBadgeCredential an attempt earns, built from plain data (VC data model 2.0 and
Open Badges 3.0). It states the tier, domain, scores and dates, and nothing private: the
holder is named only by a salted hash of their email, which a platform can check against
the address the applicant gives it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from ..core.scoring import percent_number
from .structure import VC_V2

OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass(frozen=True)
class SkillResult:
    slug: str
    label: str
    share: float  # 0..1
    required: float | None  # the tier's minimum, 0..1


@dataclass(frozen=True)
class Award:
    credential_id: str
    achievement_id: str
    assessment_title: str
    domain: str
    tier_name: str
    criteria: str  # Markdown narrative: what the tier requires
    score: float
    required_score: float
    skills: Sequence[SkillResult]
    valid_from: datetime
    valid_until: datetime | None
    email: str
    salt: str
    status: Mapping[str, Any] | None = None  # the credentialStatus (a status list entry)


@dataclass(frozen=True)
class IssuerProfile:
    id: str
    name: str
    url: str


def timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def percent(share: float) -> str:
    """A result's value: the number of percent by the one rule every page uses
    (``core.scoring.percent_number``: one decimal at most, rounded down)."""
    return percent_number(share)


def build(issuer: IssuerProfile, award: Award) -> dict[str, Any]:
    if "#" in award.achievement_id:
        # Result descriptions are "<achievement id>#result-<slug>": one fragment only.
        raise ValueError(f"an achievement id has no fragment: {award.achievement_id}")
    name = f"{award.tier_name} — {award.assessment_title}"
    descriptions = [_description(award.achievement_id, "overall", "Overall score",
                                 award.required_score)]
    results = [_result(award.achievement_id, "overall", award.score)]
    for skill in award.skills:
        descriptions.append(_description(award.achievement_id, skill.slug, skill.label,
                                         skill.required))
        results.append(_result(award.achievement_id, skill.slug, skill.share))
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_V3],
        "id": award.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": timestamp(award.valid_from),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": identity_hash(award.email, award.salt),
                            "salt": award.salt}],
            "achievement": {
                "id": award.achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": name,
                "description": f"{award.tier_name} tier of the assess screening "
                               f"“{award.assessment_title}” in the {award.domain} domain.",
                "criteria": {"narrative": award.criteria},
                "tag": [award.domain, award.tier_name],
                "resultDescription": descriptions,
            },
            "result": results,
        },
    }
    if award.valid_until is not None:
        credential["validUntil"] = timestamp(award.valid_until)
    if award.status is not None:
        credential["credentialStatus"] = dict(award.status)
    return credential


def _description(achievement_id: str, slug: str, label: str,
                 required: float | None) -> dict[str, Any]:
    description: dict[str, Any] = {
        "id": f"{achievement_id}#result-{slug}", "type": ["ResultDescription"], "name": label,
        "resultType": "Percent", "valueMin": "0", "valueMax": "100"}
    if required is not None:
        description["requiredValue"] = percent(required)
    return description


def _result(achievement_id: str, slug: str, share: float) -> dict[str, Any]:
    return {"type": ["Result"], "resultDescription": f"{achievement_id}#result-{slug}",
            "value": percent(share)}
