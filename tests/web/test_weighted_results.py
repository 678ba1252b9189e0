"""A blueprint with weights: the results page says how the overall score is made, and the
same performance scores the same whatever the draw."""
from __future__ import annotations

import shutil

import yaml
from exam_support import gold_answer
from grading_support import SCREENING, bottom_levels, grade_all
from helpers import BANKS, FIXED_NOW


def weighted_banks(tmp_path):
    folder = tmp_path / "banks"
    shutil.copytree(BANKS, folder)
    path = folder / "assessments" / f"{SCREENING}.yaml"
    blueprint = yaml.safe_load(path.read_text())
    blueprint["weights"] = {"parts": {"keyed": 0.6, "written": 0.2, "rewriting": 0.1,
                                      "corrections": 0.1}}
    for tier in blueprint["tiers"]:
        tier["min_parts"] = {"keyed": 0.7}
    path.write_text(yaml.safe_dump(blueprint, sort_keys=False))
    return folder


def test_the_results_page_explains_the_weighted_score(app, login, make_user, tmp_path,
                                                      quiet):
    from assess.extensions import db
    from assess.models import Attempt
    from assess.services.attempts import save_answer, start_attempt, submit
    from assess.services.banks import import_paths
    with app.app_context():
        import_paths([weighted_banks(tmp_path)], now=FIXED_NOW)
    client = login("weighed@example.org")
    graders = [make_user("grader@example.org", "grader"), make_user("second@example.org",
                                                                    "grader")]
    scores = []
    for seed in (1, 2):
        with app.app_context():
            from assess.services.accounts import find_by_email
            user_id = find_by_email("weighed@example.org").id
            attempt = start_attempt(user_id, SCREENING, FIXED_NOW, seed=seed)
            for response in attempt.responses:
                save_answer(attempt.id, user_id, response.position,
                            gold_answer(response.item_version.content), 1, FIXED_NOW)
            submit(attempt.id, user_id, FIXED_NOW)
            attempt_id = attempt.id
        for grader in graders:  # tasks near a tier cut are marked twice
            grade_all(app, grader, bottom_levels)
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            assert attempt.status == "scored"
            scores.append(attempt.score)
            db.session.execute(Attempt.__table__.update().where(Attempt.id == attempt_id)
                               .values(started_at=FIXED_NOW.replace(year=2020),
                                       submitted_at=FIXED_NOW.replace(year=2020)))
            db.session.commit()
    # every key right, every written part at the bottom of its rubric: 60% on every draw
    assert scores == [0.6, 0.6]
    page = client.get(f"/attempts/{attempt_id}/results").text
    assert "How the overall score is made" in page
    assert "Keyed judgment" in page and "Written justifications" in page
    assert "the same on every draw of questions" in page
    assert "Keyed judgment 100% — meets 70%" in page
