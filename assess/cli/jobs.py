"""`flask --app assess jobs worker`: run the background jobs (assess/jobs)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..jobs import worker
from ..settings import settings

jobs_cli = AppGroup("jobs", help="Run the background jobs.")


@jobs_cli.command("worker")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Threads running jobs (default: JOBS_WORKERS, 2).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also enqueue the periodic jobs (the sweep) every minute.")
def worker_command(workers: int | None, periodic: bool) -> None:
    """Run jobs until stopped: certificates to sign, and every minute the sweep (attempts
    past their deadline, unscored attempts, certificates still due). Run one beside each web
    server, or several on any machines that share a Redis queue (ASSESS_REDIS_URL). Ctrl-C
    lets running jobs finish; a job cut short by a crash runs again."""
    try:
        worker.run(current_app._get_current_object(), periodic=periodic,
                   workers=workers or settings().jobs_workers)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
