"""Throttling of sign-in, registration and verification, on the app's one Flask-Limiter.

Each of those requests counts against the client's address and, for sign-in and
registration, against the account it names (the submitted email, normalised and hashed);
past a limit the answer is 429 with Retry-After (a page for forms, the JSON error shape for
JSON). Failed sign-ins on one account lock it for a while that doubles with each further
failure. Counts live in RATELIMIT_STORAGE_URI: "memory://" in each process, Redis across
processes and machines.
"""
from __future__ import annotations

import hashlib
import math
import os
import time
from functools import partial, wraps

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse_many

from ..services.accounts import normalise_email
from .errors import error_response

EXTENSION = "assess.limiter"
PREFIX = "assess-web"
SIGN_IN = ("auth.login",)
ACCOUNT_FORMS = ("auth.login", "auth.register")
# Asking for a mailed link: per address like a sign-in, and per address asked about under
# RESET_RATE_LIMIT, so that no one fills an inbox with links.
LINK_REQUESTS = ("auth.reset_request", "auth.resend_confirmation")
# Signed-in forms that ask for the account's password: a stolen session must not be a way to
# guess it, so they count and lock per account like sign-in (``refused_password``).
PASSWORD_CHECKS = ("account.password", "account.email", "account.disable_two_factor",
                   "account.recovery_codes")
# The exam's autosave, several times a minute per applicant, has no limit of its own.
UNLIMITED = frozenset({"exam.autosave"})
VERIFYING = ("credentials.verify_form", "credentials.api_verify",
             "credentials.verify_page")  # the last with ?id=: it verifies too
THROTTLED = frozenset({*ACCOUNT_FORMS, *LINK_REQUESTS, *PASSWORD_CHECKS, *VERIFYING})


def init_app(app: Flask) -> Limiter:
    """The app's one limiter (the API's per-key limits use it too), on its own storage per app
    so that each app, and each test, counts alone."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = \
            os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    limiter = Limiter(key_func=get_remote_address, headers_enabled=True, default_limits=[],
                      key_prefix="assess")
    app.after_request(_retry_after_only_when_refused)  # runs after the limiter's own
    limiter.init_app(app)
    _spare_unlimited(app, limiter)
    app.extensions[EXTENSION] = limiter
    app.before_request(_throttle)
    return limiter


def _spare_unlimited(app: Flask, limiter: Limiter) -> None:
    """Flask-Limiter's request hooks resolve and evaluate limits on every request, even on a
    route that has none (4% of an autosave): they are skipped for ``UNLIMITED`` endpoints."""
    def owned(hook) -> bool:
        owner = hook.args[0] if isinstance(hook, partial) else getattr(hook, "__self__", None)
        return owner is limiter

    def unless_unlimited(hook):
        @wraps(hook)
        def run(*args):
            if request.endpoint in UNLIMITED:
                return args[0] if args else None  # an after-request hook's response, unchanged
            return hook(*args)
        return run

    for hooks in (app.before_request_funcs, app.after_request_funcs,
                  app.teardown_request_funcs):
        for key, functions in hooks.items():
            hooks[key] = [unless_unlimited(f) if owned(f) else f for f in functions]


def _retry_after_only_when_refused(response):
    """Flask-Limiter sends Retry-After with every answer it counts; it means something only
    on 429 (and on a 503 that sets its own)."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def _limiter() -> Limiter:
    return current_app.extensions[EXTENSION]


def _throttle():
    if request.endpoint not in THROTTLED or (
            request.method != "POST" and not (request.endpoint == "credentials.verify_page"
                                              and request.args.get("id"))):
        return None
    config = current_app.config
    wait = None
    if request.endpoint in ACCOUNT_FORMS:
        account = account_key(request.form.get("email", ""))
        wait = (_over(config["AUTH_RATE_LIMIT"], "auth-address", request.remote_addr or "")
                or _over(config["AUTH_ACCOUNT_RATE_LIMIT"], "auth-account", account)
                or (locked_for(account) if request.endpoint in SIGN_IN else None))
    elif request.endpoint in LINK_REQUESTS:
        wait = (_over(config["AUTH_RATE_LIMIT"], "link-address", request.remote_addr or "")
                or _over(config["RESET_RATE_LIMIT"], "link-account",
                         account_key(request.form.get("email", ""))))
    elif request.endpoint in PASSWORD_CHECKS and current_user.is_authenticated:
        account = account_key(current_user.email)
        wait = (_over(config["AUTH_ACCOUNT_RATE_LIMIT"], "auth-account", account)
                or locked_for(account))
    elif request.endpoint in VERIFYING:
        wait = _over(config["VERIFY_RATE_LIMIT"], "verify-address", request.remote_addr or "")
    return _refusal(wait)


def _refusal(wait: int | None):
    """The 429 answer for a request that must wait ``wait`` seconds; None to go on."""
    if wait is None:
        return None
    response = current_app.make_response(error_response(
        429, "too_many_requests", f"Too many tries: wait {_duration(wait)} and try again."))
    response.headers["Retry-After"] = str(wait)
    return response


def second_factor_refusal(email: str):
    """For /auth/two-factor (its form names no account): count the request against the
    client's address and the account like a sign-in, and refuse it while the account is
    locked by failed sign-ins or codes. A 429 response, or None to go on."""
    config = current_app.config
    account = account_key(email)
    wait = (_over(config["AUTH_RATE_LIMIT"], "auth-address", request.remote_addr or "")
            or _over(config["AUTH_ACCOUNT_RATE_LIMIT"], "auth-account", account)
            or locked_for(account))
    return _refusal(wait)


def account_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


def _over(limits_text: str, scope: str, key: str) -> int | None:
    """Count this request; the seconds to wait when it is one too many, else None."""
    strategy = _limiter().limiter
    for item in parse_many(limits_text):
        if not strategy.hit(item, PREFIX, scope, key):
            reset, _ = strategy.get_window_stats(item, PREFIX, scope, key)
            return max(1, math.ceil(reset - time.time()))
    return None


def _keys(account: str) -> tuple[str, str]:
    return f"{PREFIX}/failures/{account}", f"{PREFIX}/locked/{account}"


def locked_for(account: str) -> int | None:
    """Seconds the account stays locked after failed sign-ins, or None."""
    storage = _limiter().storage
    _, lock = _keys(account)
    if not storage.get(lock):
        return None
    return max(1, math.ceil(storage.get_expiry(lock) - time.time()))


def record_failure(email: str) -> None:
    """A wrong password (or an unknown address, alike): from the AUTH_LOCKOUT_FAILURES-th
    within the window on, lock the account for AUTH_LOCKOUT_SECONDS, doubling with each
    further failure up to AUTH_LOCKOUT_MAX_SECONDS. The count is kept at least twice as long
    as the lock it led to, so that trying again after a lock locks longer."""
    config = current_app.config
    storage = _limiter().storage
    failures, lock = _keys(account_key(email))
    count = storage.get(failures) + 1
    past = count - int(config["AUTH_LOCKOUT_FAILURES"])
    delay = 0
    if past >= 0:
        delay = min(int(config["AUTH_LOCKOUT_SECONDS"]) * 2 ** min(past, 30),
                    int(config["AUTH_LOCKOUT_MAX_SECONDS"]))
        storage.clear(lock)
        storage.incr(lock, delay)
    storage.clear(failures)
    storage.incr(failures, max(int(config["AUTH_LOCKOUT_WINDOW_SECONDS"]), 2 * delay),
                 amount=count)


def refused_password(exc: Exception, email: str) -> None:
    """After a service refused a signed-in form: a wrong current password counts as a failed
    sign-in of the account."""
    if getattr(exc, "code", None) == "bad_credentials":
        record_failure(email)


def record_success(email: str) -> None:
    _limiter().storage.clear(_keys(account_key(email))[0])


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"
