"""The admin overview in Chromium: Chart.js (installed by `make vendor`) draws every chart
from the page's JSON, and the canvases hold pixels."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from assess.settings import reconfigure

SCREENING = "general-screening"
PASSWORD = "correct horse battery"
CHART_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "chart.umd.js"
CHARTS = ("distribution", "tiers", "funnel", "items")


def wait_for(predicate, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


@pytest.fixture
def vendored():
    if not CHART_JS.is_file():
        pytest.skip(f"Chart.js is not installed ({CHART_JS.relative_to(CHART_JS.parents[2])} "
                    "is missing): run `make vendor` to test the overview's charts")


def test_the_overview_draws_its_charts(vendored, live, browser):
    from exam_support import gold_answer
    from grading_support import top_levels
    from selenium.webdriver.common.by import By

    from assess.services import accounts, grading
    from assess.services.attempts import save_answer, start_attempt, submit
    reconfigure(live.app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    now = live.clock()
    with live.app.app_context():
        # Three applicants who answer all, half and a quarter of the questions (the rest left
        # blank): scores that differ, so that items have a discrimination to plot.
        for n, share in enumerate((1.0, 0.5, 0.25)):
            user = accounts.create_user(f"applicant{n}@example.org", f"Applicant {n}",
                                        PASSWORD, "applicant", now=now, min_length=10)
            attempt = start_attempt(user.id, SCREENING, now, seed=500 + n)
            answered = attempt.responses[:round(share * len(attempt.responses))]
            for response in answered:
                save_answer(attempt.id, user.id, response.position,
                            gold_answer(response.item_version.content), 1, now)
            submit(attempt.id, user.id, now)
        for n in (1, 2):  # a task near a tier boundary is marked twice
            grader = accounts.create_user(f"grader{n}@example.org", f"Grader {n}", PASSWORD,
                                          "grader", now=now, min_length=10)
            task_id = grading.claim_next(grader.id, now)
            while task_id is not None:
                task_id = grading.submit_grade(task_id, grader.id,
                                               top_levels(live.app, task_id), "ok", now)
        accounts.create_user("admin@example.org", "Admin", PASSWORD, "admin", now=now,
                             min_length=10)

    browser.get(f"{live.url}/auth/login")
    browser.find_element(By.NAME, "email").send_keys("admin@example.org")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "main form [type=submit]").click()
    wait_for(lambda: "/auth/login" not in browser.current_url, message="sign-in")
    browser.get(f"{live.url}/admin/assessments/{SCREENING}/overview")

    registered = ("return Array.from(document.querySelectorAll('figure.chart canvas'))"
                  ".filter(function (c) { return window.Chart && Chart.getChart(c); })"
                  ".map(function (c) { return c.id; });")
    wait_for(lambda: len(browser.execute_script(registered)) == len(CHARTS), message="charts")
    assert sorted(browser.execute_script(registered)) == sorted(f"chart-{n}" for n in CHARTS)
    # Each chart has the page's numbers: the funnel's bars are the funnel table's counts.
    funnel = browser.execute_script(
        "return Chart.getChart(document.getElementById('chart-funnel')).data.datasets[0].data;")
    assert funnel == [3, 3, 3, 1]  # only the applicant who answered everything passed
    cuts = browser.execute_script(
        "return Chart.getChart(document.getElementById('chart-distribution')).data.datasets"
        ".filter(function (d) { return d.type === 'line'; }).map(function (d) { return d.label; });")
    assert cuts == ["Generalist ≥ 60%", "Specialist ≥ 75%", "Expert ≥ 85%"]

    painted = """
        var canvas = document.getElementById(arguments[0]);
        if (!canvas.width || !canvas.height) return 0;
        var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        var count = 0;
        for (var i = 3; i < pixels.length; i += 4) if (pixels[i]) count++;
        return count;"""
    for name in CHARTS:
        wait_for(lambda: browser.execute_script(painted, f"chart-{name}") > 500,
                 message=f"pixels on the {name} chart")
        figure = browser.find_element(By.CSS_SELECTOR, f'figure[data-chart="{name}"]')
        assert figure.is_displayed() and figure.size["height"] > 100
    assert not browser.find_element(By.ID, "charts-failed").is_displayed()
    errors = [entry for entry in browser.get_log("browser") if entry.get("level") == "SEVERE"]
    assert errors == []
