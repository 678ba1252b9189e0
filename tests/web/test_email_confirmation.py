"""Registration with REQUIRE_EMAIL_CONFIRMATION: a mailed link confirms the address before
the first sign-in; in both modes, registering a taken address mails its holder and answers
as for a new one."""
from __future__ import annotations

import mail_support
from exam_support import later, set_clock
from helpers import FIXED_NOW
from mail_support import link_in, path_of, plain_text
from sqlalchemy import select

from assess.extensions import db
from assess.models import User
from assess.services import accounts
from assess.settings import reconfigure

smtp_server = mail_support.smtp_server  # registers the fixture here

EMAIL = "new@example.org"
PASSWORD = "violet-anchor-tundra-93"


def register(client, email=EMAIL, name="New Person", password=PASSWORD):
    return client.post("/auth/register", data={"name": name, "email": email,
                                               "password": password, "confirm": password})


def sign_in(client, email=EMAIL, password=PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


def account(app, email=EMAIL) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def test_with_confirmation_on_registration_mails_a_link_and_signs_no_one_in(app, client,
                                                                           smtp_server):
    reconfigure(app, REQUIRE_EMAIL_CONFIRMATION=True)
    answer = register(client)
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert client.get("/account").status_code == 302  # not signed in
    assert account(app).email_confirmed_at is None
    [message] = smtp_server.wait_for(1)
    assert message["To"] == EMAIL and "within 48 hours" in plain_text(message)

    refused = sign_in(client)
    assert refused.status_code == 400 and "Confirm your address first" in refused.text
    assert 'href="/auth/confirm"' in refused.text  # the way to a new link

    confirmed = client.get(path_of(link_in(message, "/auth/confirm/")))
    assert confirmed.status_code == 302 and confirmed.location.endswith("/auth/login")
    assert account(app).email_confirmed_at is not None
    assert sign_in(client).status_code == 302


def test_a_confirmation_link_expires_after_48_hours(app, client, smtp_server):
    reconfigure(app, REQUIRE_EMAIL_CONFIRMATION=True)
    register(client)
    path = path_of(link_in(smtp_server.wait_for(1)[0], "/auth/confirm/"))
    set_clock(app, later(hours=49))
    expired = client.get(path)
    assert expired.status_code == 410 and 'href="/auth/confirm"' in expired.text
    assert account(app).email_confirmed_at is None
    assert client.get(path[:-3] + "abc").status_code == 400

    # A new link, asked for on the page the sign-in refusal points to, works.
    asked = client.post("/auth/confirm", data={"email": EMAIL})
    unknown = client.post("/auth/confirm", data={"email": "nobody@example.org"})
    assert asked.status_code == unknown.status_code == 200 and asked.text == unknown.text
    fresh = smtp_server.wait_for(2)[1]
    assert fresh["To"] == EMAIL
    assert client.get(path_of(link_in(fresh, "/auth/confirm/"))).status_code == 302
    assert sign_in(client).status_code == 302
    assert len(smtp_server.messages) == 2  # none for the unknown address


def test_a_taken_address_is_answered_as_a_new_one_and_its_holder_told(app, client, make_user,
                                                                      smtp_server):
    reconfigure(app, REQUIRE_EMAIL_CONFIRMATION=True)
    make_user("taken@example.org")
    new = register(app.test_client())
    taken = register(app.test_client(), email="taken@example.org", name="Intruder")
    assert new.status_code == taken.status_code == 200
    assert new.text.replace(EMAIL, "X") == taken.text.replace("taken@example.org", "X")
    first, second = smtp_server.wait_for(2)
    assert second["To"] == "taken@example.org"
    assert "tried to create a new assess account with this address" in plain_text(second)
    assert link_in(second, "/auth/reset").endswith("/auth/reset")
    assert link_in(second, "/auth/login").endswith("/auth/login")
    assert account(app, "taken@example.org").name == "taken"  # unchanged


def test_with_confirmation_off_a_taken_address_is_mailed_too(app, client, make_user,
                                                            smtp_server):
    make_user("taken@example.org")
    answer = register(client, email="taken@example.org")
    assert answer.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "taken@example.org"
    assert register(app.test_client()).status_code == 302  # a new account: signed in, no mail
    assert len(smtp_server.messages) == 1


def test_confirmation_off_lets_unconfirmed_accounts_sign_in(app, client, smtp_server):
    assert register(client).status_code == 302
    assert client.get("/account").status_code == 200
    assert account(app).email_confirmed_at is None
    assert smtp_server.messages == []


def test_demo_and_cli_accounts_are_confirmed(app, runner):
    reconfigure(app, REQUIRE_EMAIL_CONFIRMATION=True)
    result = runner.invoke(args=["users", "create", "admin2@example.org", "--role", "admin",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert account(app, "admin2@example.org").email_confirmed_at is not None
    with app.app_context():
        demo = accounts.ensure_demo_users(FIXED_NOW)
    assert all(account(app, d.email).email_confirmed_at is not None for d in demo)
    assert sign_in(app.test_client(), "admin2@example.org").status_code == 302
