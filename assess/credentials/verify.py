"""Verifying a credential anyone pastes: an Open Badges 3.0 credential with Data Integrity
proofs, or the same credential as a VC-JWT.

The verdict is one of ``valid``, ``malformed``, ``unknown_issuer``, ``tampered``,
``revoked``, ``status_unknown``, ``expired`` or ``not_yet_valid``, with the reason. Checks
run in that order, because each later check trusts what the earlier ones established: dates
and revocation mean nothing on a credential whose signature does not hold. One exception:
when the caller says which issuers it relies on (``trusted``), a signature that holds from
any other issuer is ``unknown_issuer`` too (see ``trust``), checked right after the signature.
Revocation is read from the caller's records for this server's credentials (``revoked``) and
from the W3C Bitstring Status List any credential names (see ``statuscheck``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Collection, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import bounds, dataintegrity, jose, statuscheck, structure, trust
from .documents import Loader
from .multikey import MultikeyError, public_key_from_multibase

STATUS_TEXT = {
    "valid": "Valid", "malformed": "Not a valid credential", "unknown_issuer": "Unknown issuer",
    "tampered": "Tampered", "revoked": "Revoked", "status_unknown": "Revocation status unknown",
    "expired": "Expired", "not_yet_valid": "Not yet valid"}


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


Revoked = Callable[[str], str | None]  # credential id -> revocation reason, or None


@dataclass
class _Run:
    now: datetime
    issuer: Issuer
    revoked: Revoked
    loader: Loader
    trusted: Collection[str] | None  # None: no trust policy, any intact signature will do
    warnings: list[str] = field(default_factory=list)

    def verdict(self, status: str, reason: str, credential=None, fmt=None, ours=False,
                errors: tuple[str, ...] = ()) -> Verdict:
        return Verdict(status, reason, errors or ((reason,) if status != "valid" else ()),
                       tuple(self.warnings), credential, fmt, ours)


NOT_TEXT = ("the JSON holds a lone UTF-16 surrogate (an escape from \\ud800 to \\udfff on its "
            "own), which is not text")


def verify(presented: str | Mapping[str, Any], now: datetime, issuer: Issuer,
           revoked: Revoked, loader: Loader, trusted: Collection[str] | None = None) -> Verdict:
    """``trusted``: the other issuers the caller relies on; None checks no trust at all (a
    valid credential from an unknown issuer then passes with a warning)."""
    run = _Run(now, issuer, revoked, loader, trusted)
    if isinstance(presented, str) and jose.looks_like_jwt(presented):
        return _verify_jwt(presented, run)
    if isinstance(presented, str):
        try:
            presented = json.loads(presented)
        except json.JSONDecodeError as exc:
            return run.verdict("malformed", f"not JSON and not a JWT: {exc.msg} at line "
                               f"{exc.lineno}, column {exc.colno}")
    credential = presented
    too_big = bounds.problem(credential)
    if too_big:
        return run.verdict("malformed", too_big, fmt="json")
    if not _is_text(credential):
        return run.verdict("malformed", NOT_TEXT, fmt="json")
    errors, warnings = structure.problems(credential)
    run.warnings += warnings
    if errors:
        return run.verdict("malformed", errors[0], _dict(credential), "json", errors=tuple(errors))
    issuer_id = _issuer_id(credential)
    ours = issuer_id == issuer.id
    signers: list[trust.Signer] = []
    failed = _check_proofs(credential, issuer_id, run, signers)
    if failed is not None:
        return run.verdict(*failed, credential, "json", ours)
    return _after_signature(credential, issuer_id, signers, run, "json")


def _check_proofs(document: Mapping[str, Any], issuer_id: str | None, run: _Run,
                  signers: list[trust.Signer]) -> tuple[str, str] | None:
    """(status, reason) of the first proof that fails, or None when every proof holds; the
    methods and keys that signed are appended to ``signers``."""
    proofs = dataintegrity.proofs_of(document)
    if not proofs:
        return "malformed", "the credential carries no proof"
    for index, proof in enumerate(proofs):
        label = f"proof[{index}]" if len(proofs) > 1 else "proof"
        problem = _proof_problem(proof, run, label)
        if problem:
            return "malformed", problem
        key, why = _resolve(proof["verificationMethod"], issuer_id, run.issuer, run.loader)
        if key is None:
            return "unknown_issuer", f"{label}: {why}"
        try:
            holds = dataintegrity.check(document, proof, key, run.loader)
        except dataintegrity.ProofError as exc:
            return "malformed", f"{label}: {exc}"
        if not holds:
            return "tampered", (f"{label}: the signature does not match the credential: it "
                                "was changed after signing, or not signed by "
                                f"{proof['verificationMethod']}")
        signers.append((proof["verificationMethod"], key))
    return None


def _verify_jwt(token: str, run: _Run) -> Verdict:
    try:
        header, claims, signing_input, signature = jose.parse(token)
    except jose.JwtError as exc:
        return run.verdict("malformed", f"JWT: {exc}", fmt="jwt")
    credential = claims.get("vc")
    too_big = bounds.problem(credential)
    if too_big:
        return run.verdict("malformed", f"JWT vc claim: {too_big}", fmt="jwt")
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
    ours = issuer_id == run.issuer.id
    if claims.get("iss") != issuer_id:
        return run.verdict("tampered", "the JWT iss claim does not name the credential's "
                           "issuer", credential, "jwt", ours)
    kid = header.get("kid")
    key, why = _jwt_key(kid, issuer_id, run.issuer, run.loader)
    if key is None:
        return run.verdict("unknown_issuer", why, credential, "jwt", ours)
    if not jose.check(signing_input, signature, key):
        return run.verdict("tampered", "the JWT signature does not match its contents",
                           credential, "jwt", ours)
    if claims.get("jti") != credential.get("id"):
        return run.verdict("tampered", "the jti claim does not match the credential id",
                           credential, "jwt", ours)
    return _after_signature(credential, issuer_id, [(str(kid), key)], run, "jwt")


def _jwt_key(kid: Any, issuer_id: str | None, issuer: Issuer,
             loader: Loader) -> tuple[Ed25519PublicKey | None, str]:
    """The key a JWT's kid names: one of this server's key ids, or a verification method
    (a did:key, or ``<issuer id>#<multibase key>``) that resolves offline."""
    if not isinstance(kid, str) or not kid:
        return None, "the JWT header names no key (kid)"
    if issuer_id == issuer.id and ":" not in kid:
        key = issuer.keys.get(kid)
        return (key, "") if key else (None, f"this issuer never published a key {kid!r}")
    if ":" not in kid:
        return None, (f"{issuer_id} is not an issuer this server knows, and the JWT's kid "
                      f"{kid!r} is not a key that can be resolved offline")
    return _resolve(kid, issuer_id, issuer, loader)


def _after_signature(credential: Mapping[str, Any], issuer_id: str | None,
                     signers: list[trust.Signer], run: _Run, fmt: str) -> Verdict:
    credential = dict(credential)
    ours = issuer_id == run.issuer.id
    if run.trusted is not None:
        untrusted = trust.problem(issuer_id, signers, run.issuer.id, run.trusted, run.loader)
        if untrusted is not None:
            return run.verdict("unknown_issuer", untrusted, credential, fmt, ours)
    reason = run.revoked(credential.get("id")) if ours else None
    if reason is not None:
        return run.verdict("revoked", f"revoked by the issuer: {reason}", credential, fmt, ours)
    finding = statuscheck.check(credential, issuer_id, run.now, run.loader,
                                lambda document: _list_proof_problem(document, run),
                                run.warnings)
    if finding.status != "ok":
        return run.verdict(finding.status, finding.reason, credential, fmt, ours)
    dated = _dates(credential, run, fmt, ours)
    if dated is not None:
        return dated
    if not ours and run.trusted is None:
        run.warnings.append("this server does not know the issuer: the signature proves the "
                            "credential is intact and was signed by the key it names, not who "
                            "holds that key")
    checked = ours or finding.checked
    return run.verdict("valid", "the signature holds and the credential is within its dates"
                       + (", and it has not been revoked" if checked else ""),
                       credential, fmt, ours)


def _dates(credential: Mapping[str, Any], run: _Run, fmt: str, ours: bool) -> Verdict | None:
    start = statuscheck.moment_of(credential.get("validFrom", credential.get("issuanceDate")))
    end = statuscheck.moment_of(credential.get("validUntil", credential.get("expirationDate")))
    if start is None:
        return run.verdict("malformed", "validFrom is not a date-time", credential, fmt, ours)
    if start > run.now:
        return run.verdict("not_yet_valid", f"valid only from {start:%d %b %Y %H:%M} UTC",
                           credential, fmt, ours)
    if end is not None and end <= run.now:
        return run.verdict("expired", f"expired on {end:%d %b %Y %H:%M} UTC", credential, fmt,
                           ours)
    return None


def _list_proof_problem(document: Mapping[str, Any], run: _Run) -> str | None:
    """Why a status list credential's proof does not hold, or None when it does."""
    scratch = _Run(run.now, run.issuer, run.revoked, run.loader, run.trusted)
    failed = _check_proofs(document, _issuer_id(document), scratch, [])
    return None if failed is None else failed[1]


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
             loader: Loader) -> tuple[Ed25519PublicKey | None, str]:
    """The key a verification method names: one of this server's, a did:key, a key the
    issuer's controller document lists (when the loader knows it), or else the multibase
    key in the fragment of ``<issuer id>#<key>``."""
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
        material = trust.listed_key(controller, method, loader) or fragment
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
