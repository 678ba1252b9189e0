"""Webhooks: the signature receivers check, the retry schedule, the refusal of non-public
addresses, and what a delivery records for each answer (a 410 disables the endpoint)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import FIXED_NOW
from platform_support import link_candidate, platform_with_key
from race_support import interleave, needs_postgresql
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from webhook_support import Receiver

from assess.services import webhook_delivery as delivery
from assess.settings import reconfigure


def test_a_signature_verifies_with_the_standard_webhooks_library():
    from datetime import datetime, timezone

    from assess.models import WebhookEndpoint
    from assess.services.webhooks import new_secret
    old, new = new_secret(), new_secret()
    assert new.startswith("whsec_")
    endpoint = WebhookEndpoint(secret=new, previous_secret=old,
                               previous_secret_until=FIXED_NOW + timedelta(hours=1))
    sent_at, body = datetime.now(timezone.utc), b'{"type":"webhook.test"}'
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(sent_at.timestamp()))}
    both = delivery.signature(endpoint, "msg_1", sent_at, body, FIXED_NOW)
    assert len(both.split(" ")) == 2  # the rotation overlap: either secret verifies
    for secret in (old, new):
        assert Webhook(secret).verify(body, {**headers, "webhook-signature": both})
    after = delivery.signature(endpoint, "msg_1", sent_at, body, FIXED_NOW + timedelta(hours=2))
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, {**headers, "webhook-signature": after})
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(body + b" ", {**headers, "webhook-signature": after})


def test_retries_back_off_over_about_three_days():
    delays = [delivery.retry_delay(n) for n in range(1, 12)]
    assert delays[:4] == [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
                          timedelta(hours=2)]
    assert delays[-1] is None and all(delays[:-1])
    assert all(a <= b for a, b in zip(delays, delays[1:-1]))
    total = sum(delays[:-1], timedelta())
    assert timedelta(days=2, hours=18) < total < timedelta(days=3, hours=6)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/",
                                 "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
                                 "ftp://example.org/", "http:///nohost"])
def test_non_public_addresses_are_refused(url):
    with pytest.raises(delivery.Refused):
        delivery.check_destination(url, ())


def test_the_allow_list_lets_named_hosts_and_networks_through():
    delivery.check_destination("http://127.0.0.1:9/x", ("127.0.0.1",))
    delivery.check_destination("http://127.0.0.1:9/x", ("127.0.0.0/8",))
    delivery.check_destination("http://LOCALHOST:9/x", ("localhost",))
    with pytest.raises(delivery.Refused):
        delivery.check_destination("http://10.0.0.1/", ("127.0.0.0/8",))
    delivery.check_destination("http://93.184.215.14/", ())  # a public address as such


# ---- deliveries ------------------------------------------------------------------------------

def _endpoint(app, key, url, events=("invitation.accepted",)):
    from assess.services import api_keys, webhooks
    with app.app_context():
        caller = api_keys.authenticate(key, FIXED_NOW)
        return webhooks.create(caller, url, list(events), FIXED_NOW).body


def _deliveries(app):
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import WebhookDelivery
    with app.app_context():
        return [(d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error)
                for d in db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]


def _run(app, now=FIXED_NOW):
    with app.app_context():
        return delivery.deliver_all_due(now)


def test_events_go_only_to_the_platforms_a_person_is_linked_to(app, make_user):
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import OutboxEvent
    _, acme = platform_with_key(app)
    _, other = platform_with_key(app, "Other Labels")
    _endpoint(app, acme, "https://acme.example/hooks")
    _endpoint(app, other, "https://other.example/hooks")
    link_candidate(app, acme, make_user("ann@example.org"), "worker-1")
    with app.app_context():
        events = db.session.scalars(select(OutboxEvent)).all()
        assert [(e.type, e.payload["data"]["external_id"]) for e in events] == \
            [("invitation.accepted", "worker-1")]
    assert [status for status, *_ in _deliveries(app)] == ["pending"]


def test_a_failed_try_is_retried_later_and_a_410_disables_the_endpoint(app, make_user):
    from assess.extensions import db
    from assess.models import WebhookEndpoint
    reconfigure(app, WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"])
    _, key = platform_with_key(app)
    with Receiver(statuses=[500, 410]) as receiver:
        made = _endpoint(app, key, receiver.url)
        receiver.secret = made["secret"]
        link_candidate(app, key, make_user("ann@example.org"), "worker-1")
        assert _run(app) == 1
        status, tries, due, code, error = _deliveries(app)[0]
        assert (status, tries, code, error) == ("pending", 1, 500, "HTTP 500")
        assert due == FIXED_NOW + timedelta(seconds=5)
        assert _run(app) == 0  # not due yet
        assert _run(app, FIXED_NOW + timedelta(seconds=5)) == 1
        assert _deliveries(app)[0][:2] == ("failed", 2)
        with app.app_context():
            endpoint = db.session.get(WebhookEndpoint, made["id"])
            assert not endpoint.enabled and "410" in endpoint.disabled_reason
    assert receiver.types() == ["invitation.accepted"] * 2 and not receiver.rejected
    assert len({event["id"] for event in receiver.received}) == 1  # the same webhook-id


def test_loopback_is_refused_without_the_allow_list(app, make_user):
    _, key = platform_with_key(app)
    with Receiver() as receiver:
        receiver.secret = _endpoint(app, key, receiver.url)["secret"]
        link_candidate(app, key, make_user("ann@example.org"), "worker-1")
        _run(app)
        status, tries, _, code, error = _deliveries(app)[0]
        assert (status, tries, code) == ("pending", 1, None)
        assert error.startswith("refused: 127.0.0.1 resolves to a non-public address")
        reconfigure(app, WEBHOOK_ALLOWED_HOSTS="127.0.0.1")
        _run(app, FIXED_NOW + timedelta(seconds=5))
    assert _deliveries(app)[0][:2] == ("delivered", 2)
    assert receiver.types() == ["invitation.accepted"]


def test_a_claimed_delivery_is_not_claimed_twice(app, make_user):
    _, key = platform_with_key(app)
    _endpoint(app, key, "https://acme.example/hooks")
    link_candidate(app, key, make_user("ann@example.org"), "worker-1")
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import WebhookDelivery
    with app.app_context():
        delivery_id = db.session.scalar(select(WebhookDelivery.id))
        first = delivery.claim(delivery_id, FIXED_NOW)
        second = delivery.claim(delivery_id, FIXED_NOW)
    assert (first, second) == (1, None)


@needs_postgresql
def test_two_workers_claiming_one_delivery_at_once_send_it_once(app, make_user):
    """The first worker's claim is written but not yet committed; the second worker's claim
    waits for the row, then finds it taken: one try, counted once."""
    _, key = platform_with_key(app)
    _endpoint(app, key, "https://acme.example/hooks")
    link_candidate(app, key, make_user("ann@example.org"), "worker-1")
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import WebhookDelivery
    with app.app_context():
        delivery_id = db.session.scalar(select(WebhookDelivery.id))

    first, second = interleave(app, lambda: delivery.claim(delivery_id, FIXED_NOW),
                               lambda: delivery.claim(delivery_id, FIXED_NOW))
    assert (first.unwrap(), second.unwrap()) == (1, None)
    with app.app_context():
        assert db.session.get(WebhookDelivery, delivery_id).attempts == 1


def test_an_appeal_decision_is_told_with_the_rescore_and_the_new_certificate(
        quiet, make_user, imported):
    from grading_support import bottom_levels, finished_attempts, grade_all, the_attempt
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import GradingTask, OutboxEvent, WebhookDelivery
    from assess.services import appeals
    from assess.services.outbox import EVENT_TYPES
    _, key = platform_with_key(quiet)
    _endpoint(quiet, key, "https://acme.example/hooks", EVENT_TYPES)
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grade_all(quiet, make_user("grader@example.org", "lead"))
    link_candidate(quiet, key, applicant, "worker-1")
    lead = make_user("lead@example.org", "lead")
    with quiet.app_context():
        task_id = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).first()
        appeal = appeals.file_appeal(the_attempt(applicant).id, applicant, task_id,
                                     "Please look again at my justification, it is right.",
                                     FIXED_NOW)
        appeals.decide(appeal.id, lead, change=True, levels=bottom_levels(quiet, task_id),
                       note="Too vague.", now=FIXED_NOW + timedelta(hours=1))
        events = db.session.scalars(select(OutboxEvent).join(WebhookDelivery)
                                    .order_by(WebhookDelivery.id)).all()  # as written
        told = [(e.type, e.payload["data"].get("decision"), e.payload["data"].get("rescored"))
                for e in events]
    assert told == [("invitation.accepted", None, None), ("appeal.decided", "changed", None),
                    ("attempt.scored", None, True), ("certificate.revoked", None, None),
                    ("certificate.issued", None, None)]
