"""What the issuer publishes about its keys: the controller document (Multikey verification
methods, listed under assertionMethod) and a JWKS."""
from __future__ import annotations

from typing import Any, Iterable

from .keys import SigningKey

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def method_id(issuer_id: str, kid: str) -> str:
    return f"{issuer_id}#{kid}"


def verification_method(issuer_id: str, key: SigningKey) -> dict[str, Any]:
    return {"id": method_id(issuer_id, key.kid), "type": "Multikey", "controller": issuer_id,
            "publicKeyMultibase": key.multibase}


def controller_document(issuer_id: str, keys: Iterable[SigningKey]) -> dict[str, Any]:
    methods = [verification_method(issuer_id, key) for key in keys]
    return {"@context": [DID_CONTEXT, MULTIKEY_CONTEXT], "id": issuer_id,
            "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods]}


def jwks(keys: Iterable[SigningKey]) -> dict[str, Any]:
    return {"keys": [key.jwk() for key in keys]}
