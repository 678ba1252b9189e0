"""Reading over the API: assessments, attempts, one candidate, one certificate."""
from __future__ import annotations

from functools import wraps

from flask import current_app, jsonify, request

from ... import clock
from ...services import platform_candidates, platform_results
from .auth import api_call, caller
from .blueprint import bp
from .schemas import (
    AssessmentList,
    AttemptPage,
    AttemptQuery,
    CandidateOut,
    CertificateOut,
    CertificateQuery,
)
from .spec import api_spec, responses

JWT = "application/jwt"


@bp.get("/assessments")
@api_call("assessments:read")
@api_spec.validate(tags=("assessments",), resp=responses(HTTP_200=AssessmentList))
def assessments():
    """The assessments on offer, with their tiers in rank order."""
    return jsonify(assessments=platform_results.assessments())


@bp.get("/attempts")
@api_call("results:read")
@api_spec.validate(query=AttemptQuery, tags=("results",), resp=responses(HTTP_200=AttemptPage))
def attempts(query: AttemptQuery):
    """Your candidates' attempts, oldest first, a page at a time."""
    page = platform_results.attempts(caller(), assessment=query.assessment, status=query.status,
                                     since=query.since, cursor=query.cursor, limit=query.limit)
    return jsonify(attempts=page.items, next_cursor=page.next_cursor)


@bp.get("/candidates/<path:external_id>")
@api_call("results:read")
@api_spec.validate(tags=("results",), resp=responses(HTTP_200=CandidateOut, not_found=True))
def candidate(external_id: str):
    """One candidate by your external_id.

    Their attempts, their current tier per domain (the highest a valid certificate states)
    and their certificates."""
    return jsonify(platform_candidates.candidate(caller(), external_id, clock.now()))


def _wants_jwt() -> bool:
    if "format" in request.args:
        return request.args["format"] == "jwt"
    accept = request.accept_mimetypes
    return accept.best_match([JWT, "application/json"]) == JWT and \
        accept[JWT] > accept["application/json"]


def _or_jwt(view):
    """The JWT form is plain text, which spectree's response handling would take for JSON:
    it is answered here, before that handling; the document lists it (``docs``)."""
    @wraps(view)
    def wrapped(public_id: str, **kwargs):
        if not _wants_jwt():
            return view(public_id, **kwargs)
        found = platform_candidates.certificate(caller(), public_id, clock.now())
        response = current_app.response_class(found.jwt, mimetype=JWT)
        response.headers["Certificate-Status"] = found.status
        return response
    return wrapped


@bp.get("/certificates/<public_id>")
@api_call("certificates:read")
@_or_jwt
@api_spec.validate(query=CertificateQuery, tags=("certificates",),
                   resp=responses(HTTP_200=CertificateOut, not_found=True))
def certificate(public_id: str, query: CertificateQuery):
    """One certificate of one of your candidates, with its status.

    Status is valid, revoked or expired. The JSON form carries the signed credential; with
    ?format=jwt (or Accept: application/jwt) the answer is its VC-JWT, the status then in
    the Certificate-Status header."""
    return jsonify(platform_candidates.certificate(caller(), public_id, clock.now()).body)
