"""A span item end to end, from a temporary bank with one span item and a practice blueprint
drawing it: the plain form (no JavaScript) renders one checkbox per sentence and a post saves a
sentence selection; in Chromium, static/js/items/span.js marks words chosen with the keyboard
or the mouse, lists them as removable buttons, autosaves them in the same fields, and keeps
them over a reload and a network cut."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

PASSWORD = "correct horse battery"
SLUG = "span-practice"
RESPONSE = "The Eiffel Tower is in Paris. It was finished in 1899. It is about 330 metres tall."
# Tokens: The0 Eiffel1 Tower2 is3 in4 Paris5 | It6 was7 finished8 in9 1899(10) |
#         It11 is12 about13 330(14) metres15 tall16
BANK = f"""
bank: spans
title: Marking errors
domain: general
rubrics:
  - id: justification
    title: Why the passage is wrong
    criteria:
      - id: reason
        label: Names the error
        levels:
          - {{points: 0, label: Missing, descriptor: "No reason, or a wrong one."}}
          - {{points: 1, label: Full, descriptor: "Says the tower was finished in 1889."}}
items:
  - id: span-eiffel
    type: span
    title: Eiffel Tower facts
    prompt: Tell me three facts about the Eiffel Tower.
    response: "{RESPONSE}"
    gold: ["finished in 1899"]
    justification:
      prompt: What is wrong in the passage you marked?
      rubric: justification
      required: false
    explanation: >-
      The tower was finished in 1889, for the World's Fair, not in 1899. It is in Paris and
      about 330 metres tall.
"""
BLUEPRINT = f"""
assessment: {SLUG}
title: Marking errors
domain: general
mode: practice
attempts_allowed: 0
shuffle_items: false
review: {{keys: immediately, explanations: immediately, per_item_scores: true}}
description: One item that asks you to mark the error in a response.
instructions: Mark the words that are wrong.
sections:
  - id: spans
    title: Marking errors
    draw: 1
    from: {{banks: [spans], types: [span]}}
tiers: []
"""


@pytest.fixture
def span_banks(tmp_path):
    folder = tmp_path / "span-banks"
    (folder / "assessments").mkdir(parents=True)
    (folder / "spans.yaml").write_text(BANK, encoding="utf-8")
    (folder / "assessments" / "span-practice.yaml").write_text(BLUEPRINT, encoding="utf-8")
    return folder


def import_banks(app, folder, now):
    from assess.extensions import db
    from assess.services.banks import import_paths
    with app.app_context():
        import_paths([folder], now=now)
        db.session.remove()


def saved_answer(app, attempt_id):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        answer = db.session.scalar(select(Response.answer).where(
            Response.attempt_id == attempt_id, Response.position == 1))
        db.session.remove()
        return answer


def text_of(html: str) -> str:
    from markupsafe import Markup
    return " ".join(Markup(html).striptags().split())


# ------------------------------------------------------------------ the plain form (no JS)

def test_a_span_item_renders_and_a_plain_post_saves_a_sentence_selection(app, login,
                                                                          span_banks):
    from helpers import FIXED_NOW
    import_banks(app, span_banks, FIXED_NOW)
    client = login("applicant@example.org")
    reply = client.post(f"/assessments/{SLUG}/start")
    assert reply.status_code == 302, reply.text
    attempt_id = int(re.search(r"/attempts/(\d+)/", reply.location).group(1))
    url = f"/attempts/{attempt_id}/items/1"

    html = client.get(url).text
    assert 'class="item item-span"' in html and "Mark the error" in html
    # The exam page loads the type's script through the per-type hook, deferred.
    assert re.search(r'<script src="/static/js/items/span\.js[^"]*" defer>', html)
    boxes = re.findall(r'<input type="checkbox" id="(q1-spans-\d)" name="spans" value="([\d-]+)"',
                       html)
    assert [value for _, value in boxes] == ["0-5", "6-10", "11-16"]
    assert f'<label for="{boxes[1][0]}">It was finished in 1899.</label>' in html
    assert "No part of the response contains an error" in html
    assert "1889" not in html  # the key and its explanation stay out of the open item

    reply = client.post(url, data={"revision": "1", "action": "save", "spans": "6-10",
                                   "justification": "It was finished in 1889."})
    assert reply.status_code == 302, reply.text
    assert saved_answer(app, attempt_id) == {"spans": [[6, 10]],
                                             "justification": "It was finished in 1889."}
    html = client.get(url).text
    assert re.search(r'name="spans" value="6-10" checked>', html)
    assert 'value="0-5" checked' not in html

    # Autosave posts the same fields as JSON (static/js/exam.js serialises the form).
    reply = client.post(f"{url}/autosave", json={"revision": 2, "form": {
        "spans": ["8-10"], "spans_none": [], "justification": [""]}})
    assert reply.status_code == 200 and reply.json["complete"] is True, reply.text
    assert saved_answer(app, attempt_id) == {"spans": [[8, 10]]}
    html = client.get(url).text
    assert "Passage you marked: “finished in 1899”" in html  # a non-sentence span, kept
    assert '<mark><span data-t="8">finished</span>' in html

    # Both "no error" and a span: refused with the field named, the form echoed back.
    reply = client.post(url, data={"revision": "3", "action": "save", "spans": "0-5",
                                   "spans_none": "1"})
    assert reply.status_code == 422
    assert "Not saved: mark passages or tick" in text_of(reply.text) and "(spans)" in reply.text
    assert saved_answer(app, attempt_id) == {"spans": [[8, 10]]}

    # Practice: "Check my answer" grades it and shows the review with the key.
    reply = client.post(url, data={"revision": "4", "action": "check", "spans": "6-10"})
    assert reply.status_code == 302
    text = text_of(client.get(url).text)
    assert "Correct answer “finished in 1899”" in text
    assert "Points: 0.75 out of 1" in text and "Word-level F1 0.75" in text
    assert "finished in 1889, for the World's Fair" in text


# ------------------------------------------------------------------ Chromium

def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture
def span_page(live, browser, span_banks):
    """Signed in, on the span item of a fresh practice attempt; yields the attempt id."""
    from selenium.webdriver.common.by import By
    import_banks(live.app, span_banks, live.clock())
    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.NAME, "email").send_keys("applicant@example.org")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    wait_for(lambda: "/auth/login" not in browser.current_url, message="sign-in")
    browser.get(f"{live.url}/assessments/{SLUG}")
    browser.find_element(By.XPATH, "//button[normalize-space()='Start practising']").click()
    wait_for(lambda: "/items/1" in browser.current_url, message="the span item")
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-span-ready]"),
             message="span.js to enhance the item")
    return int(re.search(r"/attempts/(\d+)/", browser.current_url).group(1))


def status(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.ID, "save-status").get_attribute("data-state")


def chips(browser) -> list[str]:
    """The marked passages' remove buttons as announced ("Remove the mark on" is visually
    hidden; the × is hidden from screen readers)."""
    from selenium.webdriver.common.by import By
    return [" ".join(b.get_attribute("textContent").replace("×", "").split())
            for b in browser.find_elements(By.CSS_SELECTOR, ".span-marks button")]


def marked_text(browser) -> list[str]:
    from selenium.webdriver.common.by import By
    return [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#q1-text mark")]


def announced(browser) -> str:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.ID, "q1-announce").get_attribute("textContent")


def saved_spans(live, attempt_id):
    return (saved_answer(live.app, attempt_id) or {}).get("spans")


def test_keyboard_and_mouse_marks_are_autosaved_in_the_form_fields(live, browser, span_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    attempt_id = span_page
    text = browser.find_element(By.ID, "q1-text")
    assert text.get_attribute("role") == "textbox" and text.get_attribute("tabindex") == "0"
    assert text.get_attribute("aria-readonly") == "true"
    described = browser.find_element(By.ID, text.get_attribute("aria-describedby")).text
    assert "arrow keys" in described and "Enter marks the selection" in described
    button = browser.find_element(By.ID, "q1-mark")
    button.click()  # nothing selected yet: it says what to do
    wait_for(lambda: announced(browser) == "Select some words of the response first.",
             message="the hint")
    assert button.get_attribute("aria-disabled") == "true" and chips(browser) == []
    assert browser.find_element(By.CSS_SELECTOR, ".span-empty").is_displayed()

    # Keyboard: Tab from the question navigator into the response (the next tab stops), move
    # to word 9 ("finished"), extend the selection by two words, Enter.
    browser.execute_script("arguments[0].focus()",
                           browser.find_element(By.CSS_SELECTOR, ".item-nav [aria-current]"))
    for _ in range(6):
        if browser.switch_to.active_element == text:
            break
        ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element == text, "Tab does not reach the response"
    ActionChains(browser).send_keys(*[Keys.ARROW_RIGHT] * 9).perform()
    wait_for(lambda: "“finished”, word 9 of 17" in announced(browser), message="word announced")
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT) \
        .key_up(Keys.SHIFT).perform()
    wait_for(lambda: "Selected 3 words: “finished in 1899”" in announced(browser),
             message="the selection announced")
    assert button.get_attribute("aria-disabled") == "false"
    assert browser.execute_script("return window.getSelection().toString()") == \
        "finished in 1899"
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(lambda: announced(browser).startswith("Marked “finished in 1899”. 1 passage"),
             message="the mark announced")
    assert chips(browser) == ["Remove the mark on “finished in 1899”"] and marked_text(browser) == [
        "finished in 1899"]
    wait_for(lambda: saved_spans(live, attempt_id) == [[8, 10]], message="the keyboard mark")
    wait_for(lambda: status(browser) == "saved", message="saved")

    # Mouse: drag across "330 metres", then press the button.
    start = browser.find_element(By.CSS_SELECTOR, '#q1-text [data-t="14"]')
    end = browser.find_element(By.CSS_SELECTOR, '#q1-text [data-t="15"]')
    ActionChains(browser).click_and_hold(start).move_to_element(end).release().perform()
    wait_for(lambda: "Selected: “330 metres” (2 words)" in
             browser.find_element(By.ID, "q1-selected").text, message="the mouse selection")
    button.click()
    wait_for(lambda: saved_spans(live, attempt_id) == [[8, 10], [14, 15]],
             message="the mouse mark")
    assert marked_text(browser) == ["finished in 1899", "330 metres"]

    # A sentence ticked with JavaScript on is one more span in the same field.
    browser.find_element(By.CSS_SELECTOR, "input[name=spans][value='0-5']").click()
    wait_for(lambda: saved_spans(live, attempt_id) == [[0, 5], [8, 10], [14, 15]],
             message="the ticked sentence")
    assert chips(browser)[0] == "Remove the mark on “The Eiffel Tower is in Paris”"

    # Remove "330 metres" with the keyboard: focus moves on to a neighbouring button.
    remove = browser.find_element(By.CSS_SELECTOR, ".span-marks button[data-span='14-15']")
    browser.execute_script("arguments[0].focus()", remove)
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    wait_for(lambda: saved_spans(live, attempt_id) == [[0, 5], [8, 10]],
             message="the removal saved")
    wait_for(lambda: "Removed the mark on “330 metres”. 2 passages marked." in
             announced(browser), message="the removal announced")
    assert browser.switch_to.active_element.get_attribute("data-span") == "8-10"

    # Marking words that overlap a mark joins them: "Paris. It was" joins the first sentence.
    # (Up selects the previous sentence, up to the first; End goes to its last word.)
    browser.execute_script("arguments[0].focus()", text)
    ActionChains(browser).send_keys(Keys.ARROW_UP, Keys.ARROW_UP, Keys.ARROW_UP).perform()
    wait_for(lambda: "Selected 6 words: “The Eiffel Tower is in Paris”, already marked"
             in announced(browser), message="the first sentence selected")
    ActionChains(browser).send_keys(Keys.END).perform()
    wait_for(lambda: "“Paris”, word 6 of 17, marked" in announced(browser), message="End")
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT) \
        .key_up(Keys.SHIFT).send_keys(Keys.ENTER).perform()
    wait_for(lambda: saved_spans(live, attempt_id) == [[0, 7], [8, 10]],
             message="the joined mark")
    wait_for(lambda: "joined with 1 passage it overlapped" in announced(browser),
             message="the join announced")
    assert not browser.find_element(By.CSS_SELECTOR, "input[value='0-5']").is_selected()

    # A reload shows what the server has: the marks, the buttons, no visible passage boxes.
    browser.refresh()
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-span-ready]"),
             message="enhanced again")
    assert chips(browser) == ["Remove the mark on “The Eiffel Tower is in Paris. It was”",
                              "Remove the mark on “finished in 1899”"]
    assert marked_text(browser) == ["The Eiffel Tower is in Paris. It was finished in 1899"]
    assert not any(box.is_displayed() for box in browser.find_elements(
        By.CSS_SELECTOR, "input[name=spans][id*=passage]"))

    # "No error" clears every mark.
    browser.find_element(By.CSS_SELECTOR, "input[name=spans_none]").click()
    wait_for(lambda: saved_spans(live, attempt_id) == [], message="no error")
    assert chips(browser) == [] and marked_text(browser) == []


def test_a_mark_made_offline_survives_a_reload_and_a_plain_check(live, browser, span_page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    attempt_id = span_page
    text = browser.find_element(By.ID, "q1-text")
    live.stop()
    browser.execute_script("arguments[0].focus()", text)
    ActionChains(browser).send_keys(*[Keys.ARROW_RIGHT] * 11).perform()  # word 11: "1899"
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT) \
        .key_up(Keys.SHIFT).send_keys(Keys.ENTER).perform()
    wait_for(lambda: status(browser) == "offline", message="offline")
    live.start()
    browser.refresh()  # the server may not have it yet: the browser's queued save restores it
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "[data-span-ready]"),
             message="enhanced after the reload")
    assert chips(browser) == ["Remove the mark on “finished in 1899”"]
    wait_for(lambda: saved_spans(live, attempt_id) == [[8, 10]], timeout=20,
             message="the queued save")
    # A plain post ("Check my answer") carries the same field: full marks, and the review.
    browser.find_element(By.CSS_SELECTOR, "button[value=check]").click()
    wait_for(lambda: browser.find_elements(By.ID, "feedback"), message="the feedback")
    feedback = browser.find_element(By.ID, "feedback").text
    assert "Points: 1 out of 1" in feedback and "counts in full" in feedback
