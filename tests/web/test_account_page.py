"""The account page: my attempts with what comes next, the password, other sessions."""
from __future__ import annotations

import re

from exam_support import later, set_clock, submit_gold_attempt
from helpers import FIXED_NOW

EMAIL = "someone@example.org"
PASSWORD = "correct horse battery"
NEW_PASSWORD = "a much longer new passphrase 42"


def test_the_header_links_to_the_account_page(login):
    client = login()
    assert 'href="/account"' in client.get("/").text


def test_the_account_page_needs_a_signed_in_user(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/auth/login" in response.location


def test_changing_the_password_needs_the_current_one(app, login):
    client = login()
    wrong = client.post("/account/password", data={
        "current_password": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 400 and "The current password is wrong." in wrong.text
    short = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "short", "confirm": "short"})
    assert short.status_code == 400
    with app.app_context():
        from assess.services import accounts
        assert accounts.find_by_email(EMAIL).check_password(PASSWORD)


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, login):
    client = login()
    other = app.test_client()
    other.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    changed = client.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    again = app.test_client()
    assert again.post("/auth/login", data={"email": EMAIL,
                                           "password": NEW_PASSWORD}).status_code == 302


def test_my_attempts_says_what_comes_next(app, login, imported):
    client = login()
    submit_gold_attempt(app, EMAIL, "general-screening", FIXED_NOW)
    page = client.get("/account").text
    assert "General AI answer review screening" in page
    assert "Waiting for grading" in page or ">Results<" in page
    assert "Retake allowed from 26 Nov 2026, 12:00 UTC." in page
    _score_latest(app, 0.8, "specialist")
    page = client.get("/account").text
    assert "80%" in page and "Specialist" in page

    set_clock(app, later(hours=73))
    started = client.post("/assessments/general-screening/start")
    attempt_id = int(re.search(r"/attempts/(\d+)/", started.location).group(1))
    page = client.get("/account").text
    assert f'href="/attempts/{attempt_id}"' in page and "Resume" in page
    assert page.index(f"/attempts/{attempt_id}\"") < page.index("80%")  # newest first


def test_my_attempts_when_there_are_none(login):
    assert "You have not taken any assessment yet." in login().get("/account").text


def _score_latest(app, score: float, tier: str) -> None:
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Attempt
    with app.app_context():
        attempt = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
        attempt.status, attempt.score, attempt.tier_slug = "scored", score, tier
        db.session.commit()
