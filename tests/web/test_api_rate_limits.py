"""Rate limits count per API key: past the limit a key gets 429 with Retry-After in the
API's error shape, while another key, the documentation and the rest of the site go on."""
from __future__ import annotations

from platform_support import bearer, platform_with_key


def test_each_key_has_its_own_limit(app, client):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    _, busy = platform_with_key(app, "Busy")
    _, calm = platform_with_key(app, "Calm")
    answers = [client.get("/api/v1/assessments", headers=bearer(busy)) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert "Retry-After" not in answers[0].headers
    refused = answers[-1]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.json["error"]["code"] == "too_many_requests"
    assert "at most 3 per minute" in refused.json["error"]["message"]
    # The count is per key, whatever the route or the outcome.
    assert client.get("/api/v1/attempts", headers=bearer(busy)).status_code == 429
    assert client.get("/api/v1/assessments", headers=bearer(calm)).status_code == 200
    for _ in range(4):
        assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/auth/login").status_code == 200


def test_storage_comes_from_the_setting(app):
    from assess.web.api.limits import EXTENSION
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert app.extensions[EXTENSION].enabled
