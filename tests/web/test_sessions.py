"""Sessions that end: sign-out revokes every copy, limits on idle and total time."""
from __future__ import annotations

import re

from exam_support import later, set_clock

from assess.settings import reconfigure

EMAIL = "someone@example.org"
PASSWORD = "correct horse battery"


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def copy_cookies(source, target, *names):
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        target.set_cookie(name, cookie.value)


def test_a_copied_session_cookie_is_refused_after_sign_out(app, login):
    client = login()
    thief = app.test_client()
    copy_cookies(client, thief, "session")
    assert signed_in(thief)
    client.post("/auth/logout")
    assert not signed_in(client)
    assert not signed_in(thief)


def test_a_copied_remember_cookie_is_refused_after_sign_out(app, client, make_user):
    make_user()
    client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    thief = app.test_client()
    copy_cookies(client, thief, "remember_token")  # no session: signs in from the cookie
    assert signed_in(thief)
    client.post("/auth/logout")
    fresh_thief = app.test_client()
    fresh_thief.set_cookie("remember_token", thief.get_cookie("remember_token").value)
    assert not signed_in(fresh_thief)


def test_sign_out_everywhere_ends_other_sessions_but_not_this_one(app, login, make_user):
    client = login()
    other = app.test_client()
    other.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    assert signed_in(other)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(other)


def test_cookie_flags(app, client, make_user):
    make_user()
    response = client.post("/auth/login",
                           data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    cookies = {header.split("=", 1)[0]: header
               for header in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]
        assert "Secure" in cookies[name]  # PUBLIC_URL is https in the tests


def test_cookies_are_not_secure_over_plain_http():
    from assess import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "PUBLIC_URL": "http://localhost",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


def test_the_idle_limit_ends_a_quiet_session(app, login):
    reconfigure(app, SESSION_IDLE_MINUTES=120, SESSION_MAX_HOURS=24)
    client = login()
    set_clock(app, later(minutes=100))
    assert signed_in(client)  # refreshes the idle timer
    set_clock(app, later(minutes=219))
    assert signed_in(client)
    set_clock(app, later(minutes=340))
    response = client.get("/account")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_the_absolute_limit_ends_even_a_busy_session(app, login):
    reconfigure(app, SESSION_IDLE_MINUTES=120, SESSION_MAX_HOURS=24)
    client = login()
    for hour in range(1, 25):
        set_clock(app, later(hours=hour))
        assert signed_in(client), hour
    set_clock(app, later(hours=24, minutes=1))
    assert not signed_in(client)


def test_autosaves_keep_an_applicant_mid_exam_signed_in(app, login, imported):
    reconfigure(app, SESSION_IDLE_MINUTES=10, SESSION_MAX_HOURS=24)  # the exam takes 30
    client = login()
    started = client.post("/assessments/general-screening/start")
    attempt_id, position = map(int, re.search(r"/attempts/(\d+)/items/(\d+)",
                                              started.location).groups())
    for revision, minutes in enumerate((8, 16, 24), start=1):
        set_clock(app, later(minutes=minutes))
        saved = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                            json={"revision": revision, "answer": {}})
        assert saved.status_code == 200, (minutes, saved.json)
    set_clock(app, later(minutes=29))
    assert client.get(f"/attempts/{attempt_id}/clock").status_code == 200


def test_autosave_with_a_revoked_session_is_refused(app, login, imported):
    client = login()
    started = client.post("/assessments/general-screening/start")
    attempt_id, position = map(int, re.search(r"/attempts/(\d+)/items/(\d+)",
                                              started.location).groups())
    thief = app.test_client()
    copy_cookies(client, thief, "session")
    client.post("/auth/logout")
    saved = thief.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                       json={"revision": 1, "answer": {}})
    assert saved.status_code == 401


def test_a_remembered_device_signs_in_again_after_the_idle_limit(app, client, make_user):
    reconfigure(app, SESSION_IDLE_MINUTES=120, SESSION_MAX_HOURS=24)
    make_user()
    client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    set_clock(app, later(hours=5))
    assert signed_in(client)


def test_a_save_soon_after_the_last_request_does_not_rewrite_the_cookie(app, login, imported):
    reconfigure(app, SESSION_IDLE_MINUTES=120, SESSION_MAX_HOURS=24)
    client = login()
    started = client.post("/assessments/general-screening/start")
    attempt_id, position = map(int, re.search(r"/attempts/(\d+)/items/(\d+)",
                                              started.location).groups())
    set_clock(app, later(minutes=5))
    saved = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                        json={"revision": 1, "answer": {}})
    assert saved.status_code == 200 and "Set-Cookie" not in saved.headers
