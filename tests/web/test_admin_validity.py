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


def test_admin_sees_what_each_strategy_reaches(app, client, make_user, imported):
    make_user("admin@example.org", "admin")
    make_user("lead@example.org", "lead")
    client.post("/auth/login", data={"email": "lead@example.org", "password": PASSWORD})
    assert client.get("/admin/assessments/general-screening/strategies").status_code == 403
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
    assert "Test-taking strategies and form equivalence" in client.get("/admin/assessments").text
    page = client.get("/admin/assessments/general-screening/strategies").text
    assert "Can a shortcut pass? General AI answer review screening" in page
    for profile in ("knows every key, writes nothing", "random, middle written grades",
                    "best, middle written grades", "longest, middle written grades"):
        assert f'<th scope="row">{profile}</th>' in page
    assert "Simulated KR-20 of the keyed part" in page
    # the test fixture's blueprint states no weights: knowing every key with middle-grade
    # writing then lands on different tiers depending on the draw, and the page says so
    assert "the forms are not equal" in page or "No shortcut reaches a tier" in page
    assert client.get("/admin/assessments/no-such/strategies").status_code == 404
