"""Invitations over the API: create (with the one-time link), list, revoke."""
from __future__ import annotations

from flask import jsonify

from ... import clock
from ...services import invitations as service
from .auth import api_call, caller
from .blueprint import bp
from .replay import reply_of, request_idempotency
from .schemas import InvitationIn, InvitationOut, InvitationPage, InvitationQuery
from .spec import api_spec, responses

TAGS = ("invitations",)


@bp.post("/invitations")
@api_call("invitations:write")
@api_spec.validate(json=InvitationIn, tags=TAGS,
                   resp=responses(HTTP_201=InvitationOut, conflict=True))
def create_invitation(json: InvitationIn):
    """Invite a person: 201 with the one-time link, which is also mailed to them unless
    `send_email` is false."""
    new = service.NewInvitation(json.email, json.external_id, json.assessment, json.expires_at,
                                json.send_email)
    return reply_of(service.create(caller(), new, clock.now(), request_idempotency()))


@bp.get("/invitations")
@api_call("invitations:write")
@api_spec.validate(query=InvitationQuery, tags=TAGS, resp=responses(HTTP_200=InvitationPage))
def list_invitations(query: InvitationQuery):
    """Your invitations, oldest first, a page at a time."""
    page = service.listing(caller(), clock.now(), status=query.status,
                           external_id=query.external_id, email=query.email,
                           cursor=query.cursor, limit=query.limit)
    return jsonify(invitations=page.items, next_cursor=page.next_cursor)


@bp.post("/invitations/<int:invitation_id>/revoke")
@api_call("invitations:write")
@api_spec.validate(tags=TAGS, resp=responses(HTTP_200=InvitationOut, not_found=True,
                                             conflict=True))
def revoke_invitation(invitation_id: int):
    """Stop an invitation's link from working (409 once accepted)."""
    return reply_of(service.revoke(caller(), invitation_id, clock.now(), request_idempotency()))
