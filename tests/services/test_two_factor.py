"""Two-factor sign-in through the service: set-up, confirmation, codes used once, recovery
codes, disabling and new recovery codes (both need the password), the account log."""
from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from helpers import FIXED_NOW
from sqlalchemy import select

from assess.extensions import db
from assess.models import AccountEvent, RecoveryCode, User
from assess.services import ServiceError, two_factor, user_admin

PASSWORD = "correct horse battery"


def code_at(secret: str, moment=FIXED_NOW) -> str:
    return pyotp.TOTP(secret).at(moment)


def wrong_code(secret: str, moment) -> str:
    """A code that no step within the window at ``moment`` has."""
    valid = {code_at(secret, moment + timedelta(seconds=30 * o)) for o in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def actions(user_id: int) -> list[tuple[str, int | None]]:
    return [(e.action, e.actor_id) for e in db.session.scalars(
        select(AccountEvent).where(AccountEvent.user_id == user_id).order_by(AccountEvent.id))]


def enable(user_id: int) -> tuple[str, list[str]]:
    secret = two_factor.begin_setup(user_id).secret
    return secret, two_factor.confirm_setup(user_id, code_at(secret), FIXED_NOW)


@pytest.fixture
def user_id(make_user):
    return make_user("ada@example.org")


def test_set_up_keeps_one_pending_secret_until_a_code_confirms_it(app, user_id):
    with app.app_context():
        setup = two_factor.begin_setup(user_id)
        assert two_factor.begin_setup(user_id).secret == setup.secret  # a reload keeps it
        assert setup.uri.startswith("otpauth://totp/assess:ada%40example.org?")
        assert f"secret={setup.secret}" in setup.uri
        assert not two_factor.status(user_id).enabled
        codes = two_factor.confirm_setup(user_id, code_at(setup.secret), FIXED_NOW)
        user = db.session.get(User, user_id)
        assert user.totp_enabled_at == FIXED_NOW and user.totp_secret == setup.secret
        assert two_factor.status(user_id) == two_factor.Status(True, FIXED_NOW, 10)
        assert len(set(codes)) == 10 and all(len(code) == 14 for code in codes)
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not set(codes) & set(stored)  # hashes only
        assert actions(user_id) == [("two_factor_enabled", user_id)]
        with pytest.raises(ServiceError) as again:
            two_factor.begin_setup(user_id)
        assert again.value.code == "already_enabled"


def test_a_code_from_the_neighbouring_step_confirms_but_a_wrong_one_does_not(app, user_id):
    with app.app_context():
        secret = two_factor.begin_setup(user_id).secret
        with pytest.raises(ServiceError) as wrong:
            two_factor.confirm_setup(user_id, code_at(secret, FIXED_NOW - timedelta(minutes=2)),
                                     FIXED_NOW)
        assert wrong.value.field == "code" and not two_factor.status(user_id).enabled
        assert db.session.scalar(select(RecoveryCode.id)) is None and actions(user_id) == []
        late = code_at(secret, FIXED_NOW - timedelta(seconds=30))
        two_factor.confirm_setup(user_id, late, FIXED_NOW)
        assert two_factor.status(user_id).enabled


def test_a_code_signs_in_once_and_an_older_one_never(app, user_id):
    with app.app_context():
        secret, _ = enable(user_id)
        later = FIXED_NOW + timedelta(minutes=1)
        verified = two_factor.verify(user_id, code_at(secret, later), later)
        assert verified.method == "totp" and verified.recovery_codes_left == 10
        with pytest.raises(ServiceError) as replay:
            two_factor.verify(user_id, code_at(secret, later), later)
        assert replay.value.code == "bad_code"
        older = code_at(secret, later - timedelta(seconds=30))  # in the window, but older
        with pytest.raises(ServiceError):
            two_factor.verify(user_id, older, later)
        with pytest.raises(ServiceError):
            two_factor.verify(user_id, wrong_code(secret, later), later)
        nxt = later + timedelta(seconds=30)
        assert two_factor.verify(user_id, code_at(secret, nxt), nxt).method == "totp"


def test_the_code_that_confirmed_set_up_does_not_sign_in(app, user_id):
    with app.app_context():
        secret, _ = enable(user_id)
        with pytest.raises(ServiceError):
            two_factor.verify(user_id, code_at(secret), FIXED_NOW)


def test_a_recovery_code_signs_in_once_however_typed(app, user_id):
    with app.app_context():
        _, codes = enable(user_id)
        verified = two_factor.verify(user_id, codes[3].upper().replace("-", " "), FIXED_NOW)
        assert verified == two_factor.Verified("recovery_code", 9)
        with pytest.raises(ServiceError) as again:
            two_factor.verify(user_id, codes[3], FIXED_NOW)
        assert again.value.code == "bad_code"
        with pytest.raises(ServiceError):
            two_factor.verify(user_id, "aaaa-bbbb-cccc", FIXED_NOW)
        assert two_factor.status(user_id).recovery_codes_left == 9
        used = db.session.scalars(select(RecoveryCode).where(
            RecoveryCode.used_at.is_not(None))).all()
        assert [code.used_at for code in used] == [FIXED_NOW]
        assert actions(user_id)[-1] == ("recovery_code_used", user_id)


def test_new_recovery_codes_need_the_password_and_void_the_old(app, user_id):
    with app.app_context():
        _, old = enable(user_id)
        with pytest.raises(ServiceError) as wrong:
            two_factor.regenerate_recovery_codes(user_id, "not the password", FIXED_NOW)
        assert wrong.value.field == "password"
        new = two_factor.regenerate_recovery_codes(user_id, PASSWORD, FIXED_NOW)
        assert len(new) == 10 and not set(new) & set(old)
        with pytest.raises(ServiceError):
            two_factor.verify(user_id, old[0], FIXED_NOW)
        assert two_factor.verify(user_id, new[0], FIXED_NOW).recovery_codes_left == 9
        assert ("recovery_codes_regenerated", user_id) in actions(user_id)


def test_turning_it_off_needs_the_password_and_forgets_everything(app, user_id):
    with app.app_context():
        secret, codes = enable(user_id)
        token = db.session.get(User, user_id).session_token
        with pytest.raises(ServiceError) as wrong:
            two_factor.disable(user_id, "not the password", FIXED_NOW)
        assert wrong.value.code == "bad_credentials" and two_factor.status(user_id).enabled
        two_factor.disable(user_id, PASSWORD, FIXED_NOW)
        user = db.session.get(User, user_id)
        assert (user.totp_secret, user.totp_enabled_at, user.totp_last_step) == (None,) * 3
        assert user.session_token == token  # no session ends
        assert db.session.scalar(select(RecoveryCode.id)) is None
        with pytest.raises(ServiceError) as off:
            two_factor.verify(user_id, codes[0], FIXED_NOW)
        assert off.value.code == "not_enabled"
        assert two_factor.begin_setup(user_id).secret != secret  # a new set-up, a new secret
        assert actions(user_id) == [("two_factor_enabled", user_id),
                                    ("two_factor_disabled", user_id)]


def test_an_admin_turns_it_off_for_a_lost_phone(app, user_id, make_user):
    admin_id = make_user("boss@example.org", role="admin")
    with app.app_context():
        enable(user_id)
        user_admin.turn_off_two_factor(admin_id, user_id, FIXED_NOW)
        assert not two_factor.status(user_id).enabled
        assert actions(user_id)[-1] == ("two_factor_disabled", admin_id)
        with pytest.raises(ServiceError) as again:
            user_admin.turn_off_two_factor(admin_id, user_id, FIXED_NOW)
        assert again.value.code == "not_enabled"
        enable(admin_id)
        with pytest.raises(ServiceError) as own:  # their own needs the password
            user_admin.turn_off_two_factor(admin_id, admin_id, FIXED_NOW)
        assert own.value.code == "own_account" and two_factor.status(admin_id).enabled
