"""Structural checks of an Open Badges 3.0 credential, before any signature is looked at:
the contexts, the credential type, and the type of every object the OB 3.0 data model names
(issuer, subject, achievement, results, evidence…). Each problem names its path."""
from __future__ import annotations

from typing import Any, Iterator, Mapping

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential")
SUBJECT_TYPES = {"OpenBadgeCredential": "AchievementSubject",
                 "AchievementCredential": "AchievementSubject",
                 "EndorsementCredential": "EndorsementSubject"}

# Nested objects and the type each must carry, relative to the credential or a Profile.
PROFILE_PARTS = {"parentOrg": "Profile", "otherIdentifier[]": "IdentifierEntry",
                 "address": "Address", "endorsement[]": "EndorsementCredential"}
SUBJECT_PARTS = {"identifier[]": "IdentityObject", "achievement": "Achievement",
                 "result[]": "Result", "source": "Profile", "profile": "Profile"}
ACHIEVEMENT_PARTS = {"resultDescription[]": "ResultDescription", "creator": "Profile",
                     "alignment[]": "Alignment", "related[]": "Related"}
CREDENTIAL_PARTS = {"evidence[]": "Evidence"}


def types_of(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


def problems(credential: Any) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the credential's shape; no errors means it can be checked."""
    errors: list[str] = []
    warnings: list[str] = []
    if not isinstance(credential, Mapping):
        return ["the credential is not a JSON object"], []
    errors += _contexts(credential.get("@context"), warnings)
    kinds = types_of(credential.get("type"))
    if "VerifiableCredential" not in kinds:
        errors.append("type: must include VerifiableCredential")
    kind = next((k for k in CREDENTIAL_TYPES if k in kinds), None)
    if kind is None:
        errors.append("type: must include OpenBadgeCredential (or AchievementCredential, "
                      f"EndorsementCredential); got {kinds or credential.get('type')!r}")
    errors += _issuer(credential.get("issuer"))
    errors += _dates(credential, warnings)
    errors += _subject(credential.get("credentialSubject"),
                       SUBJECT_TYPES.get(kind or "", "AchievementSubject"), warnings)
    errors += list(_parts(credential, CREDENTIAL_PARTS, ""))
    return errors, warnings


def _contexts(contexts: Any, warnings: list[str]) -> list[str]:
    urls = [contexts] if isinstance(contexts, str) else contexts
    if not isinstance(urls, list) or not urls:
        return ["@context: missing"]
    first = urls[0]
    errors = []
    if first == VC_V1:
        warnings.append("@context: the VC 1.1 context is superseded by VC 2.0 "
                        f"({VC_V2})")
    elif first != VC_V2:
        errors.append(f"@context: the first context must be {VC_V2}, got {first!r}")
    if not any(isinstance(u, str) and u.startswith(OB_CONTEXT_PREFIX) for u in urls):
        errors.append("@context: the Open Badges 3.0 context is missing")
    return errors


def _issuer(issuer: Any) -> list[str]:
    if isinstance(issuer, str) and issuer:
        return []
    if not isinstance(issuer, Mapping):
        return ["issuer: missing (a URI or a Profile object is required)"]
    errors = []
    if not isinstance(issuer.get("id"), str):
        errors.append("issuer.id: missing")
    if "Profile" not in types_of(issuer.get("type")):
        errors.append(f"issuer.type: must include Profile, got {issuer.get('type')!r}")
    errors += list(_parts(issuer, PROFILE_PARTS, "issuer."))
    return errors


def _dates(credential: Mapping, warnings: list[str]) -> list[str]:
    if "validFrom" in credential:
        return []
    if "issuanceDate" in credential:
        warnings.append("issuanceDate is the VC 1.1 name; VC 2.0 uses validFrom")
        return []
    return ["validFrom: missing"]


def _subject(subject: Any, expected: str, warnings: list[str]) -> list[str]:
    if not isinstance(subject, Mapping):
        return ["credentialSubject: missing or not an object"]
    errors = []
    if expected not in types_of(subject.get("type")):
        errors.append(f"credentialSubject.type: must include {expected}, "
                      f"got {subject.get('type')!r}")
    if expected == "AchievementSubject":
        if "id" not in subject and "identifier" not in subject:
            errors.append("credentialSubject: needs an id or an identifier")
        if not isinstance(subject.get("achievement"), Mapping):
            # 1EdTech's validator lets this pass; the specification requires it.
            warnings.append("credentialSubject.achievement is missing; Open Badges 3.0 "
                            "requires the achievement the credential is about")
    errors += list(_parts(subject, SUBJECT_PARTS, "credentialSubject."))
    achievement = subject.get("achievement")
    if isinstance(achievement, Mapping):
        errors += list(_parts(achievement, ACHIEVEMENT_PARTS, "credentialSubject.achievement."))
        if not isinstance(achievement.get("criteria"), Mapping):
            errors.append("credentialSubject.achievement.criteria: missing")
    return errors


def _parts(owner: Mapping, parts: Mapping[str, str], prefix: str) -> Iterator[str]:
    for key, expected in parts.items():
        many = key.endswith("[]")
        name = key.removesuffix("[]")
        value = owner.get(name)
        if value is None:
            continue
        values = value if many and isinstance(value, list) else [value]
        for index, item in enumerate(values):
            path = f"{prefix}{name}[{index}]" if many else f"{prefix}{name}"
            if isinstance(item, str) and expected in ("Profile", "Achievement"):
                continue  # a reference by URI
            if not isinstance(item, Mapping):
                yield f"{path}: expected an object of type {expected}"
            elif expected not in types_of(item.get("type")):
                yield f"{path}.type: must include {expected}, got {item.get('type')!r}"
