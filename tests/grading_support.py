"""Finished attempts with written answers, for grading tests."""
from __future__ import annotations

import shutil

import yaml
from exam_support import gold_answer
from helpers import BANKS, FIXED_NOW

SCREENING = "general-screening"


def finished_attempts(app, make_user, count: int, *, prefix: str = "applicant") -> list[int]:
    """``count`` applicants who each answered everything (written parts included) and
    submitted. Returns their user ids."""
    from assess.services.attempts import save_answer, start_attempt, submit
    user_ids = []
    for n in range(count):
        user_id = make_user(f"{prefix}{n}@example.org")
        with app.app_context():
            attempt = start_attempt(user_id, SCREENING, FIXED_NOW, seed=1000 + n)
            for response in attempt.responses:
                save_answer(attempt.id, user_id, response.position,
                            gold_answer(response.item_version.content), 1, FIXED_NOW)
            submit(attempt.id, user_id, FIXED_NOW)
        user_ids.append(user_id)
    return user_ids


def top_levels(app, task_id: int) -> dict[str, str]:
    """The highest level of every criterion of a task's rubric, as a form would post it."""
    from assess.extensions import db
    from assess.models import GradingTask
    with app.app_context():
        rubric = db.session.get(GradingTask, task_id).rubric_version.definition
        return {c["id"]: f"{max(level['points'] for level in c['levels']):g}"
                for c in rubric["criteria"]}


def bottom_levels(app, task_id: int) -> dict[str, str]:
    from assess.extensions import db
    from assess.models import GradingTask
    with app.app_context():
        rubric = db.session.get(GradingTask, task_id).rubric_version.definition
        return {c["id"]: f"{min(level['points'] for level in c['levels']):g}"
                for c in rubric["criteria"]}


def the_attempt(user_id):
    """The applicant's (only) attempt; call inside an app context."""
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Attempt
    return db.session.scalar(select(Attempt).where(Attempt.user_id == user_id))


def certificates_of(attempt_id):
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Certificate
    return db.session.scalars(select(Certificate).where(Certificate.attempt_id == attempt_id)
                              .order_by(Certificate.id)).all()


def grade_all(app, grader_id, levels=top_levels):
    """Grade every task this grader can take, with the given levels."""
    from assess.services import grading
    with app.app_context():
        task_id = grading.claim_next(grader_id, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader_id, levels(app, task_id), "",
                                           FIXED_NOW)


def corrected_banks(tmp_path, item_slug, new_gold):
    """A copy of the shipped banks with one starter item's gold key replaced."""
    folder = tmp_path / "banks"
    shutil.copytree(BANKS, folder)
    path = folder / "starter.yaml"
    bank = yaml.safe_load(path.read_text())
    for entry in bank["items"]:
        if entry["id"] == item_slug:
            entry["gold"] = new_gold
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False))
    return folder
