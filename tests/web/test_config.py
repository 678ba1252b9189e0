"""create_app's configuration layers and the SQLite connection settings."""
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
