"""Password fields in Chromium (static/js/password.js): the Show/Hide button, by mouse and
keyboard and on a phone screen, and the live strength hint on the registration page, which
judges as the server does (zxcvbn, `make vendor`) and says what the server would say."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from zxcvbn import zxcvbn

from assess.services import ServiceError
from assess.services.passwords import check_policy

ZXCVBN_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "zxcvbn.js"
WORDS = ["very weak", "weak", "fair", "good", "strong"]
EMAIL = "samwise@example.org"


def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture
def vendored():
    if not ZXCVBN_JS.is_file():
        pytest.skip("zxcvbn is not installed (static/vendor/zxcvbn.js is missing): run "
                    "`make vendor` to test the live strength hint")


def _hint(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.ID, "password-strength").text


def _type(browser, field_id, text):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    element = browser.find_element(By.ID, field_id)
    element.send_keys(Keys.CONTROL, "a")  # as a person clears it (clear() sends no input event)
    element.send_keys(Keys.BACKSPACE)
    if text:
        element.send_keys(text)


def _state(field, toggle) -> tuple[str, str, str]:
    from selenium.webdriver.common.by import By
    label = toggle.find_element(By.CSS_SELECTOR, "[data-reveal-label]").text
    return field.get_attribute("type"), toggle.get_attribute("aria-pressed"), label


def _refusal(password: str, email: str = EMAIL) -> str | None:
    """What the server says to refuse ``password`` (None when it accepts it)."""
    try:
        check_policy(password, email, 12)
    except ServiceError as exc:
        return exc.message
    return None


def test_show_hide_by_mouse_and_keyboard(live, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    browser.get(f"{live.url}/auth/register")
    field = browser.find_element(By.ID, "password")
    toggle = browser.find_element(By.CSS_SELECTOR, "button[aria-controls=password]")
    wait_for(toggle.is_displayed, message="the script to show the button")
    assert toggle.get_attribute("type") == "button"
    assert _state(field, toggle) == ("password", "false", "Show")
    assert toggle.accessible_name == "Show password"
    field.send_keys("kangaroo lantern")
    toggle.click()
    assert _state(field, toggle) == ("text", "true", "Hide")
    assert toggle.accessible_name == "Hide password"
    assert field.get_attribute("value") == "kangaroo lantern"
    field.send_keys(Keys.TAB)  # the next stop after the field is its button
    assert browser.switch_to.active_element == toggle
    toggle.send_keys(Keys.SPACE)
    assert (field.get_attribute("type"), toggle.get_attribute("aria-pressed")) \
        == ("password", "false")
    toggle.send_keys(Keys.ENTER)
    assert field.get_attribute("type") == "text"
    # The confirmation field has its own button; a press on one leaves the other as it is.
    confirm = browser.find_element(By.ID, "confirm")
    assert confirm.get_attribute("type") == "password"
    browser.find_element(By.CSS_SELECTOR, "button[aria-controls=confirm]").click()
    assert confirm.get_attribute("type") == "text"
    # Submitting hides what was shown, so the browser does not keep it as plain text.
    browser.find_element(By.ID, "name").send_keys("Sam")
    browser.find_element(By.ID, "email").send_keys(EMAIL)
    confirm.send_keys("kangaroo lantern")
    browser.execute_script("document.querySelector('main form').addEventListener('submit',"
                           " e => { window.typesOnSubmit = [...document.querySelectorAll("
                           "'input[name=password], input[name=confirm]')].map(i => i.type);"
                           " e.preventDefault(); });")
    browser.find_element(By.ID, "submit").click()
    wait_for(lambda: browser.execute_script("return window.typesOnSubmit"), message="submit")
    assert browser.execute_script("return window.typesOnSubmit") == ["password", "password"]
    csp = [entry["message"] for entry in browser.get_log("browser")
           if "Content Security Policy" in entry["message"]]
    assert csp == []


def test_the_button_fits_beside_the_field_on_a_phone(live, browser):
    from selenium.webdriver.common.by import By
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False})
    browser.get(f"{live.url}/auth/register")
    toggle = browser.find_element(By.CSS_SELECTOR, "button[aria-controls=password]")
    wait_for(toggle.is_displayed, message="the button")
    field = browser.find_element(By.ID, "password")
    box = browser.execute_script(
        "return [arguments[0], arguments[1]].map(e => e.getBoundingClientRect())"
        ".map(r => [r.left, r.right, r.top, r.height])", field, toggle)
    (_, field_right, field_top, _), (left, right, top, height) = box
    assert field_right <= left and right <= 320 and abs(top - field_top) < 1
    assert height >= 44  # a finger-sized target
    assert browser.execute_script("return document.documentElement.scrollWidth") <= 320


def test_the_strength_hint_says_what_the_server_would(vendored, live, browser):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/auth/register")
    live_region = browser.find_element(By.ID, "password-strength")
    assert live_region.get_attribute("aria-live") == "polite" and live_region.text == ""
    _type(browser, "email", EMAIL)
    for password in ("password1", "qwertyuiop12", "Tr0ub4dour&3xyz", "samwise-is-my-name",
                     "kangaroo-lantern-ochre-91"):
        _type(browser, "password", password)
        score = zxcvbn(password, user_inputs=[EMAIL, "samwise"])["score"]
        length = len(password)
        expected = (f"Length: {length} of at least 12 characters." if length < 12
                    else f"Length: {length} characters (at least 12).",
                    f"Strength: {WORDS[score]}")
        wait_for(lambda: all(part in _hint(browser) for part in expected),  # noqa: B023
                 message=f"the hint for {password!r}")
        hint = _hint(browser)
        refusal = _refusal(password)
        if refusal is None:
            assert score >= 3 and f"Strength: {WORDS[score]}." in hint
        elif length >= 12:  # the server's reason is in the hint, word for word
            assert refusal in hint, (password, refusal, hint)
    _type(browser, "password", "")
    wait_for(lambda: _hint(browser) == "", message="the hint to clear")


def test_the_hint_follows_the_email_typed(vendored, live, browser):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/auth/register")
    _type(browser, "password", "samwise-rides-purple-kangaroos")
    wait_for(lambda: "Strength: strong." in _hint(browser), message="a strong password")
    assert "email" not in _hint(browser)
    browser.find_element(By.ID, "email").send_keys(EMAIL)
    wait_for(lambda: "does not contain your email address" in _hint(browser),
             message="the email's local part to be seen in the password")


def test_without_the_library_the_hint_gives_the_length_and_defers_to_the_server(live, browser):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/static/vendor/zxcvbn.js"]})
    browser.get(f"{live.url}/auth/register")
    _type(browser, "password", "password1")
    wait_for(lambda: "Strength is checked when you submit." in _hint(browser),
             message="the hint without zxcvbn")
    assert "Length: 9 of at least 12 characters." in _hint(browser)
    assert browser.execute_script("return typeof window.zxcvbn") == "undefined"


def test_the_change_password_page_judges_against_the_account_email(vendored, live, browser):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.ID, "email").send_keys("applicant@example.org")
    browser.find_element(By.ID, "password").send_keys("correct horse battery")
    browser.find_element(By.CSS_SELECTOR, "main form [type=submit]").click()
    wait_for(lambda: "/auth/login" not in browser.current_url, message="sign-in")
    browser.get(f"{live.url}/account/password")
    for field_id in ("current_password", "password", "confirm"):
        toggle = browser.find_element(By.CSS_SELECTOR, f"button[aria-controls={field_id}]")
        wait_for(toggle.is_displayed, message=f"the button of {field_id}")
    _type(browser, "password", "the-applicant-rides-kangaroos")
    wait_for(lambda: "does not contain your email address" in _hint(browser),
             message="the account's address to be seen in the password")
    refusal = _refusal("the-applicant-rides-kangaroos", "applicant@example.org")
    assert refusal is not None and refusal in _hint(browser)
