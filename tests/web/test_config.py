"""create_app's configuration layers, the SQLite connection settings and the public URL."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from assess import create_app
from assess.extensions import db


def test_layers_defaults_instance_environment_test(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("PASSWORD_MIN_LENGTH = 12\nSECRET_KEY = 'from-file'\n")
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    app = create_app()
    assert app.config["PASSWORD_MIN_LENGTH"] == 12 and app.config["SECRET_KEY"] == "from-file"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("ASSESS_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("ASSESS_PASSWORD_MIN_LENGTH", "14")
    app = create_app()
    assert app.config["PASSWORD_MIN_LENGTH"] == 14
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    app = create_app({"PASSWORD_MIN_LENGTH": 16})
    assert app.config["PASSWORD_MIN_LENGTH"] == 16


def test_default_database_and_secret_live_in_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("ASSESS_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'assess.sqlite3'}"
    secret = (tmp_path / "secret_key").read_text()
    assert app.config["SECRET_KEY"] == secret and len(secret) == 64
    assert create_app().config["SECRET_KEY"] == secret  # kept across restarts
    with app.app_context():
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def _public_url(monkeypatch, tmp_path, **environment) -> str:
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    for name in ("ASSESS_PUBLIC_URL", "ASSESS_HOST", "ASSESS_PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return create_app().config["PUBLIC_URL"]


def test_public_url_is_where_the_server_listens_unless_set(tmp_path, monkeypatch):
    assert _public_url(monkeypatch, tmp_path) == "http://127.0.0.1:5000"
    assert _public_url(monkeypatch, tmp_path, ASSESS_HOST="localhost",
                       ASSESS_PORT="5101") == "http://localhost:5101"
    assert _public_url(monkeypatch, tmp_path, ASSESS_HOST="::1",
                       ASSESS_PORT="5101") == "http://[::1]:5101"
    # An explicit PUBLIC_URL always wins: from the environment…
    assert _public_url(monkeypatch, tmp_path, ASSESS_PORT="5101",
                       ASSESS_PUBLIC_URL="https://assess.example.org/") \
        == "https://assess.example.org"
    # …or from instance/config.py, which the environment's HOST and PORT do not override.
    (tmp_path / "config.py").write_text("PUBLIC_URL = 'https://exams.example.org'\n")
    assert _public_url(monkeypatch, tmp_path, ASSESS_HOST="0.0.0.0",
                       ASSESS_PORT="5101") == "https://exams.example.org"


def test_make_run_tells_the_app_its_host_and_port(tmp_path):
    """`make run HOST=… PORT=…` passes both to every flask command it runs, so certificates
    issued while it serves carry http://HOST:PORT (here a stand-in records what flask got)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    project = Path(__file__).resolve().parents[2]
    log = tmp_path / "flask.log"
    fake = tmp_path / "flask"
    fake.write_text(f'#!/bin/sh\necho "$* ASSESS_HOST=$ASSESS_HOST ASSESS_PORT=$ASSESS_PORT" '
                    f'>> "{log}"\n')
    fake.chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_")}
    subprocess.run(["make", "--no-print-directory", "-o", ".venv/bin/flask",
                    "-o", "contexts/build/contexts.json", "run", f"FLASK={fake}",
                    "HOST=localhost", "PORT=5101"],
                   cwd=project, env=environment, check=True, capture_output=True, text=True)
    calls = log.read_text().splitlines()
    assert "run --host localhost --port 5101 ASSESS_HOST=localhost ASSESS_PORT=5101" in calls
    assert all(call.endswith("ASSESS_HOST=localhost ASSESS_PORT=5101") for call in calls)


def test_question_banks_dir_takes_several_folders(tmp_path, monkeypatch):
    """ASSESS_QUESTION_BANKS_DIR: one folder, several joined with os.pathsep, or a JSON list;
    QUESTION_BANKS_DIRS is the list every banks command reads."""
    from assess.app import PROJECT_ROOT, bank_folders
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("ASSESS_QUESTION_BANKS_DIR", raising=False)
    assert create_app().config["QUESTION_BANKS_DIRS"] == [str(PROJECT_ROOT / "question_banks")]
    private, public = str(tmp_path / "private"), str(tmp_path / "public")
    monkeypatch.setenv("ASSESS_QUESTION_BANKS_DIR", f"{private}{os.pathsep}{public}")
    assert create_app().config["QUESTION_BANKS_DIRS"] == [private, public]
    monkeypatch.setenv("ASSESS_QUESTION_BANKS_DIR", f'["{private}", "{public}"]')
    assert create_app().config["QUESTION_BANKS_DIRS"] == [private, public]
    monkeypatch.setenv("ASSESS_QUESTION_BANKS_DIR", private)
    assert create_app().config["QUESTION_BANKS_DIRS"] == [private]
    assert create_app({"QUESTION_BANKS_DIR": [public]}).config["QUESTION_BANKS_DIRS"] == [public]
    # Empty parts and repeats are dropped; order is kept.
    assert bank_folders(f"{private}{os.pathsep}{os.pathsep}{public}{os.pathsep}{private}") == \
        [private, public]


@pytest.mark.parametrize("hops, seen", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_comes_from_trusted_proxies_only(tmp_path, hops, seen):
    """Behind TRUSTED_PROXIES reverse proxies the client's address is the forwarded one (rate
    limits count per client); with none trusted a forged header changes nothing."""
    app = create_app({"TESTING": True, "TRUSTED_PROXIES": hops,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'proxy.sqlite3'}"})

    @app.get("/_whoami")
    def whoami():
        from flask import request
        return request.remote_addr or ""

    reply = app.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert reply.text == seen


def test_the_app_remembers_which_hooks_are_coroutines_without_keeping_them(app):
    """Flask asks of every hook on every request whether it is a coroutine; the app keeps
    the answer, and forgets it with a function made for one request."""
    import gc

    def hook():
        return None

    assert app.ensure_sync(hook) is hook and hook in app._coroutine
    for n in range(50):
        app.ensure_sync(lambda n=n: n)  # as after_this_request registers one per request
    gc.collect()
    assert len([f for f in app._coroutine.keys() if f.__name__ == "<lambda>"]) == 0
