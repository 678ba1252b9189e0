"""Changing the account's address on /account/email: a link mailed to the new address,
opened while signed in, makes the change; the old address is told."""
from __future__ import annotations

import mail_support
from exam_support import later, set_clock
from mail_support import link_in, path_of, plain_text
from sqlalchemy import select

from assess.extensions import db
from assess.models import AccountEvent, User

smtp_server = mail_support.smtp_server  # registers the fixture here

EMAIL = "someone@example.org"
PASSWORD = "correct horse battery"
NEW = "fresh@example.org"


def ask(client, email=NEW, password=PASSWORD):
    return client.post("/account/email", data={"email": email, "current_password": password})


def address(app, user_id) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def user_id_of(app, email=EMAIL) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_the_account_page_links_to_the_form(login):
    client = login()
    assert 'href="/account/email"' in client.get("/account").text
    form = client.get("/account/email")
    assert form.status_code == 200
    assert 'id="email"' in form.text and 'id="current_password"' in form.text


def test_a_link_to_the_new_address_changes_it_and_the_old_one_is_told(app, login,
                                                                      smtp_server):
    client = login()
    user_id = user_id_of(app)
    answer = ask(client)
    assert answer.status_code == 302
    assert f"We sent a link to {NEW}" in client.get("/account").text
    assert address(app, user_id) == EMAIL  # nothing changes before the link is opened
    [message] = smtp_server.wait_for(1)
    assert message["To"] == NEW and EMAIL in plain_text(message)

    done = client.get(path_of(link_in(message, "/account/email/confirm/")))
    assert done.status_code == 302
    assert f"Your address is now {NEW}" in client.get("/account").text
    assert address(app, user_id) == NEW
    notice = smtp_server.wait_for(2)[1]
    assert notice["To"] == EMAIL and NEW in plain_text(notice)
    with app.app_context():
        [event] = db.session.scalars(select(AccountEvent).where(
            AccountEvent.user_id == user_id, AccountEvent.action == "email_changed")).all()
        assert event.detail == {"old": EMAIL, "new": NEW}
    # The new address signs in; the link does not work twice.
    fresh = app.test_client()
    assert fresh.post("/auth/login", data={"email": NEW, "password": PASSWORD}) \
        .status_code == 302
    assert client.get(path_of(link_in(message, "/account/email/confirm/"))).status_code == 410


def test_the_password_and_the_address_are_checked(app, login, smtp_server):
    client = login()
    wrong = ask(client, password="not the password")
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.text
    invalid = ask(client, email="not-an-address")
    assert invalid.status_code == 400 and "Enter a valid email address." in invalid.text
    same = ask(client, email=EMAIL)
    assert same.status_code == 400
    assert smtp_server.messages == []


def test_the_link_needs_the_account_signed_in(app, login, make_user, smtp_server):
    client = login()
    ask(client)
    path = path_of(link_in(smtp_server.wait_for(1)[0], "/account/email/confirm/"))
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    make_user("other@example.org")
    other = app.test_client()
    other.post("/auth/login", data={"email": "other@example.org", "password": PASSWORD})
    assert other.get(path).status_code == 403
    assert address(app, user_id_of(app)) == EMAIL


def test_an_address_taken_meanwhile_is_refused_clearly(app, login, make_user, smtp_server):
    client = login()
    ask(client)
    path = path_of(link_in(smtp_server.wait_for(1)[0], "/account/email/confirm/"))
    make_user(NEW)
    taken = client.get(path)
    assert taken.status_code == 409 and "belongs to another account" in taken.text
    assert address(app, user_id_of(app)) == EMAIL


def test_a_taken_address_gets_the_same_answer_and_no_mail(app, login, make_user, smtp_server):
    make_user(NEW)
    client = login()
    assert ask(client).status_code == 302
    assert f"We sent a link to {NEW}" in client.get("/account").text
    assert smtp_server.messages == []


def test_a_link_expires_after_48_hours(app, login, smtp_server):
    client = login()
    ask(client)
    path = path_of(link_in(smtp_server.wait_for(1)[0], "/account/email/confirm/"))
    set_clock(app, later(hours=48, minutes=1))
    expired = client.get(path)
    assert expired.status_code == 410 and 'href="/account/email"' in expired.text
    assert address(app, user_id_of(app)) == EMAIL
