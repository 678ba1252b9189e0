"""The exam page's autosave queue, for the fault scenarios (no Locust: each scenario drives
its typists itself, as greenlets, and decides when to break things).

A typist types into one item at a time; every pause makes a new revision, which replaces
whatever of that item is still queued (only the newest is worth sending). Queued entries
are sent one at a time; an entry answered 5xx or not at all stays queued and is sent again
after a backoff, as static/js/exam.js does; 200 or ``stale_revision`` settles it."""
from __future__ import annotations

import http.client
import json
import random
import time

import gevent
from ledger import Ledger
from outcome import Tally
from people import draft

HOST = "127.0.0.1"
AUTOSAVE = "POST /attempts/<id>/items/<id>/autosave"


def post_json(port: int, path: str, body: dict, headers: dict[str, str],
              timeout: float = 15.0) -> tuple[int, str, dict]:
    """(status, error code, headers); status 0 and the exception's name when no answer."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", path, json.dumps(body), headers)
        response = connection.getresponse()
        raw = response.read()
        code = ""
        if response.status >= 400:
            try:
                code = (json.loads(raw).get("error") or {}).get("code") or ""
            except ValueError:
                code = "not-json"
        return response.status, code, {k.lower(): v for k, v in response.getheaders()}
    except (OSError, http.client.HTTPException) as exc:
        return 0, type(exc).__name__, {}
    finally:
        connection.close()


class Typist:
    def __init__(self, port: int, headers: dict[str, str], attempt_id: int,
                 forms: dict[int, dict], ledger: Ledger, tally: Tally, seed: int):
        self.port, self.headers, self.attempt = port, headers, attempt_id
        self.forms, self.ledger, self.tally = forms, ledger, tally
        self.rng = random.Random(seed)
        self.revisions = {position: 0 for position in forms}
        self.queue: dict[int, tuple[int, dict]] = {}
        self.position = self.rng.choice(sorted(forms))
        self.closed = False
        self.refused: list[str] = []
        self.log: list[tuple[float, int, str]] = []  # (sent at, status, code) per request

    def type_once(self) -> None:
        """A pause in typing: the next revision of the current item joins the queue."""
        if self.rng.random() < 0.15:
            self.position = self.rng.choice(sorted(self.forms))
        self.revisions[self.position] += 1
        revision = self.revisions[self.position]
        form = draft(self.forms[self.position], min(1.0, revision / 8))
        if revision % 3 == 0:  # a little different each time, so revisions are told apart
            form = {**form, **_marked(form, revision)}
        self.queue[self.position] = (revision, form)

    def flush(self, delay: float = 0.2) -> bool:
        """Send what is queued, oldest item first; False when a send failed (the rest
        wait for the next flush)."""
        for position in list(self.queue):
            revision, form = self.queue[position]
            status, code = self.send(position, revision, form)
            if status == 200 or (status == 409 and code == "stale_revision"):
                if self.queue.get(position, (None,))[0] == revision:
                    del self.queue[position]
            elif status == 409 and code in ("time_up", "attempt_closed"):
                self.queue.clear()
                self.closed = True
                return True
            elif status == 0 or status >= 500:
                gevent.sleep(delay)
                return False
            else:  # a refusal the applicant would be shown; not retried
                self.refused.append(f"{status} {code}")
                del self.queue[position]
        return True

    def send(self, position: int, revision: int, form: dict) -> tuple[int, str]:
        path = f"/attempts/{self.attempt}/items/{position}/autosave"
        self.ledger.sent(self.attempt, position, revision)
        sent_at = time.time()
        status, code, _ = post_json(self.port, path, {"revision": revision, "form": form},
                                    self.headers)
        self.log.append((sent_at, status, code))
        self.tally.add(AUTOSAVE, status, code, code if status == 0 else "")
        if status == 200:
            self.ledger.ack(self.attempt, position, revision)
        return status, code


def _marked(form: dict, revision: int) -> dict:
    """The longest text field with the revision written at its end (within its length)."""
    texts = [(len(v[0]), k) for k, v in form.items() if len(v) == 1 and len(v[0]) > 40]
    if not texts:
        return {}
    _, name = max(texts)
    return {name: [form[name][0][:-12] + f" (rev {revision:>4})"]}


def type_until(typists: list[Typist], stop, pause: float = 0.05) -> list:
    """One greenlet per typist: type, send, pause, until ``stop`` is set."""
    def loop(typist: Typist) -> None:
        while not stop.is_set() and not typist.closed:
            typist.type_once()
            typist.flush()
            gevent.sleep(typist.rng.uniform(0, 2 * pause))
    return [gevent.spawn(loop, typist) for typist in typists]


def settle(typists: list[Typist], seconds: float) -> list[Typist]:
    """Send every queued entry until none is left (bounded); the typists still holding some."""
    deadline = time.monotonic() + seconds
    delay = 0.25
    while time.monotonic() < deadline:
        waiting = [t for t in typists if t.queue and not t.closed]
        if not waiting:
            return []
        gevent.joinall([gevent.spawn(t.flush, delay) for t in waiting])
        delay = min(delay * 2, 2.0)
    return [t for t in typists if t.queue and not t.closed]
