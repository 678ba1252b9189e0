"""`flask --app assess banks from-dataset`: the report, where banks are written, the written
bank passing `banks validate` (and importing), and one clear error for a file of another
format. Datasets are read in place from the shared data folder."""
from __future__ import annotations

import json

import pytest
import yaml
from helpers import FIXED_NOW, SHARED_DATA

from assess import create_app

NATURAL = SHARED_DATA / "llmbar" / "llmbar_natural.json"
HH = SHARED_DATA / "hh-rlhf" / "harmless-base-test.jsonl.gz"
MODERATION = SHARED_DATA / "openai-moderation" / "samples-1680.jsonl.gz"
TRUTHFULQA = SHARED_DATA / "truthfulqa" / "TruthfulQA.csv"


def need(*paths):
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"dataset file(s) not available: {', '.join(missing)}")
        pytest.skip(f"dataset file(s) not available: {', '.join(missing)}")


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """An app whose question_banks/ and instance/ folders are under tmp_path."""
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
                      "QUESTION_BANKS_DIR": str(tmp_path / "question_banks"),
                      "SIGNING_KEYS_DIR": str(tmp_path / "keys"), "CLOCK": lambda: FIXED_NOW})
    from assess.extensions import db
    with app.app_context():
        db.create_all()
    yield app, tmp_path / "question_banks", tmp_path / "instance"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_help_lists_the_formats(runner):
    result = runner.invoke(args=["banks", "from-dataset", "--help"])
    assert result.exit_code == 0
    for name in ("llmbar", "mtbench", "hh-rlhf", "halueval", "truthfulqa", "topicalchat",
                 "moderation"):
        assert name in result.output


def test_llmbar_to_a_bank_that_validates_and_imports(runner, app, tmp_path):
    need(NATURAL)
    out = tmp_path / "natural.yaml"
    result = runner.invoke(args=["banks", "from-dataset", "llmbar", str(NATURAL), "--bank",
                                 "llmbar-natural", "--sample", "6", "--seed", "3", "--out",
                                 str(out), "--title", "LLMBar sample", "--domain", "judging"])
    assert result.exit_code == 0, result.output
    assert f"Read 100 record(s) from {NATURAL} (llmbar)." in result.output
    assert "Skipped 0 record(s)." in result.output
    assert "Wrote 6 item(s)" in result.output and "(sampled 6 of 100 usable record(s)" \
        in result.output
    bank = yaml.safe_load(out.read_text())
    assert (bank["bank"], bank["title"], bank["domain"]) == ("llmbar-natural", "LLMBar sample",
                                                             "judging")
    assert [r["id"] for r in bank["rubrics"]] == ["justification"]
    assert "LLMBar" in bank["description"] and "--sample 6" in bank["description"]
    assert all(i["id"].startswith("llmbar-natural-") for i in bank["items"])

    from assess.services import banks as bank_service
    with app.app_context():
        loaded = bank_service.validate_paths([out])
    assert loaded.errors == [] and len(loaded.banks[0].items) == 6
    validate = runner.invoke(args=["banks", "validate", str(out)])
    assert validate.exit_code == 0, validate.output
    assert "OK: 1 file(s), 1 bank(s) with 6 item(s)" in validate.output
    imported = runner.invoke(args=["banks", "import", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "bank llmbar-natural: 6 new" in imported.output


def test_default_path_is_question_banks_imported(dirs):
    app, banks, instance = dirs
    need(TRUTHFULQA)
    result = app.test_cli_runner().invoke(args=[
        "banks", "from-dataset", "truthfulqa", str(TRUTHFULQA), "--bank", "tqa", "--sample", "4"])
    assert result.exit_code == 0, result.output
    assert (banks / "imported" / "tqa.yaml").is_file()
    assert not (instance / "imported").exists() and "warning" not in result.output


@pytest.mark.parametrize("fmt, path", [("hh-rlhf", HH), ("moderation", MODERATION)])
def test_offensive_data_goes_to_the_instance_folder_with_a_warning(dirs, fmt, path):
    app, banks, instance = dirs
    need(path)
    result = app.test_cli_runner().invoke(args=[
        "banks", "from-dataset", fmt, str(path), "--bank", "unsafe", "--sample", "5"])
    assert result.exit_code == 0, result.output
    assert f"warning: {fmt} data holds offensive text" in result.output
    assert (instance / "imported" / "unsafe.yaml").is_file()
    assert not (banks / "imported").exists()
    assert "content-warning" in (instance / "imported" / "unsafe.yaml").read_text()


def test_hh_rlhf_counts_and_an_explicit_out(runner, tmp_path):
    need(HH)
    out = tmp_path / "hh.yaml"
    result = runner.invoke(args=["banks", "from-dataset", "hh-rlhf", str(HH), "--bank", "hh",
                                 "--sample", "8", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Read 2312 record(s)" in result.output and "Skipped 9 record(s):" in result.output
    assert "  chosen and rejected do not share the same dialogue: 5" in result.output
    assert "  empty response: 4" in result.output
    assert "warning: hh-rlhf data holds offensive text" in result.output
    assert "Wrote 8 item(s)" in result.output and "of 2303 usable" in result.output
    assert runner.invoke(args=["banks", "validate", str(out)]).exit_code == 0


def test_same_seed_same_bank_other_seed_other_items(runner, tmp_path):
    need(NATURAL)

    def run(seed, name):
        out = tmp_path / name
        result = runner.invoke(args=["banks", "from-dataset", "llmbar", str(NATURAL), "--bank",
                                     "lb", "--sample", "5", "--seed", str(seed), "--out",
                                     str(out)])
        assert result.exit_code == 0, result.output
        return out.read_text()

    one, again, other = run(1, "a.yaml"), run(1, "b.yaml"), run(2, "c.yaml")
    assert one == again
    ids = [[i["id"] for i in yaml.safe_load(text)["items"]] for text in (one, other)]
    assert ids[0] != ids[1]


def test_malformed_records_are_reported_by_reason(runner, tmp_path):
    data = tmp_path / "pairs.json"
    good = {"input": "Say hi.", "output_1": "Hi!", "output_2": "Goodbye.", "label": 1}
    data.write_text(json.dumps([good, {**good, "label": None}, {**good, "label": 5},
                                {**good, "output_1": "y" * 20_001}, 17]))
    out = tmp_path / "bank.yaml"
    result = runner.invoke(args=["banks", "from-dataset", "llmbar", str(data), "--bank", "tiny",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Read 5 record(s)" in result.output and "Skipped 4 record(s):" in result.output
    for line in ("missing label: 1", "unknown label 5: 1", "not a JSON object: 1",
                 "response longer than 20 000 characters: 1"):
        assert f"  {line}\n" in result.output
    assert "Wrote 1 item(s)" in result.output
    assert runner.invoke(args=["banks", "validate", str(out)]).exit_code == 0


@pytest.mark.parametrize("fmt, content, expected", [
    ("llmbar", "Question,Best Answer\nWhy?,Because\n", "not JSON or JSON Lines"),
    ("moderation", json.dumps({"prompt": "x"}, indent=1), "not a list of records"),
    ("hh-rlhf", json.dumps([{"input": "a", "output_1": "b", "output_2": "c", "label": 1}]),
     "no record has the fields this format needs"),
    ("truthfulqa", json.dumps([{"Question": "Q"}]), "header row lacks the column(s)"),
])
def test_a_file_of_another_format_is_one_error_and_nothing_written(dirs, fmt, content, expected):
    app, banks, instance = dirs
    data = banks.parent / "data.txt"
    data.write_text(content)
    out = banks.parent / "out.yaml"
    for extra in ([], ["--out", str(out)]):
        result = app.test_cli_runner().invoke(args=[
            "banks", "from-dataset", fmt, str(data), "--bank", "nope", *extra])
        assert result.exit_code == 1
        errors = [line for line in result.output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and str(data) in errors[0] and expected in errors[0]
        assert "expected" in errors[0] and "Nothing written." in result.output
        assert "Traceback" not in result.output
    assert not out.exists() and not (banks / "imported").exists()
    assert not (instance / "imported").exists()


def test_a_file_with_no_usable_record_writes_nothing(runner, tmp_path):
    data = tmp_path / "pairs.json"
    data.write_text(json.dumps([{"input": "a", "output_1": "b", "output_2": "c", "label": 9}]))
    out = tmp_path / "out.yaml"
    result = runner.invoke(args=["banks", "from-dataset", "llmbar", str(data), "--bank", "b",
                                 "--out", str(out)])
    assert result.exit_code == 1 and "unknown label 9: 1" in result.output
    assert "no usable record" in result.output and not out.exists()


def test_options_are_checked(runner, tmp_path):
    data = tmp_path / "pairs.json"
    data.write_text("[]")
    bad_bank = runner.invoke(args=["banks", "from-dataset", "llmbar", str(data), "--bank",
                                   "Not A Slug"])
    assert bad_bank.exit_code == 2 and "expected a slug" in bad_bank.output
    unknown = runner.invoke(args=["banks", "from-dataset", "csv", str(data), "--bank", "b"])
    assert unknown.exit_code == 2 and "llmbar" in unknown.output


def test_an_unwritable_out_path_is_one_clear_error(runner, tmp_path):
    data = tmp_path / "pairs.json"
    data.write_text(json.dumps([{"input": "Say hi.", "output_1": "Hi!", "output_2": "Bye.",
                                 "label": 1}]))
    out = data / "bank.yaml"  # under a file, not a folder
    result = runner.invoke(args=["banks", "from-dataset", "llmbar", str(data), "--bank", "b",
                                 "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"error: cannot write {out}" in result.output and "Nothing written." in result.output
