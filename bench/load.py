"""Bounded load generators for the autosave benchmark: a fixed number of connections for a
fixed time, each connection looping request → response (closed loop, no pipelining).

Both generators rotate over *slots* (path, headers, answer) and send ``{"revision": n,
"answer": ...}`` with ``n = base + k`` for the k-th request of a connection. Slots are split
between connections (wrk: between threads) so one slot is only ever sent from one place, in
order: its revisions strictly increase and never race each other.

- ``wrk`` (Debian package ``wrk``), driven by a generated Lua script; latencies from wrk's
  histogram. wrk abandons the requests still in flight when the time is up (the server
  still completes them); the script reports how many it sent but never saw answered.
- a Python client (``http.client``) in its own processes, a few threads each; every request
  it sends is awaited, so it abandons none.
"""
from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from seed import Slot

HOST = "127.0.0.1"


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    ok: int  # 2xx
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    abandoned: int = 0  # sent but never answered: in flight when wrk stopped

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def available_tool(choice: str) -> str:
    """``wrk`` when asked for or (``auto``) when on PATH, else ``python``."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not on PATH (Debian: apt-get install wrk); use --client python")
    return choice


def run_load(tool: str, port: int, slots: list[Slot], *, connections: int, seconds: float,
             revision_base: int) -> LoadResult:
    runner = _run_wrk if tool == "wrk" else _run_python
    return runner(port, slots, connections=connections, seconds=seconds,
                  revision_base=revision_base)


# ---- wrk ----------------------------------------------------------------------------------

WRK_THREADS = 1  # one event loop copes with thousands of requests/s; leave the CPUs to gunicorn

WRK_LOGIC = r"""
local threads, next_id = {}, 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  mine, sent, ok, bad = {}, 0, 0, 0
  for i = id + 1, #slots, NTHREADS do mine[#mine + 1] = slots[i] end
end

function request()
  sent = sent + 1
  local slot = mine[(sent - 1) % #mine + 1]
  local body = string.format('{"revision": %d, "answer": %s}', BASE + sent, slot[3])
  return wrk.format("POST", slot[1], slot[2], body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local good, nok, sent_all = 0, 0, 0
  for _, thread in ipairs(threads) do
    good, nok = good + thread:get("ok"), nok + thread:get("bad")
    sent_all = sent_all + thread:get("sent")
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  sent_all = sent_all - 1  -- wrk calls request() once on the first thread to check the script
  io.write(string.format("BENCH_RESULT %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.duration, good, nok, errors, latency:percentile(50), latency:percentile(99),
    sent_all - good - nok - errors))
end
"""


def _run_wrk(port: int, slots: list[Slot], *, connections: int, seconds: float,
             revision_base: int) -> LoadResult:
    threads = min(WRK_THREADS, connections)
    with tempfile.TemporaryDirectory(prefix="assess-bench-wrk-") as folder:
        script = Path(folder) / "autosave.lua"
        script.write_text(_wrk_script(slots, revision_base, threads))
        completed = subprocess.run(
            ["wrk", "--threads", str(threads),
             "--connections", str(connections), "--duration", f"{max(1, round(seconds))}s",
             "--timeout", "30s", "--script", str(script), f"http://{HOST}:{port}/"],
            capture_output=True, text=True, check=True)
    match = re.search(r"^BENCH_RESULT ([\d ]+)$", completed.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no result from wrk:\n{completed.stdout}\n{completed.stderr}")
    requests, duration_us, ok, bad, errors, p50, p99, abandoned = \
        map(int, match.group(1).split())
    return LoadResult(requests, duration_us / 1e6, ok, bad, errors, p50 / 1000, p99 / 1000,
                      abandoned)


def _wrk_script(slots: list[Slot], revision_base: int, threads: int) -> str:
    rows = ",\n".join(
        "{%s, {%s}, %s}" % (_lua_string(slot.path), ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in slot.headers.items()),
            _lua_string(slot.answer))
        for slot in slots)
    return f"BASE = {revision_base}\nNTHREADS = {threads}\nslots = {{\n{rows}\n}}\n{WRK_LOGIC}"


def _lua_string(text: str) -> str:
    """A Lua long-bracket literal: no escapes are interpreted inside it."""
    level = "=" * 3
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


# ---- Python client ------------------------------------------------------------------------

def _run_python(port: int, slots: list[Slot], *, connections: int, seconds: float,
                revision_base: int) -> LoadResult:
    """Spread the connections over a few processes (spawned: nothing inherited) of threads."""
    processes = max(1, min(os.cpu_count() or 1, connections))
    context = multiprocessing.get_context("spawn")
    barrier, queue = context.Barrier(processes + 1), context.Queue()
    groups = [list(range(p, connections, processes)) for p in range(processes)]
    workers = [context.Process(target=_client_process, daemon=True, args=(
        port, [slots[c::connections] for c in group], seconds, revision_base, barrier, queue))
        for group in groups]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(timeout=60)
        parts = [queue.get(timeout=seconds + 120) for _ in workers]
    except BaseException:  # Ctrl-C, a timeout: no waiting for the clients to finish
        for worker in workers:
            worker.kill()
        raise
    finally:
        for worker in workers:
            worker.join()
    return _merge(parts)


def _client_process(port, slot_groups, seconds, revision_base, barrier, queue) -> None:
    barrier.wait(timeout=60)
    start = time.monotonic()
    deadline = start + seconds
    tallies = [_Tally() for _ in slot_groups]
    threads = [threading.Thread(target=_connection_loop,
                                args=(port, group, revision_base, deadline, tally))
               for group, tally in zip(slot_groups, tallies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((start, time.monotonic(), [t.counts for t in tallies],
               [x for t in tallies for x in t.latencies]))


class _Tally:
    def __init__(self):
        self.counts = [0, 0, 0]  # 2xx, other status, socket errors
        self.latencies: list[float] = []


def _connection_loop(port: int, slots: list[Slot], base: int, deadline: float,
                     tally: _Tally) -> None:
    """One connection: send, wait for the whole response, repeat until the deadline."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    sent = 0
    while time.monotonic() < deadline:
        sent += 1
        slot = slots[(sent - 1) % len(slots)]
        body = f'{{"revision": {base + sent}, "answer": {slot.answer}}}'
        began = time.perf_counter()
        try:
            connection.request("POST", slot.path, body, slot.headers)
            response = connection.getresponse()
            response.read()
        except OSError:
            tally.counts[2] += 1
            connection.close()
            continue
        tally.latencies.append(time.perf_counter() - began)
        tally.counts[0 if 200 <= response.status < 300 else 1] += 1
    connection.close()


def _merge(parts) -> LoadResult:
    start = min(p[0] for p in parts)
    end = max(p[1] for p in parts)
    ok, bad, errors = (sum(c[i] for p in parts for c in p[2]) for i in range(3))
    latencies = sorted(x for p in parts for x in p[3])
    return LoadResult(ok + bad, end - start, ok, bad, errors, _percentile(latencies, 50),
                      _percentile(latencies, 99))


def _percentile(sorted_seconds: list[float], pct: float) -> float:
    if not sorted_seconds:
        return 0.0
    index = min(len(sorted_seconds) - 1, round(pct / 100 * (len(sorted_seconds) - 1)))
    return sorted_seconds[index] * 1000
