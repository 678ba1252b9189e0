"""End-to-end grading concurrency run over HTTP: ``make load-grading``
(``.venv/bin/python bench/grading_load.py --help``).

What it does
    1. (Re)creates a dedicated database (default: PostgreSQL ``assess_load`` on
       127.0.0.1:5432; a ``sqlite:///…`` URL works too) and a fresh instance folder, then
       prepares it with the app's own commands: ``flask db upgrade``, ``flask banks import``,
       ``flask keys generate``; applicants, graders and leads are made with
       ``accounts.create_user`` in an app context.
    2. Starts gunicorn (``-w 4 'assess:create_app()'``) on 127.0.0.1 and waits for /healthz.
       Its error log (tracebacks) and access log go to the instance folder.
    3. Applicants (one thread and one cookie jar each) sign in through /auth/login, start the
       general screening, open every item page, fill the form found in its HTML (with a
       per-applicant skill: a skilled answer follows the item's gold key, which this harness
       reads from the database as an oracle; the rest is random among the options shown) and
       autosave it as the page's JavaScript does (JSON ``{"revision", "form"}`` with
       X-CSRFToken), writing non-empty justifications, corrections and rewrites within the
       lengths the page states. Then they submit on the review page.
    4. Graders start together (a barrier) and work the leased queue through the HTML pages:
       "Start grading", the task page's rubric radios, "Submit grade" (which leases the
       next task), now and then "Skip". Leads work only the adjudication queue (a lead who
       had marked a task could not adjudicate it), until the graders are done and nothing
       is left to adjudicate. A grader stops after --idle-seconds without finding a task
       once every applicant has submitted (with --overlap, graders start while applicants
       are still answering).
    5. Checks the database and prints the invariants; exits 1 when one fails (and prints the
       tail of the gunicorn log and any traceback in it), 2 when the run could not be
       carried out (gunicorn did not start…), 130 on Ctrl-C, 0 otherwise. gunicorn is
       stopped on every exit path. The database is left in place for inspection; the
       instance folder (gunicorn.log, access.log) is kept when the run fails or with --keep.

Which code runs
    This checkout by default; ``--ref HEAD`` (any git ref) runs a commit exported with
    ``git archive`` into the instance folder, without touching the working tree, so a fix
    can be compared with the code before it; ``--project DIR`` runs another checkout.
    ``--seed`` fixes the applicants' answers and the graders' choices, not the interleaving:
    how many attempts a race leaves stuck varies from run to run.

The invariants
    * no attempt left ``submitted``/``awaiting_grading`` while every grading task of it is
      final ("stuck": no score, no tier, no certificate);
    * every grading task final at the end (otherwise the run itself did not finish);
    * every scored attempt has exactly one score event of reason "scored" (none otherwise);
    * at most one current certificate (not revoked, not superseded) per attempt, exactly one
      when the attempt has a tier, none when it has no tier;
    * no task has more independent marks than it requires;
    * no 5xx response, and no request the server failed to answer;
    * every applicant, grader and lead finished its script (an unexpected page or status
      stops that actor and is reported).
"""
from __future__ import annotations

import argparse
import collections
import html
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

CHECKOUT = Path(__file__).resolve().parent.parent  # the checkout holding this script
PROJECT_ROOT = CHECKOUT  # the code under test: --project or --ref may point elsewhere

HOST = "127.0.0.1"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/assess_load"
ASSESSMENT = "general-screening"
PASSWORD = "load-password-123"
USER_AGENT = "assess-grading-load"  # constant per client: Flask-Login hashes it
# Databases this script never drops, whatever --database-url says.
PROTECTED_DATABASES = {"postgres", "template0", "template1", "assess", "test"}


# ---- HTTP ------------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int  # 0: no answer (connection refused, reset or timed out)
    headers: dict[str, str]
    text: str

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


@dataclass
class Sample:
    method: str
    endpoint: str
    path: str
    status: int
    seconds: float
    at: float
    who: str


class Recorder:
    """Every request's status and latency, by endpoint (ids folded into <id>)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: list[Sample] = []

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def by_endpoint(self) -> dict[str, collections.Counter]:
        table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for s in self.samples:
            table[f"{s.method} {s.endpoint}"][s.status] += 1
        return table

    def failures(self) -> list[Sample]:
        return [s for s in self.samples if s.status >= 500 or s.status == 0]


def endpoint_of(path: str) -> str:
    path = path.split("?", 1)[0]
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


class Client:
    """A browser-ish client: its own cookie jar, no automatic redirects, every request
    recorded. Connection per request (gunicorn's sync workers close them anyway)."""

    def __init__(self, port: int, recorder: Recorder, who: str, timeout: float = 60.0):
        self.port, self.recorder, self.who, self.timeout = port, recorder, who, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, form: dict | None = None,
                body_json=None, headers: dict[str, str] | None = None) -> Reply:
        sent = {"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body_json is not None:
            body = json.dumps(body_json).encode()
            sent["Content-Type"] = "application/json"
            sent["Accept"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            reply = Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                          text)
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        except (OSError, http.client.HTTPException) as exc:
            reply = Reply(0, {}, f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()
        self.recorder.add(Sample(method, endpoint_of(path), path, reply.status,
                                 time.monotonic() - started, time.time(), self.who))
        return reply

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> Reply:
        return self.request("POST", path, **kw)

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = re.search(r"(?i)max-age=0\b|expires=[^;]*1970", attributes)
            if expired or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def login(self, email: str) -> None:
        page = self.get("/auth/login")
        expect(page, 200, "login page")
        reply = self.post("/auth/login", form={"email": email, "password": PASSWORD,
                                               "csrf_token": csrf_of(page.text),
                                               "submit": "Sign in"})
        expect(reply, 302, f"sign-in of {email}")


class RunError(Exception):
    """A step of an actor failed in a way it cannot recover from."""


def expect(reply: Reply, status: int, what: str) -> None:
    if reply.status != status:
        raise RunError(f"{what}: HTTP {reply.status} (expected {status}): "
                       f"{_summary(reply.text)}")


def _summary(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()[:300]


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def csrf_of(page: str) -> str:
    tag = CSRF_INPUT.search(page)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    if not value:
        raise RunError("no csrf_token input on the page")
    return html.unescape(value.group(1))


# ---- HTML forms ------------------------------------------------------------------------------

@dataclass
class Field:
    kind: str  # radio | checkbox | select | textarea
    name: str
    options: list[str] = field(default_factory=list)  # radio/checkbox values; select options
    count: int = 0  # how many selects share the name (ranking positions)
    min_chars: int = 0
    max_chars: int = 4000


class FormFields(HTMLParser):
    """The answer fields of one <form> (found by id): radio/checkbox groups, selects (several
    may share a name) and textareas with their data-minlength/maxlength."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, {}
        self.select: Field | None = None
        self.texts: list[str] = []  # blockquote.answer-text, on the grading page
        self._in_answer_text = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option":
            if self.select is not None and a.get("value"):
                self.select.options.append(a["value"])
            return
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if tag == "blockquote" and "answer-text" in (a.get("class") or ""):
            self._in_answer_text += 1
            self.texts.append("")
        if not self.inside or a.get("disabled") is not None or not a.get("name"):
            return
        name = a["name"]
        if name in ("csrf_token", "revision", "action"):
            return
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            f = self.fields.setdefault(name, Field(a["type"], name))
            f.options.append(a.get("value", "on"))
        elif tag == "select":
            f = self.fields.setdefault(name, Field("select", name))
            f.count += 1
            f.options = []
            self.select = f
        elif tag == "textarea":
            self.fields[name] = Field("textarea", name,
                                      min_chars=int(a.get("data-minlength") or 0),
                                      max_chars=int(a.get("maxlength") or 4000))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "blockquote" and self._in_answer_text:
            self._in_answer_text -= 1

    def handle_data(self, data):
        if self._in_answer_text and self.texts:
            self.texts[-1] += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def parse_form(page: str, form_id: str) -> FormFields:
    parser = FormFields(form_id)
    parser.feed(page)
    parser.close()
    return parser


# ---- what applicants write -------------------------------------------------------------------

# Graders in this harness read quality off the sentences: specific ones name the decisive
# issue (as the instructions ask), vague ones are impressions.
SPECIFIC = [
    "The response states a figure that contradicts the source it cites, and that error "
    "changes the conclusion the user would act on.",
    "It ignores the explicit constraint in the request (the word limit) while the other "
    "answer respects it and still covers every point asked.",
    "The claim about the deadline is wrong: the statute gives thirty days from notice, not "
    "from the date of the letter, so the advice would make the user miss it.",
    "Response B corrects the false premise in the question instead of building on it, which "
    "is the decisive difference here.",
    "The code fails on an empty list because it indexes the first element before checking "
    "the length; the fix is a guard clause at the top.",
    "It invents a citation that does not exist, and a reader cannot verify the central claim "
    "without it.",
    "The dosage given is ten times the labelled maximum for adults; a safe answer points to "
    "the label and to a pharmacist.",
    "The interest is computed on the original principal every year, which understates the "
    "compound total by about eight percent.",
]
VAGUE = [
    "This one seems better overall.",
    "The other response is not as good in my opinion.",
    "It reads more naturally and feels more complete.",
    "I just think this answer is nicer to read.",
    "Both are fine but one of them is a bit better written.",
    "The tone is better and it looks more professional.",
]
REWRITE_EXTRA = [
    "Here is a corrected version of the answer that keeps the useful parts.",
    "I removed the unsupported claim and added the missing caveat for the user.",
    "The steps are now in the right order and each one says why it matters.",
    "Numbers are checked against the question and the units are stated.",
]


def written_text(rng: random.Random, quality: float, min_chars: int, max_chars: int,
                 extra: list[str] | None = None) -> str:
    """Sentences, each specific with probability ``quality``, at least ``min_chars`` long
    (and at least a sentence or two), at most ``max_chars``."""
    target = max(min_chars + rng.randint(5, 120), 70)
    sentences: list[str] = []
    while len(" ".join(sentences)) < target:
        pool = SPECIFIC if rng.random() < quality else VAGUE
        if extra and rng.random() < 0.3:
            pool = extra
        sentences.append(rng.choice(pool))
    text = " ".join(sentences)
    if len(text) > max_chars:
        text = text[:max_chars].rstrip()
    return text


def quality_of(text: str) -> float:
    """The share of the text's known sentences that are specific (0.5 when none is known)."""
    specific = sum(text.count(s) for s in SPECIFIC)
    vague = sum(text.count(s) for s in VAGUE)
    return specific / (specific + vague) if specific + vague else 0.5


def gold_fields(content: dict) -> dict[str, list[str]]:
    """The form fields of a fully correct choice part (no written parts), from the key."""
    kind, gold = content["type"], content.get("gold")
    if kind == "pairwise":
        strength = [] if gold["choice"] == "equal" else [str(gold.get("strength", 2))]
        return {"choice": [gold["choice"]], "strength": strength}
    if kind == "ranking":
        return {"order": [i for element in gold["order"]
                          for i in (element if isinstance(element, list) else [element])]}
    if kind == "rubric":
        return {f"scores.{k}": [str(v)] for k, v in gold.items()}
    if kind == "factcheck":
        return {f"labels.{k}": [v] for k, v in gold.items()}
    if kind == "labels":
        return {"labels": list(gold)} if gold else {"labels": [], "labels_none": ["1"]}
    if kind == "choice":
        return {"selected": [gold] if isinstance(gold, str) else list(gold)}
    return {}


def fill_form(fields: dict[str, Field], gold: dict[str, list[str]], correct: bool,
              quality: float, rng: random.Random) -> dict[str, list[str]]:
    """Every field of the page's form, as the page's script serialises it."""
    form: dict[str, list[str]] = {}
    choice_fields = [f for f in fields.values() if f.kind != "textarea"]
    for f in choice_fields:
        if correct and f.name in gold:
            form[f.name] = list(gold[f.name])
        elif f.kind == "radio":
            form[f.name] = [rng.choice(f.options)] if f.options else []
        elif f.kind == "select":
            form[f.name] = rng.sample(f.options, k=min(f.count, len(f.options)))
        elif f.kind == "checkbox" and f.name == "labels_none":
            form[f.name] = []
        elif f.kind == "checkbox":
            k = rng.randint(1, max(1, min(3, len(f.options))))
            form[f.name] = rng.sample(f.options, k=k) if f.options else []
    if "labels_none" in fields and form.get("labels_none") and form.get("labels"):
        form["labels_none"] = []
    if form.get("choice") == ["equal"]:
        form["strength"] = []
    elif "strength" in fields and not form.get("strength"):
        form["strength"] = [rng.choice(fields["strength"].options)]
    for f in fields.values():
        if f.kind != "textarea":
            continue
        if f.name.startswith("corrections."):
            claim = f.name[len("corrections."):]
            wrote = form.get(f"labels.{claim}") == ["false"]
            form[f.name] = [written_text(rng, quality, 0, f.max_chars)] if wrote else [""]
        else:
            extra = REWRITE_EXTRA if f.name == "text" else None
            form[f.name] = [written_text(rng, quality, f.min_chars, f.max_chars, extra)]
    return form


# ---- actors ----------------------------------------------------------------------------------

@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    submitted: int = 0
    grades: int = 0
    adjudications: int = 0
    skips: int = 0
    lost_tasks: int = 0  # a task page or grade refused with 409 (lease moved on)
    errors: list[str] = field(default_factory=list)

    def bump(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class Oracle:
    """The gold keys of an attempt's items, read from the database (skilled applicants)."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        from assess.app import normalise_database_url
        self.engine = create_engine(normalise_database_url(url), pool_size=4,
                                    max_overflow=28)

    def contents(self, attempt_id: int) -> dict[int, dict]:
        from sqlalchemy import select

        from assess.models import ItemVersion, Response
        r, iv = Response.__table__, ItemVersion.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(select(r.c.position, iv.c.content)
                                      .join(iv, iv.c.id == r.c.item_version_id)
                                      .where(r.c.attempt_id == attempt_id))
            return {position: content for position, content in rows}


def applicant(client: Client, email: str, skill: float, seed: int, oracle: Oracle,
              stats: Stats) -> None:
    rng = random.Random(seed)
    client.login(email)
    instructions = client.get(f"/assessments/{ASSESSMENT}")
    expect(instructions, 200, "instructions")
    started = client.post(f"/assessments/{ASSESSMENT}/start",
                          form={"csrf_token": csrf_of(instructions.text)})
    expect(started, 302, "start")
    found = re.match(r"/attempts/(\d+)/items/(\d+)$", started.location)
    if not found:
        raise RunError(f"start redirected to {started.location!r}")
    attempt_id = int(found.group(1))
    contents = oracle.contents(attempt_id)
    for position in sorted(contents):
        page = client.get(f"/attempts/{attempt_id}/items/{position}")
        expect(page, 200, f"item {position}")
        fields = parse_form(page.text, "answer-form").fields
        content = contents[position]
        correct = rng.random() < skill
        form = fill_form(fields, gold_fields(content), correct, skill, rng)
        url = f"/attempts/{attempt_id}/items/{position}/autosave"
        headers = {"X-CSRFToken": csrf_of(page.text)}
        # A first draft (choices only), then the whole answer, as typing would send them.
        draft = {k: (v if fields[k].kind != "textarea" else [""]) for k, v in form.items()}
        for revision, body in ((1, draft), (2, form)):
            for _ in range(3):  # a 5xx or lost connection: the page's script retries
                reply = client.post(url, body_json={"revision": revision, "form": body},
                                    headers=headers)
                if reply.status and reply.status < 500:
                    break
                time.sleep(0.2)
            expect(reply, 200, f"autosave of item {position} rev {revision}")
    review = client.get(f"/attempts/{attempt_id}/review")
    expect(review, 200, "review")
    for _ in range(3):
        done = client.post(f"/attempts/{attempt_id}/submit",
                           form={"csrf_token": csrf_of(review.text), "confirm": "yes"})
        if done.status and done.status < 500:
            break
        time.sleep(0.2)
    expect(done, 302, "submit")
    expect(client.get(f"/attempts/{attempt_id}/results"), 200, "results")
    stats.bump("submitted")


TASK_PATH = re.compile(r"^/grading/tasks/(\d+)$")
HELD_LINK = re.compile(r'href="(/grading/tasks/\d+)"[^>]*>\s*Continue your task')
ADJUDICATE_FORM = 'action="/grading/adjudication/claim"'


def choose_levels(fields: dict[str, Field], quality: float, noise: float,
                  rng: random.Random) -> dict[str, str]:
    levels = {}
    for f in fields.values():
        if not f.name.startswith("level.") or not f.options:
            continue
        options = sorted(f.options, key=float)
        index = round(quality * (len(options) - 1) + rng.gauss(0, noise))
        levels[f.name] = options[max(0, min(len(options) - 1, index))]
    return levels


class Grader:
    def __init__(self, client: Client, email: str, *, lead: bool, seed: int, noise: float,
                 skip_rate: float, idle_seconds: float, stats: Stats,
                 submitted: threading.Event, graders_done: threading.Event,
                 stop: threading.Event):
        self.client, self.email, self.lead = client, email, lead
        self.rng = random.Random(seed)
        self.noise, self.skip_rate, self.idle_seconds = noise, skip_rate, idle_seconds
        self.stats, self.stop = stats, stop
        # Graders stop once every applicant has submitted and they then find nothing for
        # idle_seconds; leads also wait for the graders (their marks make adjudications).
        self.done_waiting_for = graders_done if lead else submitted

    def run(self, barrier: threading.Barrier) -> None:
        self.client.login(self.email)
        barrier.wait()
        idle_since = None
        while not self.stop.is_set():
            task_path = self.next_task()
            if task_path:
                idle_since = None
                self.work(task_path)
                continue
            idle_since = idle_since or time.monotonic()
            idle_for = time.monotonic() - idle_since
            if idle_for >= self.idle_seconds and self.done_waiting_for.is_set():
                return
            time.sleep(0.2 + self.rng.random() * 0.3)

    def next_task(self) -> str | None:
        """A task path from the queue page: one held, an adjudication (leads) or a claim."""
        queue = self.client.get("/grading/")
        if queue.status != 200:
            return None
        held = HELD_LINK.search(queue.text)
        if held:
            return held.group(1)
        csrf = csrf_of(queue.text)
        if self.lead:
            if ADJUDICATE_FORM not in queue.text:
                return None
            reply = self.client.post("/grading/adjudication/claim", form={"csrf_token": csrf})
        else:
            reply = self.client.post("/grading/claim", form={"csrf_token": csrf})
        return reply.location if reply.status == 302 and TASK_PATH.match(reply.location) \
            else None

    def work(self, task_path: str) -> None:
        """Grade the task, then each next one the server leases, until it sends us back to
        the queue."""
        while task_path and not self.stop.is_set():
            page = self.client.get(task_path)
            if page.status == 409:
                self.stats.bump("lost_tasks")
                return
            if page.status != 200:
                return  # recorded; the queue page shows a held task again
            parsed = parse_form(page.text, "grade-form")
            adjudicating = "<strong>Adjudication</strong>" in page.text
            form = {"csrf_token": csrf_of(page.text), "comment": ""}
            if not adjudicating and self.rng.random() < self.skip_rate:
                form["action"] = "skip"
                self.stats.bump("skips")
            else:
                quality = quality_of(" ".join(parsed.texts))
                noise = 0.15 if adjudicating else self.noise
                form.update(choose_levels(parsed.fields, quality, noise, self.rng))
                form["action"] = "grade"
                if self.rng.random() < 0.2:
                    form["comment"] = "Graded against the rubric descriptors."
            reply = self.client.post(task_path, form=form)
            if reply.status == 302:
                if form["action"] == "grade":
                    self.stats.bump("adjudications" if adjudicating else "grades")
                task_path = reply.location if TASK_PATH.match(reply.location) else None
            elif reply.status == 409:
                self.stats.bump("lost_tasks")
                return
            elif reply.status == 422:
                self.stats.error(f"{self.email}: grade refused (422) on {task_path}: "
                                 f"{_summary(reply.text)[:200]}")
                return
            else:
                return  # 5xx or no answer: recorded; the lease brings it back via the queue


# ---- preparation and the server --------------------------------------------------------------

def prepare_database(url: str) -> None:
    """Drop and create the PostgreSQL database of ``url``, or delete the SQLite file."""
    parts = urlsplit(url)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if not path or path == ":memory:":
            raise SystemExit("a SQLite URL needs a file path: sqlite:////tmp/assess_load.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    import psycopg
    name = parts.path.lstrip("/")
    if not name or name in PROTECTED_DATABASES:
        raise SystemExit(f"refusing to drop database {name!r}: give a dedicated one")
    admin = parts._replace(path="/postgres", scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "assess", *args],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed ({result.returncode}):\n"
                         f"{result.stdout}{result.stderr}")
    return result.stdout


@dataclass
class People:
    applicants: list[str]
    graders: list[str]
    leads: list[str]


def create_people(env: dict[str, str], applicants: int, graders: int, leads: int) -> People:
    """Accounts through the accounts service, in an app context of this process."""
    os.environ.update(env)
    from datetime import datetime, timezone

    from assess import create_app
    from assess.extensions import db
    from assess.services import accounts

    people = People([f"applicant{n:03d}@load.assess" for n in range(applicants)],
                    [f"grader{n:02d}@load.assess" for n in range(graders)],
                    [f"lead{n:02d}@load.assess" for n in range(leads)])
    app = create_app()
    with app.app_context():
        now = datetime.now(timezone.utc)
        for emails, role in ((people.applicants, "applicant"), (people.graders, "grader"),
                             (people.leads, "lead")):
            for email in emails:
                accounts.create_user(email, email.split("@")[0], PASSWORD, role, now=now,
                                     min_length=app.config["PASSWORD_MIN_LENGTH"])
        db.session.remove()
        db.engine.dispose()
    return people


class Gunicorn:
    """gunicorn in its own session (so Ctrl-C reaches us, and we stop it ourselves)."""

    def __init__(self, env: dict[str, str], port: int, workers: int, logs: Path):
        self.error_log, self.access_log = logs / "gunicorn.log", logs / "access.log"
        self.port = port
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                   "--bind", f"{HOST}:{port}", "--timeout", "60", "--log-level", "info",
                   "--error-logfile", str(self.error_log),
                   "--access-logfile", str(self.access_log), "--chdir", str(PROJECT_ROOT)]
        if "--no-control-socket" in subprocess.run(
                [sys.executable, "-m", "gunicorn", "--help"], capture_output=True,
                text=True).stdout:
            command.append("--no-control-socket")  # gunicorn ≥ 25 would share ~/.gunicorn
        self.process = subprocess.Popen(
            [*command, "assess:create_app()"],
            env=env, cwd=PROJECT_ROOT, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RunError(f"gunicorn exited with status {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.2)
        raise RunError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def tail(self, lines: int = 60) -> str:
        """The end of the error log, without gunicorn's own boot and shutdown chatter."""
        try:
            text = self.error_log.read_text(errors="replace")
        except OSError:
            return "(no gunicorn log)"
        kept = [line for line in text.splitlines()
                if not re.match(r"^\[[^]]+\] \[\d+\] \[INFO\] ", line)]
        return "\n".join(kept[-lines:]) or "(only gunicorn's INFO lines)"

    def tracebacks(self) -> list[str]:
        """Each traceback block of the error log, from its 'Exception on' line."""
        try:
            text = self.error_log.read_text(errors="replace")
        except OSError:
            return []
        blocks, current = [], None
        for line in text.splitlines():
            if "Exception on " in line or line.startswith("Traceback"):
                if current and not line.startswith("Traceback"):
                    blocks.append("\n".join(current))
                    current = None
                current = (current or []) + [line]
            elif current is not None:
                if re.match(r"^\[\d{4}-", line):  # the next log record
                    blocks.append("\n".join(current))
                    current = None
                else:
                    current.append(line)
        if current:
            blocks.append("\n".join(current))
        return blocks


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# ---- the checks ------------------------------------------------------------------------------

@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


def database_report(url: str) -> tuple[list[str], list[Check]]:
    from sqlalchemy import create_engine, text

    from assess.app import normalise_database_url
    engine = create_engine(normalise_database_url(url))
    lines: list[str] = []
    checks: list[Check] = []
    with engine.connect() as db:
        def rows(sql: str):
            return db.execute(text(sql)).all()

        by_status = dict(rows("SELECT status, count(*) FROM attempts GROUP BY status"))
        total = sum(by_status.values())
        lines.append(f"attempts: {total} — " + ", ".join(f"{s} {n}"
                                                         for s, n in sorted(by_status.items())))
        tasks = rows("""
            SELECT r.attempt_id, count(t.id), sum(CASE WHEN t.status = 'final' THEN 1 ELSE 0 END),
                   sum(t.grades_required)
            FROM responses r JOIN grading_tasks t ON t.response_id = r.id
            GROUP BY r.attempt_id""")
        per_attempt = {a: (n, final) for a, n, final, _ in tasks}
        n_tasks = sum(n for n, _ in per_attempt.values())
        task_status = dict(rows("SELECT status, count(*) FROM grading_tasks GROUP BY status"))
        double = rows("SELECT count(*) FROM grading_tasks WHERE grades_required = 2")[0][0]
        resolutions = dict(rows("SELECT coalesce(resolution, '-'), count(*) FROM grading_tasks "
                                "GROUP BY resolution"))
        grades = dict(rows("SELECT kind, count(*) FROM grades GROUP BY kind"))
        lines.append(f"grading tasks: {n_tasks} ({double} double-marked) — "
                     + ", ".join(f"{s} {n}" for s, n in sorted(task_status.items()))
                     + "; resolutions: " + ", ".join(f"{s} {n}"
                                                     for s, n in sorted(resolutions.items()))
                     + "; grades: " + ", ".join(f"{k} {n}" for k, n in sorted(grades.items())))
        if per_attempt:
            counts = [n for n, _ in per_attempt.values()]
            lines.append(f"tasks per attempt: min {min(counts)}, max {max(counts)}, "
                         f"attempts without a task: {total - len(per_attempt)}")

        attempts = {a: (status, tier, score) for a, status, tier, score in rows(
            "SELECT id, status, tier_slug, score FROM attempts")}
        stuck = sorted(a for a, (status, _, _) in attempts.items()
                       if status in ("submitted", "awaiting_grading") and a in per_attempt
                       and per_attempt[a][0] == per_attempt[a][1])
        unfinished = sorted(a for a, (n, final) in per_attempt.items() if final < n)
        scored = [a for a, (status, _, _) in attempts.items() if status == "scored"]
        tiers = collections.Counter(tier or "(no tier)" for a, (status, tier, _)
                                    in attempts.items() if status == "scored")
        lines.append(f"attempts scored: {len(scored)} — tiers: "
                     + ", ".join(f"{t} {n}" for t, n in sorted(tiers.items())))
        lines.append(f"attempts with every task final but not scored: {len(stuck)}"
                     + (f" (ids {stuck})" if stuck else ""))
        for a in stuck[:10]:  # how each stuck attempt's last marks landed
            last = rows(f"""SELECT g.created_at, g.grader_id, g.kind, t.id
                            FROM grades g JOIN grading_tasks t ON t.id = g.task_id
                            JOIN responses r ON r.id = t.response_id
                            WHERE r.attempt_id = {int(a)} ORDER BY g.created_at DESC LIMIT 2""")
            if len(last) == 2:
                gap = abs((last[0][0] - last[1][0]).total_seconds()) * 1000
                lines.append(f"  attempt {a}: last two marks {gap:.0f} ms apart, tasks "
                             f"{last[1][3]} and {last[0][3]} ({last[1][2]}, {last[0][2]}), "
                             f"graders {last[1][1]} and {last[0][1]}")
        checks.append(Check("no attempt stuck with every task final", not stuck,
                            f"{len(stuck)} of {total} attempts stuck: {stuck}" if stuck else ""))
        checks.append(Check("every grading task final", not unfinished,
                            f"attempts with tasks still open or awaiting adjudication: "
                            f"{unfinished}" if unfinished else ""))

        events = dict(rows("SELECT attempt_id, count(*) FROM score_events "
                           "WHERE reason = 'scored' GROUP BY attempt_id"))
        event_counts = collections.Counter(events.get(a, 0) for a in scored)
        lines.append("score events 'scored' per scored attempt: "
                     + ", ".join(f"{n}× {k}" for k, n in sorted(event_counts.items())))
        bad_events = sorted(a for a in attempts if events.get(a, 0) != (1 if a in scored else 0))
        checks.append(Check("exactly one 'scored' event per scored attempt (none otherwise)",
                            not bad_events,
                            ", ".join(f"attempt {a}: {events.get(a, 0)} "
                                      f"({attempts[a][0]})" for a in bad_events)))

        current = dict(rows("SELECT attempt_id, count(*) FROM certificates WHERE revoked_at IS "
                            "NULL AND superseded_by_id IS NULL GROUP BY attempt_id"))
        all_certs = rows("SELECT count(*) FROM certificates")[0][0]
        with_tier = [a for a, (status, tier, _) in attempts.items() if tier]
        lines.append(f"certificates: {all_certs} issued, {sum(current.values())} current; "
                     f"attempts with a tier: {len(with_tier)}; current per attempt: "
                     + ", ".join(f"{n}× {k}" for k, n in sorted(collections.Counter(
                         current.get(a, 0) for a in attempts).items())))
        bad_certs = sorted(a for a, (_, tier, _) in attempts.items()
                           if current.get(a, 0) != (1 if tier else 0))
        checks.append(Check("one current certificate per attempt with a tier, none without",
                            not bad_certs,
                            ", ".join(f"attempt {a} (tier {attempts[a][1]}): "
                                      f"{current.get(a, 0)} current" for a in bad_certs)))

        over = rows("""SELECT t.id, t.grades_required, count(g.id) FROM grading_tasks t
                       JOIN grades g ON g.task_id = t.id AND g.kind = 'independent'
                       GROUP BY t.id, t.grades_required HAVING count(g.id) > t.grades_required""")
        checks.append(Check("no task with more independent marks than required", not over,
                            ", ".join(f"task {t}: {n} of {r}" for t, r, n in over)))
    engine.dispose()
    return lines, checks


# ---- the run ---------------------------------------------------------------------------------

def run_threads(targets: list[tuple[str, callable]], stats: Stats) -> list[threading.Thread]:
    threads = []
    for name, target in targets:
        def body(target=target, name=name):
            try:
                target()
            except Exception as exc:  # noqa: BLE001 (reported, and fails the run)
                stats.error(f"{name}: {type(exc).__name__}: {exc}")
        thread = threading.Thread(target=body, name=name, daemon=True)
        thread.start()
        threads.append(thread)
    return threads


def join_all(threads: list[threading.Thread], deadline: float) -> bool:
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in threads)


def use_project(args: argparse.Namespace, instance: Path) -> None:
    """Point PROJECT_ROOT (and this process's imports) at the code under test: this
    checkout, --project DIR, or --ref REF exported with ``git archive`` (read-only on the
    repository) into the instance folder."""
    global PROJECT_ROOT
    if args.ref:
        target = instance / "code"
        target.mkdir()
        archive = subprocess.run(["git", "-C", str(CHECKOUT), "archive", args.ref],
                                 capture_output=True)
        if archive.returncode != 0:
            raise SystemExit(f"git archive {args.ref} failed: {archive.stderr.decode()}")
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
        PROJECT_ROOT = target
    elif args.project:
        PROJECT_ROOT = Path(args.project).resolve()
    if not (PROJECT_ROOT / "assess" / "__init__.py").exists():
        raise SystemExit(f"no assess package in {PROJECT_ROOT}")
    sys.path.insert(0, str(PROJECT_ROOT))


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url
    instance = Path(tempfile.mkdtemp(prefix="assess-load-"))
    try:
        use_project(args, instance)
    except BaseException:
        shutil.rmtree(instance, ignore_errors=True)
        raise
    port = args.port or free_port()
    env = {**os.environ, "ASSESS_INSTANCE_PATH": str(instance), "DATABASE_URL": url,
           "ASSESS_PUBLIC_URL": f"http://{HOST}:{port}", "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                       os.environ.get("PYTHONPATH")]))}
    contexts = PROJECT_ROOT / "contexts" / "build" / "contexts.json"
    if not contexts.exists() and (CHECKOUT / "contexts/build/contexts.json").exists():
        # A --ref export has no build output: sign with this checkout's JSON-LD contexts.
        env["ASSESS_JSONLD_CONTEXTS"] = str(CHECKOUT / "contexts/build/contexts.json")
    env.pop("ASSESS_DATABASE_URL", None)
    # Certificates are signed in the request that scores, as before the job worker, so the
    # invariants below see them without a worker running (tests/services/test_jobs.py runs one).
    env["ASSESS_JOBS_IMMEDIATE"] = "true"
    t0 = time.monotonic()
    server: Gunicorn | None = None
    stop = threading.Event()
    # Stop gunicorn on Ctrl-C and on kill, even when started as a background job (which
    # inherits SIGINT ignored).
    previous = {signum: signal.signal(signum, _interrupt)
                for signum in (signal.SIGINT, signal.SIGTERM)}
    failed = True
    try:
        print(f"code {PROJECT_ROOT}{f' (git {args.ref})' if args.ref else ''}")
        print(f"database {url}; instance {instance}; gunicorn -w {args.workers} on port {port}")
        prepare_database(url)
        flask_cli(env, "db", "upgrade")
        flask_cli(env, "banks", "import")
        flask_cli(env, "keys", "generate")
        people = create_people(env, args.applicants, args.graders, args.leads)
        t_prepared = time.monotonic()
        print(f"prepared in {t_prepared - t0:.1f} s: {len(people.applicants)} applicants, "
              f"{len(people.graders)} graders, {len(people.leads)} leads")

        server = Gunicorn(env, port, args.workers, instance)
        server.wait_ready()
        recorder, stats = Recorder(), Stats()
        oracle = Oracle(url)
        rng = random.Random(args.seed)
        deadline = time.monotonic() + args.timeout

        # Applicants: all at once.
        skills = [rng.uniform(args.min_skill, 0.98) for _ in people.applicants]
        applicant_threads = run_threads(
            [(email, lambda email=email, skill=skill, n=n: applicant(
                Client(port, recorder, email), email, skill, args.seed * 1000 + n, oracle, stats))
             for n, (email, skill) in enumerate(zip(people.applicants, skills))], stats)
        submitted = threading.Event()
        if not args.overlap:
            join_all(applicant_threads, deadline)
            submitted.set()
            t_submitted = time.monotonic()
            print(f"applicants: {stats.submitted} of {len(people.applicants)} submitted in "
                  f"{t_submitted - t_prepared:.1f} s")

        # Graders and leads: a barrier, then everyone at once.
        graders_done = threading.Event()
        barrier = threading.Barrier(len(people.graders) + len(people.leads))
        graders = [Grader(Client(port, recorder, email), email, lead=False,
                          seed=args.seed * 7919 + n, noise=rng.uniform(0.3, 0.9),
                          skip_rate=args.skip_rate, idle_seconds=args.idle_seconds,
                          stats=stats, submitted=submitted, graders_done=graders_done,
                          stop=stop)
                   for n, email in enumerate(people.graders)]
        leads = [Grader(Client(port, recorder, email), email, lead=True,
                        seed=args.seed * 104729 + n, noise=0.15, skip_rate=0.0,
                        idle_seconds=args.idle_seconds, stats=stats, submitted=submitted,
                        graders_done=graders_done, stop=stop)
                 for n, email in enumerate(people.leads)]
        t_grading = time.monotonic()
        grader_threads = run_threads([(g.email, lambda g=g: g.run(barrier)) for g in graders],
                                     stats)
        lead_threads = run_threads([(g.email, lambda g=g: g.run(barrier)) for g in leads], stats)
        if args.overlap:
            join_all(applicant_threads, deadline)
            submitted.set()
            print(f"applicants: {stats.submitted} of {len(people.applicants)} submitted in "
                  f"{time.monotonic() - t_prepared:.1f} s (graders already working)")
        finished = join_all(grader_threads, deadline)
        graders_done.set()
        finished = join_all(lead_threads, deadline) and finished
        if not finished:
            stop.set()
            stats.error(f"timed out after {args.timeout:.0f} s; actors still working")
            join_all(grader_threads + lead_threads, time.monotonic() + 30)
        t_graded = time.monotonic()
        print(f"grading: {stats.grades} grades, {stats.adjudications} adjudications, "
              f"{stats.skips} skips, {stats.lost_tasks} lost leases in "
              f"{t_graded - t_grading:.1f} s (the last {args.idle_seconds:g} s idle)")
        oracle.engine.dispose()
        server.stop()  # the log is complete; the database holds the outcome

        failed = report(url, recorder, stats, server, time.monotonic() - t0)
        return 1 if failed else 0
    except KeyboardInterrupt:
        stop.set()
        print("\ninterrupted", file=sys.stderr)
        return 130
    except RunError as exc:
        stop.set()
        print(f"\nrun aborted: {exc}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            server.stop()
            if failed:
                print(f"\n--- tail of {server.error_log} (gunicorn INFO lines left out) ---\n"
                      f"{server.tail()}")
        if failed or args.keep:
            print(f"\ninstance folder kept: {instance} (gunicorn.log, access.log)")
        else:
            shutil.rmtree(instance, ignore_errors=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def report(url: str, recorder: Recorder, stats: Stats, server: Gunicorn,
           elapsed: float) -> bool:
    """Print everything; True when an invariant failed."""
    print("\n=== HTTP ===")
    table = recorder.by_endpoint()
    width = max(len(k) for k in table) if table else 10
    by_key = collections.defaultdict(list)
    for s in recorder.samples:
        by_key[f"{s.method} {s.endpoint}"].append(s.seconds)
    for key in sorted(table):
        times = sorted(by_key[key])
        p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
        statuses = "  ".join(f"{status or 'no-answer'}×{n}"
                             for status, n in sorted(table[key].items()))
        print(f"{key:<{width}}  n={sum(table[key].values()):<5} "
              f"p50={statistics.median(times) * 1000:6.0f} ms  p95={p95 * 1000:6.0f} ms  "
              f"{statuses}")
    failures = recorder.failures()
    five = collections.Counter(f"{s.method} {s.endpoint}" for s in failures)
    print(f"requests: {len(recorder.samples)}; 5xx or unanswered: {len(failures)}"
          + ("" if not five else " — " + ", ".join(f"{k} ×{n}" for k, n in five.most_common())))

    print("\n=== database ===")
    lines, checks = database_report(url)
    for line in lines:
        print(line)
    checks.append(Check("no 5xx and no unanswered request", not failures,
                        ", ".join(f"{k} ×{n}" for k, n in five.most_common())))
    checks.append(Check("every actor finished its script", not stats.errors,
                        "; ".join(stats.errors[:10])
                        + (f" (+{len(stats.errors) - 10} more)" if len(stats.errors) > 10
                           else "")))

    tracebacks = server.tracebacks()
    if tracebacks:
        print(f"\n=== {len(tracebacks)} traceback(s) in {server.error_log} ===")
        seen = collections.Counter(block.strip().splitlines()[-1] for block in tracebacks)
        for last, n in seen.most_common():
            print(f"  {n}× {last}")
        print("first one:\n" + tracebacks[0])

    print(f"\n=== invariants (total time {elapsed:.1f} s) ===")
    for check in checks:
        print(f"{'PASS' if check.ok else 'FAIL'}  {check.name}"
              + (f"\n      {check.detail}" if check.detail and not check.ok else ""))
    return not all(c.ok for c in checks)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Applicants submit the general screening and graders grade it "
                    "concurrently over HTTP (gunicorn); then the outcome is checked in the "
                    "database. Exits 1 when an invariant fails.")
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL",
                                                                 DEFAULT_URL),
                        help="dropped and recreated (PostgreSQL) or deleted (SQLite file) "
                             f"first (default {DEFAULT_URL})")
    parser.add_argument("--applicants", type=int, default=30)
    parser.add_argument("--graders", type=int, default=16)
    parser.add_argument("--leads", type=int, default=2,
                        help="leads only adjudicate (a lead who marked a task could not "
                             "adjudicate it)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--idle-seconds", type=float, default=6.0,
                        help="a grader stops after this long without a task")
    parser.add_argument("--skip-rate", type=float, default=0.05,
                        help="share of tasks a grader skips")
    parser.add_argument("--min-skill", type=float, default=0.35,
                        help="applicant skills are uniform in [min-skill, 0.98]")
    parser.add_argument("--overlap", action="store_true",
                        help="graders start while applicants are still answering")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds for the applicant and grading phases together")
    code = parser.add_mutually_exclusive_group()
    code.add_argument("--project", metavar="DIR",
                      help="run the code of another checkout (default: this one)")
    code.add_argument("--ref", metavar="GIT_REF",
                      help="run the code of a commit of this repository, e.g. HEAD (exported "
                           "with git archive into the instance folder; the working tree is "
                           "not touched)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the instance folder (logs) after a passing run")
    args = parser.parse_args(argv)
    if args.graders < 2:
        parser.error("double marking needs at least 2 graders")
    return args


if __name__ == "__main__":
    sys.exit(main())
