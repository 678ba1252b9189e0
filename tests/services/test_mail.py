"""Outgoing mail: queued in the caller's transaction, sent once after its commit, retried
with backoff, and never sent twice by two senders."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import mail_support
import pytest
from helpers import FIXED_NOW
from job_support import drain, keep_jobs, pending
from mail_support import free_port, html_text, plain_text
from sqlalchemy import select

from assess.extensions import db
from assess.models import MailMessage
from assess.services import mail, mail_delivery
from assess.settings import reconfigure

smtp_server = mail_support.smtp_server  # registers the fixture here

CONTEXT = {"name": "Ada <Lovelace>", "reset_url": "https://assess.test/auth/reset/abc",
           "minutes": 30}


def messages():
    db.session.rollback()
    return db.session.scalars(select(MailMessage).order_by(MailMessage.created_at)).all()


def test_a_committed_message_is_sent_once_with_plain_and_html_parts(app, smtp_server):
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        assert smtp_server.messages == []  # nothing leaves before the commit
        db.session.commit()
        [received] = smtp_server.wait_for(1)
        assert received["To"] == "ada@example.org"
        assert received["From"] == "assess <no-reply@assess.test>"
        assert received["Subject"] == "Reset your assess password"
        assert received["Message-ID"].endswith("@assess.test>") and received["Date"]
        assert "Hello Ada <Lovelace>," in plain_text(received)  # plain text is not escaped
        assert "Ada &lt;Lovelace&gt;" in html_text(received)  # the HTML part is
        assert 'href="https://assess.test/auth/reset/abc"' in html_text(received)
        [row] = messages()
        assert (row.status, row.tries, row.sent_at, row.last_error) == \
            ("sent", 1, FIXED_NOW, None)
        assert received["Message-ID"] == f"<{row.id}@assess.test>"
        # The sweep finds nothing left to send, even much later.
        assert mail_delivery.send_all_due(FIXED_NOW + timedelta(days=1)) == 0
        assert mail_delivery.send(row.id, FIXED_NOW + timedelta(days=1)) is False
    assert len(smtp_server.messages) == 1


def test_a_rolled_back_message_is_never_sent(app, smtp_server, make_user):
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.rollback()
        assert messages() == []
        make_user("later@example.org")  # a later commit does not send the forgotten one
        assert mail_delivery.send_all_due(FIXED_NOW + timedelta(hours=1)) == 0
    assert smtp_server.messages == []


def test_a_failing_server_is_retried_with_backoff_then_the_message_fails(app, caplog,
                                                                         monkeypatch):
    # Alembic's logging set-up (a migration test run before) disables existing loggers.
    monkeypatch.setattr(mail_delivery.log, "disabled", False)
    reconfigure(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_SECURITY="none")
    caplog.set_level(logging.WARNING, logger="assess.services.mail_delivery")
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.commit()  # the first try, at once: nothing listens on that port
        [row] = messages()
        assert (row.status, row.tries, row.next_try_at) == \
            ("pending", 1, FIXED_NOW + timedelta(minutes=1))
        assert "ConnectionRefusedError" in row.last_error
        assert mail_delivery.send_all_due(FIXED_NOW + timedelta(seconds=59)) == 0  # not due
        assert messages()[0].tries == 1
        moment = FIXED_NOW
        for tries_made, delay in enumerate(mail_delivery.RETRY_DELAYS, start=1):
            assert messages()[0].next_try_at == moment + delay
            moment += delay
            assert mail_delivery.send_all_due(moment) == 0
            [row] = messages()
            assert row.tries == tries_made + 1
        assert (row.status, row.tries) == ("failed", mail_delivery.MAX_TRIES)
        assert mail_delivery.send_all_due(moment + timedelta(days=30)) == 0
        assert messages()[0].tries == mail_delivery.MAX_TRIES
    assert any("Gave up on mail" in r.message and r.levelno == logging.ERROR
               for r in caplog.records)


def test_a_retry_sends_once_the_server_answers(app, smtp_server):
    reconfigure(app, MAIL_PORT=free_port())  # the server is elsewhere for the first try
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.commit()
        assert messages()[0].status == "pending"
        reconfigure(app, MAIL_PORT=smtp_server.port)
        assert mail_delivery.send_all_due(FIXED_NOW + timedelta(minutes=1)) == 1
        [row] = messages()
        assert (row.status, row.tries, row.sent_at) == \
            ("sent", 2, FIXED_NOW + timedelta(minutes=1))
    assert len(smtp_server.wait_for(1)) == 1


def test_two_senders_claiming_one_message_at_once_send_it_once(app, smtp_server,
                                                               monkeypatch, tmp_path):
    keep_jobs(app, tmp_path)  # no job sends it: the two senders race for it
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.commit()
        [row] = messages()
    start = threading.Barrier(2)
    results: list[bool] = []

    def sender():
        with app.app_context():
            start.wait()
            results.append(mail_delivery.send(row.id, FIXED_NOW + timedelta(seconds=1)))
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, True]
    assert len(smtp_server.wait_for(1)) == 1
    with app.app_context():
        assert (messages()[0].status, messages()[0].tries) == ("sent", 1)


def test_with_a_worker_the_commit_queues_a_job_that_sends_it(app, smtp_server, monkeypatch,
                                                            tmp_path):
    keep_jobs(app, tmp_path)
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.rollback()
        mail.queue("bob@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.commit()
    assert pending(app) == ["send_mail"]
    assert smtp_server.messages == []
    assert drain(app, monkeypatch) == 1
    [received] = smtp_server.wait_for(1)
    assert received["To"] == "bob@example.org"


def test_the_sweep_sends_what_a_lost_job_left(app, smtp_server, tmp_path):
    from assess.jobs import queue
    from assess.jobs.tasks import send_due_mail
    keep_jobs(app, tmp_path)
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", CONTEXT, now=FIXED_NOW)
        db.session.commit()
        queue(app).huey.flush()  # the job is lost
        send_due_mail()  # the minute's sweep
        assert (messages()[0].status, messages()[0].tries) == ("sent", 1)
        send_due_mail()
    assert len(smtp_server.wait_for(1)) == 1


def test_an_address_with_a_line_break_is_refused(app):
    with app.app_context(), pytest.raises(ValueError):
        mail.queue("ada@example.org\nBcc: eve@example.org", "password_reset", CONTEXT,
                   now=FIXED_NOW)


def test_without_a_server_messages_are_written_to_the_mail_folder(app, tmp_path):
    reconfigure(app, MAIL_SERVER=None, MAIL_FOLDER=str(tmp_path / "mail"))
    link = "https://assess.test/auth/reset/" + "x" * 150
    with app.app_context():
        mail.queue("ada@example.org", "password_reset", {**CONTEXT, "reset_url": link},
                   now=FIXED_NOW)
        mail.queue("zoe@example.org", "password_reset", {**CONTEXT, "name": "Zoë"},
                   now=FIXED_NOW)
        db.session.commit()
        assert [row.status for row in messages()] == ["sent", "sent"]
    written = {}
    for path in (tmp_path / "mail").glob("*.eml"):
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        written[parsed["To"]] = (path.read_bytes(), parsed)
    raw, ada = written["ada@example.org"]
    assert link.encode() in raw  # whole, as someone reading the file copies it
    assert link in plain_text(ada)
    assert "Hello Zoë," in plain_text(written["zoe@example.org"][1])


def test_a_template_without_a_subject_line_is_refused(app, monkeypatch):
    from jinja2 import DictLoader
    monkeypatch.setattr(mail._environment, "loader", DictLoader({
        "mail/bad.txt": "Hello\n\nno subject", "mail/bad.html": "<p>x</p>"}))
    with app.app_context(), pytest.raises(ValueError, match="Subject"):
        mail.render("bad", {})
