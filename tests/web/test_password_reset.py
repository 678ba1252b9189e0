"""Resetting a forgotten password by a link mailed over real SMTP: it works once, for 30
minutes, and asking tells no one whether an address has an account."""
from __future__ import annotations

import mail_support
from exam_support import later, set_clock
from helpers import FIXED_NOW
from job_support import drain, keep_jobs, pending
from mail_support import link_in, path_of, plain_text
from sqlalchemy import select

from assess.extensions import db
from assess.models import AccountEvent, MailMessage, User

smtp_server = mail_support.smtp_server  # registers the fixture here

EMAIL = "someone@example.org"
PASSWORD = "correct horse battery"
NEW = "violet-anchor-tundra-93"


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def ask_for_link(client, email=EMAIL):
    return client.post("/auth/reset", data={"email": email})


def reset_link(client, smtp_server, count=1) -> str:
    assert ask_for_link(client).status_code == 200
    message = smtp_server.wait_for(count)[-1]
    assert message["To"] == EMAIL
    return path_of(link_in(message, "/auth/reset/"))


def test_the_sign_in_page_links_to_the_reset_form(client):
    page = client.get("/auth/login").text
    assert 'href="/auth/reset"' in page and "Forgot your password?" in page
    form = client.get("/auth/reset")
    assert form.status_code == 200 and 'id="email"' in form.text


def test_a_mailed_link_resets_the_password_once(app, client, make_user, smtp_server):
    make_user(EMAIL, password=PASSWORD)
    path = reset_link(client, smtp_server)
    [message] = smtp_server.messages
    assert message["Subject"] == "Reset your assess password"
    assert "within 30 minutes" in plain_text(message)
    assert link_in(message, "/auth/reset/").startswith("https://assess.test/auth/reset/")
    form = client.get(path)
    assert form.status_code == 200 and 'id="password"' in form.text and 'id="confirm"' in form.text

    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.location.endswith("/auth/login")
    assert "Sign in with the new password" in client.get("/auth/login").text
    assert not signed_in(client)  # a reset signs no one in (a second factor may come next)

    # The holder is told; the new password signs in, the old one no longer does.
    notice = smtp_server.wait_for(2)[1]
    assert notice["To"] == EMAIL and notice["Subject"] == "Your assess password was changed"
    assert client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}) \
        .status_code == 400
    assert client.post("/auth/login", data={"email": EMAIL, "password": NEW}).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert [e.action for e in db.session.scalars(
            select(AccountEvent).where(AccountEvent.user_id == user.id))] == ["password_reset"]

    # The same link a second time: refused, with a way to ask for a new one.
    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "already used" in again.text and 'href="/auth/reset"' in again.text
    assert app.test_client().post(path, data={"password": NEW + "x", "confirm": NEW + "x"}) \
        .status_code == 410
    assert client.post("/auth/login", data={"email": EMAIL, "password": NEW}).status_code == 302


def test_a_link_expires_after_thirty_minutes_of_the_app_clock(app, client, make_user,
                                                              smtp_server):
    make_user(EMAIL, password=PASSWORD)
    path = reset_link(client, smtp_server)
    set_clock(app, later(minutes=29))
    assert client.get(path).status_code == 200
    set_clock(app, later(minutes=31))
    expired = client.get(path)
    assert expired.status_code == 410 and "expired" in expired.text
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 410
    set_clock(app, FIXED_NOW)
    assert client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}) \
        .status_code == 302  # the password did not change


def test_a_tampered_link_is_refused(app, client, make_user, smtp_server):
    make_user(EMAIL, password=PASSWORD)
    path = reset_link(client, smtp_server)
    token = path.rsplit("/", 1)[1]
    tampered = path[:-len(token)] + token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (tampered, "/auth/reset/not-a-token", "/auth/reset/" + "x" * 300):
        answer = client.get(bad)
        assert answer.status_code == 400, bad
        assert "not valid" in answer.text and 'href="/auth/reset"' in answer.text
        assert client.post(bad, data={"password": NEW, "confirm": NEW}).status_code == 400


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, make_user,
                                                            smtp_server):
    make_user(EMAIL, password=PASSWORD)
    known = ask_for_link(client, EMAIL)
    unknown = ask_for_link(client, "nobody@example.org")
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text)
    assert "If an account exists for that address" in unknown.text
    smtp_server.wait_for(1)
    assert [m["To"] for m in smtp_server.messages] == [EMAIL]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(MailMessage)) == 1


def test_asking_only_queues_a_job_whatever_the_address(app, client, make_user, smtp_server,
                                                       monkeypatch, tmp_path):
    """The request does the same work for every address (it queues a job that looks the
    address up), so its time tells nothing either."""
    make_user(EMAIL, password=PASSWORD)
    keep_jobs(app, tmp_path)
    ask_for_link(client, "nobody@example.org")
    ask_for_link(client, EMAIL)
    assert pending(app) == ["mail_reset_link", "mail_reset_link"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(MailMessage)) == 0
    drain(app, monkeypatch)  # the lookups, then the one mail they queued
    [message] = smtp_server.wait_for(1)
    assert message["To"] == EMAIL
    assert client.get(path_of(link_in(message, "/auth/reset/"))).status_code == 200


def test_a_disabled_account_gets_no_link(app, client, make_user, smtp_server):
    user_id = make_user(EMAIL, password=PASSWORD)
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert ask_for_link(client).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(MailMessage)) == 0


def test_every_session_ends_after_a_reset(app, login, smtp_server):
    browser = login(EMAIL, password=PASSWORD)
    other = app.test_client()
    assert other.post("/auth/login", data={"email": EMAIL, "password": PASSWORD}) \
        .status_code == 302
    assert signed_in(browser) and signed_in(other)
    path = reset_link(app.test_client(), smtp_server)
    assert app.test_client().post(path, data={"password": NEW, "confirm": NEW}) \
        .status_code == 302
    assert not signed_in(browser) and not signed_in(other)


def test_signing_out_everywhere_voids_a_link(app, login, smtp_server):
    browser = login(EMAIL, password=PASSWORD)
    path = reset_link(app.test_client(), smtp_server)
    browser.post("/account/sign-out-everywhere")
    assert app.test_client().get(path).status_code == 410


def test_the_new_password_meets_the_policy(app, client, make_user, smtp_server):
    make_user(EMAIL, password=PASSWORD)
    path = reset_link(client, smtp_server)
    weak = client.post(path, data={"password": "password", "confirm": "password"})
    assert weak.status_code == 400
    mismatch = client.post(path, data={"password": NEW, "confirm": NEW + "!"})
    assert mismatch.status_code == 400 and "The passwords differ." in mismatch.text
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_asking_for_links_is_throttled_per_address(app, client, make_user, smtp_server):
    app.config["RESET_RATE_LIMIT"] = "2 per minute"
    make_user(EMAIL, password=PASSWORD)
    assert [ask_for_link(client).status_code for _ in range(3)] == [200, 200, 429]
    assert ask_for_link(client, "other@example.org").status_code == 200
    assert len(smtp_server.wait_for(2)) == 2
