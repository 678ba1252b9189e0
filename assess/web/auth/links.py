"""The links mails carry, on PUBLIC_URL: never on the request's Host header, which whoever
asks for a reset link chooses (a poisoned host would send the token to them)."""
from __future__ import annotations

from typing import Any

from flask import url_for

from ...services.signed_links import TOKEN, Links
from ...settings import settings


def public_url_for(endpoint: str, **values: Any) -> str:
    return settings().public_url + url_for(endpoint, **values)


def mail_links() -> Links:
    return Links(
        login=public_url_for("auth.login"),
        reset_request=public_url_for("auth.reset_request"),
        reset_template=public_url_for("auth.reset_password", token=TOKEN),
        confirm_template=public_url_for("auth.confirm_email", token=TOKEN),
        change_template=public_url_for("account.confirm_email_change", token=TOKEN),
    )
