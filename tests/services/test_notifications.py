"""Notification mails, received by a real SMTP server: results ready (once per attempt),
a regrade's changed result, certificates issued and revoked, appeals decided; only to active
accounts that keep the kind switched on, and never for a change that rolled back."""
from __future__ import annotations

import mail_support
import pytest
from grading_support import (
    bottom_levels,
    certificates_of,
    corrected_banks,
    finished_attempts,
    grade_all,
    the_attempt,
)
from helpers import FIXED_NOW
from mail_support import html_text, link_in, plain_text
from sqlalchemy import func, select

from assess.core.scoring import percent

PREFERENCES = "https://assess.test/account/notifications"
TITLE = "General AI answer review screening"

smtp_server = mail_support.smtp_server  # registers the fixture here


def subject(message) -> str:
    return str(message["Subject"]).strip()  # a long one arrives folded


def by_subject(messages, start: str):
    return [m for m in messages if subject(m).startswith(start)]


def stored_mails(app) -> int:
    from assess.extensions import db
    from assess.models import MailMessage
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MailMessage))


def ends_with_the_preferences_link(message) -> bool:
    return link_in(message, "/account/notifications") == PREFERENCES \
        and f'href="{PREFERENCES}"' in html_text(message)


def graded(app, make_user, count=1):
    applicants = finished_attempts(app, make_user, count)
    grade_all(app, make_user("grader@example.org", "grader"))
    return applicants


def test_results_then_certificate_mailed_once_each(quiet, make_user, imported, smtp_server):
    (applicant,) = graded(quiet, make_user)
    results, certificate = smtp_server.wait_for(2)
    with quiet.app_context():
        attempt = the_attempt(applicant)
        (issued,) = certificates_of(attempt.id)
        attempt_id, public_id = attempt.id, issued.public_id
    assert str(results["To"]) == "applicant0@example.org"
    assert subject(results) == f"Your results for {TITLE} are ready"
    text = plain_text(results)
    assert "Overall score: 100%" in text and "You reached the Expert tier" in text
    assert link_in(results, "/attempts/") == \
        f"https://assess.test/attempts/{attempt_id}/results"
    assert subject(certificate) == f"Your Expert certificate for {TITLE}"
    assert "valid until 23 November 2027" in plain_text(certificate)
    assert link_in(certificate, "/certificates/") == \
        f"https://assess.test/certificates/{public_id}"
    assert all(ends_with_the_preferences_link(m) for m in (results, certificate))
    assert len(smtp_server.messages) == 2 and stored_mails(quiet) == 2  # the grader: none


def test_switched_off_kinds_and_inactive_accounts_get_nothing(quiet, make_user, imported,
                                                              smtp_server):
    from assess.extensions import db
    from assess.models import User
    from assess.services import account_settings
    certificates_only, inactive = finished_attempts(quiet, make_user, 2)
    with quiet.app_context():
        account_settings.set_notifications(certificates_only, {"notify_results": False},
                                           now=FIXED_NOW)
        db.session.get(User, inactive).active = False
        db.session.commit()
    grade_all(quiet, make_user("grader@example.org", "grader"))
    with quiet.app_context():
        assert {the_attempt(u).status for u in (certificates_only, inactive)} == {"scored"}
    (only,) = smtp_server.wait_for(1)
    assert str(only["To"]) == "applicant0@example.org"
    assert subject(only) == f"Your Expert certificate for {TITLE}"
    assert stored_mails(quiet) == 1


def appealed(app, make_user):
    """A graded attempt with an appeal on its first task: (applicant, lead, task, appeal)."""
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import appeals
    (applicant,) = graded(app, make_user)
    lead = make_user("lead@example.org", "lead")
    with app.app_context():
        task_id = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).first()
        appeal = appeals.file_appeal(the_attempt(applicant).id, applicant, task_id,
                                     "Please look again at my justification, it is right.",
                                     FIXED_NOW)
        return applicant, lead, task_id, appeal.id


def test_a_decided_appeal_is_mailed_with_the_new_result(quiet, make_user, imported,
                                                        smtp_server):
    from assess.services import appeals
    applicant, lead, task_id, appeal_id = appealed(quiet, make_user)
    smtp_server.wait_for(2)  # results and certificate
    with quiet.app_context():
        appeals.decide(appeal_id, lead, change=True, levels=bottom_levels(quiet, task_id),
                       note="The reason is too vague.", now=FIXED_NOW)
        attempt = the_attempt(applicant)
        score = percent(attempt.score)
        tier_name = next(t.name for t in attempt.assessment_version.tiers
                         if t.slug == attempt.tier_slug)
        attempt_id = attempt.id
    smtp_server.wait_for(4)
    (decided,) = by_subject(smtp_server.messages, f"Your appeal on {TITLE} is decided")
    text = plain_text(decided)
    assert "the grade was changed." in text and "Their note: The reason is too vague." in text
    assert f"Your result now: overall score {score}, {tier_name} tier." in text
    assert link_in(decided, "/attempts/") == \
        f"https://assess.test/attempts/{attempt_id}/results"
    assert ends_with_the_preferences_link(decided)
    # The appeal's mail gives the new result; the superseded certificate's replacement is
    # mailed, its revocation is not.
    assert by_subject(smtp_server.messages, "Your result for") == []
    assert len(by_subject(smtp_server.messages, "Your ")) == 4
    assert [subject(m) for m in smtp_server.messages].count(
        f"Your {tier_name} certificate for {TITLE}") == 1 + (tier_name == "Expert")
    assert not any("revoked" in subject(m) for m in smtp_server.messages)


def test_appeal_mails_follow_their_own_switch(quiet, make_user, imported, smtp_server):
    from assess.services import account_settings, appeals
    applicant, lead, _, appeal_id = appealed(quiet, make_user)
    smtp_server.wait_for(2)
    with quiet.app_context():
        account_settings.set_notifications(applicant, {"notify_appeals": False}, now=FIXED_NOW)
        appeals.decide(appeal_id, lead, change=False, levels={}, note="The grade stands.",
                       now=FIXED_NOW)
    assert stored_mails(quiet) == 2 and len(smtp_server.messages) == 2


def test_a_regrade_that_changes_the_result_says_so(quiet, make_user, imported, tmp_path,
                                                   smtp_server):
    from assess.items.choice import gold_ids
    from assess.services import regrade
    from assess.services.banks import import_paths
    (applicant,) = graded(quiet, make_user)
    admin = make_user("admin@example.org", "admin")
    smtp_server.wait_for(2)
    with quiet.app_context():
        response = next(r for r in the_attempt(applicant).responses
                        if r.item_version.content["type"] == "choice")
        content = response.item_version.content
        wrong = next(o["id"] for o in content["options"] if o["id"] not in gold_ids(content))
        import_paths([corrected_banks(tmp_path, response.item_version.item.slug, [wrong])],
                     now=FIXED_NOW)
        regrade.apply(f"starter/{response.item_version.item.slug}", admin,
                      FIXED_NOW)
        new_score = the_attempt(applicant).score
    smtp_server.wait_for(3)
    (changed,) = by_subject(smtp_server.messages, f"Your result for {TITLE} changed")
    assert f"Overall score: 100% → {percent(new_score)}" in plain_text(changed)
    assert ends_with_the_preferences_link(changed)
    assert len(by_subject(smtp_server.messages, "Your results for")) == 1  # "ready" was sent once


def test_an_admin_revocation_is_mailed_and_a_failed_one_is_not(quiet, make_user, imported,
                                                               smtp_server, monkeypatch):
    from assess.extensions import db
    from assess.services import certificates, status_lists
    (applicant,) = graded(quiet, make_user)
    admin = make_user("admin@example.org", "admin")
    smtp_server.wait_for(2)
    with quiet.app_context():
        public_id = certificates_of(the_attempt(applicant).id)[0].public_id

        def broken(*args, **kwargs):
            raise RuntimeError("the status list could not be signed")
        monkeypatch.setattr(status_lists, "publish", broken)
        with pytest.raises(RuntimeError):
            certificates.revoke(public_id, admin, "Copied answers.", FIXED_NOW)
        db.session.rollback()  # what the web layer's error handler does
        assert stored_mails(quiet) == 2
        monkeypatch.undo()
        certificates.revoke(public_id, admin, "Copied answers from another candidate.",
                            FIXED_NOW)
    (revoked,) = by_subject(smtp_server.wait_for(3)[2:], "Your Expert certificate for")
    assert subject(revoked).endswith("was revoked")
    assert "Reason: Copied answers from another candidate." in plain_text(revoked)
    assert link_in(revoked, "/certificates/") == f"https://assess.test/certificates/{public_id}"
    assert ends_with_the_preferences_link(revoked)
    assert stored_mails(quiet) == 3 and len(smtp_server.messages) == 3
