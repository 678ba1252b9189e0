"""User administration and account settings through the services: tokens, the log, search."""
from __future__ import annotations

import pytest
from helpers import FIXED_NOW

from assess.extensions import db
from assess.models import AccountEvent, User
from assess.services import ServiceError, account_settings, user_admin

PASSWORD = "correct horse battery"


def test_every_session_ending_change_gives_a_new_token(app, make_user):
    admin_id = make_user("boss@example.org", role="admin")
    user_id = make_user("ada@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        seen = {user.session_token}
        for change in (lambda: account_settings.end_sessions(user_id),
                       lambda: account_settings.sign_out_everywhere(user_id, FIXED_NOW),
                       lambda: account_settings.change_password(
                           user_id, PASSWORD, "another long passphrase 77", now=FIXED_NOW,
                           min_length=10),
                       lambda: user_admin.set_active(admin_id, user_id, False, FIXED_NOW)):
            change()
            assert user.session_token not in seen
            seen.add(user.session_token)
        assert user.get_id() == f"{user_id}:{user.session_token}"


def test_a_wrong_current_password_changes_nothing(app, make_user):
    user_id = make_user("ada@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        token = user.session_token
        with pytest.raises(ServiceError) as refused:
            account_settings.change_password(user_id, "wrong", "another long passphrase 77",
                                             now=FIXED_NOW, min_length=10)
        assert refused.value.field == "current_password"
        assert user.session_token == token and user.check_password(PASSWORD)
        assert db.session.query(AccountEvent).count() == 0


def test_search_treats_wildcards_as_text(app, make_user):
    make_user("under_score@example.org")
    make_user("underXscore@example.org")
    with app.app_context():
        found = user_admin.search_users("under_")
        assert [u.email for u in found.users] == ["under_score@example.org"]
        assert user_admin.search_users("%").total == 0
        assert user_admin.search_users("", "admin").total == 0
        with pytest.raises(ServiceError):
            user_admin.search_users("", "superuser")


def test_unchanged_values_are_not_logged(app, make_user):
    admin_id = make_user("boss@example.org", role="admin")
    user_id = make_user("ada@example.org")
    with app.app_context():
        user_admin.set_role(admin_id, user_id, "applicant", FIXED_NOW)
        user_admin.set_active(admin_id, user_id, True, FIXED_NOW)
        assert db.session.query(AccountEvent).count() == 0
        user_admin.set_role(admin_id, admin_id, "admin", FIXED_NOW)  # keeping it is fine
