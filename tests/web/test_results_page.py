"""What the results page says about written answers: practice ones are not graded (and the
page says what to do instead), timed ones show their grade once final, whether they are with
a grader or waiting, and "not answered" when left empty; the fact-check score is split into
its automatic and written parts; a refused appeal keeps the chosen answer; one percentage
rule."""
from __future__ import annotations

import re

import pytest
from exam_support import gold_answer
from helpers import FIXED_NOW
from sqlalchemy import select

from assess.settings import reconfigure

PASSWORD = "correct horse battery"
SCREENING = "general-screening"


def sign_in(client, email):
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}
                       ).status_code == 302


def submitted(app, user_id, *, slug=SCREENING, leave_empty=0, seed=7) -> tuple[int, int]:
    """An attempt answered with the gold keys, except that the first ``leave_empty`` items
    with a justification get none; submitted. Returns (attempt id, position left empty)."""
    from assess.services.attempts import save_answer, start_attempt, submit
    with app.app_context():
        attempt = start_attempt(user_id, slug, FIXED_NOW, seed=seed)
        empty = None
        for response in sorted(attempt.responses, key=lambda r: r.position):
            answer = gold_answer(response.item_version.content)
            if leave_empty and "justification" in answer:
                del answer["justification"]
                leave_empty -= 1
                empty = empty or response.position
            save_answer(attempt.id, user_id, response.position, answer, 1, FIXED_NOW)
        submit(attempt.id, user_id, FIXED_NOW)
        return attempt.id, empty


def grade_everything(app, graders, *, levels=None):
    """Every grader in turn takes tasks until the queue is empty for all of them."""
    from grading_support import top_levels

    from assess.services import grading
    progress = True
    while progress:
        progress = False
        for grader in graders:
            with app.app_context():
                task_id = grading.claim_next(grader, FIXED_NOW)
                while task_id is not None:
                    progress = True
                    chosen = (levels or top_levels)(app, task_id)
                    task_id = grading.submit_grade(task_id, grader, chosen, "", FIXED_NOW)


@pytest.fixture
def quiet_queue(app):
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)


def test_practice_results_say_written_answers_are_not_graded_and_show_the_model_answers(
        app, login, imported):
    client = login("learner@example.org")
    from assess.services import accounts
    with app.app_context():
        user_id = accounts.find_by_email("learner@example.org").id
    attempt_id, _ = submitted(app, user_id, slug="practice")
    page = client.get(f"/attempts/{attempt_id}/results").text
    assert "trained graders" not in page and "waiting for a grader" not in page
    assert "Pending" not in page and "will be scored" not in page
    assert "graded by people" not in page and "added later" not in page  # nor under the items
    assert "Written answers are not graded in practice" in page
    assert "compare what you wrote with the answer key and the explanation" in page
    assert "An example of a good rewrite" in page  # the rewrite's model answer is shown
    assert "Not graded in practice: compare with the key below" in page
    assert "Written only: not graded in practice" in page  # the rewrite's result cell


def test_written_parts_show_their_grade_once_final_and_not_answered_when_empty(
        app, client, make_user, imported, quiet_queue):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import grading
    user_id = make_user("writer@example.org")
    graders = [make_user("g1@example.org", "grader"), make_user("g2@example.org", "grader")]
    attempt_id, empty = submitted(app, user_id, leave_empty=1)
    sign_in(client, "writer@example.org")

    def rows():
        page = client.get(f"/attempts/{attempt_id}/results").text
        human = page[page.index('id="human-heading"'):page.index('id="items-heading"')]
        items = page[page.index('id="items-heading"'):]
        return page, human, items

    page, human, items = rows()
    with app.app_context():
        tasks = db.session.scalars(select(GradingTask)).all()
    assert tasks and "Pending</strong>: waiting for a grader" in human
    assert human.count("waiting for a grader") == len(tasks)
    assert human.count("Not answered — 0 points") >= 1
    assert re.search(rf'<th scope="row">{empty}</th><td>Justification</td>\s*'
                     r'<td>Not answered — 0 points</td>', human)
    # A grader takes one: it is being graded, the rest still wait.
    with app.app_context():
        grading.claim_next(graders[0], FIXED_NOW)
    _, human, _ = rows()
    assert human.count("Pending</strong>: being graded") == 1
    assert human.count("waiting for a grader") == len(tasks) - 1

    grade_everything(app, graders)
    page, human, items = rows()
    assert "waiting for a grader" not in page and "being graded" not in page
    assert "Pending" not in page
    with app.app_context():
        finals = db.session.scalars(select(GradingTask)).all()
        assert all(t.status == "final" for t in finals)
        for task in finals:
            assert f"{task.final_points:g} of {task.max_points:g} points" in human
    # The question table says the same, question by question.
    assert "Justification: Not answered — 0 points" in items
    assert items.count(" points") >= len(finals)


def test_a_refused_appeal_keeps_the_chosen_answer(app, client, make_user, imported,
                                                  quiet_queue):
    from assess.extensions import db
    from assess.models import GradingTask
    user_id = make_user("appellant@example.org")
    grader = make_user("grader@example.org", "grader")
    attempt_id, _ = submitted(app, user_id)
    grade_everything(app, [grader, make_user("grader2@example.org", "grader")])
    with app.app_context():
        task_ids = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).all()
    chosen = task_ids[-1]
    sign_in(client, "appellant@example.org")
    reply = client.post(f"/attempts/{attempt_id}/appeal",
                        data={"task_id": chosen, "reason": "too short"})
    assert reply.status_code == 422 and "Appeal not sent" in reply.text
    checked = re.findall(r'<input type="radio" name="task_id" value="(\d+)"[^>]*\bchecked\b',
                         reply.text)
    assert checked == [str(chosen)]
    assert "too short" in reply.text  # the reason is kept too


def test_the_fact_check_score_shows_the_labels_and_the_corrections_apart(
        app, client, make_user, imported, quiet_queue):
    from grading_support import bottom_levels

    from assess.extensions import db
    from assess.models import Attempt
    from assess.services.exam_pages import results_page
    user_id = make_user("checker@example.org")
    attempt_id, _ = submitted(app, user_id)
    grade_everything(app, [make_user("g1@example.org", "grader"),
                           make_user("g2@example.org", "grader")], levels=bottom_levels)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "scored"
        page_data = results_page(attempt, FIXED_NOW)
        line = next(x for x in page_data.skills if x.skill == "fact_checking")
        auto = page_data.summary.by_skill["fact_checking"]
        total = page_data.final.scored.by_skill["fact_checking"]
    assert line.auto and line.written  # both parts count towards fact checking
    assert (line.auto.points, line.auto.max_points) == (pytest.approx(auto.points),
                                                         pytest.approx(auto.max_points))
    assert line.auto.points + line.written.points == pytest.approx(total.points)
    assert line.auto.max_points + line.written.max_points == pytest.approx(total.max_points)
    sign_in(client, "checker@example.org")
    page = client.get(f"/attempts/{attempt_id}/results").text
    table = page[page.index('class="table skill-split"'):page.index("</table>",
                                                                     page.index("skill-split"))]
    row = re.search(r'<th scope="row">Fact checking</th>(.*?)</tr>', table, re.S).group(1)
    assert (f"{line.auto.points:g} of {line.auto.max_points:g} (claim labels)" in row
            and f"{line.written.points:g} of {line.written.max_points:g} (corrections)" in row
            and f"{total.points:g} of {total.max_points:g}" in row)
    assert (f"Fact checking: {line.auto.points:g} of {line.auto.max_points:g} points for the "
            f"claim labels") in " ".join(page.split())
    assert "for your corrections" in page


def test_results_show_every_percentage_floored_to_one_decimal(app, client, make_user,
                                                              imported):
    """The auto part's shares go through the one rule (scoring.percent), not Jinja's round."""
    from assess.core.scoring import percent
    from assess.extensions import db
    from assess.models import Attempt
    from assess.services.exam_pages import results_page
    user_id = make_user("rounder@example.org")
    from assess.services.attempts import save_answer, start_attempt, submit
    with app.app_context():
        attempt = start_attempt(user_id, SCREENING, FIXED_NOW, seed=3)
        # Answer only the first two questions: a share that is not a round number.
        for response in sorted(attempt.responses, key=lambda r: r.position)[:2]:
            save_answer(attempt.id, user_id, response.position,
                        gold_answer(response.item_version.content), 1, FIXED_NOW)
        submit(attempt.id, user_id, FIXED_NOW)
        summary = results_page(db.session.get(Attempt, attempt.id), FIXED_NOW).summary
    sign_in(client, "rounder@example.org")
    page = client.get(f"/attempts/{attempt.id}/results").text
    share = summary.overall.share
    assert 0 < share < 1 and round(share * 1000) != share * 1000  # not exact to 0.1%
    assert "." in percent(share) and f"({percent(share)})" in page
    for skill, tally in summary.by_skill.items():
        assert f"<td>{percent(tally.share)}</td>" in page, skill


def test_one_score_shows_the_same_everywhere(app, client, make_user, imported, quiet_queue):
    """The results page, the certificate page, My certificates, the signed credential and the
    verifier all state the overall score by the one rule (scoring.percent)."""
    from grading_support import top_levels

    from assess.core.scoring import percent, percent_number
    from assess.extensions import db
    from assess.models import Attempt, Certificate

    def some_marks(app, task_id):
        levels = top_levels(app, task_id)
        levels[sorted(levels)[0]] = "1"  # one criterion low: an uneven share
        return levels

    user_id = make_user("scored@example.org")
    attempt_id, _ = submitted(app, user_id)
    grade_everything(app, [make_user("g1@example.org", "grader"),
                           make_user("g2@example.org", "grader")], levels=some_marks)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        certificate = db.session.scalar(select(Certificate).where(
            Certificate.attempt_id == attempt_id))
        assert attempt.status == "scored" and certificate is not None, attempt.tier_slug
        score, public_id = attempt.score, certificate.public_id
        signed = certificate.credential
    shown = percent(score)
    assert "." in shown  # an uneven score, where rounding rules would differ
    overall = next(r for r in signed["credentialSubject"]["result"]
                   if r["resultDescription"].endswith("#result-overall"))
    assert overall["value"] == percent_number(score)
    sign_in(client, "scored@example.org")
    results = client.get(f"/attempts/{attempt_id}/results").text
    assert f"Overall score <strong>{shown}</strong>" in results
    mine = client.get("/me/certificates").text
    assert f"{shown} overall" in mine
    page = client.get(f"/certificates/{public_id}").text
    assert f"<dd>{shown}" in page
    verified = client.get(f"/verify?id={public_id}").text
    assert f"<td>{shown}</td>" in verified
