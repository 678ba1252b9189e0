"""At-least-once jobs. Huey takes a job off the queue when a worker starts it, so a worker
killed mid-job (SIGKILL, a lost machine, the out-of-memory killer) would lose the job.

So each worker names itself and says every few seconds that it is alive (a key in the queue's
own storage, SQLite or Redis), and notes each job it starts under its name until the job ends.
When a worker starts, and every few seconds while it runs, it puts back on the queue the jobs
noted by any worker that has not said it is alive for ``JOBS_LEASE_SECONDS``. Taking a note
off is atomic, so of several workers only one puts a job back. A job that committed its work
but died before its note was taken off runs again: the services it calls are idempotent.
"""
from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import socket
import threading
import time

from huey import Huey
from huey import signals as S
from huey.constants import EmptyData

log = logging.getLogger(__name__)

RUNNING = "assess:running:"  # + worker name + "/" + task id → the job, serialised
ALIVE = "assess:alive:"  # + worker name → when it last said it was alive (epoch seconds)
# Signals after which a started job is over (retries are queued again by Huey itself). Not
# SIGNAL_INTERRUPTED: a job interrupted by a stopping worker has not run to its end.
ENDED = {getattr(S, name) for name in (
    "SIGNAL_COMPLETE", "SIGNAL_ERROR", "SIGNAL_CANCELED", "SIGNAL_LOCKED", "SIGNAL_EXPIRED",
    "SIGNAL_REVOKED", "SIGNAL_TIMEOUT", "SIGNAL_RATE_LIMITED") if hasattr(S, name)}


class Redelivery:
    def __init__(self, huey: Huey, lease_seconds: float) -> None:
        self.huey, self.storage, self.lease = huey, huey.storage, float(lease_seconds)
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Note this worker's jobs from now on and put back those of dead workers."""
        self.huey.signal()(self._on_signal)
        self.beat()
        self.requeue_orphans()
        self._thread = threading.Thread(target=self._keep_alive, name="jobs-redelivery",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """A clean stop: anything still noted is put back by the next worker at once."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
        self.storage.pop_data(ALIVE + self.worker)

    def beat(self) -> None:
        self.storage.put_data(ALIVE + self.worker, str(time.time()).encode())

    def requeue_orphans(self) -> list[str]:
        """Put back the jobs noted by workers silent for longer than the lease; their ids."""
        items = {_text(key): bytes(value) for key, value in self.storage.result_items().items()}
        now = time.time()
        alive = {key[len(ALIVE):]: float(value) for key, value in items.items()
                 if key.startswith(ALIVE)}
        requeued = []
        for key, value in items.items():
            if not key.startswith(RUNNING):
                continue
            owner = json.loads(value)["worker"]
            if now - alive.get(owner, 0.0) < self.lease:
                continue
            if self.storage.pop_data(key) is EmptyData:
                continue  # another worker put it back first
            task = self.huey.deserialize_task(base64.b64decode(json.loads(value)["job"]))
            self.huey.enqueue(task)
            log.warning("Queued job %s again: worker %s stopped while running it", task, owner)
            requeued.append(task.id)
        for owner, seen in alive.items():
            if now - seen > self.lease and owner != self.worker:
                self.storage.pop_data(ALIVE + owner)
        return requeued

    def _key(self, task) -> str:
        return f"{RUNNING}{self.worker}/{task.id}"

    def _on_signal(self, signal: str, task, *args) -> None:
        try:
            if signal == S.SIGNAL_EXECUTING:
                job = base64.b64encode(self.huey.serialize_task(task)).decode()
                self.storage.put_data(self._key(task), json.dumps(
                    {"worker": self.worker, "job": job}).encode())
            elif signal in ENDED:
                self.storage.pop_data(self._key(task))
        except Exception:  # noqa: BLE001 - a note that fails must not fail the job
            log.exception("Could not note %s of job %s", signal, task)

    def _keep_alive(self) -> None:
        while not self._stopping.wait(self.lease / 4):
            try:
                self.beat()
                self.requeue_orphans()
            except Exception:  # noqa: BLE001 - the queue's storage may be away for a while
                log.exception("Could not check in with the job queue")


def _text(key: str | bytes) -> str:
    return key.decode() if isinstance(key, bytes) else key
