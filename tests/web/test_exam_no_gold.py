"""No page or JSON of an open timed attempt carries a gold key or an explanation; nor does
any page or JSON of a finished attempt whose blueprint's review options say ``keys: never``
(results, item pages, appeals, certificates), while ``immediately`` shows them and
``after_close`` shows them once the applicant has used every attempt."""
from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest
from exam_support import form_fields, gold_answer, gold_texts, set_clock
from grading_support import top_levels
from helpers import BANKS, FIXED_NOW
from sqlalchemy import select

from assess.settings import reconfigure

SCREENING = "general-screening"
PASSWORD = "correct horse battery"


def _contents(app, attempt_id):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        return [(r.position, r.item_version.content) for r in db.session.scalars(
            select(Response).where(Response.attempt_id == attempt_id)
            .order_by(Response.position))]


def _json_keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _json_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_keys(inner)


def test_no_response_of_an_open_timed_attempt_contains_a_gold_key(app, login, imported):
    client = login("applicant@example.org")
    bodies = [client.get("/").text, client.get(f"/assessments/{SCREENING}").text]
    start = client.post(f"/assessments/{SCREENING}/start")
    attempt_id = int(re.search(r"/attempts/(\d+)/", start.location).group(1))
    contents = _contents(app, attempt_id)
    json_bodies = []
    for position, content in contents:
        bodies.append(client.get(f"/attempts/{attempt_id}/items/{position}").text)
        reply = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                            json={"revision": 1, "answer": gold_answer(content)})
        json_bodies.append(reply.json)
        # Reload after saving the right answer, and a refused form, and a stale save.
        bodies.append(client.get(f"/attempts/{attempt_id}/items/{position}").text)
        bodies.append(client.post(f"/attempts/{attempt_id}/items/{position}",
                                  data={"revision": "abc", "justification": "x"}).text)
        json_bodies.append(client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                                       json={"revision": 1, "answer": {}}).json)
    bodies.append(client.get(f"/attempts/{attempt_id}/review").text)
    bodies.append(client.post(f"/attempts/{attempt_id}/submit", data={}).text)
    json_bodies.append(client.get(f"/attempts/{attempt_id}/clock").json)

    secrets = [text for _, content in contents for text in gold_texts(content)]
    assert secrets
    assert_no_gold(bodies, json_bodies, secrets)
    for body in bodies:
        assert "How you did" not in body


def _plain(body: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _probe(secret: str, length: int | None = 60) -> str:
    """Text without Markdown's marks (and so without brackets or asterisks), its spaces
    collapsed, cut to ``length``."""
    return re.sub(r"\s+", " ", re.sub(r"[*_`#>\[\]()]", "", secret)).strip()[:length]


def _opening(markdown: str) -> str:
    """The first four words of an explanation as a page shows them (list markers dropped)."""
    text = re.sub(r"(?m)^\s*(?:[-*+]|\d+\.)\s+", "", markdown)
    return " ".join(_probe(text, 10_000).split()[:4])


def assert_no_gold(bodies, json_bodies, secrets):
    for body in bodies:
        plain = _plain(body)
        for secret in secrets:
            probe = _probe(secret)
            assert probe not in plain, f"gold text leaked: {probe!r}"
    for body in json_bodies:
        assert not {"gold", "explanation", "gold_corrections", "reference"} & \
            set(_json_keys(body)), json.dumps(body)


# ---- finished attempts: the review options -------------------------------------------------

def _with_review(app, tmp_path, review: str | None) -> None:
    """Import the test screening again with ``review`` (a new version; the banks stay)."""
    from assess.services.banks import import_paths
    if review is None:
        return
    folder = tmp_path / "review"
    folder.mkdir(exist_ok=True)
    text = (BANKS / "assessments" / f"{SCREENING}.yaml").read_text()
    (folder / f"{SCREENING}.yaml").write_text(text + f"review: {review}\n")
    with app.app_context():
        assert import_paths([folder], now=FIXED_NOW).assessments[SCREENING] == "updated"


def _sign_in(client, email):
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}
                       ).status_code == 302


def _scored_attempt(app, user_id, graders, now) -> int:
    """An attempt answered with every gold key, submitted and graded (top levels) by
    ``graders`` in turn (a task near a tier's minimum needs two marks): scored."""
    from assess.extensions import db
    from assess.models import Attempt
    from assess.services import grading
    from assess.services.attempts import save_answer, start_attempt, submit
    with app.app_context():
        attempt = start_attempt(user_id, SCREENING, now)
        for response in attempt.responses:
            save_answer(attempt.id, user_id, response.position,
                        gold_answer(response.item_version.content), 1, now)
        submit(attempt.id, user_id, now)
        attempt_id = attempt.id
        progress = True
        while progress:
            progress = False
            for grader_id in graders:
                task_id = grading.claim_next(grader_id, now)
                while task_id is not None:
                    progress = True
                    task_id = grading.submit_grade(task_id, grader_id, top_levels(app, task_id),
                                                   "ok", now)
        assert db.session.get(Attempt, attempt_id).status == "scored"
    return attempt_id


def _everything_the_applicant_reaches(app, client, attempt_id):
    """Every page and JSON an applicant can ask for about a finished attempt (appeal filed
    and decided by a lead on the way), and the lead's appeal page."""
    from assess.extensions import db
    from assess.models import Appeal, Certificate, GradingTask, Response
    with app.app_context():
        positions = db.session.scalars(select(Response.position).where(
            Response.attempt_id == attempt_id).order_by(Response.position)).all()
        task_id = db.session.scalars(select(GradingTask.id).join(
            Response, Response.id == GradingTask.response_id)
            .where(Response.attempt_id == attempt_id).order_by(GradingTask.id)).first()
    get = lambda url: client.get(url, follow_redirects=True)  # noqa: E731
    bodies = [get(f"/attempts/{attempt_id}/results").text, get(f"/attempts/{attempt_id}").text,
              get(f"/attempts/{attempt_id}/review").text, get("/").text,
              get(f"/assessments/{SCREENING}").text, get("/me/certificates").text]
    json_bodies = [client.get(f"/attempts/{attempt_id}/clock").json]
    for position in positions:
        bodies.append(get(f"/attempts/{attempt_id}/items/{position}").text)
        bodies.append(client.post(f"/attempts/{attempt_id}/items/{position}",
                                  data={"revision": "9", "action": "check"},
                                  follow_redirects=True).text)
        json_bodies.append(client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                                       json={"revision": 9, "answer": {}}).json)
    json_bodies.append(client.post(f"/attempts/{attempt_id}/submit",
                                   json={"confirm": True}).json)
    bodies.append(client.post(f"/attempts/{attempt_id}/appeal",
                              data={"task_id": task_id, "reason": "short"}).text)
    bodies.append(client.post(f"/attempts/{attempt_id}/appeal", data={
        "task_id": task_id, "reason": "My answer names the decisive error; please look again."},
        follow_redirects=True).text)
    with app.app_context():
        appeal_id = db.session.scalar(select(Appeal.id))
        certificate = db.session.scalar(select(Certificate).where(
            Certificate.attempt_id == attempt_id))
    assert certificate is not None
    for suffix in ("", ".json", ".jwt"):
        reply = client.get(f"/certificates/{certificate.public_id}{suffix}")
        assert reply.status_code == 200
        (json_bodies if suffix == ".json" else bodies).append(
            reply.json if suffix == ".json" else reply.text)
    _sign_in(client, "lead@example.org")
    lead_page = client.get(f"/grading/appeals/{appeal_id}").text
    assert client.post(f"/grading/appeals/{appeal_id}", data={
        "decision": "uphold", "note": "The grade stands: the rubric's top level was given."}
    ).status_code == 302
    _sign_in(client, "applicant@example.org")
    bodies.append(get(f"/attempts/{attempt_id}/results").text)
    return bodies, json_bodies, lead_page


@pytest.fixture
def people(app, make_user, imported):
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    return (make_user("applicant@example.org"),
            (make_user("grader@example.org", "grader"), make_user("grader2@example.org", "grader")),
            make_user("lead@example.org", "lead"))


@pytest.mark.parametrize("review", [
    None,  # a timed blueprint without review options: keys never (the default)
    "{keys: never, explanations: never, per_item_scores: true}",
    "{keys: never, per_item_scores: false}",
])
def test_a_finished_attempt_of_a_keys_never_blueprint_leaks_no_gold_text(
        app, client, people, tmp_path, review):
    applicant, grader, _ = people
    _with_review(app, tmp_path, review)
    attempt_id = _scored_attempt(app, applicant, grader, FIXED_NOW)
    _sign_in(client, "applicant@example.org")
    bodies, json_bodies, lead_page = _everything_the_applicant_reaches(app, client, attempt_id)

    secrets = [text for _, content in _contents(app, attempt_id) for text in gold_texts(content)]
    assert secrets
    assert_no_gold(bodies, json_bodies, secrets)
    results = bodies[0]
    assert "not shown for this assessment" in results
    assert "Answers and explanations" not in results and "Correct answer" not in results
    assert "By skill" in results and "By section" in results
    per_item = review is None or "per_item_scores: true" in review
    assert ('<th scope="col">Result</th>' in results) is per_item
    assert ("not question by question" in results) is not per_item
    # The lead deciding the appeal still sees the key, and is told not to quote it.
    assert "does not show applicants the answer key" in lead_page
    assert any(_probe(s) in _plain(lead_page) for s in secrets)


def test_a_finished_attempt_of_a_keys_immediately_blueprint_shows_keys_and_explanations(
        app, client, people, tmp_path):
    applicant, grader, _ = people
    _with_review(app, tmp_path, "{keys: immediately, explanations: immediately}")
    attempt_id = _scored_attempt(app, applicant, grader, FIXED_NOW)
    _sign_in(client, "applicant@example.org")
    bodies, _, lead_page = _everything_the_applicant_reaches(app, client, attempt_id)
    results = _probe(_plain(bodies[0]), None)
    assert "Answers and explanations" in results and "Correct answer" in results
    for _, content in _contents(app, attempt_id):
        assert _opening(content["explanation"]) in results, content["explanation"]
    assert "does not show applicants the answer key" not in lead_page


def test_keys_without_explanations(app, client, people, tmp_path):
    applicant, grader, _ = people
    _with_review(app, tmp_path, "{keys: immediately, explanations: never}")
    attempt_id = _scored_attempt(app, applicant, grader, FIXED_NOW)
    _sign_in(client, "applicant@example.org")
    results = client.get(f"/attempts/{attempt_id}/results").text
    assert "Correct answer" in results and "Answers and explanations" not in results
    assert "The explanations are not shown for this assessment" in results
    explanations = [content["explanation"] for _, content in _contents(app, attempt_id)]
    assert_no_gold([results], [], [e for e in explanations if len(e.strip()) > 20])


def test_after_close_shows_the_keys_once_every_attempt_is_used(app, client, people, tmp_path):
    applicant, grader, _ = people
    _with_review(app, tmp_path, "{keys: after_close}")
    first = _scored_attempt(app, applicant, grader, FIXED_NOW)
    _sign_in(client, "applicant@example.org")
    secrets = [text for _, content in _contents(app, first) for text in gold_texts(content)]
    page = client.get(f"/attempts/{first}/results").text
    assert "shown once you have used all your attempts" in page
    assert_no_gold([page], [], secrets)

    later = FIXED_NOW + timedelta(hours=73)  # after the 72-hour cooldown: the last attempt
    set_clock(app, later)
    second = _scored_attempt(app, applicant, grader, later)
    for attempt_id in (first, second):
        page = _probe(_plain(client.get(f"/attempts/{attempt_id}/results").text), None)
        assert "Answers and explanations" in page and "Correct answer" in page
        content = _contents(app, attempt_id)[0][1]
        assert _opening(content["explanation"]) in page


def test_practice_with_keys_never_checks_an_answer_without_showing_the_key(
        app, client, people, tmp_path):
    from assess.services.banks import import_paths
    folder = tmp_path / "practice"
    folder.mkdir()
    text = (BANKS / "assessments" / "practice.yaml").read_text()
    (folder / "practice.yaml").write_text(text + "review: {keys: never}\n")
    with app.app_context():
        import_paths([folder], now=FIXED_NOW)
    _sign_in(client, "applicant@example.org")
    start = client.post("/assessments/practice/start")
    attempt_id = int(re.search(r"/attempts/(\d+)/", start.location).group(1))
    contents = _contents(app, attempt_id)
    secrets = [text for _, content in contents for text in gold_texts(content)]
    bodies = []
    for position, content in contents:
        checked = client.post(f"/attempts/{attempt_id}/items/{position}",
                              data={**form_fields(gold_answer(content)), "revision": "1",
                                    "action": "check"}, follow_redirects=True)
        bodies.append(checked.text)
    assert all("How you did" in body for body in bodies)
    assert any("Points: 1 out of 1" in body for body in bodies)
    assert all("Correct answer" not in body for body in bodies)
    client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    bodies.append(client.get(f"/attempts/{attempt_id}/results").text)
    assert "not shown for this assessment" in bodies[-1]
    assert_no_gold(bodies, [], secrets)
