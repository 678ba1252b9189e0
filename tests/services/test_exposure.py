"""Item exposure: how many attempts showed each item and item version, in one grouped query."""
from __future__ import annotations

import shutil
from collections import Counter

import yaml
from helpers import BANKS, FIXED_NOW
from sqlalchemy import event, func, select

from assess.extensions import db
from assess.models import Bank, Item, ItemVersion, Response
from assess.services.attempts import start_attempt, visit
from assess.services.banks import import_paths
from assess.services.exposure import exposure_counts


def _by_item(banks):
    return {(i.bank, i.item): i for bank in banks for i in bank.items}


def _selects(run):
    """``run()`` and the SELECT statements it sent."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        result = run()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return result, [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_exposure_counts_every_draw_per_item_and_version_in_one_query(app, make_user, imported):
    users = [make_user(f"a{n}@example.org") for n in range(3)]
    with app.app_context():
        attempts = [start_attempt(users[0], "general-screening", FIXED_NOW, seed=1),
                    start_attempt(users[1], "general-screening", FIXED_NOW, seed=2),
                    start_attempt(users[2], "practice", FIXED_NOW, seed=3)]
        visit(attempts[0].id, users[0], FIXED_NOW, 1)  # opens its first item's page
        opened = db.session.scalar(select(Response.item_version_id).where(
            Response.attempt_id == attempts[0].id, Response.position == 1))
        drawn = Counter(db.session.scalars(select(Response.item_version_id)))
        practice = Counter(db.session.scalars(select(Response.item_version_id).where(
            Response.attempt_id == attempts[2].id)))

        banks, selects = _selects(exposure_counts)
        assert len(selects) == 1 and "GROUP BY" in selects[0].upper()

        ids = db.session.execute(
            select(Bank.slug, Item.slug, ItemVersion.version, ItemVersion.id)
            .join(Item, Item.bank_id == Bank.id)
            .join(ItemVersion, ItemVersion.item_id == Item.id)).all()
        items = _by_item(banks)
        assert len(items) == db.session.scalar(select(func.count()).select_from(Item))
        for bank, slug, version, version_id in ids:
            [row] = [v for v in items[(bank, slug)].versions if v.version == version]
            assert row.shown == drawn[version_id]
            assert row.practice == practice[version_id]
            assert row.opened == (1 if version_id == opened else 0)
        assert sum(i.shown for i in items.values()) == sum(drawn.values()) > 0
        assert sum(i.practice for i in items.values()) == sum(practice.values()) > 0
        assert any(i.shown == 0 for i in items.values())  # never drawn: listed with 0


def test_an_edited_item_keeps_the_exposure_of_the_version_shown(app, make_user, imported,
                                                               tmp_path):
    user = make_user()
    with app.app_context():
        attempt = start_attempt(user, "practice", FIXED_NOW, seed=3)
        version = attempt.responses[0].item_version
        slug = version.item.slug
    folder = tmp_path / "banks"
    shutil.copytree(BANKS, folder)
    path = folder / "starter.yaml"
    bank = yaml.safe_load(path.read_text())
    for entry in bank["items"]:
        if entry["id"] == slug:
            entry["explanation"] += " (Edited.)"
    path.write_text(yaml.safe_dump(bank, allow_unicode=True, sort_keys=False))
    with app.app_context():
        import_paths([folder], now=FIXED_NOW)
        item = _by_item(exposure_counts())[("starter", slug)]
        assert [(v.version, v.shown, v.practice) for v in item.versions] == [(1, 1, 1), (2, 0, 0)]
        assert item.shown == 1
