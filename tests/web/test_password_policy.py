"""Passwords (ASVS 2.1): at least PASSWORD_MIN_LENGTH (12), not built on the email, not easy
to guess; sign-in checks one hash whether or not the account exists; registration does not
tell which addresses have accounts."""
from __future__ import annotations

import pytest
from helpers import FIXED_NOW
from werkzeug.security import check_password_hash

from assess.services import ServiceError, accounts, passwords

GOOD = "correct horse battery"


@pytest.mark.parametrize("password, said", [
    ("elevenchars", "at least 12 characters"),
    ("ada.lovelace-2024", "does not contain your email"),
    ("password1234", "common password"),
    ("qwertyuiopasdf", "commonly used"),
])
def test_weak_passwords_are_refused_with_a_hint(password, said):
    with pytest.raises(ServiceError) as refused:
        passwords.check_policy(password, "Ada.Lovelace@example.org", 12)
    assert refused.value.field == "password"
    assert said.lower() in refused.value.message.lower()


def test_a_strong_password_passes():
    passwords.check_policy(GOOD, "ada@example.org", 12)
    passwords.check_policy("sunny-orchard-47", "applicant@demo.assess", 12)


def test_the_demo_passwords_meet_the_policy():
    for _, email, _, password in accounts.DEMO_USERS:
        passwords.check_policy(password, email, 12)


def test_registration_shows_the_hint(client):
    response = client.post("/auth/register", data={
        "name": "Ada", "email": "ada@example.org", "password": "password1234",
        "confirm": "password1234"})
    assert response.status_code == 400 and "common password" in response.text


def _counting_hash_checks(monkeypatch) -> list[str]:
    seen: list[str] = []

    def spy(password_hash: str, password: str) -> bool:
        seen.append(password_hash)
        return check_password_hash(password_hash, password)
    monkeypatch.setattr(passwords, "password_matches", spy)
    return seen


@pytest.mark.parametrize("email, password", [
    ("ada@example.org", "wrong password!"), ("nobody@example.org", "wrong password!"),
    ("ada@example.org", GOOD)])
def test_sign_in_checks_exactly_one_hash_of_the_same_kind(client, make_user, monkeypatch,
                                                          email, password):
    """Equal time, deterministically: the unknown address costs the same one check, against
    a hash made with the same method and cost as real ones."""
    make_user("ada@example.org", password=GOOD)
    seen = _counting_hash_checks(monkeypatch)
    client.post("/auth/login", data={"email": email, "password": password})
    assert len(seen) == 1
    real = _real_hash(client.application)
    assert seen[0].split("$")[0] == real.split("$")[0]  # method and cost parameters


def _real_hash(app) -> str:
    with app.app_context():
        return accounts.find_by_email("ada@example.org").password_hash


def test_registering_a_taken_address_answers_like_a_new_account(app, client, make_user,
                                                                monkeypatch):
    make_user("taken@example.org", password=GOOD)
    hashed: list[str] = []
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: hashed.append(password) or "x")
    data = {"name": "X", "password": "another strong passphrase",
            "confirm": "another strong passphrase"}
    taken = client.post("/auth/register?next=/results", data={**data, "email": "taken@example.org"})
    assert hashed == ["another strong passphrase"]  # the time a new account's hash takes
    fresh = app.test_client().post("/auth/register?next=/results",
                                   data={**data, "email": "new@example.org"})
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"] == "/results"
    with app.app_context():
        assert accounts.find_by_email("taken@example.org").name == "taken"  # unchanged
        assert accounts.find_by_email("new@example.org") is not None
    assert "If this address already has an account" in client.get("/auth/login").text


def test_the_cli_still_says_an_address_is_taken(app):
    with app.app_context():
        accounts.create_user("a@example.org", "A", GOOD, "admin", now=FIXED_NOW, min_length=12)
        with pytest.raises(ServiceError, match="already exists"):
            accounts.create_user("a@example.org", "A", GOOD, "admin", now=FIXED_NOW,
                                 min_length=12)
