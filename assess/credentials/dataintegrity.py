"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa, §3.3):
RDFC-1.0 canonical N-Quads of the proof options and of the document, each hashed with
SHA-256, the two hashes concatenated and signed with Ed25519."""
from __future__ import annotations

import copy
import hashlib
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from .documents import Loader
from .multikey import MultikeyError, multibase_decode, multibase_encode

CRYPTOSUITE = "eddsa-rdfc-2022"
# Proof types that hash and sign exactly like eddsa-rdfc-2022, under older names.
SUITES = {("DataIntegrityProof", CRYPTOSUITE), ("DataIntegrityProof", "eddsa-2022"),
          ("Ed25519Signature2020", None)}


class ProofError(ValueError):
    """The proof could not be checked at all (as opposed to a signature that does not match)."""


def canonical(document: Mapping[str, Any], loader: Loader) -> str:
    try:
        return jsonld.normalize(dict(document), {
            "algorithm": "URDNA2015", "format": "application/n-quads",
            "documentLoader": loader, "safe": True})
    except jsonld.JsonLdError as exc:
        raise ProofError(f"the document is not valid JSON-LD: {_jsonld_reason(exc)}") from None


def _jsonld_reason(exc: Exception) -> str:
    cause = exc
    while getattr(cause, "cause", None) is not None:
        cause = cause.cause
    return str(getattr(cause, "message", None) or cause).splitlines()[0]


def hash_data(unsecured: Mapping[str, Any], options: Mapping[str, Any], loader: Loader) -> bytes:
    config = {key: value for key, value in options.items() if key != "proofValue"}
    config["@context"] = unsecured["@context"]
    return (hashlib.sha256(canonical(config, loader).encode()).digest()
            + hashlib.sha256(canonical(unsecured, loader).encode()).digest())


def sign(document: Mapping[str, Any], key: Ed25519PrivateKey, verification_method: str,
         created: str, loader: Loader, purpose: str = "assertionMethod") -> dict[str, Any]:
    """A copy of ``document`` with one DataIntegrityProof added."""
    unsecured = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    options = {"type": "DataIntegrityProof", "cryptosuite": CRYPTOSUITE, "created": created,
               "verificationMethod": verification_method, "proofPurpose": purpose}
    signature = key.sign(hash_data(unsecured, options, loader))
    return {**unsecured, "proof": {**options, "proofValue": multibase_encode(signature)}}


def proofs_of(document: Mapping[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def check(document: Mapping[str, Any], proof: Mapping[str, Any], key: Ed25519PublicKey,
          loader: Loader) -> bool:
    """Whether ``proof`` is a valid eddsa-rdfc-2022 signature over ``document`` by ``key``.
    Raises ProofError when the proof is malformed rather than wrong."""
    if (proof.get("type"), proof.get("cryptosuite")) not in SUITES:
        raise ProofError(f"unsupported proof: type {proof.get('type')!r}, cryptosuite "
                         f"{proof.get('cryptosuite')!r} (expected DataIntegrityProof with "
                         f"{CRYPTOSUITE})")
    try:
        signature = multibase_decode(proof.get("proofValue"))
    except MultikeyError as exc:
        raise ProofError(f"proofValue: {exc}") from None
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    try:
        key.verify(signature, hash_data(unsecured, proof, loader))
    except InvalidSignature:
        return False
    return True
