"""Jobs in the tests: a queue that keeps its jobs (not immediate), draining it as a worker
would, and real worker processes started against the test's database."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def keep_jobs(app, tmp_path) -> None:
    """Jobs wait in a SQLite queue under tmp_path instead of running where enqueued."""
    from assess.settings import reconfigure
    reconfigure(app, JOBS_IMMEDIATE=False, JOBS_DATABASE=str(tmp_path / "jobs.sqlite3"))


def pending(app) -> list[str]:
    """The names of the queued jobs, in queue order."""
    from assess.jobs import queue
    return [task.name for task in queue(app).huey.pending()]


def drain(app, monkeypatch) -> int:
    """Run every queued job as a worker thread does (no app context of its own: the job
    pushes one of the worker's app); returns how many ran."""
    from assess import jobs
    monkeypatch.setattr(jobs, "_worker_app", app)
    huey = jobs.queue(app).huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def worker_env(app, tmp_path, **extra: str) -> dict[str, str]:
    """The environment of a worker process that shares the test app's database, keys and
    queue (the test's clock does not travel: a worker reads the system clock)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ASSESS_") and key != "DATABASE_URL"}
    env.update({
        "ASSESS_INSTANCE_PATH": str(tmp_path / "instance"),
        "ASSESS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ASSESS_SECRET_KEY": "test",
        "ASSESS_PUBLIC_URL": app.config["PUBLIC_URL"],
        "ASSESS_SIGNING_KEYS_DIR": app.config["SIGNING_KEYS_DIR"],
        "ASSESS_JOBS_DATABASE": str(tmp_path / "jobs.sqlite3"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    })
    return env


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def flask_worker(*options: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "assess", "jobs", "worker", *options]


def gated_worker(gate: Path) -> list[str]:
    return [sys.executable, str(PROJECT_ROOT / "tests" / "gated_worker.py"), str(gate)]


def wait_for(check, process: subprocess.Popen, log: Path, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop(process)
    raise AssertionError(f"{what}: not within {seconds}s (worker exit {process.returncode})\n"
                         + log.read_text(errors="replace")[-4000:])


def stop(process: subprocess.Popen) -> int:
    """Ctrl-C (running jobs finish), then SIGKILL if it has not stopped within 20s."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
