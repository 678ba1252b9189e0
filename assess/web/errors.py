"""Error pages, and a stable JSON error shape for JSON clients:
``{"error": {"code": "...", "message": "...", "field": null}}``."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
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


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "csrf", "Your form expired or came from elsewhere. "
                                           "Go back, reload the page and try again.")

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        db.session.rollback()
        return error_response(status_of(exc), exc.code, exc.message, exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)
