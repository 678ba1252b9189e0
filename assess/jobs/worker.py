"""A worker: Huey's consumer in this process, with threads that run the jobs, a scheduler
that enqueues the periodic ones every minute, and redelivery of the jobs of dead workers."""
from __future__ import annotations

import logging

from flask import Flask

from ..settings import EXTENSION as SETTINGS
from . import queue, use_app
from .redelivery import Redelivery

# An idle worker looks at a SQLite queue at least this often (Redis tells it at once).
MAX_POLL_SECONDS = 2.0


def run(app: Flask, *, workers: int, periodic: bool = True) -> None:
    """Run jobs until stopped: SIGINT (Ctrl-C) lets running jobs finish, a second one or
    SIGTERM stops at once (what was cut short runs again on the next start)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    use_app(app)
    huey = queue(app).huey
    if huey.immediate:
        raise RuntimeError("JOBS_IMMEDIATE is set: jobs run where they are enqueued, and a "
                           "worker would have nothing to do")
    redelivery = Redelivery(huey, app.extensions[SETTINGS].jobs_lease_seconds)
    consumer = huey.create_consumer(workers=workers, periodic=periodic, worker_type="thread",
                                    max_delay=MAX_POLL_SECONDS)
    redelivery.start()
    try:
        consumer.run()
    finally:
        redelivery.stop()
