"""Autosave throughput benchmark: ``make bench`` (``.venv/bin/python bench/autosave.py``).

What is measured
    ``POST /attempts/<id>/items/<pos>/autosave`` of the real app under gunicorn (sync
    workers, 127.0.0.1), against a freshly seeded database: many applicants, each signed in
    with an open timed attempt. Every request is a valid JSON save by the attempt's owner
    with a higher revision than the last, so each one runs the whole hot path: session and
    CSRF, ownership, deadline, revision check, the answer update and a history row.
    In the same run and under the same conditions, two baselines from ``bench/bare_app.py``:
    a bare Flask + Flask-SQLAlchemy endpoint that upserts one row with the ORM, and a bare
    Flask endpoint doing the same one-row upsert with the raw driver (one ``INSERT ... ON
    CONFLICT DO UPDATE`` and a commit): the floor of what a Flask app can do here.
    All are driven by a closed-loop load generator (wrk, or a Python client in its own
    processes) with a fixed number of connections for a fixed time, after a short warm-up;
    rounds alternate autosave, ORM, raw. Then one more autosave run with many connections
    (``--peak-connections``) gives the tail latency under a queue.
    SQLite runs in a temporary folder in WAL mode; PostgreSQL, when reachable, in a database
    this run creates (``--pg-database``, by default ``assess_bench_<pid>``) and drops; it
    never drops a database it did not create. Gunicorn runs without its control socket, so
    two runs on one machine do not disturb each other.

How to read the figures
    req/s    completed requests per second (all statuses) over the measured period.
    p50/p99  per-request latency in milliseconds, median and 99th percentile. With N
             connections in a closed loop, p50 ≈ N / req/s: latency here is mostly
             queueing for a worker, not the cost of one request.
    non-2xx  requests answered with another status (409 would mean a stale revision; 401 a
             lost session). It should be 0; the socket-error count follows when not 0.
    ratio    autosave req/s ÷ baseline req/s, per baseline. vs ORM: 1.0 means autosave costs
             no more than the bare ORM upsert. vs raw: the share of the floor autosave
             reaches with everything it checks and records; the goal is ≥ 0.7.
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
    create_new_database,
    drop_database,
    postgres_reachable,
)

PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/")
LABELS = {"sqlite": "SQLite (WAL)", "postgresql": "PostgreSQL"}
REVISION_STEP = 1_000_000  # each phase's revisions start above everything sent before
ENDPOINTS = {"autosave": "autosave", "orm": "bare ORM upsert", "raw": "raw driver upsert"}
GOAL_VS_RAW = 0.7


@dataclass(frozen=True)
class Target:
    """A database for one backend run: the app's URL and the baseline's."""

    backend: str
    url: str
    bare_url: str
    folder: Path
    pg_database: str | None = None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tool = available_tool(args.client)
    for signum in (signal.SIGINT, signal.SIGTERM):  # clean up on either, even if inherited
        signal.signal(signum, _interrupt)            # as ignored (background jobs)
    try:
        for backend in backends(args.backend):
            with contextlib.ExitStack() as cleanup:
                target = prepare(backend, args.pg_database, cleanup)
                report(target, args, tool, bench_backend(target, args, tool, cleanup))
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temporary files removed", file=sys.stderr)
        return 130
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Autosave throughput under gunicorn against two bare upsert baselines "
                    "(ORM and raw driver).")
    parser.add_argument("--seconds", type=int, default=6,
                        help="measured time per endpoint and round")
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternating autosave/ORM/raw rounds per backend")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up time per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--peak-connections", type=int, default=64,
                        help="connections of the closing autosave run (tail latency); 0: none")
    parser.add_argument("--pg-database", default=f"assess_bench_{os.getpid()}",
                        help="PostgreSQL database to create for this run and drop after; it "
                             "must not exist (default: assess_bench_<pid>)")
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


def prepare(backend: str, pg_database: str, cleanup: contextlib.ExitStack) -> Target:
    """A temporary folder (instance folder, SQLite files) and, for PostgreSQL, a database of
    this run's own."""
    folder = Path(tempfile.mkdtemp(prefix=f"assess-bench-{backend}-"))
    cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
    if backend == "sqlite":
        return Target(backend, f"sqlite:///{folder / 'assess.sqlite3'}",
                      f"sqlite:///{folder / 'bare.sqlite3'}", folder)
    url = create_new_database(PG_SERVER, pg_database)
    cleanup.callback(drop_database, PG_SERVER, pg_database)
    return Target(backend, url, url, folder, pg_database)


# ---- one backend --------------------------------------------------------------------------

def bench_backend(target: Target, args, tool: str, cleanup: contextlib.ExitStack) -> dict:
    """Both servers up at once, then rounds that alternate autosave, ORM and raw baselines,
    so that whatever else the machine is doing weighs on all alike."""
    env = app_environment(target)
    progress(f"{target.backend}: seeding {args.users} applicants with open attempts")
    slots = seed(env, args.users)
    create_bare_table(target.bare_url)
    app = start_server(cleanup, "assess:create_app()", env, PROJECT_ROOT, args.workers)
    bare = start_server(cleanup, "bare_app:create_app()", {"BARE_DATABASE_URL": target.bare_url},
                        BENCH_DIR, args.workers)
    servers = {"autosave": (app, slots), "orm": (bare, bare_slots(slots, "/save")),
               "raw": (bare, bare_slots(slots, "/raw"))}
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
        result = {}
        for name, (server, server_slots) in servers.items():
            before = settled(count) if name == "autosave" else 0
            result[name] = run_load(tool, server.port, server_slots, seconds=args.seconds,
                                    revision_base=base, **load)
            if name == "autosave":
                result["history"] = (settled(count) - before, result[name].ok)
        rounds.append(result)
    peak = None
    if args.peak_connections:
        progress(f"{target.backend}: autosave with {args.peak_connections} connections")
        peak = run_load(tool, app.port, slots, seconds=args.seconds,
                        revision_base=REVISION_STEP * (args.rounds + 1),
                        connections=args.peak_connections)
    return {"rounds": rounds, "peak": peak}


def app_environment(target: Target) -> dict[str, str]:
    """The environment of the app under test, for the seeding and the server alike."""
    # ASSESS_DATABASE_URL is the app's last config layer: a URL in the caller's environment
    # can never send the seeding or the server to a real database.
    # The seeding signs every applicant in from one address: above the sign-in throttle.
    return {"ASSESS_DATABASE_URL": target.url,
            "ASSESS_INSTANCE_PATH": str(target.folder / "instance"),
            "ASSESS_AUTH_RATE_LIMIT": "100000 per minute"}


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
    rounds, peak = results["rounds"], results["peak"]
    where = f", database {target.pg_database}" if target.pg_database else ""
    print(f"\n== {LABELS[target.backend]}{where}: gunicorn {args.workers} sync workers, "
          f"{args.connections} connections, {args.rounds} alternating rounds of "
          f"{args.seconds:g} s per endpoint (+{args.warmup:g} s warm-up), load from {tool}, "
          f"{args.users} open attempts ==")
    print(f"{'round':<7}{'endpoint':<20}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'non-2xx':>9}{'vs ORM':>8}{'vs raw':>8}")
    ratios: dict[str, list[float]] = {"orm": [], "raw": []}
    for number, result in enumerate(rounds, start=1):
        for name in ratios:
            other = result[name].per_second
            ratios[name].append(result["autosave"].per_second / other if other else 0.0)
        shown = f"{ratios['orm'][-1]:8.2f}{ratios['raw'][-1]:8.2f}"
        for name, label in ENDPOINTS.items():
            print(f"{number:<7}{_row(label, result[name])}{shown if name == 'autosave' else ''}"
                  f"{_socket_errors(result[name])}")
        print(f"{'':<7}{history_line(result['autosave'], *result['history'])}")
    totals = {name: sum(r[name].requests for r in rounds) / sum(r[name].seconds for r in rounds)
              for name in ENDPOINTS}
    print("all rounds: " + ", ".join(f"{ENDPOINTS[n]} {totals[n]:.0f} req/s" for n in ENDPOINTS))
    for name, label in (("orm", "bare ORM upsert"), ("raw", "raw driver upsert (the floor)")):
        values = ratios[name]
        median = statistics.median(values)
        verdict = ("matches or beats it" if median >= 1 else "slower") if name == "orm" else \
            ("meets" if median >= GOAL_VS_RAW else "misses") + f" the {GOAL_VS_RAW}× goal"
        print(f"ratio autosave/{label}: median {median:.2f} (range {min(values):.2f}–"
              f"{max(values):.2f}), overall {totals['autosave'] / totals[name]:.2f}: {verdict}")
    if peak is not None:
        print(f"autosave at {args.peak_connections} connections ({args.seconds:g} s): "
              f"{peak.per_second:.0f} req/s, p50 {peak.p50_ms:.1f} ms, p99 {peak.p99_ms:.1f} ms, "
              f"non-2xx {peak.non_2xx}{_socket_errors(peak)}")


def _row(label: str, run: LoadResult) -> str:
    return (f"{label:<20}{run.requests:>9}{run.per_second:>9.0f}{run.p50_ms:>9.1f}"
            f"{run.p99_ms:>9.1f}{run.non_2xx:>9}")


def _socket_errors(run: LoadResult) -> str:
    return f" (+{run.socket_errors} socket errors)" if run.socket_errors else ""


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
