"""Importing banks: idempotent, versioned, never touching past attempts."""
import shutil

import pytest
from helpers import BANKS, FIXED_NOW
from sqlalchemy import func, select

from assess import items as item_types
from assess.banks.errors import BankFilesInvalid
from assess.extensions import db
from assess.models import (
    AnswerEvent,
    Assessment,
    Attempt,
    Item,
    ItemVersion,
    Response,
    RubricVersion,
)
from assess.services.banks import import_paths, imported_candidates


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def banks_copy(tmp_path):
    target = tmp_path / "banks"
    shutil.copytree(BANKS, target)
    return target


def test_import_creates_every_item_and_assessment(app, banks_copy):
    with app.app_context():
        report = import_paths([banks_copy], now=FIXED_NOW)
        assert report.banks["starter"]["created"] == count(Item) >= 21
        assert count(ItemVersion) == count(Item)
        assert set(report.assessments) == {"general-screening", "practice"}
        types = set(db.session.scalars(select(Item.type)))
        assert types == set(item_types.names())
        version = db.session.scalars(select(ItemVersion)).first()
        assert version.rendered and "explanation" in version.rendered_gold


def test_importing_twice_changes_nothing(app, banks_copy):
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        before = (count(ItemVersion), count(RubricVersion), count(Assessment))
        report = import_paths([banks_copy], now=FIXED_NOW)
        assert not report.changed
        assert report.banks["starter"]["unchanged"] == count(Item)
        assert (count(ItemVersion), count(RubricVersion), count(Assessment)) == before


def test_changing_one_item_creates_exactly_one_version_and_keeps_past_attempts(
        app, banks_copy, make_user):
    user_id = make_user()
    bank_file = banks_copy / "starter.yaml"
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        item = db.session.scalar(select(Item).where(Item.slug == "starter-choice-01"))
        old_version = item.latest
        old_prompt = old_version.content["prompt"]
        assessment = db.session.scalar(select(Assessment).where(Assessment.slug == "practice"))
        attempt = Attempt(user_id=user_id, assessment_id=assessment.id,
                          assessment_version_id=assessment.latest.id, number=1, seed=1,
                          started_at=FIXED_NOW)
        db.session.add(attempt)
        db.session.flush()
        db.session.add(Response(attempt_id=attempt.id, item_version_id=old_version.id, position=0,
                                section_slug="s", presentation={}))
        db.session.commit()
        versions_before = count(ItemVersion)

        text = bank_file.read_text()
        assert text.count(old_prompt.splitlines()[0]) >= 1
        bank_file.write_text(text.replace(old_prompt.splitlines()[0],
                                          old_prompt.splitlines()[0] + " (edited)", 1))
        report = import_paths([banks_copy], now=FIXED_NOW)
        assert report.banks["starter"]["updated"] == 1
        assert count(ItemVersion) == versions_before + 1
        db.session.expire_all()
        item = db.session.get(Item, item.id)
        assert [v.version for v in item.versions] == [1, 2]
        assert "(edited)" in item.latest.content["prompt"]
        assert len(imported_candidates()) == count(Item)  # one candidate per item, newest version
        response = db.session.scalars(select(Response)).one()
        assert response.item_version_id == old_version.id
        assert db.session.get(ItemVersion, old_version.id).content["prompt"] == old_prompt


def test_an_item_removed_from_the_file_is_retired_not_deleted(app, banks_copy, tmp_path):
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        import yaml
        data = yaml.safe_load((banks_copy / "starter.yaml").read_text())
        removed = data["items"].pop()
        (banks_copy / "starter.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        shutil.rmtree(banks_copy / "assessments")
        report = import_paths([banks_copy / "starter.yaml"], now=FIXED_NOW)
        assert report.banks["starter"]["retired"] == 1
        item = db.session.scalar(select(Item).where(Item.slug == removed["id"]))
        assert item.retired and item.versions


def test_nothing_is_imported_when_any_file_is_broken(app, banks_copy):
    (banks_copy / "broken.yaml").write_text("bank: broken\ntitle: B\ndomain: x\nitems: [{id: a}]\n")
    with app.app_context():
        with pytest.raises(BankFilesInvalid) as caught:
            import_paths([banks_copy], now=FIXED_NOW)
        assert any(e.item == "a" and e.field == "type" for e in caught.value.errors)
        assert count(Item) == 0 and count(AnswerEvent) == 0


def test_guessing_reports_query_count_does_not_grow_with_assessments(app, imported):
    """The admin page's reports: banks, items, rubrics and assessments are each loaded with
    their versions in one query, never one query per assessment."""
    from sqlalchemy import event

    from assess.services.banks import guessing_reports

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            reports = guessing_reports(samples=50)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert {r.slug for r in reports} == {"general-screening", "practice"}
    # Bank, Item, ItemVersion, Rubric, RubricVersion, Assessment, AssessmentVersion
    assert len(statements) <= 7, statements


def _snapshot():
    from assess.models import Bank
    return ([db.session.execute(select(func.count(m.id), func.max(m.id))).one()
             for m in (Item, ItemVersion, RubricVersion, Assessment)],
            db.session.execute(select(Bank.slug, Bank.content_hash, Bank.imported_at,
                                      Bank.source_path).order_by(Bank.slug)).all(),
            db.session.scalars(select(Item.id).where(Item.retired.is_(True))).all())


def test_an_unchanged_bank_file_is_skipped_and_changes_nothing(app, banks_copy, monkeypatch):
    from datetime import timedelta

    from assess.items.base import ItemType
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        before = _snapshot()
        validated = []
        original = ItemType.validate
        monkeypatch.setattr(ItemType, "validate",
                            lambda self, entry: validated.append(entry["id"]) or
                            original(self, entry))
        report = import_paths([banks_copy], now=FIXED_NOW + timedelta(days=1))
        assert not report.changed and validated == []  # skipped by its content hash
        assert report.banks["starter"] == {"created": 0, "updated": 0, "retired": 0,
                                           "rubrics_changed": 0,
                                           "unchanged": before[0][0][0]}
        db.session.expire_all()
        assert _snapshot() == before


def test_a_changed_or_broken_file_is_not_skipped(app, banks_copy):
    bank_file = banks_copy / "starter.yaml"
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        text = bank_file.read_text()
        bank_file.write_text(text + "\nextra: not a bank field\n")
        with pytest.raises(BankFilesInvalid) as caught:
            import_paths([banks_copy], now=FIXED_NOW)
        first = caught.value.errors[0]  # then the blueprints drawing from the broken bank
        assert (first.file, first.field, first.line) == (str(bank_file), "extra", 1)
        bank_file.write_text(text.replace("Give me exactly three bullet points",
                                          "Give me exactly 3 bullet points", 1))
        report = import_paths([banks_copy], now=FIXED_NOW)
        assert report.banks["starter"]["updated"] == 1 and report.changed


def test_new_changed_and_removed_items_in_one_import(app, banks_copy):
    """New items go in by bulk insert, beside a changed one and a retired one; the bank read
    again in the same session (as the validity reports do) has them all."""
    import yaml

    from assess.models import Bank
    from assess.rendering import markdown_to_html
    bank_file = banks_copy / "starter.yaml"
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        data = yaml.safe_load(bank_file.read_text())
        removed = data["items"].pop()
        data["items"][0]["explanation"] += " Changed."
        added = [{**data["items"][1], "id": f"starter-added-{i}"} for i in range(3)]
        bank_file.write_text(yaml.safe_dump({**data, "items": data["items"] + added},
                                            sort_keys=False))
        before = count(Item)
        report = import_paths([bank_file], now=FIXED_NOW)  # blueprints may need the removed one
        assert {k: report.banks["starter"][k] for k in ("created", "updated", "retired")} == \
            {"created": 3, "updated": 1, "retired": 1}
        assert count(Item) == before + 3
        bank = db.session.scalar(select(Bank).where(Bank.slug == "starter"))
        slugs = {item.slug for item in bank.items if not item.retired}
        assert {a["id"] for a in added} <= slugs and removed["id"] not in slugs
        for entry in added:
            item = db.session.scalar(select(Item).where(Item.slug == entry["id"]))
            version = item.latest
            assert (item.type, item.retired, version.version) == (entry["type"], False, 1)
            assert version.content == entry and version.created_at == FIXED_NOW
            assert version.rendered_gold["explanation"] == markdown_to_html(entry["explanation"])


def test_a_large_import_renders_as_one_text_at_a_time(app, banks_copy, monkeypatch):
    from assess import items as types
    from assess import rendering
    monkeypatch.setattr(rendering, "PARALLEL_MIN_TEXTS", 10)  # shared with a helper if it can
    with app.app_context():
        import_paths([banks_copy], now=FIXED_NOW)
        for version in db.session.scalars(select(ItemVersion)):
            kind = types.get(version.content["type"])
            assert version.rendered == rendering.render_fields(kind.markdown_fields(
                version.content))
            assert version.rendered_gold == rendering.render_fields(
                kind.gold_markdown_fields(version.content))
