"""Processes and databases for the autosave benchmark: gunicorn servers, the PostgreSQL
benchmark database. Every start has a matching stop; callers register stops on an ExitStack."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
HOST = "127.0.0.1"


class Server:
    """A gunicorn master in its own session, so Ctrl-C reaches us and we stop it ourselves."""

    def __init__(self, app_spec: str, *, env: dict[str, str], workers: int, chdir: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            # No control socket: by default every gunicorn master takes the same one under
            # ~/.gunicorn, so two runs on one machine would break each other.
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--no-control-socket",
             "--bind", f"{HOST}:{self.port}", "--log-level", "warning",
             "--chdir", str(chdir), app_spec],
            env={**os.environ, **env}, start_new_session=True)

    def wait_ready(self, path: str = "/healthz", timeout: float = 30.0) -> None:
        """Block until the server answers ``path`` with 200 (gunicorn imports lazily)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}")
            if answers(self.port, path):
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s")

    def stop(self) -> None:
        """SIGTERM the master (it stops its workers); SIGKILL the group if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def answers(port: int, path: str, timeout: float = 2) -> bool:
    """Whether GET path on 127.0.0.1:port answers 200 now."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


# ---- PostgreSQL ---------------------------------------------------------------------------

def postgres_reachable(admin_url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(database_url(admin_url, "postgres"), connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def create_database(admin_url: str, name: str) -> str:
    """(Re)create database ``name``; return its URL. Never called with a shared name."""
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    return database_url(admin_url, name)


def create_new_database(admin_url: str, name: str) -> str:
    """Create database ``name``, which must not exist yet (it is never someone else's to
    drop); return its URL."""
    import psycopg

    try:
        _admin(admin_url, f'CREATE DATABASE "{name}"')
    except psycopg.errors.DuplicateDatabase:
        raise SystemExit(f"database {name} already exists: choose another name "
                         "(it is dropped when the run ends, so it must be this run's own)"
                         ) from None
    return database_url(admin_url, name)


def drop_database(admin_url: str, name: str) -> None:
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url(server_url: str, name: str) -> str:
    """The URL of database ``name`` on the server of ``server_url``."""
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


def _admin(admin_url: str, statement: str) -> None:
    import psycopg

    url = database_url(admin_url, "postgres")
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)
