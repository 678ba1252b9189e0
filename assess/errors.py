"""Error pages, and a stable JSON error shape for JSON clients:
``{"error": {"code": "...", "message": "...", "field": null}}``."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .services import ServiceError


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
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        return error_response(exc.code or 500, code, exc.description or exc.name)
