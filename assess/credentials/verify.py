"""Verifying a credential anyone pastes: an Open Badges 3.0 credential with Data Integrity
proofs, or the same credential as a VC-JWT.

The verdict is one of ``valid``, ``malformed``, ``unknown_issuer``, ``tampered``,
``revoked``, ``expired`` or ``not_yet_valid``, with the reason. Checks run in that order,
because each later check trusts what the earlier ones established: dates and revocation
mean nothing on a credential whose signature does not hold.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import dataintegrity, jose, structure
from .documents import Loader
from .multikey import MultikeyError, public_key_from_multibase

STATUS_TEXT = {
    "valid": "Valid", "malformed": "Not a valid credential", "unknown_issuer": "Unknown issuer",
    "tampered": "Tampered", "revoked": "Revoked", "expired": "Expired",
    "not_yet_valid": "Not yet valid"}


@dataclass(frozen=True)
class Issuer:
    """The issuer this server is: its id and its published keys by key id."""

    id: str
    keys: Mapping[str, Ed25519PublicKey]


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    credential: dict[str, Any] | None = None
    format: str | None = None  # "json" | "jwt"
    ours: bool = False  # issued by this server

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    @property
    def title(self) -> str:
        return STATUS_TEXT[self.status]

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "verified": self.ok, "reason": self.reason,
                "errors": list(self.errors), "warnings": list(self.warnings),
                "format": self.format, "issued_here": self.ours,
                "credential_id": (self.credential or {}).get("id")}


@dataclass
class _Run:
    warnings: list[str] = field(default_factory=list)

    def verdict(self, status: str, reason: str, credential=None, fmt=None, ours=False,
                errors: tuple[str, ...] = ()) -> Verdict:
        return Verdict(status, reason, errors or ((reason,) if status != "valid" else ()),
                       tuple(self.warnings), credential, fmt, ours)


NOT_TEXT = ("the JSON holds a lone UTF-16 surrogate (an escape from \\ud800 to \\udfff on its "
            "own), which is not text")

Revoked = Callable[[str], str | None]  # credential id -> revocation reason, or None


def verify(presented: str | Mapping[str, Any], now: datetime, issuer: Issuer,
           revoked: Revoked, loader: Loader) -> Verdict:
    run = _Run()
    if isinstance(presented, str) and jose.looks_like_jwt(presented):
        return _verify_jwt(presented, now, issuer, revoked, run)
    if isinstance(presented, str):
        try:
            presented = json.loads(presented)
        except json.JSONDecodeError as exc:
            return run.verdict("malformed", f"not JSON and not a JWT: {exc.msg} at line "
                               f"{exc.lineno}, column {exc.colno}")
    credential = presented
    if not _is_text(credential):
        return run.verdict("malformed", NOT_TEXT, fmt="json")
    errors, warnings = structure.problems(credential)
    run.warnings += warnings
    if errors:
        return run.verdict("malformed", errors[0], _dict(credential), "json", errors=tuple(errors))
    issuer_id = _issuer_id(credential)
    ours = issuer_id == issuer.id
    proofs = dataintegrity.proofs_of(credential)
    if not proofs:
        return run.verdict("malformed", "the credential carries no proof", credential, "json")
    for index, proof in enumerate(proofs):
        label = f"proof[{index}]" if len(proofs) > 1 else "proof"
        problem = _proof_problem(proof, run, label)
        if problem:
            return run.verdict("malformed", problem, credential, "json", ours)
        key, why = _resolve(proof["verificationMethod"], issuer_id, issuer, run)
        if key is None:
            return run.verdict("unknown_issuer", f"{label}: {why}", credential, "json", ours)
        try:
            holds = dataintegrity.check(credential, proof, key, loader)
        except dataintegrity.ProofError as exc:
            return run.verdict("malformed", f"{label}: {exc}", credential, "json", ours)
        if not holds:
            return run.verdict("tampered", f"{label}: the signature does not match the "
                               "credential: it was changed after signing, or not signed by "
                               f"{proof['verificationMethod']}", credential, "json", ours)
    return _after_signature(credential, now, revoked, run, "json", ours)


def _verify_jwt(token: str, now: datetime, issuer: Issuer, revoked: Revoked,
                run: _Run) -> Verdict:
    try:
        header, claims, signing_input, signature = jose.parse(token)
    except jose.JwtError as exc:
        return run.verdict("malformed", f"JWT: {exc}", fmt="jwt")
    credential = claims.get("vc")
    if not _is_text(credential):
        return run.verdict("malformed", f"JWT vc claim: {NOT_TEXT}", fmt="jwt")
    errors, warnings = structure.problems(credential)
    run.warnings += warnings
    if errors:
        return run.verdict("malformed", f"JWT vc claim: {errors[0]}", _dict(credential), "jwt",
                           errors=tuple(errors))
    if header.get("alg") != "EdDSA":
        return run.verdict("malformed", f"JWT alg {header.get('alg')!r} is not supported "
                           "(expected EdDSA)", credential, "jwt")
    issuer_id = _issuer_id(credential)
    if claims.get("iss") != issuer_id:
        return run.verdict("tampered", "the JWT iss claim does not name the credential's "
                           "issuer", credential, "jwt")
    if issuer_id != issuer.id:
        return run.verdict("unknown_issuer", f"{issuer_id} is not an issuer this server "
                           "knows; a JWT carries no key of its own", credential, "jwt")
    key = issuer.keys.get(header.get("kid"))
    if key is None:
        return run.verdict("unknown_issuer", f"this issuer never published a key "
                           f"{header.get('kid')!r}", credential, "jwt", True)
    if not jose.check(signing_input, signature, key):
        return run.verdict("tampered", "the JWT signature does not match its contents",
                           credential, "jwt", True)
    if claims.get("jti") != credential.get("id"):
        return run.verdict("tampered", "the jti claim does not match the credential id",
                           credential, "jwt", True)
    return _after_signature(credential, now, revoked, run, "jwt", True)


def _after_signature(credential: Mapping[str, Any], now: datetime, revoked: Revoked,
                     run: _Run, fmt: str, ours: bool) -> Verdict:
    credential = dict(credential)
    reason = revoked(credential.get("id")) if ours else None
    if reason is not None:
        return run.verdict("revoked", f"revoked by the issuer: {reason}", credential, fmt, ours)
    start = _moment(credential.get("validFrom", credential.get("issuanceDate")))
    end = _moment(credential.get("validUntil", credential.get("expirationDate")))
    if start is None:
        return run.verdict("malformed", "validFrom is not a date-time", credential, fmt, ours)
    if start > now:
        return run.verdict("not_yet_valid", f"valid only from {start:%d %b %Y %H:%M} UTC",
                           credential, fmt, ours)
    if end is not None and end <= now:
        return run.verdict("expired", f"expired on {end:%d %b %Y %H:%M} UTC", credential, fmt,
                           ours)
    if not ours:
        run.warnings.append("this server does not know the issuer: the signature proves the "
                            "credential is intact and was signed by the key it names, not who "
                            "holds that key")
    return run.verdict("valid", "the signature holds and the credential is within its dates"
                       + ("" if not ours else ", and it has not been revoked"),
                       credential, fmt, ours)


def _proof_problem(proof: Any, run: _Run, label: str) -> str | None:
    if not isinstance(proof, Mapping):
        return f"{label}: not an object"
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    if (kind, suite) in dataintegrity.LEGACY_SUITES:
        run.warnings.append(f"{label}: {dataintegrity.LEGACY_SUITES[kind, suite]}")
    elif (kind, suite) != ("DataIntegrityProof", dataintegrity.CRYPTOSUITE):
        return (f"{label}: unsupported proof type {kind!r}" + (f" with cryptosuite {suite!r}"
                if suite else "") + f" (expected DataIntegrityProof, {dataintegrity.CRYPTOSUITE})")
    if proof.get("proofPurpose") != "assertionMethod":
        return f"{label}: proofPurpose must be assertionMethod, got {proof.get('proofPurpose')!r}"
    if not isinstance(proof.get("verificationMethod"), str):
        return f"{label}: verificationMethod is missing"
    if not isinstance(proof.get("proofValue"), str):
        return f"{label}: proofValue is missing"
    return None


def _resolve(method: str, issuer_id: str | None, issuer: Issuer,
             run: _Run) -> tuple[Ed25519PublicKey | None, str]:
    controller, _, fragment = method.partition("#")
    if controller == issuer.id:
        key = issuer.keys.get(fragment)
        return (key, "") if key else (None, f"this issuer never published the key {method}")
    if issuer_id == issuer.id:
        return None, f"the proof was made with {method}, which is not one of this issuer's keys"
    if controller.startswith("did:key:"):
        material = controller.removeprefix("did:key:")
    elif controller.startswith(("https://", "http://")):
        if controller != issuer_id:
            return None, f"the signing key belongs to {controller}, not to the issuer {issuer_id}"
        material = fragment
    elif controller.startswith("did:"):
        return None, (f"{method}: the DID method {controller.split(':')[1]!r} cannot be "
                      "resolved here")
    else:
        return None, f"{method} is not a URL or a DID"
    try:
        return public_key_from_multibase(material), ""
    except MultikeyError as exc:
        return None, f"{method}: the key cannot be resolved offline ({exc})"


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _is_text(value: Any) -> bool:
    """False when a string in it holds a lone UTF-16 surrogate: JSON can escape one
    ("\\ud800"), but it is not Unicode text, so it can be neither canonicalised nor shown."""
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True


def _dict(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, Mapping) else None
