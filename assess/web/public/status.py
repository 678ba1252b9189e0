"""The issuer's revocation lists: W3C Bitstring Status List credentials, signed, cacheable."""
from __future__ import annotations

from flask import request

from ... import clock
from ...services import status_lists
from .blueprint import bp, document

# Verifiers cache a list for this long: a revocation reaches them within a minute.
MAX_AGE_SECONDS = 60


@bp.get("/status/<int:list_id>")
def status_list(list_id: int):
    published = status_lists.published(list_id, clock.now())
    response = document(published.credential, filename=f"status-{list_id}.json")
    response.set_etag(published.etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    return response.make_conditional(request)
