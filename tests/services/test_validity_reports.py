"""The admin's random-guess odds are computed at import (or on the first view) and kept per
assessment version: later views read them, and a change of their inputs recomputes them."""
from __future__ import annotations

import pytest
from helpers import BANKS, FIXED_NOW
from sqlalchemy import select

from assess.settings import reconfigure

SAMPLES = 2000


@pytest.fixture
def computed(app, monkeypatch):
    """Counts the odds computations (one per tiered or failing assessment version)."""
    from assess.services import banks
    calls = []
    real = banks.validity_report

    def counting(definition, *args, **kwargs):
        calls.append(definition)
        return real(definition, *args, **kwargs)

    monkeypatch.setattr(banks, "validity_report", counting)
    reconfigure(app, GUESS_SAMPLES=SAMPLES)
    return calls


def _fresh(app):
    from assess.services import banks
    with app.app_context():
        return banks.guessing_reports(samples=SAMPLES)


def _cached(app):
    from assess.services import validity_reports
    with app.app_context():
        return validity_reports.guessing_reports(FIXED_NOW)


def test_import_computes_and_views_read(app, computed):
    from assess.extensions import db
    from assess.models import AssessmentVersion, ValidityReport
    from assess.services.banks import import_paths
    reconfigure(app, VALIDITY_AT_IMPORT=True)
    with app.app_context():
        import_paths([BANKS], now=FIXED_NOW)
        stored = {row.assessment_version_id for row in db.session.scalars(
            select(ValidityReport))}
        assert stored == set(db.session.scalars(select(AssessmentVersion.id)))
    at_import = len(computed)
    assert at_import == 2
    first, second = _cached(app), _cached(app)
    assert len(computed) == at_import  # neither view computed anything
    assert first == second == _fresh(app)
    assert any(report.odds for report in first)


def test_a_version_without_a_report_is_computed_once(app, imported, computed):
    from assess.extensions import db
    from assess.models import ValidityReport
    with app.app_context():
        assert db.session.scalars(select(ValidityReport)).all() == []  # as before this table
    first = _cached(app)
    assert len(computed) == 2
    second = _cached(app)
    assert len(computed) == 2  # the second view read the table
    assert first == second == _fresh(app)


def test_changed_inputs_are_recomputed(app, imported, computed):
    from assess.extensions import db
    from assess.models import Item
    _cached(app)
    reconfigure(app, GUESS_SAMPLES=SAMPLES + 1)
    _cached(app)
    assert len(computed) == 4  # other samples: other odds
    reconfigure(app, GUESS_SAMPLES=SAMPLES)
    with app.app_context():
        item = db.session.scalars(select(Item).order_by(Item.id)).first()
        item.retired = True
        db.session.commit()
    after_retiring = _cached(app)
    assert len(computed) == 6
    assert _cached(app) == after_retiring and len(computed) == 6
    assert after_retiring == _fresh(app)


def test_reimporting_unchanged_banks_keeps_the_reports(app, computed):
    from assess.services.banks import import_paths
    reconfigure(app, VALIDITY_AT_IMPORT=True)
    with app.app_context():
        import_paths([BANKS], now=FIXED_NOW)
        import_paths([BANKS], now=FIXED_NOW)
    assert len(computed) == 2
