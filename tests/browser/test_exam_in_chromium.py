"""One full attempt in a real Chromium: countdown, autosave indicator, a network cut, reload,
finalisation at the deadline, and a keyboard-only walk through every page."""
from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import select

SCREENING = "general-screening"
PASSWORD = "correct horse battery"


def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def sign_in(browser, live):
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.NAME, "email").send_keys("applicant@example.org")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait_for(lambda: "/auth/login" not in browser.current_url, message="sign-in")


def start_attempt(browser, live) -> int:
    from selenium.webdriver.common.by import By
    browser.get(f"{live.url}/assessments/{SCREENING}")
    browser.find_element(By.XPATH, "//button[normalize-space()='Start the clock']").click()
    wait_for(lambda: "/items/" in browser.current_url, message="the first item")
    return int(re.search(r"/attempts/(\d+)/", browser.current_url).group(1))


def saved_answers(live, attempt_id) -> dict[int, dict | None]:
    from assess.extensions import db
    from assess.models import Response
    with live.app.app_context():
        rows = db.session.execute(select(Response.position, Response.answer).where(
            Response.attempt_id == attempt_id)).all()
        db.session.remove()
        return dict(rows)


def status(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.ID, "save-status").get_attribute("data-state")


def clock_text(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.CSS_SELECTOR, "#clock .clock-time").text


def seconds(text: str) -> int:
    parts = [int(p) for p in text.split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))


def go_to_item_with(browser, live, attempt_id, selector):
    """The first item whose page has an element matching ``selector``."""
    from selenium.webdriver.common.by import By
    for position in range(1, 14):
        browser.get(f"{live.url}/attempts/{attempt_id}/items/{position}")
        if browser.find_elements(By.CSS_SELECTOR, selector):
            return position
    raise AssertionError(f"no item with {selector}")


def test_a_full_attempt_survives_a_network_cut_and_a_reload(live, browser):
    from selenium.webdriver.common.by import By
    sign_in(browser, live)
    attempt_id = start_attempt(browser, live)

    first = clock_text(browser)
    assert 29 * 60 <= seconds(first) <= 30 * 60
    wait_for(lambda: clock_text(browser) != first, timeout=5, message="the countdown to move")

    position = go_to_item_with(browser, live, attempt_id, "textarea[name=justification]")
    radio = browser.find_element(By.CSS_SELECTOR, "#answer-form input[name=choice]")
    radio.click()
    wait_for(lambda: status(browser) == "saved", message="saved after a click")
    assert saved_answers(live, attempt_id)[position]["choice"] == radio.get_attribute("value")

    # The network goes: typing goes on, the page says so honestly, nothing is lost.
    live.stop()
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
    box.send_keys("Response A gets the date wrong; B is accurate and cites its source.")
    wait_for(lambda: status(browser) == "offline", message="the offline indicator")
    assert "will retry" in browser.find_element(By.ID, "save-status").text
    live.start()
    wait_for(lambda: status(browser) == "saved", timeout=20, message="the retry after recovery")
    answer = saved_answers(live, attempt_id)[position]
    assert answer["justification"].startswith("Response A gets the date wrong")

    # A reload keeps every answer.
    browser.refresh()
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
    assert box.get_attribute("value").startswith("Response A gets the date wrong")
    assert browser.find_element(
        By.CSS_SELECTOR, f"#answer-form input[name=choice][value='{answer['choice']}']"
    ).is_selected()

    # Saves queued while offline survive a reload made before the network returns.
    live.stop()
    box.send_keys(" Also, A is rude.")
    wait_for(lambda: status(browser) == "offline", message="offline again")
    live.start()
    browser.refresh()
    wait_for(lambda: (saved_answers(live, attempt_id)[position] or {}).get(
        "justification", "").endswith("A is rude."), timeout=20, message="the queued save")
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
    assert box.get_attribute("value").endswith("A is rude.")


def test_the_attempt_is_finalised_at_the_deadline(live, browser):
    sign_in(browser, live)
    attempt_id = start_attempt(browser, live)
    from selenium.webdriver.common.by import By

    def warning():
        clock = browser.find_element(By.ID, "clock")
        return clock.get_attribute("class"), browser.find_element(By.ID, "clock-announce").text

    live.clock.offset = timedelta(minutes=25, seconds=10)  # 4:50 left
    browser.refresh()
    wait_for(lambda: warning() == ("clock clock-warning", "5 minutes left."),
             message="the five-minute warning")
    live.clock.offset = timedelta(minutes=30) - timedelta(seconds=4)
    browser.refresh()
    assert seconds(clock_text(browser)) <= 4
    classes, announced = warning()
    assert "clock-urgent" in classes and announced.startswith("1 minute left.")
    wait_for(lambda: clock_text(browser) == "0:00", timeout=8, message="the countdown to end")
    # Past the grace period the server finalises on the next request the page makes.
    live.clock.offset = timedelta(minutes=31)
    wait_for(lambda: "/results" in browser.current_url, timeout=15, message="the results page")
    assert "submitted automatically when the time ran out" in browser.page_source
    from assess.extensions import db
    from assess.models import Attempt
    with live.app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status in ("awaiting_grading", "scored")
        assert attempt.finalised_by == "deadline"


ACCESSIBLE_NAME = """
const el = arguments[0];
if (el.getAttribute('aria-label')) return el.getAttribute('aria-label');
const by = el.getAttribute('aria-labelledby');
if (by) return by.split(' ').map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
if (el.labels && el.labels.length) return Array.from(el.labels).map(l => l.textContent).join(' ');
return el.textContent || el.value || el.getAttribute('title') || '';
"""
FOCUSABLE = ("a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), "
             "select:not([disabled]), textarea:not([disabled])")


def keyboard_walk(browser):
    """Tab through the page: every control is reached, in order, and has a name."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    expected = [e for e in browser.find_elements(By.CSS_SELECTOR, FOCUSABLE) if e.is_displayed()]
    radio_groups = set()
    stops = []
    for e in expected:
        name = browser.execute_script(ACCESSIBLE_NAME, e).strip()
        assert name, f"unnamed control: {e.get_attribute('outerHTML')[:120]}"
        if e.get_attribute("type") == "radio":
            group = e.get_attribute("name")
            if group in radio_groups:
                continue  # a radio group is one tab stop; arrows move inside it
            radio_groups.add(group)
        stops.append(e)
    browser.find_element(By.TAG_NAME, "body").click()
    browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
    reached = []
    for _ in range(len(stops) + 5):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        reached.append(browser.switch_to.active_element)
    for stop in stops:
        if stop.get_attribute("type") == "radio":
            group = stop.get_attribute("name")
            assert any(r.get_attribute("name") == group for r in reached), group
        else:
            assert stop in reached, stop.get_attribute("outerHTML")[:120]


def test_keyboard_only_walk_through_every_page(live, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    sign_in(browser, live)
    browser.get(f"{live.url}/assessments/{SCREENING}")
    keyboard_walk(browser)
    attempt_id = start_attempt(browser, live)
    for position in range(1, 14):
        browser.get(f"{live.url}/attempts/{attempt_id}/items/{position}")
        keyboard_walk(browser)
    # Answer with the keyboard alone: focus a radio group, pick with space, save with Enter.
    position = go_to_item_with(browser, live, attempt_id, "#answer-form input[name=choice]")
    radio = browser.find_element(By.CSS_SELECTOR, "#answer-form input[name=choice]")
    browser.execute_script("arguments[0].focus()", radio)
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    wait_for(lambda: status(browser) == "saved", message="keyboard answer saved")
    next_button = browser.find_element(By.CSS_SELECTOR, "button[value=next]")
    browser.execute_script("arguments[0].focus()", next_button)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(lambda: f"/items/{position + 1}" in browser.current_url, message="next item")
    assert saved_answers(live, attempt_id)[position].get("choice")
    browser.get(f"{live.url}/attempts/{attempt_id}/review")
    keyboard_walk(browser)


def test_a_grader_grades_with_the_keyboard_alone(live, browser):
    from exam_support import submit_gold_attempt
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from assess.extensions import db
    from assess.models import Grade, GradingTask
    from assess.services import accounts
    now = live.clock()
    submit_gold_attempt(live.app, "applicant@example.org", SCREENING, now)
    with live.app.app_context():
        accounts.create_user("grader@example.org", "Grader", PASSWORD, "grader", now=now,
                             min_length=10)
        db.session.remove()
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.NAME, "email").send_keys("grader@example.org")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
    wait_for(lambda: "/auth/login" not in browser.current_url, message="sign-in")
    browser.get(f"{live.url}/grading/")
    start = browser.find_element(By.XPATH, "//button[normalize-space()='Start grading']")
    browser.execute_script("arguments[0].focus()", start)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait_for(lambda: "/grading/tasks/" in browser.current_url, message="a task")
    task_id = int(re.search(r"/grading/tasks/(\d+)", browser.current_url).group(1))
    criteria = browser.find_elements(By.CSS_SELECTOR, "fieldset.criterion")
    assert criteria
    # The first level input has focus on load: press a digit per criterion, then Ctrl+Enter.
    for fieldset in criteria:
        count = len(fieldset.find_elements(By.CSS_SELECTOR, "input[type=radio]"))
        ActionChains(browser).send_keys(str(count)).perform()
    for fieldset in criteria:
        radios = fieldset.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        assert radios[-1].is_selected()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL) \
        .perform()
    wait_for(lambda: f"/grading/tasks/{task_id}" not in browser.current_url,
             message="the next task after submitting")
    with live.app.app_context():
        grade = db.session.query(Grade).filter_by(task_id=task_id).one()
        task = db.session.get(GradingTask, task_id)
        assert grade.points == task.max_points
        db.session.remove()


def test_save_and_next_right_after_typing_moves_on_and_keeps_the_text(live, browser):
    """Typing in a text box and pressing a save button at once (the blur fires ``change``,
    which queues an autosave) must still move on, and save what was typed."""
    from selenium.webdriver.common.by import By
    sign_in(browser, live)
    attempt_id = start_attempt(browser, live)
    boxes = range(1, 13)  # every position but the last (13): each has "Save and next"
    typed = {}
    # At once, with no wait; then after "All changes saved", with the cursor still in the box.
    for wait_first in (False, True):
        position = None
        for candidate in boxes:
            browser.get(f"{live.url}/attempts/{attempt_id}/items/{candidate}")
            if candidate not in typed and browser.find_elements(
                    By.CSS_SELECTOR, "textarea[name=justification]"):
                position = candidate
                break
        assert position is not None, "no item with a justification left"
        text = f"B names the decisive error and A does not (wait={wait_first})."
        box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
        box.click()
        box.send_keys(text)
        if wait_first:
            wait_for(lambda: status(browser) == "saved", message="saved after typing")
            assert browser.switch_to.active_element == box
        browser.find_element(By.CSS_SELECTOR, "button[value=next]").click()
        wait_for(lambda: f"/items/{position}" not in browser.current_url, timeout=10,
                 message="the next question")
        assert browser.current_url.endswith(f"/attempts/{attempt_id}/items/{position + 1}")
        assert "A newer version of this answer" not in browser.page_source
        typed[position] = text
        wait_for(lambda: (saved_answers(live, attempt_id)[position] or {}).get(
            "justification") == text, timeout=5, message="the typed text saved")
        # The post was kept in the browser until a page showed the server has it: now cleared.
        wait_for(lambda: not browser.execute_script(
            "return Object.keys(localStorage).filter(k => k.indexOf(arguments[0]) === 0)",
            f"assess:{attempt_id}:"), timeout=5, message="the browser's queue to be cleared")
        # Going back shows it, and nothing is left queued to overwrite it.
        browser.get(f"{live.url}/attempts/{attempt_id}/items/{position}")
        box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
        assert box.get_attribute("value") == text
    assert {p: saved_answers(live, attempt_id)[p]["justification"] for p in typed} == typed


def test_flag_for_review_right_after_typing_keeps_the_flag_and_the_text(live, browser):
    from selenium.webdriver.common.by import By

    from assess.extensions import db
    from assess.models import Response
    sign_in(browser, live)
    attempt_id = start_attempt(browser, live)
    position = go_to_item_with(browser, live, attempt_id, "textarea[name=justification]")
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
    box.click()
    box.send_keys("A invents a citation; B does not.")
    browser.find_element(By.CSS_SELECTOR, "button[value=flag]").click()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".flag-note"), timeout=10,
             message="the flag note")
    assert "A newer version of this answer" not in browser.page_source
    with live.app.app_context():
        response = db.session.execute(select(Response).where(
            Response.attempt_id == attempt_id, Response.position == position)).scalar_one()
        assert response.flagged and response.answer["justification"] == \
            "A invents a citation; B does not."
        db.session.remove()


def test_a_plain_post_that_never_arrives_is_sent_again_from_the_browser(live, browser):
    """The post's answer waits in localStorage until a page shows the server has it."""
    from selenium.webdriver.common.by import By
    sign_in(browser, live)
    attempt_id = start_attempt(browser, live)
    position = go_to_item_with(browser, live, attempt_id, "textarea[name=justification]")
    box = browser.find_element(By.CSS_SELECTOR, "textarea[name=justification]")
    box.click()
    box.send_keys("Typed just before the connection dropped.")
    live.stop()
    browser.find_element(By.CSS_SELECTOR, "button[value=next]").click()
    time.sleep(1)  # the post fails: the browser shows its own error page
    live.start()
    browser.get(f"{live.url}/attempts/{attempt_id}/items/{position + 1}")
    wait_for(lambda: (saved_answers(live, attempt_id)[position] or {}).get(
        "justification") == "Typed just before the connection dropped.", timeout=10,
        message="the queued post sent from the next page")
