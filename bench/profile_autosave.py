"""Where an autosave's time goes: ``make bench-profile`` (``bench/profile_autosave.py``).

One gunicorn sync worker serves autosaves from the load generator while py-spy samples it
(``py-spy record``, raw collapsed stacks); then the same for the raw-driver baseline of
``bench/bare_app.py``. Each sample is put in one phase by the frames on its stack, and the
table gives each phase's share of the worker's busy time and its cost per request in µs
(share × sampled time ÷ requests answered meanwhile), beside the baseline's. It needs py-spy
(``pip install py-spy``; ``make bench-profile`` installs it) and permission to read another
process's memory (root, or ``kernel.yama.ptrace_scope`` 0). Figures are wall time of the
worker while busy: on a loaded machine they include time the worker waited for a CPU.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import autosave as bench
from load import available_tool, run_load
from seed import bare_slots
from servers import BENCH_DIR, PROJECT_ROOT

# (phase, a frame that puts a sample in it), first match from the top of this list wins:
# the innermost phases come first.
PHASES = [
    ("database: statements", r"_Driver\.__call__|RawUpsert\.upsert|Cursor\.execute"),
    ("database: commit", r"_Driver\.commit|Connection\.commit"),
    ("database: pool checkout and return", r"_Driver\.__(init|exit)__|raw_connection"),
    ("service: checks, answer parsing", r"quick_save|save_answer"),
    ("view: JSON body", r"get_json"),
    ("view: session identity, CSRF", r"session_identity|session_user_id|^check \(.*json_csrf"),
    ("view: JSON response", r"jsonify"),
    ("view: the rest", r"Flask\.dispatch_request"),
    ("before-request hooks", r"preprocess_request"),
    ("after-request hooks, session save", r"process_response"),
    ("request context, URL matching, session open", r"RequestContext|request_context"),
    ("WSGI response", r"Response\.__call__|get_wsgi_response"),
    ("Flask: the rest", r"Flask\.__call__|wsgi_app"),
    ("gunicorn: request parsing", r"Parser\.__next__|parser\.py"),
    ("gunicorn: response writing", r"Response\.write|send_headers"),
    ("gunicorn: accept, close, the rest", r"SyncWorker"),
]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not os.access(spy, os.X_OK):
        raise SystemExit("py-spy is not installed: pip install py-spy (make bench-profile does)")
    tool = available_tool(args.client)
    with contextlib.ExitStack() as cleanup:
        target = bench.prepare(args.backend, args.pg_database, cleanup)
        env = bench.app_environment(target)
        bench.progress(f"{args.backend}: seeding {args.users} applicants")
        slots = bench.seed(env, args.users)
        bench.create_bare_table(target.bare_url)
        app = bench.start_server(cleanup, "assess:create_app()", env, PROJECT_ROOT, 1)
        bare = bench.start_server(cleanup, "bare_app:create_app()",
                                  {"BARE_DATABASE_URL": target.bare_url}, BENCH_DIR, 1)
        runs = {"autosave": (app, slots), "raw upsert": (bare, bare_slots(slots, "/raw"))}
        profiles = {}
        for name, (server, server_slots) in runs.items():
            server.wait_ready()
            bench.preflight(server.port, server_slots[0])
            run_load(tool, server.port, server_slots, connections=args.connections,
                     seconds=args.warmup, revision_base=1)
            bench.progress(f"{args.backend}: profiling {name} for {args.seconds} s")
            profiles[name] = profile(spy, server, server_slots, args, tool, target.folder)
    report(args, profiles)
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=10, help="sampled time per endpoint")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4,
                        help="enough to keep one worker busy")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rate", type=int, default=500, help="py-spy samples per second")
    parser.add_argument("--pg-database", default=f"assess_profile_{os.getpid()}")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    return parser.parse_args(argv)


def profile(spy: str, server, slots, args, tool: str, folder: Path) -> dict:
    worker = _worker_pid(server.process.pid)
    output = Path(tempfile.mkstemp(prefix="py-spy-", suffix=".txt", dir=folder)[1])
    sampler = subprocess.Popen(
        [spy, "record", "--pid", str(worker), "--duration", str(args.seconds),
         "--rate", str(args.rate), "--format", "raw", "--output", str(output), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = run_load(tool, server.port, slots, connections=args.connections,
                      seconds=args.seconds, revision_base=10_000_000)
    if sampler.wait() != 0:
        raise SystemExit("py-spy failed: it needs root or kernel.yama.ptrace_scope = 0")
    phases = phase_samples(output.read_text())
    return {"phases": phases, "requests": result.requests, "seconds": result.seconds}


def _worker_pid(master: int) -> int:
    children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True,
                              check=True).stdout.split()
    return int(children[0])


def phase_samples(collapsed: str) -> Counter:
    """Samples per phase from py-spy's raw output (``frame;frame;... count`` lines), only
    those taken inside a request (the worker waiting in accept() is idle, not cost)."""
    compiled = [(name, re.compile(pattern)) for name, pattern in PHASES]
    counts: Counter = Counter()
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if "SyncWorker.handle (" not in stack:
            continue
        frames = stack.split(";")
        counts[_phase(frames, compiled)] += int(count)
    return counts


def _phase(frames: list[str], compiled) -> str:
    for name, pattern in compiled:
        if any(pattern.search(frame) for frame in frames):
            return name
    return "other"


def report(args, profiles: dict) -> None:
    names = list(profiles)
    print(f"\n== where one gunicorn worker's busy time goes ({args.backend}, {args.connections} "
          f"connections, py-spy at {args.rate} Hz for {args.seconds} s each) ==")
    print(f"{'phase':<46}" + "".join(f"{n + ' %':>14}{'µs/req':>9}" for n in names))
    per_request = {n: _us_per_sample(p, args) for n, p in profiles.items()}
    for phase, _ in [*PHASES, ("other", "")]:
        cells = ""
        for name in names:
            counts = profiles[name]["phases"]
            share = 100 * counts[phase] / (sum(counts.values()) or 1)
            cells += f"{share:>14.1f}{counts[phase] * per_request[name]:>9.0f}"
        print(f"{phase:<46}{cells}")
    totals = "".join(f"{'':>14}{sum(profiles[n]['phases'].values()) * per_request[n]:>9.0f}"
                     for n in names)
    print(f"{'total':<46}{totals}")
    print("requests/s with one worker: " + ", ".join(
        f"{n} {profiles[n]['requests'] / profiles[n]['seconds']:.0f}" for n in names))


def _us_per_sample(profile_: dict, args) -> float:
    """Each sample stands for 1/rate s of the worker's time, over the ``args.seconds`` py-spy
    sampled; the requests were counted over the load's own ``seconds``, about as long."""
    requests_sampled = profile_["requests"] * args.seconds / profile_["seconds"]
    return 1e6 / args.rate / max(requests_sampled, 1)


if __name__ == "__main__":
    sys.exit(main())
