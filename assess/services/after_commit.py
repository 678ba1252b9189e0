"""Jobs queued once the current transaction commits, and forgotten if it rolls back.

A use case that makes work for the job runner (a webhook delivery, a mail to send) names the
job before its one commit; the job is queued only when the change it concerns exists. When the
queue is out of reach the change stays committed and the minute's sweep does the work.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..settings import available as settings_available
from ..settings import settings

log = logging.getLogger(__name__)

_PENDING = "assess.after_commit.jobs"  # session.info key: (job name, args, in immediate mode)


def enqueue(job_name: str, *args: Any, in_immediate_mode: bool = True) -> None:
    """Queue the job ``job_name`` (of ``jobs/tasks.py``) with ``args`` after the commit.
    ``in_immediate_mode=False``: not when jobs run where they are queued (the tests), where
    the test runs the sweep itself."""
    db.session.info.setdefault(_PENDING, []).append((job_name, args, in_immediate_mode))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending or not settings_available():
        return
    from ..jobs import tasks  # the jobs import the services
    immediate = settings().jobs_immediate
    for job_name, args, in_immediate_mode in pending:
        if immediate and not in_immediate_mode:
            continue
        try:
            getattr(tasks, job_name).enqueue(*args)
        except Exception:  # noqa: BLE001 - committed: the minute's sweep does it anyway
            log.exception("Could not queue the job %s%r", job_name, args)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
