"""What every fault scenario starts from: its own database, applicants signed in with an
open attempt each, and a typist per applicant."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import stack
from browser import Typist
from ledger import Ledger
from outcome import Tally
from people import Forms, make_app, seed_people, session_headers, start_attempts


@dataclass
class Exams:
    url: str
    env: dict[str, str]
    port: int
    instance: Path
    typists: list[Typist]
    ledger: Ledger = field(default_factory=Ledger)
    tally: Tally = field(default_factory=Tally)

    @property
    def attempt_ids(self) -> list[int]:
        return [t.attempt for t in self.typists]


def open_exams(server_url: str, root: Path, name: str, applicants: int,
               url: str | None = None, **extra_env: str) -> Exams:
    """``applicants`` open attempts in database ``soak_<name>`` (or ``url``), signed in."""
    began = time.monotonic()
    port = stack.free_port()
    instance = root / name
    url = url or stack.clone_database(server_url, f"soak_{name.replace('-', '_')}")
    env = stack.app_env(instance, url, port, **extra_env)
    app = make_app(env)
    people = seed_people(app, applicants, prefix=f"{name.replace('-', '')}")
    started = start_attempts(app, people.applicants)
    headers = {email: session_headers(app, email) for email, _ in started}
    with app.app_context():
        from assess.extensions import db
        db.engine.dispose()
    forms = Forms(url)
    ledger, tally = Ledger(), Tally()
    typists = [Typist(port, headers[email], attempt_id, forms.of_attempt(attempt_id), ledger,
                      tally, seed=n) for n, (email, attempt_id) in enumerate(started)]
    forms.close()
    print(f"  {applicants} applicants signed in with an open attempt each in "
          f"{time.monotonic() - began:.0f} s")
    return Exams(url, env, port, instance, typists, ledger, tally)
