"""1EdTech's own validator samples, with the verdicts EXPECTED.md gives them."""
from __future__ import annotations

import json

import pytest
from helpers import FIXED_NOW, SHARED_DATA

from assess.credentials import documents, status, verify

SAMPLES = SHARED_DATA / "openbadges3" / "validator-samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(),
                                reason=f"Open Badges samples not found at {SAMPLES}")

EXPECTED = {
    "simple.json": ("valid", "the signature holds"),
    "simple-context-alias.json": ("valid", ""),
    "simple-did-key-method.json": ("valid", ""),
    "simple-did-web-method.json": ("valid", ""),
    "endorsement-valid.json": ("valid", ""),
    "simple-err-proof-value.json": ("tampered", "signature does not match"),
    "simple-err-expired.json": ("expired", "expired on 01 Jan 2010"),
    "simple-err-issued.json": ("not_yet_valid", "valid only from 01 Jan 2040"),
    "simple-err-type.json": ("malformed", "type: must include OpenBadgeCredential"),
    "simple-err-context.json": ("malformed", "@context: the first context must be"),
    "simple-err-issuer.json": ("malformed", "issuer: missing"),
    "simple-err-issuer-type.json": ("malformed", "issuer.type: must include Profile"),
    "simple-err-issuer-parentorg-type.json": ("malformed", "issuer.parentOrg.type"),
    "simple-err-issuer-otheridentifier-type.json": ("malformed", "issuer.otherIdentifier[1]"),
    "simple-err-credential-subject-type.json": ("malformed", "credentialSubject.type"),
    "simple-err-credential-subject-identifier-type.json": (
        "malformed", "credentialSubject.identifier[0].type: must include IdentityObject"),
    "simple-err-credential-subject-profile-type.json": ("malformed", "credentialSubject.source"),
    "simple-err-credential-subject-result-type.json": ("malformed", "credentialSubject.result[1]"),
    "simple-err-credential-subject-achievement-result-description-type.json": (
        "malformed", "resultDescription[2].type"),
    "simple-err-evidence-type.json": ("malformed", "evidence[1].type: must include Evidence"),
    "simple-err-proof-method.json": ("unknown_issuer", "cannot be resolved offline"),
    "simple-err-proof-method-no-scheme.json": ("unknown_issuer", "is not a URL or a DID"),
    "simple-err-proof-method-unknown-scheme.json": ("unknown_issuer", "is not a URL or a DID"),
    "simple-err-proof-method-unknown-did-method.json": ("unknown_issuer", "DID method 'example'"),
    "simple-multiple-proofs.json": ("malformed", "unsupported proof type 'SomeProofType'"),
    "simple-noproof.json": ("malformed", "carries no proof"),
    "complete.json": ("valid", ""),
    "simple.jwt": ("malformed", "JWT vc claim"),
    # EXPECTED.md: invalid, 1 fatal (BitstringStatusList); `testlist` is the list they name.
    "bit-string-list/credential-status-revoked.json": ("revoked", "sets index 23"),
    "bit-string-list/credential-status-revoked-blank-nodes.json": ("revoked", "sets index 23"),
}
# EXPECTED.md says "warning": they pass, with a warning naming the old form.
WARNED = {
    "simple-eddsa-2022.json": "eddsa-2022 is the pre-standard name",
    "simple_v1.json": "Ed25519Signature2020 is superseded",
}
OURS = verify.Issuer("https://assess.example/issuer", {})
# The URL the bit-string-list samples name as their status list; `testlist` is that list.
TESTLIST = ("https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/"
            "refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist")


def signed_testlist() -> dict:
    return json.loads((SAMPLES / "bit-string-list" / "testlist").read_text())


def loader(status_list: dict | None = None):
    return documents.document_loader({TESTLIST: status_list or signed_testlist()})


def check(name: str, documents_loader=None) -> verify.Verdict:
    text = (SAMPLES / name).read_text()
    return verify.verify(text, FIXED_NOW, OURS, lambda _id: None, documents_loader or loader())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_gets_the_expected_verdict(name):
    status, reason = EXPECTED[name]
    verdict = check(name)
    assert verdict.status == status, verdict.reason
    assert reason in verdict.reason


@pytest.mark.parametrize("name", sorted(WARNED))
def test_old_forms_pass_with_a_warning(name):
    verdict = check(name)
    assert verdict.ok, verdict.reason
    assert any(WARNED[name] in warning for warning in verdict.warnings)


def test_a_foreign_issuer_is_flagged_even_when_valid():
    verdict = check("simple.json")
    assert not verdict.ours
    assert any("does not know the issuer" in warning for warning in verdict.warnings)


def test_every_sample_gets_a_verdict_with_a_reason():
    for path in sorted(SAMPLES.rglob("*")):
        if path.suffix in (".json", ".jwt"):
            verdict = check(str(path.relative_to(SAMPLES)))
            assert verdict.status in verify.STATUS_TEXT
            assert verdict.reason


def test_changing_any_field_of_the_genuine_sample_breaks_it():
    original = json.loads((SAMPLES / "simple.json").read_text())
    for change in (("name", "Leadership Badge"), ("validFrom", "2011-01-01T00:00:00Z")):
        altered = {**original, change[0]: change[1]}
        verdict = verify.verify(altered, FIXED_NOW, OURS, lambda _id: None,
                                documents.document_loader())
        assert verdict.status == "tampered"


def test_the_revoked_samples_have_exactly_one_fatal_problem():
    verdict = check("bit-string-list/credential-status-revoked.json")
    assert not verdict.ok and len(verdict.errors) == 1
    assert TESTLIST in verdict.errors[0]


def test_an_unreachable_status_list_is_said_so_not_taken_for_valid():
    verdict = check("bit-string-list/credential-status-revoked.json",
                    documents.document_loader())
    assert verdict.status == "status_unknown" and not verdict.ok
    assert "could not be fetched" in verdict.reason and TESTLIST in verdict.reason


def test_a_status_list_whose_proof_fails_is_not_read():
    signed = signed_testlist()
    cleared = dict(signed, credentialSubject={**signed["credentialSubject"],
                                              "encodedList": status.encode(status.empty())})
    verdict = check("bit-string-list/credential-status-revoked.json", loader(cleared))
    assert verdict.status == "status_unknown"
    assert "not verified" in verdict.reason and "signature does not match" in verdict.reason


def test_a_status_list_from_another_issuer_is_not_read():
    verdict = check("bit-string-list/credential-status-revoked.json",
                    loader(dict(signed_testlist(), issuer="https://other.example/issuer")))
    assert verdict.status == "status_unknown" and "not by the credential's issuer" in verdict.reason
