"""The deadline race: --racers applicants whose attempts all close at the same instant
(deadline + grace, set in the database a few seconds ahead) save as fast as they can from
one second before the close to half a second after. Each save must be accepted before the
close or refused with ``time_up`` (``attempt_closed`` once the attempt is finalised); none may
be accepted after it: checked both in the answer history (the server's clock) and against
when the client sent it (the same machine's clock)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import gevent
import stack
from browser import AUTOSAVE, post_json
from exams import open_exams
from ledger import check_answers, engine_for
from outcome import Outcome
from sqlalchemy import text

LEAD_SECONDS = 1.0  # racing starts this long before the close
TAIL_SECONDS = 0.5  # and goes on this long after it


def run_deadline(args, server_url: str, root) -> Outcome:
    outcome = Outcome("deadline")
    began = time.monotonic()
    exams = open_exams(server_url, root, "deadline", args.racers)
    web = stack.Web(exams.env, exams.port, args.fault_workers, exams.instance)
    try:
        web.start()
        close_at = time.time() + 4.0
        grace = _set_close(exams.url, exams.attempt_ids, close_at)
        results = [gevent.spawn(_race, exams, typist, close_at) for typist in exams.typists]
        gevent.joinall(results)
        sends = [r for g in results for r in g.value]
        _judge(outcome, exams, sends, close_at, grace)
    finally:
        web.stop()
    outcome.seconds = time.monotonic() - began
    return outcome


def _set_close(url: str, attempt_ids: list[int], close_at: float) -> int:
    """Every racer's deadline so that deadline + grace is ``close_at``; the grace."""
    engine = engine_for(url)
    with engine.begin() as connection:
        grace = connection.execute(text(
            "SELECT DISTINCT v.grace_seconds FROM attempts a JOIN assessment_versions v "
            "ON v.id = a.assessment_version_id WHERE a.id = ANY(:ids)"), {"ids": attempt_ids}
        ).scalar_one()
        deadline = datetime.fromtimestamp(close_at, timezone.utc) - timedelta(seconds=grace)
        connection.execute(text("UPDATE attempts SET deadline_at = :d WHERE id = ANY(:ids)"),
                           {"d": deadline, "ids": attempt_ids})
    engine.dispose()
    return grace


def _race(exams, typist, close_at: float) -> list[tuple]:
    """Save item after item, new revision each time, through the close."""
    gevent.sleep(max(0.0, close_at - LEAD_SECONDS - time.time()))
    sends = []
    while time.time() < close_at + TAIL_SECONDS:
        typist.type_once()
        position, (revision, form) = next(iter(typist.queue.items()))
        typist.queue.clear()
        path = f"/attempts/{typist.attempt}/items/{position}/autosave"
        exams.ledger.sent(typist.attempt, position, revision)
        sent_at = time.time()
        status, code, _ = post_json(exams.port, path, {"revision": revision, "form": form},
                                    typist.headers)
        sends.append((typist.attempt, position, revision, sent_at, time.time(), status, code))
        exams.tally.add(AUTOSAVE, status, code, code if status == 0 else "")
        if status == 200:
            exams.ledger.ack(typist.attempt, position, revision)
    return sends


def _judge(outcome: Outcome, exams, sends, close_at: float, grace: int) -> None:
    accepted = [s for s in sends if s[5] == 200]
    refused = [s for s in sends if s[5] == 409 and s[6] in ("time_up", "attempt_closed")]
    other = [s for s in sends if s not in accepted and s not in refused]
    late_ack = [s for s in accepted if s[3] > close_at]  # sent after the close, yet accepted
    last_second = [s for s in accepted if s[3] >= close_at - LEAD_SECONDS]
    print(f"deadline: {len(exams.typists)} racers, {len(sends)} saves from "
          f"{LEAD_SECONDS:g} s before the close to {TAIL_SECONDS:g} s after: "
          f"{len(accepted)} accepted ({len(last_second)} in the last second), "
          f"{len(refused)} refused "
          f"({sum(s[6] == 'time_up' for s in refused)} time_up, "
          f"{sum(s[6] == 'attempt_closed' for s in refused)} attempt_closed), "
          f"{len(other)} other")
    engine = engine_for(exams.url)
    with engine.connect() as connection:
        after = connection.execute(text(
            "SELECT count(*) FROM answer_events e JOIN responses r ON r.id = e.response_id "
            "JOIN attempts a ON a.id = r.attempt_id WHERE a.id = ANY(:ids) AND e.accepted "
            "AND e.saved_at > a.deadline_at + make_interval(secs => :grace)"),
            {"ids": exams.attempt_ids, "grace": grace}).scalar()
        kept = connection.execute(text(
            "SELECT count(*) FROM answer_events e JOIN responses r ON r.id = e.response_id "
            "WHERE r.attempt_id = ANY(:ids) AND NOT e.accepted"),
            {"ids": exams.attempt_ids}).scalar()
    engine.dispose()
    print(f"  history: {after} saves accepted after deadline + grace; {kept} refused saves "
          "kept in the history (not applied)")
    verdict = check_answers(exams.url, exams.ledger)
    outcome.lost = verdict.lost_count
    outcome.server_errors = sum(1 for s in other if s[5] == 0 or s[5] >= 500)
    if after:
        outcome.fail(f"{after} saves accepted after deadline + grace (history)")
    if late_ack:
        outcome.fail(f"{len(late_ack)} saves sent after the close were acknowledged")
    if [s for s in other if 0 < s[5] < 500]:
        outcome.fail(f"unexpected answers: {sorted({(s[5], s[6]) for s in other})[:5]}")
    if not last_second or not refused:
        outcome.fail("the race was not run: no save accepted in the last second, or none "
                     "refused after the close")
