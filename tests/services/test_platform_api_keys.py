"""API keys and idempotency records, through the services: keys are kept hashed, checked in
constant time, touched at most once a minute, rotated with an overlap and revoked."""
from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import FIXED_NOW
from platform_support import platform_with_key
from sqlalchemy import select

from assess.extensions import db
from assess.models import ApiKey, IdempotencyRecord, Invitation
from assess.services import ServiceError, api_keys, idempotency


def test_a_key_is_shown_once_and_kept_as_a_hash(app):
    _, key = platform_with_key(app)
    prefix, secret = key[:16], key[17:]
    assert prefix.startswith("ak_live_") and key[16] == "_" and len(secret) >= 43
    with app.app_context():
        row = db.session.scalar(select(ApiKey))
        assert row.prefix == prefix and secret not in row.secret_hash
        assert len(row.secret_hash) == 64
        caller = api_keys.authenticate(key, FIXED_NOW)
        assert caller.prefix == prefix and "results:read" in caller.scopes
        for wrong in (key[:-1] + ("A" if key[-1] != "A" else "B"), prefix, "", "Bearer x",
                      "ak_live_ZZZZZZZZ_" + secret, key + " extra"):
            with pytest.raises(ServiceError) as refused:
                api_keys.authenticate(wrong, FIXED_NOW)
            assert refused.value.code == "unauthorized"


def test_last_used_is_written_at_most_once_a_minute(app):
    _, key = platform_with_key(app)
    with app.app_context():
        assert db.session.scalar(select(ApiKey.last_used_at)) is None
        api_keys.authenticate(key, FIXED_NOW)
        api_keys.authenticate(key, FIXED_NOW + timedelta(seconds=59))
        assert db.session.scalar(select(ApiKey.last_used_at)) == FIXED_NOW
        api_keys.authenticate(key, FIXED_NOW + timedelta(seconds=61))
        assert db.session.scalar(select(ApiKey.last_used_at)) == \
            FIXED_NOW + timedelta(seconds=61)


def test_rotation_keeps_the_old_key_for_the_overlap_then_refuses_it(app):
    _, old = platform_with_key(app, scopes=["results:read"])
    with app.app_context():
        old_id = api_keys.key_by_prefix(old[:16]).id
        new = api_keys.rotate(old_id, FIXED_NOW, timedelta(hours=2))
        assert new.key.scopes == ["results:read"] and new.secret != old
        assert api_keys.authenticate(old, FIXED_NOW + timedelta(hours=1)).key_id == old_id
        with pytest.raises(ServiceError):
            api_keys.authenticate(old, FIXED_NOW + timedelta(hours=2))
        assert api_keys.authenticate(new.secret, FIXED_NOW + timedelta(hours=3))
        with pytest.raises(ServiceError) as twice:
            api_keys.rotate(old_id, FIXED_NOW, timedelta(0))
        assert twice.value.code == "already_revoked"
        api_keys.revoke(old_id, FIXED_NOW + timedelta(minutes=5))  # cuts the overlap short
        with pytest.raises(ServiceError):
            api_keys.authenticate(old, FIXED_NOW + timedelta(minutes=6))
        with pytest.raises(ServiceError) as again:
            api_keys.revoke(old_id, FIXED_NOW + timedelta(minutes=7))
        assert again.value.code == "already_revoked"


def test_scopes_are_checked(app):
    platform_id, _ = platform_with_key(app)
    with app.app_context():
        for scopes in ([], ["results:write"]):
            with pytest.raises(ServiceError) as refused:
                api_keys.create_key(platform_id, scopes, "", FIXED_NOW)
            assert refused.value.field == "scopes"
        issued = api_keys.create_key(platform_id, ["webhooks:manage", "results:read"], "",
                                     FIXED_NOW)
        assert issued.key.scopes == ["results:read", "webhooks:manage"]  # in SCOPES order
        caller = api_keys.authenticate(issued.secret, FIXED_NOW)
        api_keys.require(caller, "results:read")
        with pytest.raises(ServiceError) as refused:
            api_keys.require(caller, "invitations:write")
        assert refused.value.code == "insufficient_scope"


def test_a_losing_concurrent_request_replays_the_winners_answer(app):
    """Two requests with one Idempotency-Key both did their work: the second to commit breaks
    the unique constraint, its work is rolled back and it answers what the first answered."""
    _, key = platform_with_key(app)
    with app.app_context():
        caller = api_keys.authenticate(key, FIXED_NOW)
        same = idempotency.Idempotency(caller.key_id, "k-1", "f" * 64)
        first = idempotency.commit_with(same, idempotency.Reply(201, {"id": 1}), FIXED_NOW)
        assert first == idempotency.Reply(201, {"id": 1})
        db.session.add(Invitation(platform_id=caller.platform_id, email="a@b.example",
                                  external_id="x", token_hash="0" * 64, created_at=FIXED_NOW,
                                  expires_at=FIXED_NOW + timedelta(days=1)))
        second = idempotency.commit_with(same, idempotency.Reply(201, {"id": 2}), FIXED_NOW)
        assert second == idempotency.Reply(201, {"id": 1}, replayed=True)
        assert db.session.scalar(select(Invitation)) is None  # the loser's work is undone
        assert len(db.session.scalars(select(IdempotencyRecord)).all()) == 1
        later = FIXED_NOW + idempotency.KEPT_FOR + timedelta(seconds=1)
        assert idempotency.replay(same, later) is None  # kept for a day
