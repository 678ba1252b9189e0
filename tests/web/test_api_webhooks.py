"""Webhook endpoints over the API: the secret shown once, changes, rotation, pings, the
deliveries list and replay, other platforms' endpoints invisible, and the events listed in
the OpenAPI document."""
from __future__ import annotations

from platform_support import another_key, bearer, platform_with_key

from assess.settings import reconfigure

EVENTS = ["attempt.scored", "certificate.revoked"]


def _create(client, key, url="https://hooks.acme.example/assess", events=EVENTS):
    made = client.post("/api/v1/webhook-endpoints", headers=bearer(key),
                       json={"url": url, "events": events})
    assert made.status_code == 201, made.text
    return made.json


def test_an_endpoint_from_registration_to_deletion(app, client):
    from assess.jobs import tasks
    platform_id, key = platform_with_key(app)
    made = _create(client, key)
    assert made["secret"].startswith("whsec_") and made["enabled"]
    listed = client.get("/api/v1/webhook-endpoints", headers=bearer(key)).json["endpoints"]
    assert [(e["id"], e["secret"], e["events"]) for e in listed] == [(made["id"], None, EVENTS)]
    path = f"/api/v1/webhook-endpoints/{made['id']}"

    changed = client.patch(path, headers=bearer(key), json={"events": ["appeal.decided"]})
    assert changed.status_code == 200 and changed.json["events"] == ["appeal.decided"]
    assert client.patch(path, headers=bearer(key), json={"events": ["nope"]}).status_code == 422
    assert client.patch(path, headers=bearer(key),
                        json={"url": "ftp://x.example/"}).status_code == 422
    rotated = client.post(f"{path}/rotate-secret", headers=bearer(key)).json
    assert rotated["secret"] != made["secret"] and rotated["previous_secret_until"]

    ping = client.post(f"{path}/test", headers=bearer(key))
    assert ping.status_code == 202 and ping.json["event_id"].startswith("msg_")
    with app.app_context():
        tasks.deliver_due_webhooks()  # hooks.acme.example does not resolve here: a retry
    [delivery] = client.get(f"{path}/deliveries", headers=bearer(key)).json["deliveries"]
    assert (delivery["event_id"], delivery["event_type"], delivery["status"],
            delivery["attempts"]) == (ping.json["event_id"], "webhook.test", "pending", 1)
    assert delivery["last_error"].startswith("refused: hooks.acme.example does not resolve")
    replayed = client.post(f"/api/v1/webhook-deliveries/{delivery['id']}/replay",
                           headers=bearer(key))
    assert replayed.status_code == 202 and replayed.json["attempts"] == 0

    paused = client.patch(path, headers=bearer(key), json={"enabled": False}).json
    assert paused["disabled_reason"] == "disabled by the platform"
    assert client.post(f"{path}/test", headers=bearer(key)).status_code == 409
    assert client.delete(path, headers=bearer(key)).status_code == 204
    assert client.get("/api/v1/webhook-endpoints", headers=bearer(key)).json["endpoints"] == []
    assert client.delete(path, headers=bearer(key)).status_code == 404


def test_only_the_platform_s_own_endpoints_with_the_scope(app, client):
    platform_id, key = platform_with_key(app)
    _, other = platform_with_key(app, "Other Labels")
    made = _create(client, key)
    path = f"/api/v1/webhook-endpoints/{made['id']}"
    assert client.get("/api/v1/webhook-endpoints", headers=bearer(other)).json[
        "endpoints"] == []
    for answer in (client.patch(path, headers=bearer(other), json={"enabled": False}),
                   client.delete(path, headers=bearer(other)),
                   client.post(f"{path}/test", headers=bearer(other)),
                   client.get(f"{path}/deliveries", headers=bearer(other))):
        assert answer.status_code == 404
    reader = another_key(app, platform_id, ["results:read"])
    refused = client.get("/api/v1/webhook-endpoints", headers=bearer(reader))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "insufficient_scope"


def test_the_ping_reaches_a_receiver_on_the_allow_list(app, client):
    from webhook_support import Receiver

    from assess.jobs import tasks
    reconfigure(app, WEBHOOK_ALLOWED_HOSTS="127.0.0.1")
    _, key = platform_with_key(app)
    with Receiver() as receiver:
        made = _create(client, key, receiver.url)
        receiver.secret = made["secret"]
        client.post(f"/api/v1/webhook-endpoints/{made['id']}/test", headers=bearer(key))
        with app.app_context():
            tasks.deliver_due_webhooks()
    assert receiver.types() == ["webhook.test"] and not receiver.rejected
    assert receiver.received[0]["data"] == {"endpoint_id": made["id"]}


def test_the_document_lists_the_events(client):
    document = client.get("/api/v1/openapi.json").json
    assert set(document["webhooks"]) == {
        "invitation.accepted", "attempt.submitted", "attempt.scored", "certificate.issued",
        "certificate.revoked", "appeal.decided", "webhook.test"}
    scored = document["webhooks"]["attempt.scored"]["post"]
    data = scored["requestBody"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/AttemptEventData"}
    assert "rank" in document["components"]["schemas"]["TierOut"]["properties"]
    assert {p["name"] for p in scored["parameters"]} == \
        {"webhook-id", "webhook-timestamp", "webhook-signature"}
    create = document["paths"]["/api/v1/webhook-endpoints"]["post"]
    assert create["security"] == [{"bearer": ["webhooks:manage"]}]
    page = client.get("/api/v1/docs").text
    assert 'id="webhook-certificate.revoked"' in page and "AttemptEventData" in page
