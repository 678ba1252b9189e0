"""The credential as a compact JWS (VC-JWT, Open Badges 3.0 §8.2): EdDSA over Ed25519, the
credential in the ``vc`` claim with the registered claims iss, jti, sub, nbf and exp."""
from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


class JwtError(ValueError):
    pass


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise JwtError(f"not base64url: {exc}") from None


def looks_like_jwt(text: str) -> bool:
    parts = text.strip().split(".")
    return len(parts) == 3 and all(parts[:2]) and not text.lstrip().startswith("{")


def _epoch(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    return int(datetime.fromisoformat(value).timestamp())


def claims_of(credential: Mapping[str, Any]) -> dict[str, Any]:
    vc = {key: value for key, value in credential.items() if key != "proof"}
    issuer = vc.get("issuer")
    claims: dict[str, Any] = {
        "vc": vc, "iss": issuer.get("id") if isinstance(issuer, Mapping) else issuer,
        "jti": vc.get("id")}
    subject = vc.get("credentialSubject") or {}
    if isinstance(subject, Mapping) and subject.get("id"):
        claims["sub"] = subject["id"]
    for claim, field in (("nbf", "validFrom"), ("exp", "validUntil")):
        value = _epoch(vc.get(field))
        if value is not None:
            claims[claim] = value
    return claims


def sign(credential: Mapping[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    signing_input = ".".join(b64url(json.dumps(part, separators=(",", ":")).encode())
                             for part in (header, claims_of(credential)))
    return f"{signing_input}.{b64url(key.sign(signing_input.encode()))}"


def parse(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """(header, claims, signing input, signature) of a compact JWS; raises JwtError."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise JwtError("a compact JWS has three parts separated by dots")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JwtError(f"the header or payload is not JSON: {exc}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise JwtError("the header and payload must be JSON objects")
    return header, claims, f"{parts[0]}.{parts[1]}".encode(), b64url_decode(parts[2])


def check(signing_input: bytes, signature: bytes, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(signature, signing_input)
    except InvalidSignature:
        return False
    return True
