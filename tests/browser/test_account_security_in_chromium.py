"""Account security in Chromium, as a person goes through it: signing in with a code from an
authenticator app after the password, and resetting a forgotten password from the link in
the mail (a real SMTP server receives it), with the Show button and the strength hint on the
way."""
from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
from mail_support import link_in, smtp_server  # noqa: F401 - registers the fixture

from assess.settings import reconfigure

EMAIL = "applicant@example.org"
PASSWORD = "correct horse battery"  # the browser conftest's applicant
NEW_PASSWORD = "ochre kangaroo lantern 91"


@pytest.fixture
def app(live):
    """The live server's app, for smtp_server to point at its SMTP server."""
    return live.app


def wait_for(predicate, timeout=10.0, message="condition"):
    """Poll ``predicate``; while the browser swaps pages, an element it looks for may be
    missing or stale for a moment: that counts as not yet."""
    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (NoSuchElementException, StaleElementReferenceException):
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


def _submit(browser):
    from selenium.webdriver.common.by import By
    browser.find_element(By.CSS_SELECTOR, "main form [type=submit]").click()


def _enter_password(browser, live, password):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.ID, "email").send_keys(EMAIL)
    browser.find_element(By.ID, "password").send_keys(password)
    _submit(browser)
    wait_for(lambda: "/auth/login" not in browser.current_url, message="the password step")


def _shows_signed_in(browser, live):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/account")
    assert browser.current_url == f"{live.url}/account"
    assert EMAIL in browser.find_element(By.TAG_NAME, "main").text


def _turn_on_two_factor(live) -> str:
    """Two-factor sign-in on for the applicant, through the service, as if set up five minutes
    ago (so that the code the test signs in with is of a later, unused time step)."""
    from assess.extensions import db
    from assess.models import User
    from assess.services import two_factor
    then = live.clock() - timedelta(minutes=5)
    with live.app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == EMAIL))
        secret = two_factor.begin_setup(user_id).secret
        two_factor.confirm_setup(user_id, pyotp.TOTP(secret).at(then), then)
        db.session.remove()
    return secret


def test_signing_in_with_a_code_from_the_app(live, browser):
    from selenium.webdriver.common.by import By
    secret = _turn_on_two_factor(live)
    _enter_password(browser, live, PASSWORD)
    assert browser.current_url.startswith(f"{live.url}/auth/two-factor")
    browser.get(f"{live.url}/account")  # the password alone has not signed anyone in
    assert "/auth/login" in browser.current_url
    browser.get(f"{live.url}/auth/two-factor")
    assert browser.current_url == f"{live.url}/auth/two-factor"
    browser.find_element(By.ID, "code").send_keys(pyotp.TOTP(secret).at(live.clock()))
    _submit(browser)
    wait_for(lambda: "/auth/two-factor" not in browser.current_url, message="the code to pass")
    _shows_signed_in(browser, live)


def test_resetting_a_forgotten_password_from_the_link_in_the_mail(
        live, browser, smtp_server):  # noqa: F811 - the fixture imported above
    from selenium.webdriver.common.by import By
    reconfigure(live.app, PUBLIC_URL=live.url)  # links in the mail lead to this server
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.LINK_TEXT, "Forgot your password?").click()
    wait_for(lambda: browser.current_url.startswith(f"{live.url}/auth/reset"),
             message="the reset page")
    browser.find_element(By.ID, "email").send_keys(EMAIL)
    _submit(browser)
    wait_for(lambda: "is on its way" in browser.find_element(By.TAG_NAME, "main").text,
             message="the answer that a link is on its way")
    message = smtp_server.wait_for(1, timeout=10)[0]
    assert str(message["To"]).endswith(EMAIL)
    browser.get(link_in(message, "/auth/reset/"))

    field = browser.find_element(By.ID, "password")
    toggle = browser.find_element(By.CSS_SELECTOR, "button[aria-controls=password]")
    wait_for(toggle.is_displayed, message="the Show button")
    field.send_keys(NEW_PASSWORD)
    assert field.get_attribute("type") == "password"
    toggle.click()
    assert field.get_attribute("type") == "text"
    assert toggle.get_attribute("aria-pressed") == "true"
    hint = browser.find_element(By.ID, "password-strength")
    wait_for(lambda: "Strength:" in hint.text, message="the strength hint")
    assert f"Length: {len(NEW_PASSWORD)} characters (at least 12)." in hint.text
    browser.find_element(By.ID, "confirm").send_keys(NEW_PASSWORD)
    _submit(browser)
    wait_for(lambda: "/auth/reset/" not in browser.current_url, message="the new password")

    browser.delete_all_cookies()  # whether or not the reset signed this browser in
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.ID, "email").send_keys(EMAIL)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    _submit(browser)
    wait_for(lambda: "Email or password is wrong." in browser.page_source,
             message="the old password to be refused")
    _enter_password(browser, live, NEW_PASSWORD)
    _shows_signed_in(browser, live)
