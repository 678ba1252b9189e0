"""``make soak``: a load of people (Locust, as a library), then fault scenarios, each held to
what the clients were told. ``.venv/bin/python bench/soak/run.py --help``.

Everything runs on this machine's loopback: a private PostgreSQL cluster made with initdb
in a temp folder (or --database-url's server), gunicorn, the job worker. Ends with the line
``N acknowledged answers lost, N attempts unscored, N server errors`` and exits 1 when any
is not 0 or a scenario broke another of its promises (2 when the run could not be set up).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import locust  # noqa: F401  (before anything else opens a socket: it patches for gevent)

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parents[1])]

import stack  # noqa: E402

SCENARIOS = ("load", "kill", "pg-restart", "deadline", "sqlite-full", "worker-kill")


def scenario(name: str):
    if name == "load":
        from load import run_load
        return run_load
    if name == "kill":
        from faults_kill import run_kills
        return run_kills
    if name == "pg-restart":
        from faults_pg import run_pg_restart
        return run_pg_restart
    if name == "deadline":
        from faults_deadline import run_deadline
        return run_deadline
    if name == "sqlite-full":
        from faults_sqlite import run_sqlite_full
        return run_sqlite_full
    from faults_jobs import run_worker_kill
    return run_worker_kill


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="assess-soak-"))
    os.chmod(root, 0o755)
    cluster = None
    outcomes = []
    signal.signal(signal.SIGTERM, _interrupt)
    began = time.monotonic()
    try:
        try:
            if args.database_url:
                server_url = args.database_url
            else:
                cluster = stack.PrivateCluster(root)
                server_url = cluster.url
            stack.prepare_template(server_url, root)
        except (RuntimeError, OSError, SystemExit) as exc:
            print(f"could not set the run up: {exc}", file=sys.stderr)
            args.keep = True
            return 2
        print(f"PostgreSQL {'at ' + server_url if args.database_url else 'private cluster'}"
              f"; template ready in {time.monotonic() - began:.0f} s; work folder {root}")
        for name in args.scenarios:
            print(f"\n=== {name} ===")
            try:
                outcome = scenario(name)(args, server_url, root, cluster) if name == "pg-restart" \
                    else scenario(name)(args, server_url, root)
            except Exception as exc:  # noqa: BLE001 (reported; the run goes on)
                import traceback
                traceback.print_exc()
                from outcome import Outcome
                outcome = Outcome(name)
                outcome.fail(f"{type(exc).__name__}: {exc}")
            outcomes.append(outcome)
            print(f"--- {name}: {'PASS' if outcome.ok else 'FAIL'} in {outcome.seconds:.0f} s: "
                  f"{outcome.lost} lost, {outcome.unscored} unscored, "
                  f"{outcome.server_errors} server errors"
                  + "".join(f"\n    {f}" for f in outcome.failures))
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if cluster is not None:
            try:
                cluster.stop("immediate")
            except Exception as exc:  # noqa: BLE001
                print(f"could not stop the private cluster: {exc}", file=sys.stderr)
        if args.keep or any(not o.ok for o in outcomes):
            print(f"work folder kept: {root} (logs)")
        else:
            shutil.rmtree(root, ignore_errors=True)
            if args.database_url:
                stack.drop_databases(args.database_url)
    return summary(outcomes, time.monotonic() - began)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def summary(outcomes, seconds: float) -> int:
    print(f"\n=== summary ({seconds:.0f} s) ===")
    for o in outcomes:
        print(f"{'PASS' if o.ok else 'FAIL'}  {o.name:<12} {o.lost} lost, {o.unscored} "
              f"unscored, {o.server_errors} server errors, {len(o.failures)} other failures")
    lost = sum(o.lost for o in outcomes)
    unscored = sum(o.unscored for o in outcomes)
    errors = sum(o.server_errors for o in outcomes)
    print(f"{lost} acknowledged answers lost, {unscored} attempts unscored, "
          f"{errors} server errors")
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


SHORT = dict(applicants=24, graders=8, leads=1, duration=45.0, kills=10, racers=50,
             drain=120.0, exams=1, typing="2-4", answer_share=0.5)
FULL = dict(applicants=300, graders=16, leads=2, duration=600.0, kills=100, racers=50,
            drain=300.0, exams=3, typing="4-12", answer_share=1.0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true",
                        help="the CI version: a 45 s load of 24 applicants and every fault "
                             "scenario in short form (about 3 minutes in all)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS),
                        help=f"comma-separated, in order (default all: {','.join(SCENARIOS)})")
    parser.add_argument("--applicants", type=int, help="concurrent applicants (300; short 24)")
    parser.add_argument("--exams", type=int,
                        help="accounts per applicant seat: when one submits, the next account "
                             "sits down (3; short 1)")
    parser.add_argument("--graders", type=int, help="graders (16; short 8)")
    parser.add_argument("--leads", type=int, help="leads, who adjudicate (2; short 1)")
    parser.add_argument("--duration", type=float, help="seconds of load (600; short 45)")
    parser.add_argument("--drain", type=float,
                        help="after the load the graders empty the queue while they make "
                             "progress, for at most this many seconds (300; short 120); then "
                             "the worker signs what is due (as long again at most)")
    parser.add_argument("--pace", type=float, default=0.02,
                        help="think times are a person's times this (default 0.02: 50× "
                             "faster than people, so 300 of them saturate 2 cores)")
    parser.add_argument("--typing", metavar="LOW-HIGH",
                        help="autosaves while typing one item, fewest-most (4-12; short 2-4)")
    parser.add_argument("--answer-share", type=float,
                        help="share of the 16 items each applicant answers before submitting "
                             "(1.0; short 0.5)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--kills", type=int,
                        help="kill -9 of a worker or the whole server, alternately (100; 10)")
    parser.add_argument("--racers", type=int, help="applicants in the deadline race (50)")
    parser.add_argument("--database-url",
                        help="a PostgreSQL server to use instead of a private cluster (its "
                             "soak_* databases are made afresh, and dropped after a passing "
                             "run); pg-restart needs the private cluster and is skipped then")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs)")
    args = parser.parse_args(argv)
    for key, value in (SHORT if args.short else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    # The fault scenarios' servers: fewer workers boot faster in the short run.
    args.fault_workers = min(args.workers, 2) if args.short else args.workers
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if args.database_url and "pg-restart" in args.scenarios:
        print("pg-restart needs the private cluster: skipped with --database-url")
        args.scenarios.remove("pg-restart")
    return args


if __name__ == "__main__":
    sys.exit(main())
