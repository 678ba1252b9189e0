"""The applicant's journey through the test client: start, answer, autosave, review, submit."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from exam_support import gold_answer, later, set_clock
from helpers import FIXED_NOW
from sqlalchemy import select

from assess import items as item_types

SCREENING = "general-screening"


@pytest.fixture
def applicant(login, imported):
    return login("applicant@example.org")


def start(client, slug=SCREENING):
    response = client.post(f"/assessments/{slug}/start")
    assert response.status_code == 302, response.text
    match = re.search(r"/attempts/(\d+)/items/(\d+)", response.location)
    assert match, response.location
    return int(match.group(1))


def written(answer) -> list[str]:
    """The written texts of an answer (ids and labels have no spaces)."""
    values = answer.values() if isinstance(answer, dict) else \
        answer if isinstance(answer, list) else [answer]
    return [text for value in values
            for text in (written(value) if isinstance(value, (dict, list)) else [value])
            if isinstance(text, str) and " " in text]


def screening_types(app) -> set[str]:
    """The item types the fixture screening's sections draw."""
    from assess.extensions import db
    from assess.models import Assessment
    with app.app_context():
        version = db.session.query(Assessment).filter_by(slug=SCREENING).one().latest
        return {t for section in version.sections for t in section.selector.get("types", ())}


def responses_of(app, attempt_id):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        rows = db.session.scalars(select(Response).where(Response.attempt_id == attempt_id)
                                  .order_by(Response.position)).all()
        return [(r.position, r.item_version.content, r.answer, r.revision, r.flagged)
                for r in rows]


def attempt_row(app, attempt_id):
    from assess.extensions import db
    from assess.models import Attempt
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def autosave(client, attempt_id, position, answer, revision):
    return client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                       json={"revision": revision, "answer": answer})


def test_catalogue_links_to_the_rules_page(applicant):
    page = applicant.get("/").text
    assert f'href="/assessments/{SCREENING}"' in page


def test_instructions_show_rules_and_a_sample_of_each_type(applicant):
    page = applicant.get(f"/assessments/{SCREENING}")
    assert page.status_code == 200
    text = page.text
    assert "30 minutes" in text and "2 of 2 left" in text and "72 hours" in text
    assert "Generalist → Specialist → Expert" in text
    for label in ("Pairwise comparison", "Ranking", "Fact-check claims"):
        assert f"Sample: {label}" in text
    assert "Start the clock" in text


def test_start_stores_the_draw_and_resumes_the_same_attempt(app, applicant):
    attempt_id = start(applicant)
    rows = responses_of(app, attempt_id)
    assert len(rows) == 13
    attempt = attempt_row(app, attempt_id)
    assert attempt.deadline_at - attempt.started_at == timedelta(minutes=30)
    with app.app_context():
        from assess.extensions import db
        from assess.models import Response
        presentations = db.session.scalars(select(Response.presentation).where(
            Response.attempt_id == attempt_id)).all()
    assert any(p.get("order") for p in presentations)  # A/B order fixed at start
    assert start(applicant) == attempt_id  # a second start resumes


def test_same_seed_replays_the_same_items_and_order(app, make_user, imported):
    from assess.services.attempts import start_attempt
    first, second = make_user("one@example.org"), make_user("two@example.org")
    with app.app_context():
        a = start_attempt(first, SCREENING, FIXED_NOW, seed=1234)
        b = start_attempt(second, SCREENING, FIXED_NOW, seed=1234)
        shown = [[(r.item_version_id, r.presentation) for r in x.responses] for x in (a, b)]
    assert shown[0] == shown[1]


def test_an_item_types_own_script_is_loaded_with_its_items_only(app, applicant, monkeypatch):
    attempt_id = start(applicant)
    rows = responses_of(app, attempt_id)
    position, content = rows[0][:2]
    monkeypatch.setattr(type(item_types.get(content["type"])), "script", "js/items/example.js")
    page = applicant.get(f"/attempts/{attempt_id}/items/{position}").text
    assert '<script src="/static/js/items/example.js" defer></script>' in page
    other = next(row[0] for row in rows if row[1]["type"] != content["type"])
    assert "js/items/" not in applicant.get(f"/attempts/{attempt_id}/items/{other}").text


def test_every_item_type_saves_through_autosave_and_survives_a_reload(app, applicant):
    attempt_id = start(applicant)
    seen_types = set()
    for position, content, *_ in responses_of(app, attempt_id):
        answer = gold_answer(content)
        reply = autosave(applicant, attempt_id, position, answer, 1)
        assert reply.status_code == 200, (content["type"], reply.json)
        assert reply.json["saved_revision"] == 1
        assert reply.json["complete"] is True
        assert 0 < reply.json["seconds_left"] <= 30 * 60
        seen_types.add(content["type"])
    assert seen_types == screening_types(app)  # one section per type in the fixture
    for position, content, answer, revision, _ in responses_of(app, attempt_id):
        assert revision == 1 and answer  # kept
        page = applicant.get(f"/attempts/{attempt_id}/items/{position}").text
        for text in written(answer):
            assert text in page  # a reload shows the saved text
    review = applicant.get(f"/attempts/{attempt_id}/review").text
    assert "Every question is answered." in review


def test_every_save_is_kept_and_a_stale_revision_is_ignored(app, applicant):
    from assess.extensions import db
    from assess.models import AnswerEvent
    attempt_id = start(applicant)
    position, content, *_ = responses_of(app, attempt_id)[0]
    answer = gold_answer(content)
    assert autosave(applicant, attempt_id, position, {**answer}, 3).status_code == 200
    stale = autosave(applicant, attempt_id, position, {}, 2)
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "stale_revision"
    assert stale.json["saved_revision"] == 3
    replay = autosave(applicant, attempt_id, position, {}, 3)  # the same revision again
    assert replay.status_code == 409
    _, _, saved, revision, _ = responses_of(app, attempt_id)[0]
    assert revision == 3 and saved == answer
    with app.app_context():
        events = db.session.execute(select(AnswerEvent.revision, AnswerEvent.accepted)
                                    .order_by(AnswerEvent.id)).all()
    assert [tuple(e) for e in events] == [(3, True), (2, False), (3, False)]


def test_flag_and_review_list_unanswered_and_flagged(app, applicant):
    attempt_id = start(applicant)
    page = applicant.get(f"/attempts/{attempt_id}/items/2")
    revision = re.search(r'name="revision" value="(\d+)"', page.text).group(1)
    flagged = applicant.post(f"/attempts/{attempt_id}/items/2",
                             data={"revision": revision, "action": "flag"})
    assert flagged.status_code == 302
    assert responses_of(app, attempt_id)[1][4] is True
    review = applicant.get(f"/attempts/{attempt_id}/review").text
    assert "Flagged for review (1)" in review
    assert "Not fully answered (13)" in review
    assert "Question 2</a>: not answered, flagged for review" in review


def test_submit_asks_for_confirmation_and_is_idempotent(app, applicant):
    attempt_id = start(applicant)
    position, content, *_ = responses_of(app, attempt_id)[0]
    autosave(applicant, attempt_id, position, gold_answer(content), 1)
    unconfirmed = applicant.post(f"/attempts/{attempt_id}/submit", data={})
    assert unconfirmed.status_code == 422
    assert "Tick the box" in unconfirmed.text
    assert attempt_row(app, attempt_id).status == "in_progress"
    first = applicant.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    assert first.status_code == 302 and first.location.endswith(f"/attempts/{attempt_id}/results")
    submitted = attempt_row(app, attempt_id)
    set_clock(app, later(minutes=1))
    again = applicant.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    assert again.status_code == 302
    after = attempt_row(app, attempt_id)
    assert (after.status, after.submitted_at, after.finalised_by) == \
        (submitted.status, submitted.submitted_at, "applicant")
    assert submitted.status in ("awaiting_grading", "scored")
    closed = autosave(applicant, attempt_id, position, {}, 2)
    assert closed.status_code == 409 and closed.json["error"]["code"] == "attempt_closed"
    assert responses_of(app, attempt_id)[0][2] == gold_answer(content)


def test_results_show_the_automatic_part_per_item_and_skill_with_human_part_pending(
        app, applicant):
    attempt_id = start(applicant)
    for position, content, *_ in responses_of(app, attempt_id):
        autosave(applicant, attempt_id, position, gold_answer(content), 1)
    applicant.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"})
    attempt = attempt_row(app, attempt_id)
    assert attempt.auto_points == attempt.auto_max_points > 0
    page = applicant.get(f"/attempts/{attempt_id}/results").text
    assert "You scored <strong>" in page and "(100%)" in page
    assert "By skill" in page and "Judgment" in page
    assert "Pending:" in page and "waiting for a grader" in page
    assert "By section" in page
    # A timed blueprint without review options never shows its keys (core/review.py).
    assert "not shown for this assessment" in page


def test_deadline_passing_mid_exam_refuses_late_answers_and_finalises(app, applicant):
    attempt_id = start(applicant)
    position, content, *_ = responses_of(app, attempt_id)[0]
    answer = gold_answer(content)
    set_clock(app, later(minutes=30, seconds=20))  # past the deadline, inside the 30 s grace
    in_grace = autosave(applicant, attempt_id, position, answer, 1)
    assert in_grace.status_code == 200 and in_grace.json["seconds_left"] == 0
    set_clock(app, later(minutes=30, seconds=31))
    late = autosave(applicant, attempt_id, position, {}, 2)
    assert late.status_code == 409
    assert late.json["error"]["code"] == "time_up"
    attempt = attempt_row(app, attempt_id)
    assert attempt.status in ("awaiting_grading", "scored") and attempt.finalised_by == "deadline"
    assert attempt.submitted_at == attempt.deadline_at
    assert responses_of(app, attempt_id)[0][2] == answer  # the last saved answer stands


def test_the_next_page_request_finalises_an_expired_attempt(app, applicant):
    attempt_id = start(applicant)
    set_clock(app, later(hours=2))
    page = applicant.get(f"/attempts/{attempt_id}/items/1")
    assert page.status_code == 302 and page.location.endswith("/results")
    assert attempt_row(app, attempt_id).finalised_by == "deadline"
    results = applicant.get(page.location, follow_redirects=True).text
    assert "submitted automatically when the time ran out" in results


def test_clock_endpoint_reports_seconds_left(app, applicant):
    attempt_id = start(applicant)
    set_clock(app, later(minutes=10))
    state = applicant.get(f"/attempts/{attempt_id}/clock").json
    assert state == {"status": "in_progress", "seconds_left": 20 * 60,
                     "deadline": later(minutes=30).isoformat()}


def test_sweep_finalises_only_expired_attempts(app, runner, make_user, imported):
    from assess.services.attempts import start_attempt
    with app.app_context():
        old = start_attempt(make_user("old@example.org"), SCREENING, FIXED_NOW).id
        fresh = start_attempt(make_user("new@example.org"), SCREENING, later(minutes=20)).id
    set_clock(app, later(minutes=40))
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "Finalised 1 attempt(s)" in result.output
    assert attempt_row(app, old).finalised_by == "sweep"
    assert attempt_row(app, fresh).status == "in_progress"
    again = runner.invoke(args=["sweep"])
    assert "Finalised 0 attempt(s)" in again.output


def test_cooldown_then_attempt_limit(app, applicant):
    first = start(applicant)
    set_clock(app, later(minutes=10))
    applicant.post(f"/attempts/{first}/submit", data={"confirm": "yes"})
    refused = applicant.post(f"/assessments/{SCREENING}/start")
    assert refused.status_code == 302
    page = applicant.get(refused.location).text
    # The cooldown runs from the submission (12:10), not the start.
    assert "You can take General AI answer review screening again from 26 Nov 2026, 12:10 UTC" \
        in page
    assert "1 of 2 left" in page
    set_clock(app, later(hours=72, minutes=10))
    second = start(applicant)
    assert second != first
    set_clock(app, later(hours=73))
    applicant.post(f"/attempts/{second}/submit", data={"confirm": "yes"})
    set_clock(app, later(days=30))
    refused = applicant.post(f"/assessments/{SCREENING}/start", follow_redirects=True).text
    assert "You have used all 2 attempts at General AI answer review screening." in refused
    json_refusal = applicant.post(f"/assessments/{SCREENING}/start", json={})
    assert json_refusal.status_code == 409
    assert json_refusal.json["error"]["code"] == "exhausted"


def test_accommodation_extends_the_deadline(app, login, imported):
    admin = login("boss@example.org", role="admin")
    from assess.extensions import db
    from assess.models import User
    with app.app_context():
        from assess.services import accounts
        user_id = accounts.create_user("slow@example.org", "Slow", "correct horse battery",
                                       "applicant", now=FIXED_NOW, min_length=10).id
    page = admin.post(f"/admin/users/{user_id}/accommodation",
                      data={"extra_minutes": "10", "multiplier": "1.5"})
    assert page.status_code == 302
    bad = admin.post(f"/admin/users/{user_id}/accommodation",
                     data={"extra_minutes": "-5", "multiplier": "0.5"})
    assert bad.status_code == 422 and "Number must be" in bad.text
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.accommodation_extra_minutes, user.accommodation_multiplier) == (10, 1.5)
        from assess.services.attempts import start_attempt
        attempt = start_attempt(user_id, SCREENING, FIXED_NOW)
        assert attempt.deadline_at == FIXED_NOW + timedelta(minutes=55)


@pytest.mark.parametrize("multiplier", ["NaN", "sNaN", "Infinity"])
def test_a_multiplier_that_is_not_a_number_is_refused(login, make_user, multiplier):
    admin = login("boss@example.org", role="admin")
    user_id = make_user("slow@example.org")
    bad = admin.post(f"/admin/users/{user_id}/accommodation",
                     data={"extra_minutes": "0", "multiplier": multiplier})
    assert bad.status_code == 422


def test_only_admins_grant_accommodations(applicant):
    assert applicant.get("/admin/users").status_code == 403
    assert applicant.post("/admin/users/1/accommodation", data={}).status_code == 403


def test_practice_shows_gold_and_explanation_after_checking(app, applicant):
    attempt_id = start(applicant, "practice")
    attempt = attempt_row(app, attempt_id)
    assert attempt.deadline_at is None
    position, content, *_ = responses_of(app, attempt_id)[0]
    before = applicant.get(f"/attempts/{attempt_id}/items/{position}").text
    assert "Untimed practice" in before
    assert "How you did" not in before
    autosave(applicant, attempt_id, position, gold_answer(content), 1)
    checked = applicant.post(f"/attempts/{attempt_id}/items/{position}",
                             data={"revision": "2", "action": "check"})
    assert checked.status_code == 302
    after = applicant.get(checked.location).text
    assert "How you did" in after
    first_words = " ".join(content["explanation"].split()[:4]).replace("**", "")
    assert first_words in re.sub(r"<[^>]+>", "", after)


def test_checking_is_refused_in_a_timed_attempt(app, applicant):
    attempt_id = start(applicant)
    reply = applicant.post(f"/attempts/{attempt_id}/items/1",
                           data={"revision": "1", "action": "check"})
    assert reply.status_code == 403
    assert responses_of(app, attempt_id)[0][2] is None  # nothing was saved either


def test_every_item_type_works_as_a_plain_form_without_javascript(app, applicant):
    from exam_support import form_fields

    from assess import items as item_types
    attempt_id = start(applicant)
    rows = responses_of(app, attempt_id)
    for position, content, *_ in rows:
        page = applicant.get(f"/attempts/{attempt_id}/items/{position}").text
        revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
        answer = gold_answer(content)
        for name in form_fields(answer):
            assert f'name="{name}"' in page, (content["type"], name)
        action = "next" if 'value="next"' in page else "review"  # the last page has no next
        reply = applicant.post(f"/attempts/{attempt_id}/items/{position}",
                               data={**form_fields(answer), "revision": revision,
                                     "action": action})
        assert reply.status_code == 302, (content["type"], reply.text[:500])
        expected = item_types.get(content["type"]).parse_answer(content, answer)
        assert responses_of(app, attempt_id)[position - 1][2] == expected, content["type"]
        if position < len(rows):
            assert reply.location.endswith(f"/items/{position + 1}")
        else:
            assert reply.location.endswith("/review")


def test_a_refused_plain_form_is_shown_again_with_what_was_typed(app, applicant):
    attempt_id = start(applicant)
    rows = responses_of(app, attempt_id)
    position, content = next((p, c) for p, c, *_ in rows if c.get("justification"))
    limit = content["justification"].get("max_chars", 2000)
    typed = "My reasons. " + "x" * limit
    reply = applicant.post(f"/attempts/{attempt_id}/items/{position}",
                           data={"revision": "1", "action": "next", "justification": typed})
    assert reply.status_code == 422
    assert "Not saved:" in reply.text and str(limit) in reply.text
    assert "My reasons. xxx" in reply.text  # nothing typed is lost
    assert responses_of(app, attempt_id)[position - 1][2] is None


def test_a_stale_plain_form_with_the_saved_answer_goes_where_the_button_says(app, applicant):
    """An autosave of the same text can land before the form post (the blur before a click
    queues one): the post is stale but loses nothing, so it moves on without a warning. A
    stale post with a different answer still stays and says a newer version was kept."""
    from exam_support import form_fields
    attempt_id = start(applicant)
    rows = responses_of(app, attempt_id)
    position, content = next((p, c) for p, c, *_ in rows if c.get("justification"))
    answer = gold_answer(content)
    assert autosave(applicant, attempt_id, position, answer, 2).status_code == 200
    reply = applicant.post(f"/attempts/{attempt_id}/items/{position}",
                           data={**form_fields(answer), "revision": "1", "action": "next"})
    assert reply.status_code == 302
    assert reply.location.endswith(f"/attempts/{attempt_id}/items/{position + 1}")
    assert "A newer version" not in applicant.get(reply.location).text
    different = {**answer, "justification": answer["justification"] + " More."}
    reply = applicant.post(f"/attempts/{attempt_id}/items/{position}",
                           data={**form_fields(different), "revision": "1", "action": "next"})
    assert reply.location.endswith(f"/attempts/{attempt_id}/items/{position}")
    assert "A newer version of this answer was already saved" in applicant.get(reply.location).text
    saved = responses_of(app, attempt_id)[position - 1]
    assert saved[3] == 2 and saved[2]["justification"] == answer["justification"]
