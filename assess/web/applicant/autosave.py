"""The exam page's JSON endpoints: autosave and the clock."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user, login_required

from ... import clock
from ...services import attempts, autosave_fast
from .. import json_csrf
from ..auth.guards import session_identity, session_user_id, unauthorized
from ..errors import error_response
from .blueprints import exam as bp
from .form_input import is_form


@bp.post("/attempts/<int:attempt_id>/items/<int:position>/autosave")
@json_csrf.required
def autosave(attempt_id: int, position: int):
    """JSON: ``{"revision": n, "answer": {...}}`` or ``{"revision": n, "form": {name: [values]}}``.

    The hot path: a plain save (the signed-in owner, an open attempt, a valid answer) goes
    through ``autosave_fast``, which checks the session's token, the owner and the account in
    its one lookup, so the user is not loaded. Everything else takes ``save_answer``.
    """
    identity = session_identity()
    if identity is None and session_user_id() is None:
        return unauthorized()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, "malformed_json", "Expected a JSON object with revision and "
                                                     "answer.")
    form = body.get("form")
    if form is not None and not is_form(form):
        return error_response(400, "invalid_form", "form must map field names to lists of text.",
                              "form")
    if form is None and "answer" not in body:
        return error_response(400, "missing_answer", "Send the answer (or form) to save.",
                              "answer")
    now = clock.now()
    result = None
    if identity is not None and form is None:
        result = autosave_fast.quick_save(attempt_id, *identity, position, body["answer"],
                                          body.get("revision"), now)
    if result is None:
        user_id = session_user_id()
        if user_id is None:
            return unauthorized()
        result = attempts.save_answer(attempt_id, user_id, position, body.get("answer"),
                                      body.get("revision"), now, form=form)
    if result.refused:  # the attempt closed first: kept in the history, not applied
        return jsonify(error={"code": result.refused, "field": None, "message": result.message},
                       saved_revision=result.saved_revision, seconds_left=0), 409
    if not result.accepted:
        return jsonify(error={"code": "stale_revision", "field": "revision",
                              "message": f"Revision {body['revision']} is older than the saved "
                                         f"revision {result.saved_revision}; it was not applied."},
                       saved_revision=result.saved_revision,
                       seconds_left=result.seconds_left), 409
    return jsonify(status="saved", saved_revision=result.saved_revision,
                   seconds_left=result.seconds_left, complete=result.complete)


@bp.get("/attempts/<int:attempt_id>/clock")
@login_required
def clock_state(attempt_id: int):
    state = attempts.clock_state(attempt_id, current_user.id, clock.now())
    return jsonify(status=state.status, seconds_left=state.seconds_left,
                   deadline=state.deadline_at.isoformat() if state.deadline_at else None)
