"""Throttling of sign-in, registration and verification: 429 with Retry-After past a limit,
per address and per account, and a lock after failed sign-ins that grows with each one."""
from __future__ import annotations

import pytest

from assess.web import throttle

PASSWORD = "correct horse battery"


def sign_in(client, email="someone@example.org", password="wrong password", **environ):
    return client.post("/auth/login", data={"email": email, "password": password},
                       environ_base=environ)


def test_sign_in_per_address(app, client):
    app.config["AUTH_RATE_LIMIT"] = "3 per minute"
    answers = [sign_in(client, f"user{n}@example.org") for n in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60
    assert "Too many tries" in answers[-1].text and "<html" in answers[-1].text.lower()
    assert "Retry-After" not in answers[0].headers
    # another address still gets in
    assert sign_in(client, "user9@example.org", REMOTE_ADDR="10.0.0.9").status_code == 400


def test_sign_in_per_account_from_many_addresses(app, client):
    app.config["AUTH_ACCOUNT_RATE_LIMIT"] = "3 per minute"
    answers = [sign_in(client, " Target@Example.org ", REMOTE_ADDR=f"10.0.0.{n}")
               for n in range(4)]
    assert [a.status_code for a in answers] == [400, 400, 400, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_registration_is_throttled(app, client):
    app.config["AUTH_RATE_LIMIT"] = "2 per minute"
    data = {"name": "X", "email": "new@example.org", "password": "short", "confirm": "short"}
    answers = [client.post("/auth/register", data=data) for _ in range(3)]
    assert [a.status_code for a in answers] == [400, 400, 429]
    assert "Retry-After" in answers[-1].headers


def test_verification_is_throttled_with_the_json_error_shape(app, client):
    app.config["VERIFY_RATE_LIMIT"] = "2 per minute"
    answers = [client.post("/api/verify", data="not a credential", content_type="text/plain")
               for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json["error"]["code"] == "too_many_requests"
    assert int(answers[-1].headers["Retry-After"]) >= 1
    page = client.post("/verify", data={"credential": "x"})
    assert page.status_code == 429 and "Too many tries" in page.text


def test_failed_sign_ins_lock_the_account_for_longer_each_time(app, client, make_user):
    make_user("ada@example.org", password=PASSWORD)
    app.config.update(AUTH_LOCKOUT_FAILURES=3, AUTH_LOCKOUT_SECONDS=60)
    for _ in range(2):
        assert sign_in(client, "ada@example.org").status_code == 400
    assert sign_in(client, "ada@example.org").status_code == 400  # the 3rd failure: locked
    locked = sign_in(client, "ada@example.org", PASSWORD)  # even the right password waits
    assert locked.status_code == 429
    assert 55 <= int(locked.headers["Retry-After"]) <= 60
    # other accounts are not locked
    assert sign_in(client, "bob@example.org").status_code == 400
    waits = []
    for _ in range(3):  # let the lock run out, fail once more: the next lock is twice as long
        _expire_lock(app, "ada@example.org")
        assert sign_in(client, "ada@example.org").status_code == 400
        waits.append(int(sign_in(client, "ada@example.org").headers["Retry-After"]))
    assert waits[0] > 100 and waits[1] > 200 and waits[2] > 400
    assert waits == sorted(waits)


def test_the_lock_has_a_ceiling_and_success_forgets_failures(app, client, make_user):
    make_user("ada@example.org", password=PASSWORD)
    app.config.update(AUTH_LOCKOUT_FAILURES=2, AUTH_LOCKOUT_SECONDS=60,
                      AUTH_LOCKOUT_MAX_SECONDS=100)
    sign_in(client, "ada@example.org")
    assert sign_in(client, "ada@example.org", PASSWORD).status_code == 302  # failures reset
    sign_in(client, "ada@example.org")
    assert sign_in(client, "ada@example.org", PASSWORD).status_code == 302
    for _ in range(5):
        _expire_lock(app, "ada@example.org")
        sign_in(client, "ada@example.org")
    assert int(sign_in(client, "ada@example.org").headers["Retry-After"]) <= 100


@pytest.mark.parametrize("email", ["ada@example.org", "nobody@example.org"])
def test_unknown_and_known_accounts_lock_alike(app, client, make_user, email):
    make_user("ada@example.org", password=PASSWORD)
    app.config.update(AUTH_LOCKOUT_FAILURES=2)
    sign_in(client, email)
    sign_in(client, email)
    assert sign_in(client, email).status_code == 429


def _expire_lock(app, email: str) -> None:
    with app.test_request_context():
        storage = app.extensions[throttle.EXTENSION].storage
        storage.clear(throttle._keys(throttle.account_key(email))[1])


@pytest.mark.parametrize("path, data", [
    ("/account/password", {"current_password": "wrong password",
                           "password": "a fresh passphrase 42",
                           "confirm": "a fresh passphrase 42"}),
    ("/account/email", {"email": "new@example.org", "current_password": "wrong password"}),
])
def test_a_signed_in_form_asking_for_the_password_locks_like_sign_in(app, client, login,
                                                                     path, data):
    """A stolen session is no way to guess the account's password: wrong current passwords
    lock the account, for these forms and for sign-in alike."""
    login("ada@example.org", password=PASSWORD)
    app.config.update(AUTH_LOCKOUT_FAILURES=3, AUTH_LOCKOUT_SECONDS=60)
    for _ in range(3):
        assert client.post(path, data=data).status_code == 400
    locked = client.post(path, data={**data, "current_password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 50
    assert sign_in(client, "ada@example.org", PASSWORD).status_code == 429
