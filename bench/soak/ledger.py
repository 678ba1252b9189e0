"""What the clients were told, and the database held to it.

Every autosave answered 2xx is noted (attempt, position, revision). At the end, for each
acknowledged save the answer history must hold that revision as accepted (it was stored when
it was acknowledged) and the response must hold that revision or a newer one (it was not
lost, only superseded); where it holds exactly the newest acknowledged revision, the stored
answer must be that revision's. A client that resends until acknowledged (the browser
queue) also expects its last revision to be the stored one: ``last_sent`` carries it."""
from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import create_engine, text


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    acked: dict[tuple[int, int], set[int]] = field(default_factory=dict)
    last_sent: dict[tuple[int, int], int] = field(default_factory=dict)
    submitted: set[int] = field(default_factory=set)

    def sent(self, attempt_id: int, position: int, revision: int) -> None:
        with self.lock:
            key = (attempt_id, position)
            self.last_sent[key] = max(revision, self.last_sent.get(key, 0))

    def ack(self, attempt_id: int, position: int, revision: int) -> None:
        with self.lock:
            self.acked.setdefault((attempt_id, position), set()).add(revision)

    @property
    def count(self) -> int:
        return sum(len(revisions) for revisions in self.acked.values())


@dataclass
class Verdict:
    acknowledged: int
    lost: list[str]
    unsent_left: list[str]  # the client's last revision is not the stored one (resend case)

    @property
    def lost_count(self) -> int:
        return len(self.lost)


def engine_for(url: str):
    from assess.app import normalise_database_url
    return create_engine(normalise_database_url(url), pool_size=1, max_overflow=2)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def check_answers(url: str, ledger: Ledger, *, expect_last: bool = False) -> Verdict:
    attempts = sorted({a for a, _ in ledger.acked} | {a for a, _ in ledger.last_sent})
    lost: list[str] = []
    left: list[str] = []
    if not attempts:
        return Verdict(0, lost, left)
    engine = engine_for(url)
    with engine.connect() as connection:
        stored = {}
        for chunk in range(0, len(attempts), 500):
            ids = attempts[chunk:chunk + 500]
            rows = connection.execute(text(
                "SELECT id, attempt_id, position, revision, answer FROM responses "
                f"WHERE attempt_id IN ({','.join(map(str, ids))})")).all()
            stored.update({(a, p): (rid, rev, _json(ans)) for rid, a, p, rev, ans in rows})
        events = {}
        ids = [rid for rid, _, _ in stored.values()]
        for chunk in range(0, len(ids), 2000):
            part = ids[chunk:chunk + 2000]
            for rid, rev, answer in connection.execute(text(
                    "SELECT response_id, revision, answer FROM answer_events WHERE accepted "
                    f"AND response_id IN ({','.join(map(str, part))})")):
                events[(rid, rev)] = _json(answer)
    engine.dispose()
    for key, revisions in sorted(ledger.acked.items()):
        rid, revision, answer = stored[key]
        newest = max(revisions)
        for acked in sorted(revisions):
            if (rid, acked) not in events:
                lost.append(f"attempt {key[0]} item {key[1]}: revision {acked} acknowledged "
                            "but not in the history as accepted")
        if revision < newest:
            lost.append(f"attempt {key[0]} item {key[1]}: stored revision {revision} < "
                        f"acknowledged {newest}")
        elif revision == newest and events.get((rid, newest)) != answer:
            lost.append(f"attempt {key[0]} item {key[1]}: stored answer is not the one "
                        f"acknowledged with revision {newest}")
    if expect_last:
        for key, last in sorted(ledger.last_sent.items()):
            if stored[key][1] != last:
                left.append(f"attempt {key[0]} item {key[1]}: last sent {last}, stored "
                            f"{stored[key][1]}")
    return Verdict(ledger.count, lost, left)


def unscored(url: str) -> tuple[list[int], int, Counter]:
    """Attempts the system failed to score: still ``submitted`` (never processed), or
    ``awaiting_grading`` with every grading task final (stuck: nothing left for a person to
    do). Also how many wait only on a grader's mark for a task still in the queue (human
    work the bounded drain did not reach), and every attempt's status, counted."""
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM attempts")).all()
        open_tasks = {a for (a,) in connection.execute(text(
            "SELECT DISTINCT r.attempt_id FROM grading_tasks t JOIN responses r "
            "ON r.id = t.response_id WHERE t.status <> 'final'"))}
    engine.dispose()
    statuses = Counter(s for _, s in rows)
    failed = sorted(a for a, s in rows if s == "submitted" or
                    (s == "awaiting_grading" and a not in open_tasks))
    waiting = sum(1 for a, s in rows if s == "awaiting_grading" and a in open_tasks)
    return failed, waiting, statuses
