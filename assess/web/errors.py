"""Error pages, and a stable JSON error shape for JSON clients:
``{"error": {"code": "...", "message": "...", "field": null}}``."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..services import ServiceError

# Services refuse in domain terms; this is the one place that turns a refusal code into an
# HTTP status. A code not listed is a plain bad request.
STATUS_BY_CODE = {
    **dict.fromkeys(("bad_credentials", "unauthorized"), 401),
    **dict.fromkeys(("disabled", "account_disabled", "not_independent", "not_practice",
                     "insufficient_scope", "wrong_account"), 403),
    **dict.fromkeys(("not_found", "item_not_in_attempt"), 404),
    **dict.fromkeys(("already_appealed", "already_decided", "already_graded", "already_revoked",
                     "attempt_closed", "bank_too_small", "cooldown", "email_taken", "exhausted",
                     "lease_expired", "not_computed", "not_final", "not_graded", "not_holder",
                     "prerequisite_missing", "time_up"), 409),
    **dict.fromkeys(("already_linked", "endpoint_disabled", "idempotency_conflict",
                     "invitation_closed", "name_taken"), 409),
    **dict.fromkeys(("invalid", "invalid_answer", "invalid_level", "not_confirmed"), 422),
    "unavailable": 503,
    "unconfirmed": 403,
    **dict.fromkeys(("link_expired", "link_used"), 410),  # "link_invalid": 400
}


def status_of(exc: ServiceError) -> int:
    return STATUS_BY_CODE.get(exc.code, 400)


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > \
        request.accept_mimetypes["text/html"]


def error_response(status: int, code: str, message: str, field: str | None = None):
    if wants_json():
        return jsonify(error={"code": code, "message": message, "field": field}), status
    return render_template("error.html", status=status, message=message), status


# The database away (a restart, a lost connection, an exhausted pool, a full disk, a read-only
# file or server): a clear 503 with Retry-After (507 when the disk is full), never a 500.
RETRY_AFTER_SECONDS = 5
DISK_FULL = ("database or disk is full", "no space left on device")
READ_ONLY_SQLSTATE = "25006"  # PostgreSQL: a read-only transaction (a standby, a read-only mode)


def database_unavailable(exc: Exception):
    if isinstance(exc, InternalError) and \
            getattr(exc.orig, "sqlstate", None) != READ_ONLY_SQLSTATE:
        raise exc  # any other internal error is a bug: the usual 500
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the pool drops it
        pass
    full = any(text in str(getattr(exc, "orig", exc)).lower() for text in DISK_FULL)
    status, code = (507, "insufficient_storage") if full else (503, "unavailable")
    message = ("The server's storage is full: this change was not saved. Try again later."
               if full else "The service is briefly unavailable and could not confirm this "
               "request. Try again in a few seconds.")
    if wants_json():
        response = jsonify(error={"code": code, "message": message, "field": None})
    else:  # standalone, without the context processors: they ask the database who is in
        page = current_app.jinja_env.get_template("unavailable.html")
        response = page.render(status=status, message=message)
    return response, status, {} if full else {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "csrf", "Your form expired or came from elsewhere. "
                                           "Go back, reload the page and try again.")

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        return error_response(status_of(exc), exc.code, exc.message, exc.field)

    for error in (OperationalError, InterfaceError, InternalError, PoolTimeout):
        app.register_error_handler(error, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)
