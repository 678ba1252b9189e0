"""Whether a credential whose signature holds comes from an issuer the verifier relies on.

A signature proves only that whoever holds the key signed. Anyone can publish an issuer
profile at a look-alike URL and sign with a key of their own, and a verification method of
the form ``<issuer id>#<multibase key>`` names any key at all. So an issuer is relied on
when it is this server (its own keys), or when it is on the trust list AND the key is tied
to it: a DID issuer signing with a method of that DID (a did:key is its own key), or an
issuer whose controller document the document loader knows and which lists the method
under ``assertionMethod`` with that very key.
"""
from __future__ import annotations

from typing import Any, Collection, Iterable, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .documents import Loader
from .multikey import public_key_multibase

Signer = tuple[str, Ed25519PublicKey]  # (verification method or JWT kid, the key that held)


def problem(issuer_id: str | None, signers: Iterable[Signer], own_id: str,
            trusted: Collection[str], loader: Loader) -> str | None:
    """Why the issuer is not relied on, or None when it is."""
    if issuer_id == own_id:
        return None
    if not isinstance(issuer_id, str) or issuer_id not in trusted:
        return (f"the signature holds, but the issuer {issuer_id} is neither this server "
                f"({own_id}) nor on its list of trusted issuers")
    for method, key in signers:
        controller = method.partition("#")[0]
        if issuer_id.startswith("did:") and controller == issuer_id:
            continue
        if listed_key(issuer_id, method, loader) != public_key_multibase(key):
            return (f"{issuer_id} is a trusted issuer, but the key {method} cannot be tied "
                    "to it: its controller document, as this server knows it, does not list "
                    "that key under assertionMethod")
    return None


def listed_key(issuer_id: str, method: str, loader: Loader) -> str | None:
    """The publicKeyMultibase that the issuer's controller document, as the loader knows it,
    gives ``method`` under assertionMethod; None when the loader has no such document."""
    try:
        document = loader(issuer_id)["document"]
    except Exception:  # noqa: BLE001 - unknown to the loader: the key is not tied
        return None
    if not isinstance(document, Mapping) or document.get("id") != issuer_id:
        return None
    assertion = _as_list(document.get("assertionMethod"))
    if method not in [m.get("id") if isinstance(m, Mapping) else m for m in assertion]:
        return None
    for candidate in [*_as_list(document.get("verificationMethod")), *assertion]:
        if isinstance(candidate, Mapping) and candidate.get("id") == method and \
                candidate.get("controller", issuer_id) == issuer_id:
            found = candidate.get("publicKeyMultibase")
            return found if isinstance(found, str) else None
    return None


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]
