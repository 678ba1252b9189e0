"""Attempts are scored when their last written part is final, rescored after an appeal or a
regrade with the change logged, and their certificates follow the score."""
from __future__ import annotations

from datetime import timedelta

from grading_support import (
    bottom_levels,
    certificates_of,
    corrected_banks,
    finished_attempts,
    grade_all,
    the_attempt,
)
from helpers import FIXED_NOW
from sqlalchemy import select

from assess.settings import reconfigure


def events_of(attempt_id):
    from assess.extensions import db
    from assess.models import ScoreEvent
    return db.session.scalars(select(ScoreEvent).where(ScoreEvent.attempt_id == attempt_id)
                              .order_by(ScoreEvent.id)).all()


def test_scored_when_the_last_task_is_final_and_a_certificate_issued(quiet, make_user,
                                                                    imported):
    from assess.services import certificates
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grader = make_user("grader@example.org", "grader")
    with quiet.app_context():
        attempt = the_attempt(applicant)
        assert attempt.status == "awaiting_grading" and attempt.score is None
        assert certificates_of(attempt.id) == []
    grade_all(quiet, grader)
    with quiet.app_context():
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.score == 1.0
        assert attempt.tier_slug == "expert" and attempt.scored_at == FIXED_NOW
        assert attempt.sub_scores["written_reasoning"] == 1.0
        (event,) = events_of(attempt.id)
        assert (event.reason, event.old_tier, event.new_tier) == ("scored", None, "expert")
        (certificate,) = certificates_of(attempt.id)
        assert certificate.tier_slug == "expert"
        assert certificate.valid_until == FIXED_NOW + timedelta(days=365)
        verdict = certificates.verify_presented(certificate.credential, FIXED_NOW)
        assert verdict.status == "valid" and verdict.ours, verdict.reason
        assert certificates.verify_presented(certificate.jwt, FIXED_NOW).ok
        assert attempt.user.email not in str(certificate.credential)


def test_weak_written_answers_reach_a_lower_tier_or_none(quiet, make_user, imported):
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grade_all(quiet, make_user("grader@example.org", "grader"), bottom_levels)
    with quiet.app_context():
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.score < 1.0
        assert attempt.sub_scores["written_reasoning"] == 0.0
        assert attempt.tier_slug != "expert"  # Expert needs written reasoning ≥ 70%
        assert len(certificates_of(attempt.id)) == (1 if attempt.tier_slug else 0)


def appealed(app, make_user):
    """A fully graded attempt with an appeal on its first task: (applicant, lead, task, appeal)."""
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import appeals
    (applicant,) = finished_attempts(app, make_user, 1)
    grade_all(app, make_user("grader@example.org", "lead"))
    lead = make_user("lead@example.org", "lead")
    with app.app_context():
        task_id = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).first()
        appeal = appeals.file_appeal(the_attempt(applicant).id, applicant, task_id,
                                     "Please look again at my justification, it is right.",
                                     FIXED_NOW)
        return applicant, lead, task_id, appeal.id


def test_an_appeal_rescores_and_reissues_the_certificate(quiet, make_user, imported):
    from assess.services import appeals, certificates
    applicant, lead, task_id, appeal_id = appealed(quiet, make_user)
    with quiet.app_context():
        appeals.decide(appeal_id, lead, change=True, levels=bottom_levels(quiet, task_id),
                       note="Too vague.", now=FIXED_NOW + timedelta(hours=1))
        attempt = the_attempt(applicant)
        assert attempt.score < 1.0
        scored, appeal_event = events_of(attempt.id)
        assert appeal_event.reason == "appeal" and appeal_event.actor_id == lead
        assert appeal_event.old_score == 1.0 and appeal_event.new_score == attempt.score
        assert "score 100% →" in appeal_event.note
        old, new = certificates_of(attempt.id)
        assert old.superseded_by_id == new.id and old.revoked_at is not None
        assert new.revoked_at is None and new.tier_slug == attempt.tier_slug
        verdict = certificates.verify_presented(old.credential, FIXED_NOW + timedelta(hours=2))
        assert verdict.status == "revoked" and "superseded" in verdict.reason


def test_an_upheld_appeal_is_logged_and_changes_nothing(quiet, make_user, imported):
    from assess.services import appeals
    applicant, lead, _, appeal_id = appealed(quiet, make_user)
    with quiet.app_context():
        appeals.decide(appeal_id, lead, change=False, levels={}, note="The grade stands.",
                       now=FIXED_NOW)
        attempt = the_attempt(applicant)
        events = events_of(attempt.id)
        assert [e.reason for e in events] == ["scored", "appeal"]
        assert "upheld" in events[1].note and "no change" in events[1].note
        (certificate,) = certificates_of(attempt.id)
        assert certificate.revoked_at is None


def test_regrade_after_a_key_correction(quiet, make_user, imported, tmp_path):
    from assess.extensions import db
    from assess.items.choice import gold_ids
    from assess.services import regrade
    from assess.services.banks import import_paths
    first, second = finished_attempts(quiet, make_user, 2)
    grade_all(quiet, make_user("grader@example.org", "grader"))
    admin = make_user("admin@example.org", "admin")
    with quiet.app_context():
        attempt = the_attempt(first)
        response = next(r for r in attempt.responses
                        if r.item_version.content["type"] == "choice")
        content = response.item_version.content
        item = f"starter/{response.item_version.item.slug}"
        wrong = next(o["id"] for o in content["options"] if o["id"] not in gold_ids(content))
        import_paths([corrected_banks(tmp_path, response.item_version.item.slug, [wrong])],
                     now=FIXED_NOW)
        later = FIXED_NOW + timedelta(days=1)

        dry = regrade.plan(item, later)
        assert dry.checked >= 1 and dry.changes
        change = next(a for a in dry.changes if a.attempt_id == attempt.id).change
        assert change.old_score == 1.0 and change.new_score < 1.0
        db.session.rollback()
        assert the_attempt(first).score == 1.0  # a dry run changes nothing
        assert len(certificates_of(attempt.id)) == 1

        applied = regrade.apply(item, admin, later)
        assert [a.attempt_id for a in applied.changes] == [a.attempt_id for a in dry.changes]
        attempt = the_attempt(first)
        assert attempt.score == change.new_score and attempt.tier_slug == change.new_tier
        event = events_of(attempt.id)[-1]
        assert (event.reason, event.actor_id) == ("regrade", admin)
        assert "Regrade of starter/" in event.note
        certs = certificates_of(attempt.id)
        assert certs[0].revoked_at is not None
        assert (certs[-1].tier_slug if change.new_tier else None) == change.new_tier
        assert regrade.plan(item, later).checked == 0  # nothing left on the old version


def test_certificates_missed_for_want_of_contexts_are_issued_later(quiet, make_user, imported,
                                                                   tmp_path):
    from assess.models import Assessment
    from assess.services import certificates, scoring
    (applicant,) = finished_attempts(quiet, make_user, 1)
    contexts = quiet.config["JSONLD_CONTEXTS"]
    reconfigure(quiet, JSONLD_CONTEXTS=str(tmp_path / "missing.json"))
    grade_all(quiet, make_user("grader@example.org", "grader"))
    reconfigure(quiet, JSONLD_CONTEXTS=contexts)
    with quiet.app_context():
        from assess.extensions import db
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.tier_slug == "expert"
        assert certificates_of(attempt.id) == []
        # ladders() reads the latest version of every assessment in one query
        assert scoring.ladders() == {
            a.slug: {t.slug: t.rank for t in a.latest.tiers}
            for a in db.session.scalars(select(Assessment)) if a.versions}
        # the failure is kept on the attempt for admins, and it stays due
        assert "ContextsMissing" in attempt.certificate_error
        assert attempt.certificate_tries == 1 and attempt.certificate_due_at is not None
        assert certificates.issue_all_due(FIXED_NOW).issued == 1
        assert [c.tier_slug for c in certificates_of(attempt.id)] == ["expert"]
        attempt = the_attempt(applicant)
        assert attempt.certificate_due_at is None and attempt.certificate_error is None
        assert certificates.issue_all_due(FIXED_NOW).issued == 0
