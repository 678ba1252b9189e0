"""Autosave throughput benchmark: ``make bench`` (``.venv/bin/python bench/autosave.py``).

What is measured
    ``POST /attempts/<id>/items/<pos>/autosave`` of the real app under gunicorn (sync
    workers, 127.0.0.1), against a freshly seeded database: many applicants, each signed in
    with an open timed attempt. Every request is a valid JSON save by the attempt's owner
    with a higher revision than the last, so each one runs the whole hot path: session and
    CSRF, ownership, deadline, revision check, the answer update and a history row.
    In the same run and under the same conditions, the baseline: ``bench/bare_app.py``, a
    bare Flask + Flask-SQLAlchemy endpoint that upserts one row with the ORM.
    Both are driven by a closed-loop load generator (wrk, or a Python client in its own
    processes) with a fixed number of connections for a fixed time, after a short warm-up.
    SQLite runs in a temporary folder in WAL mode; PostgreSQL, when reachable, in a
    database of its own (``assess_bench``) that is created and dropped here.

How to read the figures
    req/s    completed requests per second (all statuses) over the measured period.
    p50/p99  per-request latency in milliseconds, median and 99th percentile. With N
             connections in a closed loop, p50 ≈ N / req/s: latency here is mostly
             queueing for a worker, not the cost of one request.
    non-2xx  requests answered with another status (409 would mean a stale revision; 401 a
             lost session). It should be 0; the socket-error count follows when not 0.
    ratio    autosave req/s ÷ baseline req/s. 1.0 means autosave costs no more than the
             bare ORM upsert; the goal is ≥ 1.0.
    history  accepted rows added to ``answer_events`` during the measured period must equal
             the 2xx answers counted. wrk abandons the requests in flight when time is up
             (about one per connection) and the server usually still completes them, so
             with wrk the rows may exceed the 2xx count by at most that many. The Python
             client awaits every request: there the two must be equal.
Figures depend on the machine, and the load generator shares its CPUs with the server.
"""
from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # assess, if not installed

from load import LoadResult, available_tool, run_load
from seed import Slot, bare_slots, seed_assess
from servers import (
    BENCH_DIR,
    HOST,
    PROJECT_ROOT,
    Server,
    create_database,
    drop_database,
    postgres_reachable,
)

PG_DATABASE = "assess_bench"  # never the shared "test" database
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
LABELS = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}
REVISION_STEP = 1_000_000  # each phase's revisions start above everything sent before


@dataclass(frozen=True)
class Target:
    """A database for one backend run: the app's URL and the baseline's."""

    backend: str
    url: str
    bare_url: str
    folder: Path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tool = available_tool(args.client)
    for signum in (signal.SIGINT, signal.SIGTERM):  # clean up on either, even if inherited
        signal.signal(signum, _interrupt)            # as ignored (background jobs)
    try:
        for backend in backends(args.backend):
            with contextlib.ExitStack() as cleanup:
                target = prepare(backend, cleanup)
                report(target, args, tool, bench_backend(target, args, tool, cleanup))
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temporary files removed", file=sys.stderr)
        return 130
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Autosave throughput under gunicorn against a bare ORM upsert baseline.")
    parser.add_argument("--seconds", type=int, default=6,
                        help="measured time per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating autosave/baseline rounds per backend")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up time per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--users", type=int, default=200, help="applicants with open attempts")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "all"), default="all")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator (auto: wrk when on PATH)")
    return parser.parse_args(argv)


def backends(choice: str) -> list[str]:
    if choice != "all":
        if choice == "postgresql" and not postgres_reachable(PG_SERVER):
            raise SystemExit(f"PostgreSQL is not reachable at {PG_SERVER}")
        return [choice]
    if postgres_reachable(PG_SERVER):
        return ["sqlite", "postgresql"]
    print(f"PostgreSQL is not reachable at {PG_SERVER}: measuring SQLite only\n")
    return ["sqlite"]


def prepare(backend: str, cleanup: contextlib.ExitStack) -> Target:
    """A temporary folder (instance folder, SQLite files) and, for PostgreSQL, a database."""
    folder = Path(tempfile.mkdtemp(prefix=f"assess-bench-{backend}-"))
    cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
    if backend == "sqlite":
        return Target(backend, f"sqlite:///{folder / 'assess.sqlite3'}",
                      f"sqlite:///{folder / 'bare.sqlite3'}", folder)
    url = create_database(PG_SERVER, PG_DATABASE)
    cleanup.callback(drop_database, PG_SERVER, PG_DATABASE)
    return Target(backend, url, url, folder)


# ---- one backend --------------------------------------------------------------------------

def bench_backend(target: Target, args, tool: str, cleanup: contextlib.ExitStack) -> dict:
    """Both servers up at once, then rounds that alternate autosave and baseline, so that
    whatever else the machine is doing weighs on both alike."""
    # ASSESS_DATABASE_URL is the app's last config layer: a URL in the caller's environment
    # can never send the seeding or the server to a real database.
    env = {"ASSESS_DATABASE_URL": target.url,
           "ASSESS_INSTANCE_PATH": str(target.folder / "instance")}
    progress(f"{target.backend}: seeding {args.users} applicants with open attempts")
    slots = seed(env, args.users)
    create_bare_table(target.bare_url)
    servers = {
        "autosave": (start_server(cleanup, "assess:create_app()", env, PROJECT_ROOT,
                                  args.workers), slots),
        "baseline": (start_server(cleanup, "bare_app:create_app()",
                                  {"BARE_DATABASE_URL": target.bare_url}, BENCH_DIR,
                                  args.workers), bare_slots(slots)),
    }
    load = dict(connections=args.connections)
    for server, server_slots in servers.values():
        server.wait_ready()
        preflight(server.port, server_slots[0])
        run_load(tool, server.port, server_slots, seconds=args.warmup, revision_base=1, **load)
    rounds = []
    count = lambda: _accepted_events(target.url)  # noqa: E731
    for number in range(1, args.rounds + 1):
        progress(f"{target.backend}: round {number} of {args.rounds}")
        base = REVISION_STEP * number
        server, server_slots = servers["autosave"]
        before = settled(count)
        autosave = run_load(tool, server.port, server_slots, seconds=args.seconds,
                            revision_base=base, **load)
        history = (settled(count) - before, autosave.ok)
        server, server_slots = servers["baseline"]
        baseline = run_load(tool, server.port, server_slots, seconds=args.seconds,
                            revision_base=base, **load)
        rounds.append({"autosave": autosave, "baseline": baseline, "history": history})
    return {"rounds": rounds}


def start_server(cleanup: contextlib.ExitStack, app_spec: str, env: dict[str, str],
                 chdir: Path, workers: int) -> Server:
    server = Server(app_spec, env=env, workers=workers, chdir=chdir)
    cleanup.callback(server.stop)
    return server


def seed(env: dict[str, str], users: int) -> list[Slot]:
    """Seed through the app itself, configured exactly as the server will be."""
    from assess import create_app

    with _environment(env):
        app = create_app()
    return seed_assess(app, users)


def create_bare_table(url: str) -> None:
    import bare_app

    app = bare_app.create_app(url)
    with app.app_context():
        bare_app.db.create_all()
        bare_app.db.engine.dispose()


def preflight(port: int, slot: Slot) -> None:
    """One save at revision 1: it must succeed without the server rewriting the session
    (a Set-Cookie on every save would mean the benchmark is not measuring the real path)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("POST", slot.path, f'{{"revision": 1, "answer": {slot.answer}}}',
                           slot.headers)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"preflight {slot.path} answered {response.status}: {body[:300]}")
    if response.getheader("Set-Cookie"):
        raise RuntimeError(f"preflight {slot.path} rewrote the session cookie")


def settled(count, *, interval: float = 0.2, limit: float = 10.0) -> int:
    """The count once it stops moving (requests abandoned by the client may still commit)."""
    last, deadline = count(), time.monotonic() + limit
    while time.monotonic() < deadline:
        time.sleep(interval)
        current = count()
        if current == last:
            return current
        last = current
    return last


def _accepted_events(url: str) -> int:
    from sqlalchemy import create_engine, text

    from assess.app import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM answer_events WHERE accepted")).scalar_one()
    finally:
        engine.dispose()


# ---- output -------------------------------------------------------------------------------

def report(target: Target, args, tool: str, results: dict) -> None:
    rounds = results["rounds"]
    print(f"\n== {LABELS[target.backend]}: gunicorn {args.workers} sync workers, "
          f"{args.connections} connections, {args.rounds} alternating rounds of "
          f"{args.seconds:g} s per endpoint (+{args.warmup:g} s warm-up), load from {tool}, "
          f"{args.users} open attempts ==")
    print(f"{'round':<7}{'endpoint':<28}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'non-2xx':>9}{'ratio':>8}")
    ratios = []
    for number, result in enumerate(rounds, start=1):
        autosave, baseline = result["autosave"], result["baseline"]
        ratio = autosave.per_second / baseline.per_second if baseline.per_second else 0.0
        ratios.append(ratio)
        for name, run, shown in (("autosave", autosave, f"{ratio:8.2f}"),
                                 ("bare ORM upsert (baseline)", baseline, "")):
            errors = f" (+{run.socket_errors} socket errors)" if run.socket_errors else ""
            print(f"{number:<7}{name:<28}{run.requests:>9}{run.per_second:>9.0f}"
                  f"{run.p50_ms:>9.1f}{run.p99_ms:>9.1f}{run.non_2xx:>9}{shown}{errors}")
        print(f"{'':<7}{history_line(autosave, *result['history'])}")
    totals = {name: sum(r[name].requests for r in rounds) / sum(r[name].seconds for r in rounds)
              for name in ("autosave", "baseline")}
    median = statistics.median(ratios)
    print(f"all rounds: autosave {totals['autosave']:.0f} req/s, baseline "
          f"{totals['baseline']:.0f} req/s; ratio autosave/baseline: median {median:.2f} "
          f"(range {min(ratios):.2f}–{max(ratios):.2f}), overall "
          f"{totals['autosave'] / totals['baseline']:.2f} "
          f"({'matches or beats' if median >= 1 else 'slower than'} the bare ORM upsert)")


def history_line(result: LoadResult, rows: int, ok: int) -> str:
    """Every 2xx must be one accepted history row and nothing else may have been kept,
    except saves that wrk sent and abandoned at the deadline (the server may finish them)."""
    verdict = "OK" if ok <= rows <= ok + result.abandoned else "MISMATCH"
    if not result.abandoned:
        return f"history check: {rows} accepted answer_events added, {ok} 2xx: {verdict}"
    return (f"history check: {rows} accepted answer_events added = {ok} 2xx + {rows - ok} "
            f"of the {result.abandoned} saves wrk abandoned in flight at the deadline: "
            f"{verdict}")


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _environment(values: dict[str, str]):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
