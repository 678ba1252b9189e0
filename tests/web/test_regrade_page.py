"""The admin's regrade page: a dry run lists who would change, applying it rescores."""
from __future__ import annotations

from grading_support import corrected_banks, finished_attempts
from helpers import FIXED_NOW

from assess.settings import reconfigure

PASSWORD = "correct horse battery"


def test_dry_run_then_apply(app, client, make_user, imported, tmp_path):
    from grading_support import top_levels
    from sqlalchemy import select

    from assess.extensions import db
    from assess.items.choice import gold_ids
    from assess.models import Attempt, ScoreEvent
    from assess.services import grading
    from assess.services.banks import import_paths
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    (applicant,) = finished_attempts(app, make_user, 1)
    grader = make_user("grader@example.org", "grader")
    make_user("admin@example.org", "admin")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader, top_levels(app, task_id), "",
                                           FIXED_NOW)
        attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == applicant))
        attempt_id = attempt.id
        response = next(r for r in attempt.responses
                        if r.item_version.content["type"] == "choice")
        slug = response.item_version.item.slug
        content = response.item_version.content
        wrong = next(o["id"] for o in content["options"] if o["id"] not in gold_ids(content))
        import_paths([corrected_banks(tmp_path, slug, [wrong])], now=FIXED_NOW)
        from assess.services import regrade
        assert regrade.outdated_items() == [(f"starter/{slug}", 2, 1)]

    client.post("/auth/login", data={"email": "applicant0@example.org", "password": PASSWORD})
    assert client.get("/admin/regrade").status_code == 403
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "admin@example.org", "password": PASSWORD})
    listing = client.get("/admin/regrade").text
    assert f"starter/{slug}" in listing and "Dry run" in listing
    dry = client.get(f"/admin/regrade?item=starter/{slug}").text
    assert "applicant0@example.org" in dry and "100% →" in dry and "Apply" in dry
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 1.0
    applied = client.post("/admin/regrade", data={"item": f"starter/{slug}"},
                          follow_redirects=True)
    assert "1 attempt(s) rescored" in applied.text
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).score < 1.0
        reasons = db.session.scalars(select(ScoreEvent.reason)
                                     .where(ScoreEvent.attempt_id == attempt_id)).all()
        assert reasons == ["scored", "regrade"]
        from assess.services import regrade
        assert regrade.outdated_items() == []
    unknown = client.get("/admin/regrade?item=starter/nope", follow_redirects=True)
    assert "No item" in unknown.text
