"""Security headers on every kind of page: public, applicant, grader, admin, API and error
pages; no-store for signed-in users and API clients, but the public status lists and static
files keep their caching."""
from __future__ import annotations

import pytest
from helpers import FIXED_NOW
from platform_support import bearer, platform_with_key

from assess.settings import reconfigure
from assess.web.headers import CSP

PASSWORD = "correct horse battery"
EVERYWHERE = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=31536000",  # the tests' PUBLIC_URL is https
}


def assert_secured(response, *, private: bool) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    assert response.headers["Referrer-Policy"] in ("strict-origin-when-cross-origin",
                                                   "no-referrer")
    if private:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
    else:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_csp_is_the_strict_one():
    assert "'unsafe-inline'" not in CSP and "script-src 'self'" in CSP
    assert "frame-ancestors 'none'" in CSP and "object-src 'none'" in CSP


@pytest.mark.parametrize("path, status", [
    ("/auth/login", 200), ("/auth/register", 200), ("/verify", 200), ("/healthz", 200),
    ("/no/such/page", 404), ("/certificates/nope", 404)])
def test_public_and_error_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_secured(response, private=False)


@pytest.mark.parametrize("role, paths", [
    ("applicant", ["/", "/no/such/page"]),
    ("grader", ["/grading/"]),
    ("admin", ["/admin/assessments", "/admin/"]),
])
def test_signed_in_pages_are_not_stored(login, imported, role, paths):
    client = login(f"{role}@example.org", role, PASSWORD)
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 302, 404), (path, response.status_code)
        assert_secured(response, private=True)


def test_api_answers_are_not_stored(app, client):
    _, key = platform_with_key(app, "Acme")
    for response in (client.get("/api/v1/assessments", headers=bearer(key)),
                     client.get("/api/v1/assessments"),  # 401
                     client.post("/api/verify", data="", content_type="text/plain")):
        assert_secured(response, private=True)


def test_a_stricter_referrer_policy_is_kept(app, client):
    from assess.web.applicant.invitations import PRIVATE  # what invitation pages send

    @app.get("/test-private")
    def private_page():
        return "secret", 200, PRIVATE
    response = client.get("/test-private")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_status_lists_and_static_files_keep_their_caching(app, login):
    from assess.extensions import db
    from assess.services import certificates, status_lists
    client = login("applicant@example.org", "applicant", PASSWORD)
    with app.app_context():
        certificates.signing_key(FIXED_NOW)
        slot = status_lists.allocate(FIXED_NOW)
        db.session.commit()
    listed = client.get(f"/status/{slot.list_id}")
    assert listed.status_code == 200
    assert "max-age=60" in listed.headers["Cache-Control"]
    assert_secured(listed, private=False)
    for path in ("/static/css/app.css", "/favicon.ico"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path


def test_no_hsts_over_plain_http(app, client):
    reconfigure(app, PUBLIC_URL="http://localhost:5000")
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers
