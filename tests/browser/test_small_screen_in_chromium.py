"""A 390-pixel-wide phone screen: the header keeps *Sign out* in view, and no page (the
results page with its tables included) is wider than the screen."""
from __future__ import annotations

import time

from sqlalchemy import select

from assess.settings import reconfigure

SCREENING = "general-screening"
PASSWORD = "correct horse battery"
WIDTH = 390


def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def _phone(browser):
    """A window exactly 390 × 844 CSS pixels. (Not emulated as "mobile": a phone browser
    zooms out to fit a page that is too wide, which would hide the overflow measured here.)"""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": False})


def _sign_in(browser, live, email):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.NAME, "email").send_keys(email)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form [type=submit]").click()
    wait_for(lambda: "/auth/login" not in browser.current_url, message="sign-in")


def _scored_attempt(live) -> int:
    """The applicant's screening attempt, answered, submitted and fully graded (so the
    results page shows the final score and tier table as well as the per-item table)."""
    from exam_support import submit_gold_attempt
    from grading_support import top_levels

    from assess.extensions import db
    from assess.models import Attempt
    from assess.services import accounts, grading
    reconfigure(live.app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    now = live.clock()
    user_id, attempt_id = submit_gold_attempt(live.app, "applicant@example.org", SCREENING, now)
    with live.app.app_context():
        for n in (1, 2):  # a task near a tier boundary is marked twice
            grader = accounts.create_user(f"grader{n}@example.org", f"Grader {n}", PASSWORD,
                                          "grader", now=now, min_length=10)
            task_id = grading.claim_next(grader.id, now)
            while task_id is not None:
                task_id = grading.submit_grade(task_id, grader.id,
                                               top_levels(live.app, task_id), "ok", now)
        accounts.create_user("admin@example.org", "A rather long administrator name",
                             PASSWORD, "admin", now=now, min_length=10)
        assert db.session.get(Attempt, attempt_id).status == "scored"
        db.session.remove()
    return attempt_id


def _fits(browser, what):
    from selenium.webdriver.common.by import By
    assert browser.execute_script("return window.innerWidth") == WIDTH
    sign_out = browser.find_element(By.XPATH, "//header//button[normalize-space()='Sign out']")
    assert sign_out.is_displayed(), what
    box = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return [r.left, r.right, r.width, r.height];", sign_out)
    left, right, width, height = box
    assert width > 0 and height > 0 and left >= 0 and right <= WIDTH, (what, box)
    scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH, (what, scroll_width)


def test_a_phone_screen_keeps_sign_out_in_view_and_nothing_overflows(live, browser):
    attempt_id = _scored_attempt(live)
    _phone(browser)
    _sign_in(browser, live, "applicant@example.org")
    browser.get(f"{live.url}/attempts/{attempt_id}/results")
    assert "Overall score" in browser.page_source
    _fits(browser, "results page")
    browser.get(f"{live.url}/")
    _fits(browser, "catalogue")
    browser.get(f"{live.url}/me/certificates")
    _fits(browser, "my certificates")
    with live.app.app_context():
        from assess.extensions import db
        from assess.models import Certificate
        public_ids = db.session.scalars(select(Certificate.public_id)).all()
        db.session.remove()
    assert public_ids, "the scored attempt reached a tier and has a certificate"
    for public_id in public_ids:  # the share page, with its long ids and links
        browser.get(f"{live.url}/certificates/{public_id}")
        _fits(browser, "a certificate's public page")

    browser.delete_all_cookies()
    _sign_in(browser, live, "admin@example.org")  # the most header links
    for path in ("/", "/admin/users", "/admin/assessments", "/admin/certificates",
                 "/admin/regrade", "/grading/", "/grading/calibration", "/grading/appeals",
                 "/verify", "/issuer"):
        browser.get(f"{live.url}{path}")
        assert browser.current_url == f"{live.url}{path}"
        _fits(browser, f"admin on {path}")
