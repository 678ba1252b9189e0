"""The app factory: config layers, extensions, the web layer (assess.web), CLI."""
from __future__ import annotations

import inspect
import os
import secrets
import sqlite3
import weakref
from pathlib import Path
from typing import Any, Mapping

from flask import Flask, Request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Config layers: defaults → instance/config.py → environment → test_config."""
    app = AssessFlask(
        __name__,
        instance_path=os.environ.get("ASSESS_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.request_class = JSONSafeRequest
    # Ids in URLs are database integers: a larger number is simply not found (404), rather
    # than an overflow in the database driver (500).
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.from_object("assess.config")
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("ASSESS")
    if app.config.get("DATABASE_URL"):  # ASSESS_DATABASE_URL
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _finish_config(app)
    settings.init_app(app)  # services read the final config through this

    from . import models, pool_checks  # noqa: F401  (models registers the tables)
    from .extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        # A server restart leaves every pooled connection dead: one idle for a while is
        # tested before use, so the first requests after it do not fail.
        pool_checks.init_app(app, db.engines.values())
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    from . import web
    from .cli import register_cli

    web.register(app)
    if app.config["TRUSTED_PROXIES"]:
        # The client's address and scheme as the reverse proxies in front say (rate limits
        # count per client address); only as many hops as are trusted.
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    register_cli(app)
    return app


class AssessFlask(Flask):
    """Flask, remembering which of its hooks and views are coroutines: Flask asks
    ``inspect.iscoroutinefunction`` for each hook and view on every request (14 times per
    autosave, 4% of its time), and the answer never changes for a function."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Weak keys: a function made for one request (``after_this_request``) is forgotten
        # with it.
        self._coroutine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def ensure_sync(self, func):
        try:
            coroutine = self._coroutine.get(func)
            if coroutine is None:
                coroutine = self._coroutine[func] = inspect.iscoroutinefunction(func)
        except TypeError:  # not hashable, or no weak reference to it
            return super().ensure_sync(func)
        return super().ensure_sync(func) if coroutine else func


class JSONSafeRequest(Request):
    """JSON nested too deeply to parse is malformed JSON (400), not a crash (500)."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError as exc:
            if silent:
                return None
            return self.on_json_loading_failed(ValueError(f"JSON nested too deeply: {exc}"))


class DatabaseIdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's signature)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _finish_config(app: Flask) -> None:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI") or \
        f"sqlite:///{Path(app.instance_path) / 'assess.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)
    if uri.startswith(("postgres://", "postgresql")) and \
            not app.config["DATABASE_PREPARED_STATEMENTS"]:
        # Behind PgBouncer in transaction mode before 1.21, a statement psycopg prepared on
        # one server connection is missing on the next: never prepare.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {**(options.get("connect_args") or {}),
                                   "prepare_threshold": None}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        options["connect_args"] = connect_args
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    if not app.config.get("QUESTION_BANKS_DIR"):
        app.config["QUESTION_BANKS_DIR"] = str(PROJECT_ROOT / "question_banks")
    app.config["QUESTION_BANKS_DIRS"] = bank_folders(app.config["QUESTION_BANKS_DIR"])
    if not app.config.get("SIGNING_KEYS_DIR"):
        app.config["SIGNING_KEYS_DIR"] = str(Path(app.instance_path) / "keys")
    if not app.config.get("JSONLD_CONTEXTS"):
        from .credentials.documents import DEFAULT_CONTEXTS
        app.config["JSONLD_CONTEXTS"] = str(DEFAULT_CONTEXTS)
    app.config["PUBLIC_URL"] = (app.config.get("PUBLIC_URL") or
                                served_url(app.config["HOST"], app.config["PORT"])).rstrip("/")
    for cookie in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(cookie) is None:
            app.config[cookie] = app.config["PUBLIC_URL"].startswith("https://")


def bank_folders(setting: str | Path | list | tuple) -> list[str]:
    """``QUESTION_BANKS_DIR`` as a list of folders: one path, several joined with
    ``os.pathsep`` (``/srv/banks/private:/srv/assess/question_banks``), or a list (from
    ``instance/config.py``, or JSON in ``ASSESS_QUESTION_BANKS_DIR``). Order is kept and
    repeats are dropped; every folder is read, and a bank defined twice is an error."""
    parts = [str(p) for p in setting] if isinstance(setting, (list, tuple)) \
        else str(setting).split(os.pathsep)
    folders: list[str] = []
    for part in (p.strip() for p in parts):
        if part and part not in folders:
            folders.append(part)
    return folders


def served_url(host: str, port: int | str) -> str:
    """The default public address: where the development server listens (``make run`` passes
    its HOST and PORT). Deployments behind a proxy set PUBLIC_URL instead."""
    host = str(host).strip()
    if ":" in host and not host.startswith("["):  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{int(port)}"


def normalise_database_url(uri: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, whatever spelling the environment uses."""
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix):]
    return uri


def _instance_secret(app: Flask) -> str:
    """A secret key kept in instance/secret_key, made on first run and never committed."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
