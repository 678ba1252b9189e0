"""kill -9 in the middle of autosaves, --kills times: a random gunicorn worker and the whole
server (master and workers at once) in turn, each time once saves are flowing again after
the previous one; the server is started again on the same port after a whole-server kill.
Then the typists' queues are sent until empty, and every acknowledged save must be stored,
and every item's last revision (resent by the queue when its first send died) too."""
from __future__ import annotations

import random
import time

import gevent
import gevent.event
import stack
from browser import settle, type_until
from exams import open_exams
from ledger import check_answers
from outcome import Outcome


def run_kills(args, server_url: str, root) -> Outcome:
    outcome = Outcome("kill")
    began = time.monotonic()
    applicants = min(args.applicants, 24)
    exams = open_exams(server_url, root, "kill", applicants)
    web = stack.Web(exams.env, exams.port, args.fault_workers, exams.instance)
    rng = random.Random(7)
    stop = gevent.event.Event()
    try:
        web.start()
        greenlets = type_until(exams.typists, stop)
        workers = servers = 0
        for n in range(args.kills):
            if not _saves_flowing(exams.ledger, 5, 60):
                outcome.fail(f"no save acknowledged for 60 s before kill {n + 1}")
                break
            gevent.sleep(rng.uniform(0, 0.3))
            if n % 2 == 0:
                workers += web.kill_worker(rng) is not None
            else:
                web.kill_all()
                servers += 1
                web.start(wait=False)
                web.wait_ready()
        print(f"kill: {workers} workers and {servers} whole servers killed with SIGKILL during "
              f"{exams.ledger.count} acknowledged saves by {applicants} typists")
        _saves_flowing(exams.ledger, 5, 60)
        stop.set()
        gevent.joinall(greenlets, timeout=30)
        left = settle(exams.typists, 60)
        if left:
            outcome.fail(f"{len(left)} typists still hold unsent saves after 60 s")
        _judge(outcome, exams)
    finally:
        stop.set()
        web.stop()
    outcome.seconds = time.monotonic() - began
    return outcome


def _saves_flowing(ledger, count: int, seconds: float) -> bool:
    """Wait until ``count`` more saves are acknowledged (bounded)."""
    target = ledger.count + count
    deadline = time.monotonic() + seconds
    while ledger.count < target:
        if time.monotonic() > deadline:
            return False
        gevent.sleep(0.02)
    return True


def _judge(outcome: Outcome, exams) -> None:
    """Connections cut by a kill are expected (the queue resends); a 5xx is not."""
    verdict = check_answers(exams.url, exams.ledger, expect_last=True)
    outcome.lost = verdict.lost_count
    outcome.server_errors = sum(n for s, n in exams.tally.statuses.items() if s >= 500)
    for line in verdict.lost[:10] + verdict.unsent_left[:10]:
        print(f"  {line}")
    if verdict.unsent_left:
        outcome.fail(f"{len(verdict.unsent_left)} items whose last revision, resent, is not "
                     "the stored one")
    cut = exams.tally.statuses.get(0, 0)
    print(f"  {verdict.acknowledged} saves acknowledged, {cut} requests cut off by a kill and "
          f"sent again; statuses {dict(sorted(exams.tally.statuses.items()))}")
    exams.tally.print_kinds()
    refused = [r for t in exams.typists for r in t.refused]
    if refused:
        outcome.fail(f"{len(refused)} saves refused: {sorted(set(refused))[:5]}")
