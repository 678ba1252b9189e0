"""A real worker killed in the middle of a webhook delivery (the receiver holds the first
request): once a worker runs again, the receiver, deduping on webhook-id, has every event
exactly once."""
from __future__ import annotations

import signal
import threading
import time

from helpers import FIXED_NOW
from job_support import flask_worker, keep_jobs, pending, start, stop, wait_for, worker_env
from platform_support import link_candidate, platform_with_key
from webhook_support import Receiver

TIMEOUT_SECONDS = 1  # the worker's request timeout: its claim on a delivery lasts 3 s + 5 s


def _statuses(app) -> list[tuple[str, int]]:
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import WebhookDelivery
    with app.app_context():
        found = db.session.execute(select(WebhookDelivery.status, WebhookDelivery.attempts)
                                   .order_by(WebhookDelivery.id)).all()
        db.session.rollback()
        return [tuple(row) for row in found]


def test_a_delivery_cut_short_by_a_killed_worker_is_sent_again(quiet, make_user, tmp_path):
    from assess.services import api_keys, webhooks
    keep_jobs(quiet, tmp_path)
    _, key = platform_with_key(quiet)
    with Receiver() as receiver:
        gate = receiver.gate = threading.Event()
        with quiet.app_context():
            made = webhooks.create(api_keys.authenticate(key, FIXED_NOW), receiver.url,
                                   ["invitation.accepted"], FIXED_NOW).body
        receiver.secret = made["secret"]
        for n in (1, 2):
            link_candidate(quiet, key, make_user(f"worker{n}@example.org"), f"worker-{n}")
        assert pending(quiet) == ["deliver_webhook_event"] * 2  # queued by the commits
        env = worker_env(quiet, tmp_path, ASSESS_JOBS_LEASE_SECONDS="1",
                         ASSESS_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
                         ASSESS_WEBHOOK_TIMEOUT_SECONDS=str(TIMEOUT_SECONDS))
        log = tmp_path / "worker.log"
        command = flask_worker("--workers", "1", "--no-periodic")
        first = start(command, env, log)
        wait_for(receiver.arrived.is_set, first, log, "the first request reaching the receiver")
        first.send_signal(signal.SIGKILL)  # mid-request: the delivery claimed, not recorded
        first.wait()
        gate.set()  # the receiver got it; the worker never heard back
        time.sleep(3 * TIMEOUT_SECONDS + 5.5)  # the dead worker's claim runs out
        second = start(command, env, log)
        try:
            wait_for(lambda: _statuses(quiet) == [("delivered", 2), ("delivered", 1)] or
                     _statuses(quiet) == [("delivered", 2), ("delivered", 2)],
                     second, log, "both deliveries delivered")
        finally:
            assert stop(second) == 0, log.read_text()
    assert not receiver.rejected
    assert len(receiver.received) == 3  # the first event twice: sent, cut short, sent again
    assert sorted(e["data"]["external_id"] for e in receiver.unique()) == \
        ["worker-1", "worker-2"]
