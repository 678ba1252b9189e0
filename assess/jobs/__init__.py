"""Background jobs on Huey: one queue per app, built from its settings on first use.

Jobs wait in a SQLite file in the instance folder by default (no server to run), or in Redis
when REDIS_URL is set, where the workers of several machines share them. In immediate mode
(JOBS_IMMEDIATE, the tests) a job runs at once in the process that enqueues it.

A job is a plain function in ``tasks.py``, marked ``@job`` (the services enqueue it after the
commit that made it necessary) or ``@periodic`` (the worker's scheduler enqueues it every
minute). It runs in an app context and calls a service; the services lock what they change
and are idempotent, so a job may run twice, which ``redelivery`` relies on.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import ConfigurationError

from ..settings import EXTENSION as SETTINGS
from ..settings import Settings

EXTENSION = "assess.jobs"
QUEUE_NAME = "assess"
EVERY_MINUTE = crontab()


class Job:
    """A function the job runner knows: ``enqueue(*args)`` hands it to a worker (or runs it at
    once in immediate mode); calling it runs it here, in the caller's app context."""

    def __init__(self, fn: Callable[..., Any], schedule: Callable | None = None) -> None:
        functools.update_wrapper(self, fn)
        self.fn, self.name, self.schedule = fn, fn.__name__, schedule

    def __call__(self, *args: Any) -> Any:
        return self.fn(*args)

    def enqueue(self, *args: Any) -> None:
        """Arguments travel pickled, so pass ids and times, never database objects."""
        queue().wrappers[self.name](*args)

    def in_app(self) -> Callable[..., Any]:
        """What a worker executes: the job inside an app context of its own."""
        @functools.wraps(self.fn)
        def run(*args: Any) -> Any:
            if has_app_context():  # immediate mode: the enqueuing request's app and session
                return self.fn(*args)
            with worker_app().app_context():
                return self.fn(*args)
        return run


JOBS: dict[str, Job] = {}


def job(fn: Callable[..., Any]) -> Job:
    """Mark a function as a job that services enqueue."""
    return _register(Job(fn))


def periodic(fn: Callable[..., Any]) -> Job:
    """Mark a function as a job the worker's scheduler runs every minute."""
    return _register(Job(fn, EVERY_MINUTE))


def _register(found: Job) -> Job:
    if found.name in JOBS and JOBS[found.name].fn is not found.fn:
        raise ValueError(f"Two jobs are named {found.name}")
    JOBS[found.name] = found
    return found


# ---- the queue of an app ---------------------------------------------------------------------

@dataclass(frozen=True)
class Queue:
    huey: Huey
    wrappers: dict[str, Any]  # job name → Huey's task wrapper (calling it enqueues)
    built_from: tuple


_build_lock = threading.Lock()


def queue(app: Flask | None = None) -> Queue:
    """The app's queue (the current app's by default), built when first asked for and again
    when the settings it was built from change (tests reconfigure)."""
    app = app or current_app._get_current_object()
    current: Settings = app.extensions[SETTINGS]
    key = (current.redis_url, current.jobs_database, current.jobs_immediate)
    with _build_lock:
        found = app.extensions.get(EXTENSION)
        if found is None or found.built_from != key:
            found = app.extensions[EXTENSION] = _build(current, key)
    return found


def _build(current: Settings, key: tuple) -> Queue:
    from . import tasks  # noqa: F401  (its jobs register themselves as it is imported)

    huey = build_huey(current)
    wrappers = {name: (huey.periodic_task(found.schedule) if found.schedule else huey.task())(
                    found.in_app()) for name, found in JOBS.items()}
    return Queue(huey, wrappers, key)


def build_huey(current: Settings) -> Huey:
    """No result store: the services write what a job did to the database."""
    if current.jobs_immediate:
        return Huey(QUEUE_NAME, immediate=True, results=False)
    if current.redis_url:
        try:
            return RedisHuey(QUEUE_NAME, url=current.redis_url, results=False)
        except ConfigurationError as exc:
            raise RuntimeError("REDIS_URL is set but the redis client is missing: "
                               "pip install 'assess[redis]'") from exc
    Path(current.jobs_database).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(current.jobs_database), results=False)


# ---- the app a worker runs jobs in -----------------------------------------------------------

_worker_app: Flask | None = None


def use_app(app: Flask) -> None:
    """The app jobs run in, in this process (the worker command passes the one it built)."""
    global _worker_app
    _worker_app = app


def worker_app() -> Flask:
    """The app jobs run in, created once per process when no one passed one."""
    global _worker_app
    with _build_lock:
        if _worker_app is None:
            from ..app import create_app
            _worker_app = create_app()
        return _worker_app
