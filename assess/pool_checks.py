"""Pooled PostgreSQL connections are tested before use only when they have been idle.

SQLAlchemy's ``pool_pre_ping`` sends a round trip on every checkout: on the autosave hot path
that was one statement's worth of work in four. Here, as in HikariCP (``aliveBypassWindowMs``,
500 ms), a connection that went back to the pool less than ``DATABASE_PING_AFTER_IDLE_SECONDS``
ago is handed out untested: it worked a moment ago. One idle for longer is pinged and, if the
server has gone (a restart while nobody used the app), replaced before the request uses it.
A connection that dies within the window fails its first statement as a disconnect:
SQLAlchemy then discards it, the request answers 503 with Retry-After (``web/unavailable``)
and the client retries on a fresh connection; that happens only when the server goes away
under load, when requests fail anyway.

``pool_pre_ping`` set in ``SQLALCHEMY_ENGINE_OPTIONS`` is left to SQLAlchemy; a window of 0
pings on every checkout, as ``pool_pre_ping`` does.
"""
from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

_RETURNED_AT = "assess_returned_at"  # in the record's per-connection info, cleared on reconnect


def init_app(app, engines: Iterable[Engine]) -> None:
    if "pool_pre_ping" in (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}):
        return
    window = float(app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
    for engine in engines:
        if engine.dialect.name != "sqlite":
            test_when_idle(engine, window)


def test_when_idle(engine: Engine, idle_seconds: float) -> None:
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def returned(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def checked_out(dbapi_connection, record, _proxy) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < idle_seconds:
            return  # just opened, or used a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError(str(exc)) from exc  # the pool connects afresh
            raise
