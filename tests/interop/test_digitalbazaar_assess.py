"""Credentials issued by assess, verified by Digital Bazaar's JavaScript verifier with the
issuer's published controller document: verified when fresh, not after any change, not
once expired, and not with a key the controller document does not list; and revoked, by
Digital Bazaar's Bitstring Status List check, once the issuer revokes them."""
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


def certified(app, make_user) -> str:
    """The whole path: grading finishes an attempt and the service signs its certificate.
    Returns the certificate's public id."""
    from grading_support import finished_attempts, top_levels
    from helpers import FIXED_NOW
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    finished_attempts(app, make_user, 1)
    grader = make_user("grader@example.org", "grader")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader, top_levels(app, task_id), "",
                                           FIXED_NOW)
        return db.session.scalar(select(Certificate.public_id))


def served(client, public_id):
    """The credential, and what the verifier dereferences, as this server serves them: the
    controller document (/issuer) and the status list the credential names (/status/<id>)."""
    credential = client.get(f"/certificates/{public_id}.json").json
    issuer = credential["issuer"]["id"]
    controller = client.get("/issuer", headers={"Accept": "application/json"}).json
    list_url = credential["credentialStatus"]["statusListCredential"]
    status_list = client.get(list_url.removeprefix("https://assess.test"))
    assert status_list.status_code == 200
    return credential, {issuer: controller, list_url: status_list.json}


def test_a_certificate_issued_by_the_app_verifies(app, client, make_user, imported):
    """The controller document the /issuer endpoint serves is what the verifier
    dereferences; the status list /status/<id> serves says the credential stands."""
    credential, documents = served(client, certified(app, make_user))
    result = js_verify(credential, documents, "2026-11-24T00:00:00Z")
    assert result["verified"], result["errors"]
    assert credential["proof"]["verificationMethod"].startswith("https://assess.test/issuer#")
    assert [entry["set"] for entry in result["status"]] == [False]


def test_digital_bazaar_sees_a_revocation_in_the_status_list(app, client, make_user,
                                                             imported):
    from helpers import FIXED_NOW

    from assess.services import certificates
    public_id = certified(app, make_user)
    with app.app_context():
        certificates.revoke(public_id, 1, "Answers were shared with another applicant.",
                            FIXED_NOW)
    credential, documents = served(client, public_id)
    result = js_verify(credential, documents, "2026-11-24T00:00:00Z")
    assert not result["verified"]
    assert result["status"] == [{
        "statusPurpose": "revocation", "set": True,
        "statusListIndex": credential["credentialStatus"]["statusListIndex"],
        "statusListCredential": credential["credentialStatus"]["statusListCredential"]}]
    assert any("status is set: revocation" in error for error in result["errors"])


def test_a_status_list_the_issuer_did_not_sign_is_refused(app, client, make_user, imported):
    credential, documents = served(client, certified(app, make_user))
    list_url = credential["credentialStatus"]["statusListCredential"]
    forged = copy.deepcopy(documents[list_url])
    forged["validFrom"] = "2026-11-22T00:00:00Z"  # any change breaks the list's proof
    result = js_verify(credential, {**documents, list_url: forged}, "2026-11-24T00:00:00Z")
    assert not result["verified"]
    assert any("BitstringStatusListCredential" in error for error in result["errors"])
