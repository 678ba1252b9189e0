"""Who may call the API: a key without the scope gets 403, another platform's data is 404,
a missing, unknown or revoked key is 401; every answer is in the shared error shape."""
from __future__ import annotations

from datetime import timedelta

from exam_support import set_clock
from helpers import FIXED_NOW
from platform_support import another_key, bearer, link_candidate, platform_with_key


def test_scope_platform_and_revocation(app, client, make_user):
    acme_id, acme = platform_with_key(app, "Acme Labels")
    _, rival = platform_with_key(app, "Rival Data")
    link_candidate(app, rival, make_user("theirs@example.org"), "rival-7")
    link_candidate(app, acme, make_user("ours@example.org"), "acme-1")
    reader = another_key(app, acme_id, ["assessments:read"])

    # A key without the scope: 403, naming the scope it lacks.
    refused = client.get("/api/v1/attempts", headers=bearer(reader))
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "insufficient_scope"
    assert 'scope="results:read"' in refused.headers["WWW-Authenticate"]
    assert client.get("/api/v1/assessments", headers=bearer(reader)).status_code == 200

    # Another platform's candidate and invitation do not exist for this key.
    assert client.get("/api/v1/candidates/acme-1", headers=bearer(acme)).status_code == 200
    theirs = client.get("/api/v1/candidates/rival-7", headers=bearer(acme))
    assert theirs.status_code == 404 and theirs.json["error"]["code"] == "not_found"
    rival_invitations = client.get("/api/v1/invitations", headers=bearer(rival)).json
    rival_invitation = rival_invitations["invitations"][0]["id"]
    assert client.post(f"/api/v1/invitations/{rival_invitation}/revoke",
                       headers=bearer(acme)).status_code == 404
    ours = client.get("/api/v1/invitations", headers=bearer(acme)).json["invitations"]
    assert [i["external_id"] for i in ours] == ["acme-1"]

    # A revoked key, a missing one, an unknown one: 401 with the Bearer challenge.
    with app.app_context():
        from assess.services import api_keys
        api_keys.revoke(api_keys.key_by_prefix(acme[:16]).id, FIXED_NOW)
    set_clock(app, FIXED_NOW + timedelta(seconds=1))
    for headers in (bearer(acme), {}, bearer("ak_live_00000000_nope"), {"Authorization": acme}):
        answer = client.get("/api/v1/assessments", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.json["error"]["code"] == "unauthorized"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/assessments", headers=bearer(reader)).status_code == 200


def test_the_api_needs_no_csrf_token_and_sets_no_session(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    _, key = platform_with_key(app)
    made = client.post("/api/v1/invitations", headers=bearer(key),
                       json={"email": "new@example.org", "external_id": "w-9"})
    assert made.status_code == 201, made.text
    assert "Set-Cookie" not in made.headers
