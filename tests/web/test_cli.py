"""The flask commands: banks validate/import, users, demo, and the migrations."""
import shutil

from helpers import BANKS
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import ItemVersion, User


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
    assert "Mails are written to " in demo.output and "mail" in demo.output
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


PRIVATE_BANK = """\
bank: private-bank
title: A platform's own bank
domain: general
items:
  - id: private-01
    type: choice
    prompt: Which reply keeps to the user's limit of three bullet points?
    options: [{id: a, text: The one with three bullets}, {id: b, text: The one with five}]
    gold: [a]
    explanation: The user asked for three bullet points; five ignores the instruction.
"""
PRIVATE_BLUEPRINT = """\
assessment: private-screening
title: A platform's own screening
domain: general
mode: timed
time_limit_minutes: 10
attempts_allowed: 2
review: {keys: never}
instructions: Answer.
sections:
  - {id: own, draw: 1, from: {banks: [private-bank]}}
  - {id: public, draw: 1, from: {banks: [starter], types: [choice]}}
"""


def _private_and_public(tmp_path):
    private, public = tmp_path / "private", tmp_path / "public"
    private.mkdir()
    (private / "own.yaml").write_text(PRIVATE_BANK)
    (private / "screening.yaml").write_text(PRIVATE_BLUEPRINT)
    shutil.copytree(BANKS, public)
    return private, public


def test_banks_commands_read_every_configured_folder(runner, app, tmp_path):
    """ASSESS_QUESTION_BANKS_DIR=/private:/public: both are validated and imported, and a
    private blueprint draws from banks in either folder."""
    import os

    from assess.app import bank_folders
    from assess.models import Assessment
    private, public = _private_and_public(tmp_path)
    app.config["QUESTION_BANKS_DIRS"] = bank_folders(f"{private}{os.pathsep}{public}")
    checked = runner.invoke(args=["banks", "validate"])
    assert checked.exit_code == 0, checked.output
    assert "2 bank(s)" in checked.output and "3 assessment(s)" in checked.output
    imported = runner.invoke(args=["banks", "import"])
    assert imported.exit_code == 0, imported.output
    assert "bank private-bank: 1 new" in imported.output
    assert "assessment private-screening: created" in imported.output
    assert "assessment general-screening: created" in imported.output
    with app.app_context():
        version = db.session.scalar(
            select(Assessment).where(Assessment.slug == "private-screening")).latest
        assert version.definition["review"]["keys"] == "never"


def test_a_bank_in_two_configured_folders_is_an_error_and_a_missing_folder_too(runner, app,
                                                                            tmp_path):
    private, public = _private_and_public(tmp_path)
    shutil.copy(public / "starter.yaml", private / "starter-copy.yaml")
    app.config["QUESTION_BANKS_DIRS"] = [str(private), str(public)]
    result = runner.invoke(args=["banks", "import"])
    assert result.exit_code == 1 and "Nothing imported" in result.output
    assert "bank 'starter' is also defined in" in result.output
    app.config["QUESTION_BANKS_DIRS"] = [str(tmp_path / "nowhere"), str(public)]
    result = runner.invoke(args=["banks", "validate"])
    assert result.exit_code != 0
    assert f"no such folder: {tmp_path / 'nowhere'}" in result.output
