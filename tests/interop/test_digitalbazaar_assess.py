"""Credentials issued by assess, verified by Digital Bazaar's JavaScript verifier with the
issuer's published controller document: verified when fresh, not after any change, not
once expired, and not with a key the controller document does not list."""
from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from credential_support import ISSUER_ID, NOW, Issued

from assess.settings import reconfigure
from interop.jsverify import js_verify, skip_reason

_reason = skip_reason()
if _reason is not None:
    pytest.skip(_reason, allow_module_level=True)

SOON = (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    return Issued(tmp_path_factory.mktemp("interop"))


def published(issued):
    from assess.credentials import issuer
    return {ISSUER_ID: issuer.controller_document(ISSUER_ID, issued.store.all())}


def test_a_fresh_credential_verifies(issued):
    result = js_verify(issued.credential, published(issued), SOON)
    assert result["verified"], result["errors"]


@pytest.mark.parametrize("change", ["name", "tier", "score", "validUntil", "issuer"])
def test_a_changed_credential_does_not(issued, change):
    altered = copy.deepcopy(issued.credential)
    subject = altered["credentialSubject"]
    if change == "name":
        altered["name"] = "Expert — another assessment"
    elif change == "tier":
        subject["achievement"]["name"] = "Specialist — General AI answer review screening"
    elif change == "score":
        subject["result"][0]["value"] = "99"
    elif change == "validUntil":
        altered["validUntil"] = "2036-11-23T12:00:00Z"
    else:
        altered["issuer"]["name"] = "Someone else"
    result = js_verify(altered, published(issued), SOON)
    assert not result["verified"]


def test_an_expired_credential_does_not(issued):
    result = js_verify(issued.credential, published(issued), "2027-11-24T12:00:00Z")
    assert not result["verified"]
    assert any("validUntil" in error for error in result["errors"]), result["errors"]


def test_a_key_missing_from_the_controller_document_fails(issued, tmp_path):
    stranger = Issued(tmp_path)  # same issuer id, a key the issuer never published
    result = js_verify(stranger.credential, published(issued), SOON)
    assert not result["verified"]


def test_rotation_keeps_old_credentials_verifying(issued):
    from assess.credentials import issuer
    store = issued.store
    store.generate(NOW)  # the newest key signs from now on; the old one stays published
    documents = {ISSUER_ID: issuer.controller_document(ISSUER_ID, store.all())}
    assert js_verify(issued.credential, documents, SOON)["verified"]


def test_a_certificate_issued_by_the_app_verifies(app, make_user, imported):
    """The whole path: grading finishes an attempt, the service signs it, and the controller
    document the /issuer endpoint serves is what the verifier dereferences."""
    from grading_support import finished_attempts, top_levels
    from helpers import FIXED_NOW
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import certificates, grading
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    finished_attempts(app, make_user, 1)
    grader = make_user("grader@example.org", "grader")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader, top_levels(app, task_id), "",
                                           FIXED_NOW)
        certificate = db.session.scalar(select(Certificate))
        documents = {certificates.issuer_id(): certificates.controller_document()}
        credential = certificate.credential
    result = js_verify(credential, documents, "2026-11-24T00:00:00Z")
    assert result["verified"], result["errors"]
    assert credential["proof"]["verificationMethod"].startswith("https://assess.test/issuer#")
