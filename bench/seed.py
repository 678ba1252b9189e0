"""Seeding for the autosave benchmark: schema, banks, applicants with open attempts, logins.

Everything goes through the app's own code (Alembic migrations, the bank importer,
``start_attempt``, the real ``/auth/login`` view with CSRF on) except the password hash:
the default scrypt hash costs ~0.13 s per user to make and again to check, so the
benchmark users share one cheap PBKDF2 hash (check_password_hash accepts either).

The result is a list of *slots*, one per (attempt, item): the autosave path, the headers
that authenticate as the attempt's owner (session cookie + CSRF token) and a valid answer.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSESSMENT = "general-screening"
PASSWORD = "benchmark-password-1"
USER_AGENT = "assess-bench"  # sent by every client: Flask-Login's session protection hashes it
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Slot:
    """One target of the load generator: a path, its headers and an answer (JSON text)."""

    path: str
    headers: dict[str, str]
    answer: str


def seed_assess(app: Flask, users: int) -> list[Slot]:
    """Build the database for ``app`` and return one slot per item of every open attempt."""
    from assess.extensions import db

    with app.app_context():
        _schema_and_banks()
        attempts = _start_attempts(_create_applicants(users))
    # Outside that context: each login request needs its own ``g`` (current user, CSRF token).
    slots = [slot for (email, attempt_id, answers) in attempts
             for slot in _attempt_slots(app, email, attempt_id, answers)]
    with app.app_context():
        db.engine.dispose()  # the server must not share our connections
    return slots


def bare_slots(autosave: list[Slot], prefix: str = "/save") -> list[Slot]:
    """Slots for a baseline (``/save``: ORM, ``/raw``: raw driver): one key per autosave
    slot, carrying the same answers."""
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    return [Slot(f"{prefix}/k{i}", headers, slot.answer) for i, slot in enumerate(autosave)]


def _schema_and_banks() -> None:
    from flask_migrate import upgrade

    from assess.services.banks import import_paths

    logging.disable(logging.INFO)  # Alembic's env.py would log every migration step
    try:
        upgrade()
    finally:
        logging.disable(logging.NOTSET)
    import_paths([PROJECT_ROOT / "question_banks"], now=_now())


def _create_applicants(count: int) -> list[tuple[int, str]]:
    from werkzeug.security import generate_password_hash

    from assess.extensions import db
    from assess.models import User

    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    users = [User(email=f"bench{i:04d}@example.org", name=f"Bench Applicant {i}",
                  role="applicant", password_hash=cheap, created_at=_now())
             for i in range(count)]
    db.session.add_all(users)
    db.session.commit()
    return [(user.id, user.email) for user in users]


def _start_attempts(user_ids: list[tuple[int, str]]) -> list[tuple[str, int, dict[int, dict]]]:
    """Start one attempt per applicant (with the real clock: the server uses it too)."""
    from assess.services.attempts import start_attempt

    started = []
    for user_id, email in user_ids:
        attempt = start_attempt(user_id, ASSESSMENT, _now())
        answers = {r.position: valid_answer(r.item_version.content) for r in attempt.responses}
        started.append((email, attempt.id, answers))
    return started


def _attempt_slots(app: Flask, email: str, attempt_id: int,
                   answers: dict[int, dict]) -> list[Slot]:
    headers = login_headers(app, email)
    return [Slot(f"/attempts/{attempt_id}/items/{position}/autosave", headers,
                 json.dumps(answer)) for position, answer in sorted(answers.items())]


def login_headers(app: Flask, email: str, password: str = PASSWORD,
                  user_agent: str = USER_AGENT) -> dict[str, str]:
    """Sign in through the real view; return the headers a JSON client then sends."""
    client = app.test_client()
    ua = {"User-Agent": user_agent}
    token = CSRF_INPUT.search(client.get("/auth/login", headers=ua).text).group(1)
    response = client.post("/auth/login", headers=ua, data={
        "email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"login of {email} failed: {response.status_code}")
    cookie = client.get_cookie("session")
    return {"Content-Type": "application/json", "User-Agent": user_agent,
            "X-CSRFToken": token, "Cookie": f"session={cookie.value}"}


def _now() -> datetime:
    return datetime.now(timezone.utc)


def valid_answer(content: dict) -> dict:
    """A complete, correct answer built from the item's gold key (as tests/exam_support.py)."""
    kind, gold = content["type"], content.get("gold")
    builders = {
        "pairwise": lambda: {"choice": gold["choice"]} | (
            {} if gold["choice"] == "equal" else {"strength": gold.get("strength", 2)}),
        "ranking": lambda: {"order": [i for element in gold["order"] for i in
                                      (element if isinstance(element, list) else [element])]},
        "rubric": lambda: {"scores": dict(gold)},
        "factcheck": lambda: _factcheck_answer(gold),
        "rewrite": lambda: {"text": _filler("A careful, corrected rewrite of the response. ",
                                            content.get("min_chars", 0))},
        "labels": lambda: {"labels": list(gold)},
        "choice": lambda: {"selected": [gold] if isinstance(gold, str) else list(gold)},
    }
    answer = builders[kind]()
    justification = content.get("justification")
    if justification:
        answer["justification"] = _filler("Response A names the decisive factual error. ",
                                          justification.get("min_chars", 0))
    return answer


def _factcheck_answer(gold: dict) -> dict:
    answer: dict = {"labels": dict(gold)}
    false = [claim for claim, label in gold.items() if label == "false"]
    if false:
        answer["corrections"] = {claim: "The correct statement is different." for claim in false}
    return answer


def _filler(sentence: str, min_chars: int) -> str:
    return sentence * max(1, min_chars // 40 + 1)
