"""Admins see every assessment's random-guess odds; nobody else does."""
from __future__ import annotations

PASSWORD = "correct horse battery"


def test_admin_sees_the_odds_per_tier(app, client, make_user, imported):
    make_user("admin@example.org", "admin")
    make_user("lead@example.org", "lead")
    client.post("/auth/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert client.get("/admin/assessments").status_code == 403
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
    page = client.get("/admin/assessments").text
    assert "General AI answer review screening" in page
    for tier in ("Generalist", "Specialist", "Expert"):
        assert f'<th scope="row">{tier}</th><td>0% (exact)</td>' in page
    assert "This assessment has no tiers." in page  # the practice test
