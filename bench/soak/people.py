"""The soak's people and their answers, made in this process inside an app context.

Accounts share one cheap PBKDF2 hash (the default scrypt costs ~0.13 s per sign-in, which
would measure the hash rather than the app; check_password_hash accepts either), and the
platform's candidates are linked by rows, not invitations: both are seeding, not load.
Answers are the gold key with every written part filled (the item types' own
``key_answer``/``with_writing``), as the exam form posts them."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone

ASSESSMENT = "general-screening"
PASSWORD = "soak-password-123"
USER_AGENT = "assess-soak"  # constant per client: Flask-Login's session protection hashes it
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def now() -> datetime:
    return datetime.now(timezone.utc)


def make_app(env: dict[str, str]):
    """The app as the server sees it (same database, secret key, instance)."""
    os.environ.clear()
    os.environ.update(env)
    from assess import create_app
    return create_app()


@dataclass
class People:
    applicants: list[str]
    graders: list[str]
    leads: list[str]
    api_key: str | None = None
    external_ids: list[str] | None = None


def seed_people(app, applicants: int, graders: int = 0, leads: int = 0,
                platform: bool = False, prefix: str = "applicant") -> People:
    from werkzeug.security import generate_password_hash

    from assess.extensions import db
    from assess.models import PlatformCandidate, User

    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    people = People([f"{prefix}{n:04d}@soak.assess" for n in range(applicants)],
                    [f"grader{n:02d}@soak.assess" for n in range(graders)],
                    [f"lead{n:02d}@soak.assess" for n in range(leads)])
    with app.app_context():
        made = now()
        users = [User(email=email, name=email.split("@")[0], role=role, password_hash=cheap,
                      created_at=made)
                 for emails, role in ((people.applicants, "applicant"),
                                      (people.graders, "grader"), (people.leads, "lead"))
                 for email in emails]
        db.session.add_all(users)
        db.session.commit()
        if platform:
            from assess.models import SCOPES
            from assess.services import api_keys, platforms
            owner = platforms.create_platform("Soak Labels", "ops@soak.example", made)
            people.api_key = api_keys.create_key(owner.id, SCOPES, "soak", made).secret
            people.external_ids = [f"worker-{u.id}" for u in users if u.role == "applicant"]
            db.session.add_all(PlatformCandidate(platform_id=owner.id, external_id=f"worker-{u.id}",
                                                 user_id=u.id, created_at=made)
                               for u in users if u.role == "applicant")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return people


def form_fields(answer: dict) -> dict[str, list[str]]:
    """The exam form's fields for an answer (as tests/exam_support.py form_fields)."""
    fields: dict[str, list[str]] = {}
    for key, value in answer.items():
        if isinstance(value, dict):
            for inner, text in value.items():
                fields[f"{key}.{inner}"] = [str(text)]
        elif isinstance(value, list):
            if not value:
                fields[f"{key}_none"] = ["1"]
            else:
                fields[key] = [f"{v[0]}-{v[1]}" if isinstance(v, (list, tuple)) else str(v)
                               for v in value]
        else:
            fields[key] = [str(value)]
    return fields


def final_form(content: dict) -> dict[str, list[str]]:
    from assess import items as item_types
    kind = item_types.get(content["type"])
    return form_fields(kind.with_writing(content, kind.key_answer(content)))


def draft(form: dict[str, list[str]], done: float) -> dict[str, list[str]]:
    """The form part-way through typing: choices made, each text ``done`` (0..1) typed.
    The choices (single values under 40 characters) are kept whole."""
    out = {}
    for name, values in form.items():
        if len(values) == 1 and len(values[0]) > 40:
            text = values[0]
            out[name] = [text[:max(1, round(len(text) * done))]]
        else:
            out[name] = list(values)
    return out


class Forms:
    """The final form of every item version, read once from the database."""

    def __init__(self, database_url: str):
        from sqlalchemy import create_engine

        from assess.app import normalise_database_url
        self.engine = create_engine(normalise_database_url(database_url), pool_size=2,
                                    max_overflow=18, pool_timeout=120)
        self._by_version: dict[int, dict] = {}

    def of_attempt(self, attempt_id: int) -> dict[int, dict[str, list[str]]]:
        from sqlalchemy import text
        with self.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT r.position, r.item_version_id, v.content FROM responses r "
                "JOIN item_versions v ON v.id = r.item_version_id WHERE r.attempt_id = :a"),
                {"a": attempt_id}).all()
        forms = {}
        for position, version_id, content in rows:
            if version_id not in self._by_version:
                if isinstance(content, str):
                    import json
                    content = json.loads(content)
                self._by_version[version_id] = final_form(content)
            forms[position] = self._by_version[version_id]
        return forms

    def close(self) -> None:
        self.engine.dispose()


def start_attempts(app, emails: list[str]) -> list[tuple[str, int]]:
    """Each applicant's attempt, started through the service: (email, attempt id)."""
    from assess.extensions import db
    from assess.models import User
    from assess.services.attempts import start_attempt
    started = []
    with app.app_context():
        for email in emails:
            user = db.session.query(User).filter_by(email=email).one()
            started.append((email, start_attempt(user.id, ASSESSMENT, now()).id))
        db.session.remove()
        db.engine.dispose()
    return started


def session_headers(app, email: str) -> dict[str, str]:
    """Sign in through the real view (in this process); the headers a JSON client sends."""
    from seed import login_headers  # bench/, on the path run.py sets
    return {**login_headers(app, email, PASSWORD, USER_AGENT), "Accept": "application/json"}
