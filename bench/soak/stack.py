"""What the soak runs against: a private PostgreSQL cluster (initdb/pg_ctl in a temp folder,
never the machine's shared one), databases cloned from one prepared template, gunicorn and
the job worker as processes this run can kill -9 and start again on the same port."""
from __future__ import annotations

import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from servers import answers, free_port  # bench/, on the path run.py sets

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
TEMPLATE = "soak_template"
# Databases this suite never drops, whatever --database-url says.
PROTECTED = {"postgres", "template0", "template1", "assess", "test"}
BASE_ENV = dict(os.environ)  # before any scenario's settings


def as_postgres(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres account then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class PrivateCluster:
    """A PostgreSQL server of this run only, on a free loopback port, trust auth."""

    def __init__(self, root: Path):
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                       key=lambda p: int(p.split("/")[4]))
        if not found:
            raise SystemExit("no /usr/lib/postgresql/*/bin/initdb: apt-get install postgresql, "
                             "or pass --database-url")
        self.bin = Path(found[-1]).parent
        self.root, self.data = root / "pg", root / "pg" / "data"
        self.port = free_port()
        self.data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.data, "postgres", "postgres")
            os.chmod(self.data, 0o700)
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"])
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(as_postgres(command), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.root} -c listen_addresses={HOST} "
                   "-c max_connections=200")
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                   str(self.root / "server.log"), "-o", options, "-w", "-t", "60", "start"])

    def running(self) -> bool:
        status = subprocess.run(as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data),
                                             "status"]), capture_output=True)
        return status.returncode == 0

    def stop(self, mode: str = "fast") -> None:
        """``immediate`` is a crash: no checkpoint, recovery from the WAL on the next start."""
        self._run([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])


def database_url(server_url: str, name: str) -> str:
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


def admin(server_url: str, statement: str) -> None:
    import psycopg
    with psycopg.connect(database_url(server_url, "postgres"), autocommit=True,
                         connect_timeout=10) as connection:
        connection.execute(statement)


def clone_database(server_url: str, name: str) -> str:
    """A fresh database ``name`` copied from the prepared template; its URL."""
    if name in PROTECTED:
        raise SystemExit(f"refusing to drop database {name!r}")
    admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    return database_url(server_url, name)


def drop_databases(server_url: str) -> None:
    """The template and every scenario's database, on a server that outlives the run."""
    import psycopg
    with psycopg.connect(database_url(server_url, "postgres"), autocommit=True,
                         connect_timeout=10) as connection:
        names = [row[0] for row in connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'soak\\_%'")]
    for name in names:
        if name not in PROTECTED:
            admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_env(instance: Path, database: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of every assess process of the run (server, worker, seeding)."""
    env = {**BASE_ENV, "ASSESS_INSTANCE_PATH": str(instance), "DATABASE_URL": database,
           "ASSESS_PUBLIC_URL": f"http://{HOST}:{port}", "PYTHONUNBUFFERED": "1",
           "ASSESS_SECRET_KEY": "soak-" + "0" * 40,
           "ASSESS_SIGNING_KEYS_DIR": str(instance.parent / "keys"),
           "ASSESS_JOBS_DATABASE": str(instance / "jobs.sqlite3"),
           # Every simulated person signs in from 127.0.0.1: the per-address throttles
           # would refuse the crowd. The per-key API limit stays (the platform keeps to it).
           "ASSESS_AUTH_RATE_LIMIT": "100000 per minute",
           "ASSESS_AUTH_ACCOUNT_RATE_LIMIT": "100000 per minute",
           **extra}
    env.pop("ASSESS_DATABASE_URL", None)
    instance.mkdir(parents=True, exist_ok=True)
    return env


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "assess", *args],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    return result.stdout


def prepare_schema(env: dict[str, str]) -> None:
    """Schema, the question banks, a signing key: through the app's own commands."""
    flask_cli(env, "db", "upgrade")
    flask_cli(env, "banks", "import")
    if not any(Path(env["ASSESS_SIGNING_KEYS_DIR"]).glob("*")):
        flask_cli(env, "keys", "generate")


def prepare_template(server_url: str, root: Path) -> None:
    if TEMPLATE in PROTECTED:
        raise SystemExit("bad template name")
    admin(server_url, f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
    admin(server_url, f'CREATE DATABASE "{TEMPLATE}"')
    prepare_schema(app_env(root / "template", database_url(server_url, TEMPLATE), 5000))


def _gunicorn_control_flag() -> list[str]:
    help_text = subprocess.run([sys.executable, "-m", "gunicorn", "--help"],
                               capture_output=True, text=True).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


class ProcessGroup:
    """A process started in a session of its own, stopped with TERM or, after a grace
    period (or on purpose), with kill -9 of its whole process group."""

    grace_seconds = 15
    process: subprocess.Popen | None = None

    def kill_group(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=self.grace_seconds)
        except subprocess.TimeoutExpired:
            self.kill_group()


class Web(ProcessGroup):
    """gunicorn (sync workers) in its own session: a worker or the whole group can be killed
    with SIGKILL and the server started again on the same port."""

    def __init__(self, env: dict[str, str], port: int, workers: int, logs: Path,
                 extra: list[str] | None = None, app_spec: str = "assess:create_app()"):
        self.env, self.port, self.workers, self.logs = env, port, workers, logs
        self.extra, self.app_spec = list(extra or []), app_spec
        self.process: subprocess.Popen | None = None
        self._flags = _gunicorn_control_flag()
        self.starts = 0

    def start(self, wait: bool = True) -> None:
        self.starts += 1
        command = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers),
                   "--bind", f"{HOST}:{self.port}", "--timeout", "60",
                   "--graceful-timeout", "5", "--log-level", "warning",
                   "--error-logfile", str(self.logs / "gunicorn.log"), "--chdir",
                   str(PROJECT_ROOT), *self._flags, *self.extra, self.app_spec]
        self.process = subprocess.Popen(command, env=self.env, cwd=PROJECT_ROOT,
                                        start_new_session=True, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {self.process.returncode}; "
                                   f"see {self.logs / 'gunicorn.log'}")
            if answers(self.port, "/healthz", timeout=3):
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def worker_pids(self) -> list[int]:
        import psutil
        try:
            return [child.pid for child in psutil.Process(self.process.pid).children()]
        except psutil.NoSuchProcess:
            return []

    def kill_worker(self, rng: random.Random) -> int | None:
        pids = self.worker_pids()
        if not pids:
            return None
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def kill_all(self) -> None:
        """kill -9 of the master and every worker at once (the whole process group)."""
        self.kill_group()


class JobWorker(ProcessGroup):
    """``flask --app assess jobs worker`` as a process of its own session."""

    grace_seconds = 20

    def __init__(self, env: dict[str, str], log: Path, threads: int = 1):
        self.env, self.log, self.threads = env, log, threads
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "assess", "jobs", "worker",
                 "--workers", str(self.threads)], env=self.env, cwd=PROJECT_ROOT,
                start_new_session=True, stdout=out, stderr=subprocess.STDOUT)

    kill = ProcessGroup.kill_group
