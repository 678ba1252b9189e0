"""Two-factor sign-in in the browser: the second step after the password, set-up with a QR
code, recovery codes shown once, turning it off, REQUIRE_2FA_FOR, and an admin turning it
off for a lost phone. Codes are computed with pyotp at the app clock's time."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pyotp
from exam_support import later, set_clock
from helpers import FIXED_NOW

from assess.settings import reconfigure

EMAIL = "ada@example.org"
PASSWORD = "correct horse battery"


def code_at(secret: str, moment=FIXED_NOW) -> str:
    return pyotp.TOTP(secret).at(moment)


def enable(app, user_id: int) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on, a few minutes before FIXED_NOW (so that the code that
    confirmed it is not the one signing in)."""
    from assess.services import two_factor
    earlier = FIXED_NOW - timedelta(minutes=3)
    with app.app_context():
        secret = two_factor.begin_setup(user_id).secret
        return secret, two_factor.confirm_setup(user_id, code_at(secret, earlier), earlier)


def sign_in(client, email=EMAIL, password=PASSWORD, next_path=None):
    url = "/auth/login" + (f"?next={next_path}" if next_path else "")
    return client.post(url, data={"email": email, "password": password})


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_the_password_alone_does_not_sign_in_and_the_code_does(app, client, make_user):
    secret, _ = enable(app, make_user(EMAIL))
    first = sign_in(client, next_path="/account/password")
    assert first.status_code == 302 and first.location.endswith("/auth/two-factor")
    with client.session_transaction() as session:
        assert "_user_id" not in session
    assert not signed_in(client)
    page = client.get("/auth/two-factor")
    assert page.status_code == 200 and 'id="code"' in page.text
    done = client.post("/auth/two-factor", data={"code": code_at(secret)})
    assert done.status_code == 302 and done.location.endswith("/account/password")
    assert signed_in(client)
    assert client.get("/auth/two-factor").status_code == 302  # nothing pending any more


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(app, client, make_user):
    secret, _ = enable(app, make_user(EMAIL))
    app.config.update(AUTH_LOCKOUT_FAILURES=3, AUTH_LOCKOUT_SECONDS=60)
    sign_in(client)
    valid = {code_at(secret, FIXED_NOW + timedelta(seconds=30 * o)) for o in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    answers = [client.post("/auth/two-factor", data={"code": wrong}) for _ in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert "That code is not right" in answers[0].text
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    # locked: neither the right code nor the password gets in now
    assert client.post("/auth/two-factor", data={"code": code_at(secret)}).status_code == 429
    assert sign_in(app.test_client()).status_code == 429
    assert not signed_in(client)


def test_a_code_is_accepted_once(app, client, make_user):
    secret, _ = enable(app, make_user(EMAIL))
    sign_in(client)
    client.post("/auth/two-factor", data={"code": code_at(secret)})
    assert signed_in(client)
    other = app.test_client()
    sign_in(other)
    replay = other.post("/auth/two-factor", data={"code": code_at(secret)})
    assert replay.status_code == 400 and not signed_in(other)


def test_the_pending_sign_in_ends_after_five_minutes(app, client, make_user):
    secret, _ = enable(app, make_user(EMAIL))
    sign_in(client)
    set_clock(app, later(minutes=5, seconds=1))
    late = client.post("/auth/two-factor", data={"code": code_at(secret, later(minutes=5,
                                                                                seconds=1))})
    assert late.status_code == 302 and "/auth/login" in late.location
    assert "took too long" in client.get("/auth/login").text
    assert not signed_in(client)
    sign_in(client)  # again: the five minutes start again
    set_clock(app, later(minutes=9, seconds=59))
    assert client.post("/auth/two-factor", data={
        "code": code_at(secret, later(minutes=9, seconds=59))}).status_code == 302
    assert signed_in(client)


def test_signing_out_everywhere_ends_a_pending_sign_in(app, client, make_user):
    user_id = make_user(EMAIL)
    secret, _ = enable(app, user_id)
    sign_in(client)
    from assess.services import account_settings
    with app.app_context():
        account_settings.sign_out_everywhere(user_id, FIXED_NOW)
    answer = client.post("/auth/two-factor", data={"code": code_at(secret)})
    assert "/auth/login" in answer.location and not signed_in(client)


def test_a_recovery_code_signs_in_once(app, make_user):
    _, codes = enable(app, make_user(EMAIL))
    client = app.test_client()
    sign_in(client)
    done = client.post("/auth/two-factor", data={"code": codes[0]}, follow_redirects=True)
    assert "You signed in with a recovery code: 9 left." in done.text
    assert signed_in(client)
    other = app.test_client()
    sign_in(other)
    again = other.post("/auth/two-factor", data={"code": codes[0]})
    assert again.status_code == 400 and not signed_in(other)


def setup_page_secret(page: str) -> str:
    assert re.search(r'<img src="data:image/svg\+xml[^"]*" alt="QR code', page)
    return re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", page)


def test_setting_it_up_from_the_account_page(app, login):
    client = login(EMAIL)
    assert "Two-factor sign-in: off" in client.get("/account").text
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "script" not in page.text.split("<main")[-1].lower()
    secret = setup_page_secret(page.text)
    assert setup_page_secret(client.get("/account/two-factor").text) == secret
    wrong = client.post("/account/two-factor", data={"code": "12345"})
    assert wrong.status_code == 400 and setup_page_secret(wrong.text) == secret
    done = client.post("/account/two-factor", data={"code": code_at(secret)})
    assert done.status_code == 200 and "only time they are shown" in done.text
    codes = codes_on(done.text)
    assert len(set(codes)) == 10
    status = client.get("/account/two-factor").text
    assert "is <strong>on</strong>" in status and "10 unused recovery codes" in status
    assert not codes_on(status) and "Two-factor sign-in: on" in client.get("/account").text
    # the next sign-in asks for a code
    other = app.test_client()
    assert sign_in(other).location.endswith("/auth/two-factor")
    other.post("/auth/two-factor", data={"code": codes[9]})
    assert signed_in(other)


def test_new_codes_and_turning_it_off_need_the_password(app, client, make_user):
    secret, old_codes = enable(app, make_user(EMAIL))
    sign_in(client)
    client.post("/auth/two-factor", data={"code": code_at(secret)})
    wrong = client.post("/account/two-factor/recovery-codes", data={"password": "nope"})
    assert wrong.status_code == 400 and "The password is wrong." in html.unescape(wrong.text)
    new = client.post("/account/two-factor/recovery-codes", data={"password": PASSWORD})
    new_codes = codes_on(new.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    refused = client.post("/account/two-factor/disable", data={"password": "nope"})
    assert refused.status_code == 400 and "is <strong>on</strong>" in refused.text
    off = client.post("/account/two-factor/disable", data={"password": PASSWORD})
    assert off.status_code == 302 and signed_in(client)  # this session goes on
    other = app.test_client()
    assert sign_in(other).status_code == 302 and signed_in(other)  # the password alone


def test_required_for_admins_they_set_it_up_before_anything_else(app, login, make_user):
    reconfigure(app, REQUIRE_2FA_FOR="admin,lead")
    applicant = login("someone@example.org")
    assert applicant.get("/account").status_code == 200  # applicants are not asked
    admin = login("boss@example.org", role="admin")
    sent = admin.get("/admin/users")
    assert sent.status_code == 302 and sent.location.endswith("/account/two-factor")
    assert admin.get("/account").location.endswith("/account/two-factor")
    assert admin.get("/admin/users", headers={"Accept": "application/json"}).status_code == 403
    assert admin.get("/static/css/app.css").status_code == 200
    assert admin.get("/api/v1/openapi.json").status_code == 200
    page = admin.get("/account/two-factor")
    assert page.status_code == 200 and "Your role needs two-factor sign-in" in page.text
    admin.post("/account/two-factor", data={"code": code_at(setup_page_secret(page.text))})
    assert admin.get("/admin/users").status_code == 200
    assert admin.post("/auth/logout").status_code == 302


def test_a_required_user_can_sign_out_before_setting_up(app, login):
    reconfigure(app, REQUIRE_2FA_FOR=["lead"])
    lead = login("lead@example.org", role="lead")
    assert lead.get("/").status_code == 302
    assert lead.post("/auth/logout").location.endswith("/auth/login")
    assert lead.get("/account").location.startswith("/auth/login")


def test_an_unknown_role_in_the_setting_stops_the_start(tmp_path):
    import pytest

    from assess import create_app
    with pytest.raises(ValueError, match="admins"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "REQUIRE_2FA_FOR": "admins",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})


def test_an_admin_turns_it_off_for_a_lost_phone(app, login, make_user):
    user_id = make_user(EMAIL)
    enable(app, user_id)
    admin = login("boss@example.org", role="admin")
    page = admin.get(f"/admin/users/{user_id}").text
    assert f'action="/admin/users/{user_id}/two-factor/disable"' in page
    done = admin.post(f"/admin/users/{user_id}/two-factor/disable", follow_redirects=True)
    assert "Two-factor sign-in is off for this account." in done.text
    assert "two factor disabled" in done.text and "boss@example.org" in done.text
    client = app.test_client()
    assert sign_in(client).status_code == 302 and signed_in(client)
    user = login("someone@example.org")
    assert user.post(f"/admin/users/{user_id}/two-factor/disable").status_code == 403
