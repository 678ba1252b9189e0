"""User administration: search, role changes, disabling, the account log, permissions."""
from __future__ import annotations

from sqlalchemy import select

PASSWORD = "correct horse battery"


def events(app, user_id):
    from assess.extensions import db
    from assess.models import AccountEvent
    with app.app_context():
        return [(e.action, e.actor_id, e.detail) for e in db.session.scalars(
            select(AccountEvent).where(AccountEvent.user_id == user_id)
            .order_by(AccountEvent.id))]


def test_search_by_text_and_role_paged(app, login, make_user):
    admin = login("boss@example.org", role="admin")
    make_user("ada@example.org")
    make_user("grace@example.org", role="grader")
    page = admin.get("/admin/users?q=ADA").text
    assert "ada@example.org" in page and "grace@example.org" not in page
    page = admin.get("/admin/users?role=grader").text
    assert "grace@example.org" in page and "ada@example.org" not in page
    assert "ada@example.org" not in admin.get("/admin/users?q=%25").text  # % is literal


def test_search_pages(app, login, make_user, monkeypatch):
    from assess.services import user_admin
    monkeypatch.setattr(user_admin, "PAGE_SIZE", 2)
    admin = login("boss@example.org", role="admin")
    for name in ("a1", "a2", "a3"):
        make_user(f"{name}@example.org")
    first = admin.get("/admin/users?q=example").text
    assert "page 1 of 2" in first and "Next page" in first
    second = admin.get("/admin/users?q=example&page=2").text
    assert "boss@example.org" in second and "a1@example.org" not in second


def test_changing_a_role_is_logged_and_shown(app, login, make_user):
    admin = login("boss@example.org", role="admin")
    user_id = make_user("ada@example.org")
    response = admin.post(f"/admin/users/{user_id}/role", data={"role": "grader"})
    assert response.status_code == 302
    with app.app_context():
        from assess.services import accounts
        assert accounts.get_user(user_id).role == "grader"
        boss_id = accounts.find_by_email("boss@example.org").id
    assert events(app, user_id) == [("role_changed", boss_id,
                                     {"old": "applicant", "new": "grader"})]
    page = admin.get(f"/admin/users/{user_id}").text
    assert "boss@example.org" in page and "applicant → grader" in page


def test_disabling_ends_the_sessions_and_enabling_restores_sign_in(app, login, make_user):
    admin = login("boss@example.org", role="admin")
    user_id = make_user("ada@example.org")
    ada = app.test_client()
    ada.post("/auth/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert ada.get("/account").status_code == 200
    assert admin.post(f"/admin/users/{user_id}/disable").status_code == 302
    assert ada.get("/account").status_code == 302
    refused = ada.post("/auth/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert refused.status_code != 302
    assert admin.post(f"/admin/users/{user_id}/enable").status_code == 302
    assert ada.post("/auth/login", data={"email": "ada@example.org",
                                         "password": PASSWORD}).status_code == 302
    assert [action for action, _, _ in events(app, user_id)] == ["disabled", "enabled"]
    page = admin.get(f"/admin/users/{user_id}").text
    assert "disabled" in page and "enabled" in page


def test_admins_cannot_lock_themselves_out(app, login):
    admin = login("boss@example.org", role="admin")
    with app.app_context():
        from assess.services import accounts
        boss_id = accounts.find_by_email("boss@example.org").id
    refused = admin.post(f"/admin/users/{boss_id}/disable", follow_redirects=True)
    assert "You cannot disable your own account." in refused.text
    refused = admin.post(f"/admin/users/{boss_id}/role", data={"role": "lead"},
                         follow_redirects=True)
    assert "You cannot remove your own admin role." in refused.text
    with app.app_context():
        user = accounts.get_user(boss_id)
        assert user.active and user.role == "admin"
    assert events(app, boss_id) == []


def test_the_user_page_lists_attempts_and_certificates(app, login, make_user, imported):
    from exam_support import submit_gold_attempt
    from helpers import FIXED_NOW
    admin = login("boss@example.org", role="admin")
    make_user("ada@example.org")
    user_id, _ = submit_gold_attempt(app, "ada@example.org", "general-screening", FIXED_NOW)
    page = admin.get(f"/admin/users/{user_id}").text
    assert "General AI answer review screening" in page
    assert "Certificates" in page
    assert admin.get("/admin/users/999999").status_code == 404


def test_only_admins_reach_user_administration(app, login, make_user):
    lead = login("lead@example.org", role="lead")
    user_id = make_user("ada@example.org")
    assert lead.get("/admin/users").status_code == 403
    assert lead.get(f"/admin/users/{user_id}").status_code == 403
    assert lead.post(f"/admin/users/{user_id}/role", data={"role": "admin"}).status_code == 403
    assert lead.post(f"/admin/users/{user_id}/disable").status_code == 403
    assert lead.post(f"/admin/users/{user_id}/enable").status_code == 403


def test_forms_need_the_csrf_token(app, login, make_user):
    admin = login("boss@example.org", role="admin")
    user_id = make_user("ada@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    admin.post(f"/admin/users/{user_id}/disable")
    admin.post(f"/admin/users/{user_id}/role", data={"role": "admin"})
    with app.app_context():
        from assess.services import accounts
        user = accounts.get_user(user_id)
        assert user.active and user.role == "applicant"
