"""Revocation anyone can check: each certificate gets a random index in a W3C Bitstring
Status List, and the issuer publishes every list as a signed BitstringStatusListCredential
at ``<PUBLIC_URL>/status/<list id>``.

A list's bits are the revoked certificates among its entries. A revocation bumps the list's
revision in its own transaction; the published credential is re-signed from the
certificates when it is served (or at once, by ``publish``) whenever it lags behind.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from ..credentials import credential as builder
from ..credentials import dataintegrity, issuer, status
from ..extensions import db
from ..models import Certificate, StatusEntry, StatusList
from ..settings import settings
from . import ServiceError, certificates

PURPOSE = "revocation"
LIST_SIZE = status.MIN_SIZE
# A list takes new certificates until half its entries are used, so a random index is free
# at the first or second try, and the used ones stay a small share of the herd.
FILL_LIMIT = LIST_SIZE // 2
MAX_TRIES = 64


@dataclass(frozen=True)
class Slot:
    list_id: int
    index: int

    @property
    def entry(self) -> dict[str, Any]:
        return status.entry(list_url(self.list_id), self.index, PURPOSE)


def list_url(list_id: int) -> str:
    return f"{settings().public_url}/status/{list_id}"


def allocate(now: datetime) -> Slot:
    """A random unused index in an open list (a new list when none is open). The list row is
    locked until the transaction ends, so concurrent issuers never draw the same index."""
    open_list = db.session.scalar(
        select(StatusList).where(StatusList.purpose == PURPOSE,
                                 StatusList.allocated < FILL_LIMIT)
        .order_by(StatusList.id).limit(1).with_for_update())
    if open_list is None:
        open_list = StatusList(purpose=PURPOSE, size=LIST_SIZE, allocated=0, revision=0,
                               created_at=now)
        db.session.add(open_list)
        db.session.flush()
    for _ in range(MAX_TRIES):
        index = secrets.randbelow(open_list.size)
        taken = db.session.scalar(select(StatusEntry.id).where(
            StatusEntry.status_list_id == open_list.id, StatusEntry.status_index == index))
        if taken is None:
            open_list.allocated += 1
            return Slot(open_list.id, index)
    raise RuntimeError(f"no free index found in status list {open_list.id}")


def attach(slot: Slot, certificate_id: int) -> None:
    db.session.add(StatusEntry(status_list_id=slot.list_id, status_index=slot.index,
                               certificate_id=certificate_id))


def revoked(certificate_id: int) -> int | None:
    """Record that the certificate's bit is now set: its list's revision moves on (the list
    is re-signed before it is next served). Returns the list id, None for certificates
    issued before status lists."""
    list_id = db.session.scalar(select(StatusEntry.status_list_id)
                                .where(StatusEntry.certificate_id == certificate_id))
    if list_id is not None:
        db.session.execute(update(StatusList).where(StatusList.id == list_id)
                           .values(revision=StatusList.revision + 1))
    return list_id


def publish(list_id: int, now: datetime) -> StatusList:
    """The list with its credential re-signed if it lags behind its revision (not
    committed)."""
    status_list = db.session.get(StatusList, list_id, populate_existing=True)
    if status_list is None:
        raise ServiceError("No such status list.", code="not_found")
    if status_list.stale:
        revision = status_list.revision
        status_list.credential = signed_list(status_list, now)
        status_list.signed_revision = revision
    return status_list


@dataclass(frozen=True)
class Published:
    credential: dict[str, Any]
    etag: str


def published(list_id: int, now: datetime) -> Published:
    """What ``/status/<id>`` serves: the signed list credential, re-signed first when a
    revocation moved it on."""
    status_list = publish(list_id, now)
    credential = status_list.credential or {}
    db.session.commit()
    body = json.dumps(credential, sort_keys=True, separators=(",", ":")).encode()
    return Published(credential, hashlib.sha256(body).hexdigest()[:32])


def bits_of(status_list: StatusList) -> bytes:
    return status.from_indexes(status_list.size, db.session.scalars(
        select(StatusEntry.status_index)
        .join(Certificate, Certificate.id == StatusEntry.certificate_id)
        .where(StatusEntry.status_list_id == status_list.id, Certificate.revoked_at.is_not(None))))


def signed_list(status_list: StatusList, now: datetime) -> dict[str, Any]:
    issuer_id = certificates.issuer_id()
    unsigned = status.list_credential(list_url(status_list.id), issuer_id, bits_of(status_list),
                                      status_list.purpose, builder.timestamp(now))
    key = certificates.signing_key(now)
    return dataintegrity.sign(unsigned, key.private, issuer.method_id(issuer_id, key.kid),
                              builder.timestamp(now), certificates.loader())


def local_document(url: str, now: datetime) -> dict[str, Any] | None:
    """One of this server's status lists, read locally for its own verifier: the stored
    credential, or (when it lags behind) one signed now and not stored."""
    prefix = list_url(0)[:-1]
    tail = url[len(prefix):] if url.startswith(prefix) else ""
    if not (tail.isascii() and tail.isdigit()) or len(tail) > 9:
        return None
    status_list = db.session.get(StatusList, int(tail))
    if status_list is None:
        return None
    return status_list.credential if not status_list.stale else signed_list(status_list, now)
