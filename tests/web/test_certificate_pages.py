"""Certificates on the web: the public page (and nothing private on it), the JSON and JWT
forms, the issuer's keys, verification by page and by API, the applicant's certificates with
what the next tier needs, and revocation by an admin."""
from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from exam_support import set_clock
from grading_support import finished_attempts, top_levels
from helpers import FIXED_NOW
from sqlalchemy import select

from assess.settings import reconfigure

PASSWORD = "correct horse battery"
EXPERT_EMAIL = "applicant0@example.org"  # every written answer graded top: Expert
SPECIALIST_EMAIL = "applicant1@example.org"  # justifications graded 4 of 6: Specialist
PENDING_EMAIL = "waiting0@example.org"  # submitted, not graded yet


@dataclass(frozen=True)
class Issued:
    expert: str  # public ids
    specialist: str
    credential: dict
    jwt: str
    kid: str


@pytest.fixture
def issued(app, make_user, imported) -> Issued:
    """Two scored attempts with certificates (Expert, Specialist) and one awaiting grading,
    all through the real services."""
    from assess.extensions import db
    from assess.models import Attempt, Certificate, GradingTask, Response
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    expert, specialist = finished_attempts(app, make_user, 2)
    grader = make_user("grader@example.org", "grader")
    make_user("admin@example.org", "admin")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        while task_id is not None:
            task = db.session.get(GradingTask, task_id)
            owner = db.session.scalar(select(Attempt.user_id).join(
                Response, Response.attempt_id == Attempt.id).where(Response.id == task.response_id))
            levels = top_levels(app, task_id)
            if owner == specialist and task.kind == "justification":
                levels["clarity"] = "0"  # written reasoning 4 of 6: below Expert's 70%
            task_id = grading.submit_grade(task_id, grader, levels, "", FIXED_NOW)
        certificates = {c.user_id: c for c in db.session.scalars(select(Certificate))}
        assert certificates[expert].tier_slug == "expert"
        assert certificates[specialist].tier_slug == "specialist"
        mine = certificates[expert]
        result = Issued(mine.public_id, certificates[specialist].public_id,
                        copy.deepcopy(mine.credential), mine.jwt, mine.key_id)
    finished_attempts(app, make_user, 1, prefix="waiting")
    return result


def sign_in(client, email):
    client.post("/auth/logout")
    reply = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert reply.status_code == 302, reply.text


def api_verify(client, **kwargs):
    reply = client.post("/api/verify", **kwargs)
    assert reply.status_code == 200, reply.text
    return reply.json


def test_the_public_page_states_the_certificate_and_nothing_private(app, client, issued):
    page = client.get(f"/certificates/{issued.expert}")
    assert page.status_code == 200
    text = page.text
    for shown in ("Expert", "General AI answer review screening", "Domain</dt><dd>General",
                  "Issued</dt><dd>23 Nov 2026", "Expires</dt><dd>23 Nov 2027",
                  "<strong>Valid</strong>", "100%", "this tier requires 85%",
                  "Written reasoning", 'href="/issuer"', f"/certificates/{issued.expert}.json",
                  f"/certificates/{issued.expert}.jwt", f"/verify?id={issued.expert}",
                  f"https://assess.test/certificates/{issued.expert}"):
        assert shown in text, shown
    subject = issued.credential["credentialSubject"]["identifier"][0]
    for private in (EXPERT_EMAIL, "applicant0", subject["identityHash"], subject["salt"]):
        assert private not in text

    set_clock(app, FIXED_NOW + timedelta(days=400))
    assert "Expired on 23 Nov 2027" in client.get(f"/certificates/{issued.expert}").text
    sign_in(client, "admin@example.org")
    expired = client.get("/admin/certificates?status=expired").text
    assert issued.expert in expired and issued.specialist in expired
    assert issued.expert not in client.get("/admin/certificates?status=valid").text
    sign_in(client, EXPERT_EMAIL)
    mine = client.get("/me/certificates").text
    assert "Current tier: <strong>none held</strong>" in mine and "(expired)" in mine
    assert "Your Expert certificate is no longer valid." in mine
    assert "You reached the highest tier" not in mine


def test_the_json_and_jwt_forms(client, issued):
    as_json = client.get(f"/certificates/{issued.expert}.json")
    assert as_json.status_code == 200 and as_json.mimetype == "application/json"
    assert as_json.headers["Access-Control-Allow-Origin"] == "*"
    assert as_json.headers["Content-Disposition"].startswith("inline")
    assert as_json.json == issued.credential
    as_jwt = client.get(f"/certificates/{issued.expert}.jwt")
    assert as_jwt.status_code == 200 and as_jwt.mimetype == "text/plain"
    assert as_jwt.headers["Access-Control-Allow-Origin"] == "*"
    assert as_jwt.text == issued.jwt


def test_the_api_verifies_both_forms_and_spots_tampering(client, issued):
    credential = client.get(f"/certificates/{issued.expert}.json").json
    verdict = api_verify(client, json=credential)
    assert verdict["status"] == "valid" and verdict["verified"] and verdict["issued_here"]
    assert verdict["format"] == "json" and verdict["credential_id"].endswith(issued.expert)

    wrapped = api_verify(client, json={"credential": credential})
    assert wrapped["status"] == "valid"
    jwt = client.get(f"/certificates/{issued.expert}.jwt").text
    for kwargs in ({"data": jwt, "content_type": "text/plain"}, {"json": {"credential": jwt}}):
        verdict = api_verify(client, **kwargs)
        assert (verdict["status"], verdict["format"]) == ("valid", "jwt"), verdict

    tampered = copy.deepcopy(credential)
    tampered["name"] = "Expert — a much harder assessment"
    verdict = api_verify(client, json=tampered)
    assert verdict["status"] == "tampered" and not verdict["verified"]
    assert verdict["errors"]


def test_the_api_refuses_empty_and_oversized_bodies_and_calls_garbage_malformed(client,
                                                                               issued):
    for garbage in ("hello", "{not json", "[1, 2]", "a.b.c", "[" * 5000 + "]" * 5000):
        verdict = api_verify(client, data=garbage, content_type="text/plain")
        assert verdict["status"] == "malformed" and not verdict["verified"], garbage
    assert api_verify(client, json={"credential": 42})["status"] == "malformed"
    for empty in ({"data": b""}, {"data": "   ", "content_type": "text/plain"},
                  {"json": {"credential": ""}}):
        reply = client.post("/api/verify", **empty)
        assert reply.status_code == 400
        assert reply.json["error"]["code"] == "empty"
        assert set(reply.json["error"]) == {"code", "message", "field"}
    big = client.post("/api/verify", data="x" * (256 * 1024 + 1), content_type="text/plain")
    assert big.status_code == 413 and big.json["error"]["code"] == "too_large"
    assert "256 KB" in big.json["error"]["message"]


def test_the_issuer_publishes_the_key_the_proof_names(client, issued):
    method = issued.credential["proof"]["verificationMethod"]
    assert method == f"https://assess.test/issuer#{issued.kid}"
    for reply in (client.get("/issuer", headers={"Accept": "application/ld+json, "
                                                           "application/json"}),
                  client.get("/issuer", headers={"Accept": "application/json"}),
                  client.get("/issuer.json")):
        assert reply.status_code == 200 and reply.headers["Access-Control-Allow-Origin"] == "*"
        document = json.loads(reply.data)
        assert document["id"] == "https://assess.test/issuer"
        assert method in document["assertionMethod"]
        assert any(m["id"] == method and m["publicKeyMultibase"].startswith("z")
                   for m in document["verificationMethod"])
    html = client.get("/issuer", headers={"Accept": "text/html,*/*;q=0.8"})
    assert html.mimetype == "text/html" and issued.kid in html.text and method in html.text
    assert "Signs new certificates" in html.text
    jwks = client.get("/.well-known/jwks.json")
    assert jwks.headers["Access-Control-Allow-Origin"] == "*"
    assert [key["kid"] for key in jwks.json["keys"]] == [issued.kid]
    assert jwks.json["keys"][0]["crv"] == "Ed25519"


def test_the_verify_page(client, issued):
    assert 'name="credential"' in client.get("/verify").text
    stored = client.get(f"/verify?id={issued.expert}")
    assert stored.status_code == 200 and "Result:</span> Valid" in stored.text
    assert client.get("/verify?id=not-a-certificate").status_code == 404

    pasted = client.post("/verify", data={"credential": issued.jwt})
    assert pasted.status_code == 200 and "Result:</span> Valid" in pasted.text
    assert "Expert — General AI answer review screening" in pasted.text

    uploaded = client.post("/verify", content_type="multipart/form-data", data={
        "credential": "", "upload": (io.BytesIO(json.dumps(issued.credential).encode()),
                                     "certificate.json")})
    assert "Result:</span> Valid" in uploaded.text

    tampered = copy.deepcopy(issued.credential)
    tampered["name"] = "<script>alert('owned')</script>"
    shown = client.post("/verify", data={"credential": json.dumps(tampered)})
    assert "Result:</span> Tampered" in shown.text
    assert "<script>alert" not in shown.text and "&lt;script&gt;" in shown.text

    assert "Not a valid credential" in client.post("/verify", data={"credential": "hi"}).text
    empty = client.post("/verify", data={"credential": "  "})
    assert empty.status_code == 400 and "Paste a credential" in empty.text


def test_an_admin_revokes_a_certificate(client, issued):
    sign_in(client, EXPERT_EMAIL)
    assert client.get("/admin/certificates").status_code == 403
    refused = client.post(f"/admin/certificates/{issued.expert}/revoke",
                          data={"reason": "Not allowed to do this"})
    assert refused.status_code == 403

    sign_in(client, "admin@example.org")
    listing = client.get("/admin/certificates").text
    assert EXPERT_EMAIL in listing and SPECIALIST_EMAIL in listing
    short = client.post(f"/admin/certificates/{issued.expert}/revoke", data={"reason": "no"})
    assert short.status_code == 422 and "5 to 500 characters" in short.text
    reason = "Answers were shared with another applicant."
    done = client.post(f"/admin/certificates/{issued.expert}/revoke", data={"reason": reason})
    assert done.status_code == 302
    again = client.post(f"/admin/certificates/{issued.expert}/revoke",
                        data={"reason": reason}, follow_redirects=True)
    assert "already revoked" in again.text

    revoked = client.get("/admin/certificates?status=revoked").text
    assert issued.expert in revoked and issued.specialist not in revoked
    valid = client.get("/admin/certificates?status=valid").text
    assert issued.specialist in valid and issued.expert not in valid

    client.post("/auth/logout")
    page = client.get(f"/certificates/{issued.expert}").text
    assert "Revoked on 23 Nov 2026" in page and reason in page
    verdict = api_verify(client, json=issued.credential)
    assert verdict["status"] == "revoked" and reason in verdict["reason"]
    assert api_verify(client, data=issued.jwt, content_type="text/plain")["status"] == "revoked"


def test_revocation_needs_a_csrf_token_but_the_api_does_not(app, client, issued):
    sign_in(client, "admin@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    reply = client.post(f"/admin/certificates/{issued.expert}/revoke",
                        data={"reason": "A reason long enough to be accepted."})
    assert reply.status_code == 400 and "Your form expired" in reply.text
    assert client.post("/verify", data={"credential": issued.jwt}).status_code == 400
    assert api_verify(client, json=issued.credential)["status"] == "valid"


def test_my_certificates(client, issued):
    assert client.get("/me/certificates").status_code == 302  # sign in first

    sign_in(client, SPECIALIST_EMAIL)
    mine = client.get("/me/certificates").text
    assert "Current tier: <strong>Specialist</strong>" in mine
    assert issued.specialist in mine and issued.expert not in mine
    assert "expires in 365 days" in mine
    assert "What Expert needs" in mine and "Written reasoning 66.6% — needs 70%" in mine
    needs = mine.split("What Expert needs")[1]
    assert "Overall score 84.6% — needs 85%" in needs
    assert "Judgment" not in needs  # met: only what is missing is listed

    sign_in(client, EXPERT_EMAIL)
    mine = client.get("/me/certificates").text
    assert "Current tier: <strong>Expert</strong>" in mine
    assert issued.expert in mine and issued.specialist not in mine
    assert "You reached the highest tier" in mine

    sign_in(client, PENDING_EMAIL)
    mine = client.get("/me/certificates").text
    assert "Your written answers are being graded" in mine
    assert issued.expert not in mine and issued.specialist not in mine


def test_unknown_certificates_are_404(client, issued):
    for path in ("/certificates/nope", "/certificates/00000000-0000-4000-8000-000000000000",
                 "/certificates/nope.json", "/certificates/nope.jwt",
                 "/certificates/00000000-0000-4000-8000-000000000000.json"):
        assert client.get(path).status_code == 404, path
    sign_in(client, "admin@example.org")
    assert client.get("/admin/certificates/nope").status_code == 404


def test_undecodable_bodies_and_lone_surrogates_get_a_verdict(client, issued):
    body = json.dumps(dict(issued.credential, name="\ud800"))
    verdict = api_verify(client, data=body, content_type="application/json")
    assert verdict["status"] == "malformed" and "surrogate" in verdict["reason"]
    page = client.post("/verify", data={"credential": body})
    assert page.status_code == 200 and "surrogate" in page.text
    for raw in (b"{\xff\xfe}", b"\xc3\x28.\xa0\xa1.x", b"\xff\xfe" + body.encode("utf-16-le")):
        assert api_verify(client, data=raw, content_type="application/json")["status"] \
            == "malformed"
    inline = dict(issued.credential,
                  **{"@context": [*issued.credential["@context"], {"@vocab": None}]})
    verdict = api_verify(client, json=inline)
    assert verdict["status"] == "malformed" and "JSON-LD" in verdict["reason"]
