"""The soak's people as Locust users (FastHttpUser: one cookie jar each, no redirects).

Think times are a person's, in seconds, multiplied by ``Shared.pace`` (the run's
--pace): at 1.0 an applicant types as fast as a person does; the soak runs people many times
faster so that 300 of them saturate the machine (run.py says how it was chosen).

- Applicants sign in (the login form's CSRF token), start the screening, and for each item
  open its page and type: several autosaves to the JSON endpoint the exam page's script
  uses (``{"revision", "form"}``, X-CSRFToken), revisions increasing. Now and then they go
  offline: a few revisions are never sent, then the newest is. A save answered 5xx or not at
  all stays queued and is sent again, as the page's queue does. They go back to an item,
  poll the clock, open the review page and submit, then read their results.
- Graders claim and grade through the HTML pages; leads adjudicate.
- A platform polls its candidates' attempts over the API with its key.
"""
from __future__ import annotations

import random
import re
import threading

import gevent
from grading_load import (
    ADJUDICATE_FORM,
    HELD_LINK,
    TASK_PATH,
    choose_levels,
    csrf_of,
    parse_form,
    quality_of,
)
from locust import FastHttpUser, task
from locust.exception import StopUser
from people import ASSESSMENT, PASSWORD, USER_AGENT, draft

FOLD = re.compile(r"/\d+(?=/|$)")


class Shared:
    """Run-wide state, set by run.py before the users start."""

    pace = 0.03
    accounts: list[str] = []
    graders: list[str] = []
    leads: list[str] = []
    ledger = None
    forms = None
    api_key: str | None = None
    external_ids: list[str] = []
    applicants_stop = threading.Event()  # the load window is over: no new steps
    everyone_stop = threading.Event()
    offline_rate = 0.1
    typing = (4, 12)  # autosaves per item, fewest and most
    answer_share = 1.0  # of the items, in order: the rest are left blank
    _lock = threading.Lock()
    submitted = 0
    grades = 0

    @classmethod
    def next_account(cls, pool: list[str]) -> str | None:
        with cls._lock:
            return pool.pop(0) if pool else None

    @classmethod
    def bump(cls, name: str) -> None:
        with cls._lock:
            setattr(cls, name, getattr(cls, name) + 1)


def think(rng: random.Random, low: float, high: float) -> None:
    gevent.sleep(rng.uniform(low, high) * Shared.pace)


def error_code(response) -> str:
    try:
        return (response.json().get("error") or {}).get("code") or ""
    except Exception:  # noqa: BLE001 (not JSON: an HTML page or nothing)
        return ""


class Person(FastHttpUser):
    abstract = True
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self.rng = random.Random()

    def page(self, method: str, path: str, *, ok=(200,), **kwargs):
        """A browser request: recorded under its endpoint (ids folded); a status not in
        ``ok`` marks it failed. Returns the response."""
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8",
                   **kwargs.pop("headers", {})}
        name = FOLD.sub("/<id>", path.split("?")[0])
        with self.client.request(method, path, name=f"{method} {name}", headers=headers,
                                 allow_redirects=False, catch_response=True,
                                 **kwargs) as response:
            if response.status_code in ok:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} {error_code(response)}".strip())
        return response

    def sign_in(self, email: str) -> bool:
        form = self.page("GET", "/auth/login")
        if form.status_code != 200:
            return False
        reply = self.page("POST", "/auth/login", ok=(302,), data={
            "email": email, "password": PASSWORD, "csrf_token": csrf_of(form.text),
            "submit": "Sign in"})
        return reply.status_code == 302


class Applicant(Person):
    """One person at a time: when their exam is submitted the next account in the pool
    takes the seat (a new applicant arrives); once the pool is empty the seat stays empty."""

    @task
    def take_exam(self) -> None:
        if Shared.applicants_stop.is_set():
            raise StopUser()
        email = Shared.next_account(Shared.accounts)
        if email is None:
            raise StopUser()
        self.client.cookiejar.clear()
        if not self.sign_in(email):
            return
        instructions = self.page("GET", f"/assessments/{ASSESSMENT}")
        if instructions.status_code != 200:
            return
        started = self.page("POST", f"/assessments/{ASSESSMENT}/start", ok=(302,),
                            data={"csrf_token": csrf_of(instructions.text)})
        found = re.search(r"/attempts/(\d+)/items/\d+", started.headers.get("Location") or "")
        if not found:
            return
        self.attempt = int(found.group(1))
        self.forms = Shared.forms.of_attempt(self.attempt)
        self.revisions = {position: 0 for position in self.forms}
        self.csrf = ""
        positions = sorted(self.forms)
        answered = max(1, round(len(positions) * Shared.answer_share))
        for position in positions[:answered]:  # the rest left blank
            if Shared.applicants_stop.is_set():
                return
            self.answer_item(position)
            if self.rng.random() < 0.15 and position > 1:  # back to an earlier item
                self.revisit(self.rng.randint(1, position - 1))
        self.submit()

    def open_item(self, position: int) -> bool:
        page = self.page("GET", f"/attempts/{self.attempt}/items/{position}")
        if page.status_code != 200:
            return False
        self.csrf = csrf_of(page.text)
        think(self.rng, 5, 20)  # reading the item
        return True

    def answer_item(self, position: int) -> None:
        if not self.open_item(position):
            return
        final = self.forms[position]
        typed = self.rng.randint(*Shared.typing)  # autosaves while typing (one per pause)
        offline_until = 0
        if typed > 2 and self.rng.random() < Shared.offline_rate:
            offline_until = self.rng.randint(1, typed - 1)  # the first few never leave
        for k in range(1, typed + 1):
            think(self.rng, 2, 8)
            self.revisions[position] += 1
            if k <= offline_until:
                continue  # queued in the browser; only the newest will be sent
            if self.save(position, draft(final, k / typed)) == "closed":
                return
            if k % 4 == 0 and self.rng.random() < 0.3:
                self.page("GET", f"/attempts/{self.attempt}/clock",
                          headers={"Accept": "application/json"})

    def revisit(self, position: int) -> None:
        if self.open_item(position):
            self.revisions[position] += 1
            self.save(position, self.forms[position])

    def save(self, position: int, form: dict) -> str:
        """Send the newest revision until the server settles it: saved, stale, closed, or
        refused. 5xx and lost connections are retried with the page's backoff."""
        path = f"/attempts/{self.attempt}/items/{position}/autosave"
        revision = self.revisions[position]
        delay = 1.0
        for _ in range(8):
            Shared.ledger.sent(self.attempt, position, revision)
            with self.client.request(
                    "POST", path, name="POST /attempts/<id>/items/<id>/autosave",
                    json={"revision": revision, "form": form}, catch_response=True,
                    headers={"User-Agent": USER_AGENT, "X-CSRFToken": self.csrf,
                             "Accept": "application/json"}) as response:
                status, code = response.status_code, ""
                if status == 200:
                    Shared.ledger.ack(self.attempt, position, revision)
                    response.success()
                    return "saved"
                code = error_code(response)
                if status == 409 and code == "stale_revision":
                    response.success()
                    return "stale"
                if status == 409 and code in ("time_up", "attempt_closed"):
                    response.success()
                    return "closed"
                response.failure(f"HTTP {status} {code}".strip())
            if status and status < 500:
                return "refused"
            gevent.sleep(delay)
            delay = min(delay * 2, 15)
        return "gave up"

    def submit(self) -> None:
        review = self.page("GET", f"/attempts/{self.attempt}/review")
        if review.status_code != 200:
            return
        think(self.rng, 5, 15)
        done = self.page("POST", f"/attempts/{self.attempt}/submit", ok=(302,),
                         data={"csrf_token": csrf_of(review.text), "confirm": "yes"})
        if done.status_code == 302:
            Shared.ledger.submitted.add(self.attempt)
            Shared.bump("submitted")
            self.page("GET", f"/attempts/{self.attempt}/results")


class Grader(Person):
    """Claims from the queue, reads the answer, grades (now and then skips); the server
    leases the next task after each grade. Leads work the adjudication queue only."""

    lead = False

    def on_start(self) -> None:
        super().on_start()
        pool = Shared.leads if self.lead else Shared.graders
        email = Shared.next_account(pool)
        if email is None or not self.sign_in(email):
            raise StopUser()

    @task
    def work(self) -> None:
        if Shared.everyone_stop.is_set():
            raise StopUser()
        task_path = self.next_task()
        if task_path is None:
            gevent.sleep(0.5 + self.rng.random())
            return
        while task_path and not Shared.everyone_stop.is_set():
            task_path = self.grade(task_path)

    def next_task(self) -> str | None:
        queue = self.page("GET", "/grading/")
        if queue.status_code != 200:
            return None
        held = HELD_LINK.search(queue.text)
        if held:
            return held.group(1)
        if self.lead and ADJUDICATE_FORM not in queue.text:
            return None
        claim = "/grading/adjudication/claim" if self.lead else "/grading/claim"
        reply = self.page("POST", claim, ok=(302,), data={"csrf_token": csrf_of(queue.text)})
        location = _path(reply.headers.get("Location"))
        return location if reply.status_code == 302 and TASK_PATH.match(location) else None

    def grade(self, task_path: str) -> str | None:
        page = self.page("GET", task_path, ok=(200, 409))
        if page.status_code != 200:
            return None
        think(self.rng, 10, 30)  # reading the answer against the rubric
        parsed = parse_form(page.text, "grade-form")
        adjudicating = "<strong>Adjudication</strong>" in page.text
        form = {"csrf_token": csrf_of(page.text), "comment": "", "action": "grade"}
        if not adjudicating and self.rng.random() < 0.05:
            form["action"] = "skip"
        else:
            form.update(choose_levels(parsed.fields, quality_of(" ".join(parsed.texts)),
                                      0.15 if adjudicating else 0.5, self.rng))
        reply = self.page("POST", task_path, ok=(302, 409), data=form)
        if reply.status_code != 302:
            return None
        Shared.bump("grades")
        location = _path(reply.headers.get("Location"))
        return location if TASK_PATH.match(location) else None


class Lead(Grader):
    lead = True


class Platform(FastHttpUser):
    """The platform's integration: pages through its candidates' attempts every few
    seconds (well inside its key's rate limit), and looks one candidate up."""

    network_timeout = 60.0

    def on_start(self) -> None:
        self.rng = random.Random()
        self.cursor = None

    @task
    def poll(self) -> None:
        if Shared.everyone_stop.is_set():
            raise StopUser()
        headers = {"Authorization": f"Bearer {Shared.api_key}", "User-Agent": USER_AGENT}
        query = "?limit=100" + (f"&cursor={self.cursor}" if self.cursor else "")
        with self.client.get(f"/api/v1/attempts{query}", name="GET /api/v1/attempts",
                             headers=headers, catch_response=True) as response:
            if response.status_code == 200:
                response.success()
                self.cursor = response.json().get("next_cursor") or self.cursor
            else:
                response.failure(f"HTTP {response.status_code} {error_code(response)}")
        if Shared.external_ids and self.rng.random() < 0.5:
            external = self.rng.choice(Shared.external_ids)
            with self.client.get(f"/api/v1/candidates/{external}", headers=headers,
                                 name="GET /api/v1/candidates/<id>",
                                 catch_response=True) as response:
                if response.status_code in (200, 404):
                    response.success()
                else:
                    response.failure(f"HTTP {response.status_code} {error_code(response)}")
        gevent.sleep(0.3 + self.rng.random() * 0.4)


def _path(location: str | None) -> str:
    from urllib.parse import urlsplit
    return urlsplit(location or "").path
