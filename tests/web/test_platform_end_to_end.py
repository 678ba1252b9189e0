"""A platform from end to end, over HTTP as it would see it: an admin registers it and gives
it a key; it registers a webhook endpoint (a real receiver on loopback that verifies every
request with the standardwebhooks library), invites two workers, who follow their links,
sign up and pass the screening; graders grade; the receiver gets each worker's events in
order, signed; the platform reads their tiers; an admin revokes one certificate, the
receiver hears of it and the verifier says revoked."""
from __future__ import annotations

import re

from exam_support import submit_gold_attempt
from grading_support import grade_all
from platform_support import bearer, token_of
from webhook_support import Receiver, payloads

from assess.settings import reconfigure

PASSWORD = "correct horse battery"
KEY = re.compile(r"ak_live_[a-z0-9]{8}_[A-Za-z0-9_-]{43}")
SCREENING = "general-screening"
JOURNEY = ["invitation.accepted", "attempt.submitted", "attempt.scored", "certificate.issued"]
WORKERS = {"worker-1": "ann@example.org", "worker-2": "bob@example.org"}


def admin_registers_the_platform(runner) -> str:
    assert runner.invoke(args=["platforms", "create", "Acme Labels", "--contact",
                               "ops@acme.example"]).exit_code == 0
    made = runner.invoke(args=["api-keys", "create", "Acme Labels", "--scope",
                               "invitations:write", "--scope", "results:read", "--scope",
                               "webhooks:manage"])
    assert made.exit_code == 0, made.output
    return KEY.findall(made.output)[0]


def worker_accepts(app, link: str, email: str) -> None:
    browser = app.test_client()
    path = "/invitations/" + token_of(link)
    signed_up = browser.post(f"/auth/register?next={path}", data={
        "name": email.split("@")[0], "email": email, "password": PASSWORD,
        "confirm": PASSWORD})
    assert signed_up.headers["Location"] == path
    assert browser.post(f"{path}/accept").headers["Location"] == f"/assessments/{SCREENING}"


def digital_bazaar_sees_the_revocation(client, credential) -> None:
    """Digital Bazaar's checkStatus on the served list, where Node.js and interop/ are
    installed (tests/interop says why not otherwise; it covers the same check alone)."""
    from interop.jsverify import js_verify, skip_reason
    if skip_reason() is not None:
        return
    list_url = credential["credentialStatus"]["statusListCredential"]
    documents = {credential["issuer"]["id"]: client.get(
                     "/issuer", headers={"Accept": "application/json"}).json,
                 list_url: client.get(list_url.removeprefix("https://assess.test")).json}
    result = js_verify(credential, documents, "2026-11-24T00:00:00Z")
    assert not result["verified"] and [e["set"] for e in result["status"]] == [True]


def deliver(app) -> None:
    from assess.jobs import tasks
    with app.app_context():
        tasks.deliver_due_webhooks()


def test_a_platform_hears_of_every_step_and_of_a_revocation(app, client, runner, imported,
                                                            make_user):
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0,
                WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"])
    key = admin_registers_the_platform(runner)
    with Receiver() as receiver:
        endpoint = client.post("/api/v1/webhook-endpoints", headers=bearer(key), json={
            "url": receiver.url, "events": ["invitation.accepted", "attempt.submitted",
                                            "attempt.scored", "certificate.issued",
                                            "certificate.revoked", "appeal.decided"]})
        assert endpoint.status_code == 201, endpoint.text
        receiver.secret = endpoint.json["secret"]
        assert client.get("/api/v1/webhook-endpoints", headers=bearer(key)).json[
            "endpoints"][0]["secret"] is None  # shown once

        for external_id, email in WORKERS.items():
            invited = client.post("/api/v1/invitations", headers=bearer(key), json={
                "email": email, "external_id": external_id, "assessment": SCREENING})
            assert invited.status_code == 201
            worker_accepts(app, invited.json["link"], email)
            submit_gold_attempt(app, email, SCREENING, app.config["CLOCK"]())
        for n in (1, 2):  # a task that could decide a tier is marked twice
            grade_all(app, make_user(f"grader{n}@example.org", "grader"))
        deliver(app)

        assert not receiver.rejected
        for external_id in WORKERS:
            assert [e["type"] for e in receiver.received
                    if e["data"]["external_id"] == external_id] == JOURNEY
        tiers = {}
        for scored in payloads(receiver, "attempt.scored"):
            candidate = client.get(f"/api/v1/candidates/{scored['external_id']}",
                                   headers=bearer(key)).json
            assert scored["tier"]["rank"] >= 1
            assert [scored["tier"]] == [a["tier"] for a in candidate["attempts"]]
            assert scored["score"] == candidate["attempts"][0]["score"]
            assert [(t["slug"], t["rank"]) for t in candidate["tiers"]] == \
                [(scored["tier"]["slug"], scored["tier"]["rank"])]
            tiers[scored["external_id"]] = candidate["certificates"][0]["id"]
        issued = {e["external_id"]: e["certificate_id"]
                  for e in payloads(receiver, "certificate.issued")}
        assert issued == tiers

        admin = app.test_client()
        make_user("admin@example.org", "admin")
        admin.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
        revoked = admin.post(f"/admin/certificates/{issued['worker-2']}/revoke",
                             data={"reason": "Answers were shared with another applicant."})
        assert revoked.status_code == 302
        deliver(app)
        assert receiver.types()[-1] == "certificate.revoked"
        [notice] = payloads(receiver, "certificate.revoked")
        assert (notice["external_id"], notice["certificate_id"]) == \
            ("worker-2", issued["worker-2"])
        assert len(receiver.unique()) == len(receiver.received) == 9

    credential = client.get(f"/certificates/{issued['worker-2']}.json").json
    verdict = client.post("/api/verify", json=credential).json
    assert verdict["status"] == "revoked" and not verdict["verified"]
    digital_bazaar_sees_the_revocation(client, credential)
    kept = client.post("/api/verify",
                       json=client.get(f"/certificates/{issued['worker-1']}.json").json).json
    assert kept["verified"]
