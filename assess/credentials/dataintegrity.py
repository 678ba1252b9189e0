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
from pyld.canon import URDNA2015

from .documents import Loader
from .multikey import MultikeyError, multibase_decode, multibase_encode

CRYPTOSUITE = "eddsa-rdfc-2022"
# Proof types that hash and sign exactly like eddsa-rdfc-2022, under older names, with the
# warning a verifier gives for each.
LEGACY_SUITES = {("DataIntegrityProof", "eddsa-2022"): "the cryptosuite name eddsa-2022 is the "
                 "pre-standard name of eddsa-rdfc-2022",
                 ("Ed25519Signature2020", None): "Ed25519Signature2020 is superseded by "
                 "DataIntegrityProof with eddsa-rdfc-2022"}
SUITES = {("DataIntegrityProof", CRYPTOSUITE), *LEGACY_SUITES}


class ProofError(ValueError):
    """The proof could not be checked at all (as opposed to a signature that does not match)."""


# RDFC-1.0 is exponential on "poison" graphs of interchangeable blank nodes (its §9 asks
# implementations to bound the work). Credentials need no N-degree hashing at all, or a few
# calls (1EdTech's complete.json: 20), so these limits refuse only crafted documents.
MAX_N_DEGREE_CALLS = 300
MAX_RELATED_GROUP = 6  # blank nodes sharing one hash: their orderings are all tried


class TooComplex(ProofError):
    pass


class _BoundedCanonicaliser(URDNA2015):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def hash_n_degree_quads(self, id_, issuer):
        self.calls += 1
        if self.calls > MAX_N_DEGREE_CALLS:
            raise TooComplex("the document's blank nodes are too interchangeable to "
                             "canonicalise within bounds (a poison graph)")
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_, issuer):
        related = super().create_hash_to_related(id_, issuer)
        if any(len(nodes) > MAX_RELATED_GROUP for nodes in related.values()):
            raise TooComplex(f"more than {MAX_RELATED_GROUP} indistinguishable blank nodes "
                             "are linked to one node: canonicalising them is refused")
        return related


def canonical(document: Mapping[str, Any], loader: Loader) -> str:
    """RDFC-1.0 (URDNA2015) N-Quads of ``document``, as pyld's ``normalize`` makes them but
    with the work bounded."""
    try:
        dataset = jsonld.to_rdf(dict(document), {"documentLoader": loader, "safe": True})
        return _BoundedCanonicaliser().main(dataset, {"format": "application/n-quads"})
    except TooComplex:
        raise
    except (jsonld.JsonLdError, LookupError, TypeError, ValueError, AttributeError) as exc:
        # pyld reports most bad input as JsonLdError, but some (a null @vocab, a list as a
        # term's @id, a relative @context) surface as plain Python errors.
        raise ProofError(f"the document is not valid JSON-LD: {_jsonld_reason(exc)}") from None


def _jsonld_reason(exc: BaseException) -> str:
    """The innermost cause's message: pyld chains its errors with ``raise … from``, and a
    JsonLdError's str() is its args tuple followed by type and details."""
    cause = exc
    while cause.__cause__ is not None:
        cause = cause.__cause__
    message = cause.args[0] if cause.args else cause
    return (str(message).splitlines() or [type(cause).__name__])[0]


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
