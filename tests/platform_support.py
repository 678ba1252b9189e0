"""Platforms, keys and linked candidates for the API tests, made through the services."""
from __future__ import annotations

from helpers import FIXED_NOW

from assess.models import SCOPES


def platform_with_key(app, name: str = "Acme Labels", scopes=SCOPES) -> tuple[int, str]:
    """A registered platform and a key with ``scopes``: (platform id, full key)."""
    from assess.services import api_keys, platforms
    with app.app_context():
        platform = platforms.create_platform(name, "ops@platform.example", FIXED_NOW)
        return platform.id, api_keys.create_key(platform.id, scopes, "tests", FIXED_NOW).secret


def another_key(app, platform_id: int, scopes) -> str:
    from assess.services import api_keys
    with app.app_context():
        return api_keys.create_key(platform_id, scopes, "", FIXED_NOW).secret


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def link_candidate(app, key: str, user_id: int, external_id: str, now=FIXED_NOW) -> None:
    """Invite the user as the platform and accept as the user, through the services."""
    from assess.extensions import db
    from assess.models import User
    from assess.services import api_keys, invitations
    with app.app_context():
        caller = api_keys.authenticate(key, now)
        email = db.session.get(User, user_id).email
        new = invitations.NewInvitation(email, external_id, send_email=False)  # no mail job
        reply = invitations.create(caller, new, now)
        invitations.accept(token_of(reply.body["link"]), user_id, now)
