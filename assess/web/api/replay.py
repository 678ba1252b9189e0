"""Idempotency keys on POST: the request's key (if it sent one) and the reply to send."""
from __future__ import annotations

from flask import jsonify, request

from ...services import idempotency
from .auth import caller


def request_idempotency() -> idempotency.Idempotency | None:
    return idempotency.of_request(caller().key_id, request.headers.get("Idempotency-Key"),
                                  request.method, request.path, request.get_data(cache=True))


def reply_of(reply: idempotency.Reply):
    headers = {"Idempotent-Replayed": "true"} if reply.replayed else {}
    return jsonify(reply.body), reply.status, headers
