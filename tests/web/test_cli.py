"""The flask commands: banks validate/import, users, demo, and the migrations."""
import shutil

from sqlalchemy import func, select

from assess.extensions import db
from assess.models import ItemVersion, User
from helpers import BANKS


def test_validate_passes_on_the_shipped_banks(runner):
    result = runner.invoke(args=["banks", "validate", str(BANKS)])
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output and "2 assessment(s)" in result.output


def test_validate_prints_every_error_and_exits_non_zero(runner, tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "bank: bad\ntitle: Bad\ndomain: general\nitems:\n"
        "  - {id: one, type: essay, explanation: x}\n"
        "  - {id: two, type: choice, prompt: P, options: [{id: a, text: A}], gold: [b]}\n")
    result = runner.invoke(args=["banks", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "item 'one': field 'type': unknown item type 'essay'" in result.output
    assert "item 'two': field 'explanation'" in result.output
    assert "item 'two': field 'options'" in result.output
    assert "error(s) in 1 file(s)" in result.output


def test_import_is_idempotent_from_the_cli(runner, app, tmp_path):
    shutil.copytree(BANKS, tmp_path / "b")
    first = runner.invoke(args=["banks", "import", str(tmp_path / "b")])
    assert first.exit_code == 0 and "assessment general-screening: created" in first.output
    second = runner.invoke(args=["banks", "import", str(tmp_path / "b")])
    assert "Nothing changed." in second.output
    with app.app_context():
        versions = db.session.scalar(select(func.count()).select_from(ItemVersion))
        assert versions >= 21


def test_create_admin_and_demo_users(runner, app):
    result = runner.invoke(args=["users", "create-admin", "boss@example.org",
                                 "--password", "a long password"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create-admin", "boss@example.org",
                                 "--password", "a long password"])
    assert result.exit_code != 0 and "already exists" in result.output
    demo = runner.invoke(args=["demo"])
    assert "applicant@demo.assess" in demo.output and "password:" in demo.output
    runner.invoke(args=["demo"])  # twice is fine
    with app.app_context():
        roles = dict(db.session.execute(select(User.email, User.role)).all())
        assert roles["boss@example.org"] == "admin"
        assert roles["grader@demo.assess"] == "grader"


def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    """`flask db upgrade` on an empty database, then Alembic finds nothing left to do."""
    from flask_migrate import check, upgrade

    from assess import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade()
        check()  # raises when the models and migrations differ
        assert "users" in db.inspect(db.engine).get_table_names()
