"""Revocation outsiders can check (the issuer's Bitstring Status Lists at /status/<id>) and
verification a platform can rely on (only this server's and trusted issuers' credentials
are verified)."""
from __future__ import annotations

import copy
import json
import re

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grading_support import finished_attempts, top_levels
from helpers import FIXED_NOW
from sqlalchemy import select

from assess.credentials import credential as builder
from assess.credentials import dataintegrity, documents, jose, status
from assess.credentials.multikey import public_key_multibase
from assess.settings import reconfigure

PASSWORD = "correct horse battery"
REASON = "Answers were shared with another applicant."


@pytest.fixture
def certified(app, make_user, imported) -> list[str]:
    """Two applicants graded to a certificate each; their public ids."""
    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    finished_attempts(app, make_user, 2)
    grader = make_user("grader@example.org", "grader")
    make_user("admin@example.org", "admin")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader, top_levels(app, task_id), "",
                                           FIXED_NOW)
        return list(db.session.scalars(select(Certificate.public_id).order_by(Certificate.id)))


def entry_of(client, public_id):
    return client.get(f"/certificates/{public_id}.json").json["credentialStatus"]


def list_path(entry) -> str:
    return entry["statusListCredential"].removeprefix("https://assess.test")


def bit(client, entry) -> bool:
    listed = client.get(list_path(entry)).json
    return status.is_set(status.decode(listed["credentialSubject"]["encodedList"]),
                         int(entry["statusListIndex"]))


def api_verify(client, presented):
    kwargs = {"json": presented} if isinstance(presented, dict) else \
        {"data": presented, "content_type": "text/plain"}
    reply = client.post("/api/verify", **kwargs)
    assert reply.status_code == 200, reply.text
    return reply.json


def test_every_certificate_names_a_random_index_in_a_published_list(client, certified):
    first, second = (entry_of(client, public_id) for public_id in certified)
    assert first["type"] == "BitstringStatusListEntry"
    assert first["statusPurpose"] == "revocation"
    assert re.fullmatch(r"https://assess\.test/status/\d+", first["statusListCredential"])
    assert second["statusListCredential"] == first["statusListCredential"]
    assert first["id"] == f"{first['statusListCredential']}#{first['statusListIndex']}"
    assert isinstance(first["statusListIndex"], str)
    assert first["statusListIndex"] != second["statusListIndex"]
    assert all(0 <= int(e["statusListIndex"]) < 131_072 for e in (first, second))

    reply = client.get(list_path(first))
    assert reply.status_code == 200 and reply.mimetype == "application/json"
    listed = reply.json
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["id"] == first["statusListCredential"]
    assert listed["issuer"] == "https://assess.test/issuer"
    assert listed["credentialSubject"]["type"] == "BitstringStatusList"
    assert listed["credentialSubject"]["encodedList"].startswith("u")
    assert listed["proof"]["verificationMethod"].startswith("https://assess.test/issuer#")
    assert len(status.decode(listed["credentialSubject"]["encodedList"])) * 8 == 131_072
    assert not bit(client, first) and not bit(client, second)
    assert client.get("/status/999").status_code == 404


def test_the_list_is_cacheable(client, certified):
    path = list_path(entry_of(client, certified[0]))
    reply = client.get(path)
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=60" in reply.headers["Cache-Control"]
    assert "public" in reply.headers["Cache-Control"]
    etag = reply.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert client.get(path).headers["ETag"] == etag  # not re-signed while nothing changed


def test_revoking_sets_the_bit_and_re_signs_the_list(client, certified):
    expert, other = certified
    entry = entry_of(client, expert)
    before = client.get(list_path(entry))
    client.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
    done = client.post(f"/admin/certificates/{expert}/revoke", data={"reason": REASON})
    assert done.status_code == 302
    after = client.get(list_path(entry), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert bit(client, entry) and not bit(client, entry_of(client, other))
    assert after.json["proof"]["proofValue"] != before.json["proof"]["proofValue"]


def test_a_revocation_by_rescoring_reaches_the_list(app, client, certified):
    """Revocations inside scoring only move the list on; it is re-signed when served."""
    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import certificates
    entry = entry_of(client, certified[0])
    assert not bit(client, entry)
    with app.app_context():
        found = db.session.scalar(select(Certificate).where(
            Certificate.public_id == certified[0]))
        certificates._revoke(found, FIXED_NOW, "the attempt was rescored")
        db.session.commit()
    assert bit(client, entry)


def test_our_verifier_reads_our_own_list(app, client, certified):
    """Even when the certificate row says nothing (a credential from a restored backup, say),
    the status list it names decides."""
    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import status_lists
    credential = client.get(f"/certificates/{certified[0]}.json").json
    assert api_verify(client, credential)["status"] == "valid"
    with app.app_context():
        certificate_id = db.session.scalar(select(Certificate.id).where(
            Certificate.public_id == certified[0]))
        db.session.execute(Certificate.__table__.update()
                           .where(Certificate.id == certificate_id)
                           .values(revoked_at=FIXED_NOW))  # no reason recorded
        status_lists.revoked(certificate_id)
        db.session.commit()
    verdict = api_verify(client, credential)
    assert verdict["status"] == "revoked" and not verdict["verified"]


# ---- trust -------------------------------------------------------------------------------

def re_signed(credential: dict, issuer_id: str) -> tuple[dict, str]:
    """The credential, re-signed by a stranger's key under ``issuer_id``: JSON and JWT."""
    key = Ed25519PrivateKey.generate()
    method = f"{issuer_id}#{public_key_multibase(key.public_key())}"
    unsigned = {k: copy.deepcopy(v) for k, v in credential.items()
                if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {**unsigned["issuer"], "id": issuer_id}
    signed = dataintegrity.sign(unsigned, key, method, builder.timestamp(FIXED_NOW),
                                documents.document_loader())
    return signed, jose.sign(unsigned, key, method)


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_look_alike_issuer_is_unknown(app, client, certified, form):
    credential = client.get(f"/certificates/{certified[0]}.json").json
    signed, jwt = re_signed(credential, "https://assess.test.example/issuer")
    verdict = api_verify(client, signed if form == "json" else jwt)
    assert verdict["status"] == "unknown_issuer" and verdict["verified"] is False
    assert verdict["format"] == form and not verdict["issued_here"]
    assert "neither this server" in verdict["reason"]
    page = client.post("/verify", data={"credential": json.dumps(signed) if form == "json"
                                        else jwt})
    assert "Result:</span> Unknown issuer" in page.text


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_trusted_issuer_is_verified(app, client, certified, form):
    credential = client.get(f"/certificates/{certified[0]}.json").json
    key = Ed25519PrivateKey.generate()
    partner = f"did:key:{public_key_multibase(key.public_key())}"
    method = f"{partner}#{partner.removeprefix('did:key:')}"
    unsigned = {k: v for k, v in credential.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {**unsigned["issuer"], "id": partner}
    signed = dataintegrity.sign(unsigned, key, method, builder.timestamp(FIXED_NOW),
                                documents.document_loader())
    presented = signed if form == "json" else jose.sign(unsigned, key, method)
    assert api_verify(client, presented)["status"] == "unknown_issuer"
    reconfigure(app, TRUSTED_ISSUERS=[partner])
    verdict = api_verify(client, presented)
    assert verdict["status"] == "valid" and verdict["verified"], verdict
    assert not verdict["issued_here"]


def test_a_trusted_https_issuer_needs_its_controller_document(app, client, certified,
                                                              monkeypatch, tmp_path):
    from assess.services import certificates
    # instance/trusted-issuers/, here in a folder of the test's own
    monkeypatch.setattr(certificates, "TRUSTED_DOCUMENTS", str(tmp_path / "trusted"))
    partner = "https://partner.example/issuer"
    credential = client.get(f"/certificates/{certified[0]}.json").json
    key = Ed25519PrivateKey.generate()
    method = f"{partner}#key-1"
    unsigned = {k: v for k, v in credential.items() if k not in ("proof", "credentialStatus")}
    unsigned["issuer"] = {**unsigned["issuer"], "id": partner}
    signed = dataintegrity.sign(unsigned, key, method, builder.timestamp(FIXED_NOW),
                                documents.document_loader())
    reconfigure(app, TRUSTED_ISSUERS=f"{partner} did:key:z6Mkexample")
    assert api_verify(client, signed)["status"] == "unknown_issuer"
    saved = tmp_path / "trusted" / "partner.json"
    saved.parent.mkdir()
    saved.write_text(json.dumps({
        "@context": ["https://www.w3.org/ns/did/v1"], "id": partner,
        "verificationMethod": [{"id": method, "type": "Multikey", "controller": partner,
                                "publicKeyMultibase": public_key_multibase(key.public_key())}],
        "assertionMethod": [method]}))
    verdict = api_verify(client, signed)
    assert verdict["status"] == "valid", verdict


# ---- achievement ids ---------------------------------------------------------------------

def test_ids_have_one_fragment_and_old_certificates_still_show(app, client, certified):
    from assess.extensions import db
    from assess.models import Certificate
    from assess.services import certificates
    credential = client.get(f"/certificates/{certified[0]}.json").json
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == \
        "https://assess.test/assessments/general-screening/tiers/expert"
    for description in achievement["resultDescription"]:
        assert description["id"].count("#") == 1
        assert description["id"].startswith(achievement["id"] + "#result-")

    # a certificate signed before: "…/general-screening#tier-expert#result-overall"
    old = json.loads(json.dumps(credential).replace(
        "/general-screening/tiers/expert", "/general-screening#tier-expert"))
    del old["proof"], old["credentialStatus"]
    with app.app_context():
        key = certificates.signing_key(FIXED_NOW)
        old = dataintegrity.sign(old, key.private, f"https://assess.test/issuer#{key.kid}",
                                 builder.timestamp(FIXED_NOW), certificates.loader())
        found = db.session.scalar(select(Certificate).where(
            Certificate.public_id == certified[0]))
        found.credential = old
        db.session.commit()
    page = client.get(f"/certificates/{certified[0]}").text
    assert "Written reasoning" in page and "100%" in page
    verdict = api_verify(client, old)
    assert verdict["status"] == "valid", verdict
