"""Invitations: created over the API with a one-time link, followed in the browser (sign up,
accept, linked to the platform's worker id), listed, revoked; Idempotency-Key replays."""
from __future__ import annotations

from datetime import timedelta

from helpers import FIXED_NOW
from platform_support import another_key, bearer, platform_with_key, token_of

PASSWORD = "correct horse battery"


def invite(client, key, **body):
    body = {"email": "ann@example.org", "external_id": "worker-17", **body}
    made = client.post("/api/v1/invitations", headers=bearer(key), json=body)
    assert made.status_code == 201, made.text
    return made.json


def test_an_invitation_from_link_to_linked_candidate(app, client, imported, make_user):
    _, key = platform_with_key(app, "Acme Labels")
    made = invite(client, key, email="Ann@Example.org", assessment="general-screening")
    assert made["status"] == "pending" and made["email"] == "ann@example.org"
    assert made["link"].startswith("https://assess.test/invitations/")
    assert made["expires_at"] == "2026-12-07T12:00:00Z"  # 14 days by default
    link = "/invitations/" + token_of(made["link"])

    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Acme Labels invites you" in page.text and "General AI answer review" in page.text
    register = client.get(f"/auth/register?next={link}&email=ann@example.org")
    assert 'value="ann@example.org"' in register.text
    signed_up = client.post(f"/auth/register?next={link}", data={
        "name": "Ann", "email": "ann@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert signed_up.status_code == 302 and signed_up.headers["Location"] == link
    assert "Accept the invitation" in client.get(link).text
    accepted = client.post(f"{link}/accept")
    assert accepted.headers["Location"] == "/assessments/general-screening"
    assert "You have accepted this invitation." in client.get(link).text

    candidate = client.get("/api/v1/candidates/worker-17", headers=bearer(key))
    assert candidate.status_code == 200 and candidate.json["attempts"] == []
    listed = client.get("/api/v1/invitations?status=accepted", headers=bearer(key)).json
    assert [(i["id"], i["status"], i["accepted_at"]) for i in listed["invitations"]] == \
        [(made["id"], "accepted", "2026-11-23T12:00:00Z")]
    assert "link" not in listed["invitations"][0]  # the link is given once

    # The link is used up: someone else cannot accept it.
    client.post("/auth/logout")
    make_user("bob@example.org", password=PASSWORD)
    client.post("/auth/login", data={"email": "bob@example.org", "password": PASSWORD})
    assert "already been used" in client.get(link).text
    refused = client.post(f"{link}/accept", follow_redirects=True)
    assert "This invitation is accepted" in refused.text
    revoked = client.post(f"/api/v1/invitations/{made['id']}/revoke", headers=bearer(key))
    assert revoked.status_code == 409 and revoked.json["error"]["code"] == "invitation_closed"


def test_only_the_invited_address_accepts_and_a_worker_id_links_once(app, client, login):
    _, key = platform_with_key(app)
    first = invite(client, key, email="someone@example.org", external_id="w-1")
    other = invite(client, key, email="other@example.org", external_id="w-1")
    login("other@example.org", password=PASSWORD)
    wrong = client.post(f"/invitations/{token_of(first['link'])}/accept", follow_redirects=True)
    assert "This invitation was sent to someone@example.org" in wrong.text
    client.post(f"/invitations/{token_of(other['link'])}/accept")
    client.post("/auth/logout")
    login("someone@example.org", password=PASSWORD)
    taken = client.post(f"/invitations/{token_of(first['link'])}/accept",
                        follow_redirects=True)
    assert "Another account is already linked to this worker id" in taken.text
    assert client.get("/invitations/not-a-real-token").status_code == 404


def test_idempotency_key_replays_the_same_answer_and_refuses_another_body(app, client):
    platform_id, key = platform_with_key(app)
    body = {"email": "ann@example.org", "external_id": "w-1"}
    headers = {**bearer(key), "Idempotency-Key": "create-w-1"}
    first = client.post("/api/v1/invitations", headers=headers, json=body)
    again = client.post("/api/v1/invitations", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    conflict = client.post("/api/v1/invitations", headers=headers,
                           json={**body, "external_id": "w-2"})
    assert conflict.status_code == 409
    assert conflict.json["error"] == {
        "code": "idempotency_conflict", "field": "Idempotency-Key",
        "message": "This Idempotency-Key was already used for a different request."}
    listed = client.get("/api/v1/invitations", headers=bearer(key)).json["invitations"]
    assert [i["id"] for i in listed] == [first.json["id"]]
    # Keys are stored per API key: another key of the platform starts afresh.
    second_key = another_key(app, platform_id, ["invitations:write"])
    fresh = client.post("/api/v1/invitations", json=body,
                        headers={**bearer(second_key), "Idempotency-Key": "create-w-1"})
    assert fresh.status_code == 201 and fresh.json["id"] != first.json["id"]
    revoke = {**bearer(key), "Idempotency-Key": "revoke-1"}
    path = f"/api/v1/invitations/{first.json['id']}/revoke"
    assert client.post(path, headers=revoke).json == client.post(path, headers=revoke).json
    assert client.post("/api/v1/invitations", json=body,
                       headers={**bearer(key), "Idempotency-Key": ""}).status_code == 422


def test_revoking_listing_and_refusals(app, client, imported):
    _, key = platform_with_key(app)
    made = [invite(client, key, email=f"p{n}@example.org", external_id=f"w-{n}")
            for n in range(3)]
    revoked = client.post(f"/api/v1/invitations/{made[1]['id']}/revoke", headers=bearer(key))
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert "This invitation is revoked" in client.get(
        "/invitations/" + token_of(made[1]["link"])).text

    def listed(query):
        answer = client.get(f"/api/v1/invitations?{query}", headers=bearer(key))
        assert answer.status_code == 200, answer.text
        return answer.json
    assert [i["external_id"] for i in listed("status=pending")["invitations"]] == ["w-0", "w-2"]
    assert [i["external_id"] for i in listed("status=revoked")["invitations"]] == ["w-1"]
    assert [i["id"] for i in listed("external_id=w-2")["invitations"]] == [made[2]["id"]]
    assert [i["id"] for i in listed("email=P0@example.org")["invitations"]] == [made[0]["id"]]
    first = listed("limit=2")
    rest = listed(f"limit=2&cursor={first['next_cursor']}")
    assert [i["id"] for i in first["invitations"] + rest["invitations"]] == \
        [m["id"] for m in made] and rest["next_cursor"] is None

    def refused(body, field):
        answer = client.post("/api/v1/invitations", headers=bearer(key), json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json["error"]["code"] == "invalid"
        assert answer.json["error"]["field"] == field
    ok = {"email": "x@example.org", "external_id": "w-9"}
    refused({**ok, "assessment": "no-such-test"}, "assessment")
    refused({**ok, "expires_at": (FIXED_NOW - timedelta(hours=1)).isoformat()}, "expires_at")
    refused({**ok, "expires_at": (FIXED_NOW + timedelta(days=91)).isoformat()}, "expires_at")
    refused({**ok, "email": "not an email"}, "email")
    refused({"email": "x@example.org"}, "external_id")
    refused({**ok, "colour": "blue"}, "colour")
    later = invite(client, key, email="x@example.org", external_id="w-9",
                   expires_at="2026-11-30T12:00:00+00:00")
    assert later["expires_at"] == "2026-11-30T12:00:00Z"
