"""The item analysis service: a fixed number of queries whatever the number of attempts, a
report cached until the attempts in scope change, practice attempts analysed too."""
from __future__ import annotations

import pytest
from grading_support import SCREENING, finished_attempts, grade_all
from helpers import FIXED_NOW
from sqlalchemy import event


def count_queries(app, call):
    from assess.extensions import db
    seen = []

    def note(*_args):
        seen.append(1)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            result = call()
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    return len(seen), result


def graded(app, make_user, count, prefix):
    finished_attempts(app, make_user, count, prefix=prefix)
    for n in (1, 2):  # tasks that could decide a tier are marked twice
        grade_all(app, make_user(f"{prefix}-grader{n}@example.org", "grader"))


def test_the_queries_do_not_grow_with_the_attempts(app, make_user, imported, quiet):
    from assess.services.analysis import item_statistics
    graded(app, make_user, 2, "few")
    few, report = count_queries(app, lambda: item_statistics(SCREENING, use_cache=False))
    assert report.attempts == 2
    graded(app, make_user, 4, "more")
    more, report = count_queries(app, lambda: item_statistics(SCREENING, use_cache=False))
    assert report.attempts == 6 and report.parts
    assert few == more <= 9


def test_the_report_is_cached_until_another_attempt_is_scored(app, make_user, imported):
    from assess.services.analysis import item_statistics
    from assess.services.attempts import start_attempt, submit
    with app.app_context():
        first = item_statistics("practice")
        assert first.attempts == 0 and first.test.mean is None and first.items == []
        assert item_statistics("practice") is first
    user = make_user("practising@example.org")
    with app.app_context():
        attempt = start_attempt(user, "practice", FIXED_NOW, seed=3)
        submit(attempt.id, user, FIXED_NOW)
        again = item_statistics("practice")
        assert again is not first and again.attempts == 1
        # Practice is never graded by people: only keyed parts, every one unanswered.
        assert {p.kind for p in again.parts} == {"auto"}
        assert all(p.facility == 0.0 for p in again.parts)
        assert item_statistics("practice") is again
        assert item_statistics("practice", use_cache=False) is not again


def test_an_unknown_assessment_or_version_is_refused(app, imported):
    from assess.services import ServiceError
    from assess.services.analysis import item_statistics
    from assess.web.errors import status_of
    with app.app_context():
        with pytest.raises(ServiceError) as refused:
            item_statistics("nope")
        assert refused.value.code == "not_found"
        assert status_of(refused.value) == 404
        with pytest.raises(ServiceError):
            item_statistics(SCREENING, version=99)
        assert item_statistics(SCREENING, version=1).versions == (1,)


def test_attempts_awaiting_grading_are_left_out(app, make_user, imported, quiet):
    from assess.services.analysis import item_statistics
    finished_attempts(app, make_user, 2)  # written parts not graded yet
    with app.app_context():
        report = item_statistics(SCREENING)
        assert report.attempts == 0 and report.items == []


def test_a_regrade_that_changes_no_score_still_refreshes_the_report(app, make_user, imported,
                                                                     quiet, tmp_path):
    """Moving answers to a new item version changes no score (no score event), but the report
    must follow: its stamp sums the responses' item versions."""
    import shutil

    import yaml
    from helpers import BANKS

    from assess.services import regrade
    from assess.services.analysis import item_statistics
    from assess.services.banks import import_paths
    graded(app, make_user, 1, "once")
    with app.app_context():
        before = item_statistics(SCREENING)
        choice = next(i for i in before.items if i.type == "choice")
        folder = tmp_path / "banks"
        shutil.copytree(BANKS, folder)
        bank = yaml.safe_load((folder / "starter.yaml").read_text())
        for entry in bank["items"]:
            if entry["id"] == choice.item:
                entry["explanation"] += " Reworded."
        (folder / "starter.yaml").write_text(yaml.safe_dump(bank, sort_keys=False))
        import_paths([folder], now=FIXED_NOW)
        done = regrade.apply(f"starter/{choice.item}", None, FIXED_NOW)
        assert done.checked == 1 and not done.changes  # same key: no score changes
        after = item_statistics(SCREENING)
        assert after is not before
        labels = {i.label for i in after.items}
        assert f"starter/{choice.item} v2" in labels and choice.label not in labels


def test_tables_are_computed_on_request_with_the_same_figures(app, make_user, imported, quiet):
    """The test and items always; parts, skills and rubric dimensions when asked for (every
    one by default for a small analysis). Leaving some out changes no figure."""
    from assess.services.analysis import OPTIONAL, item_statistics
    graded(app, make_user, 3, "tables")
    with app.app_context():
        full = item_statistics(SCREENING, use_cache=False)  # small: every table
        assert full.tables == OPTIONAL and full.parts and full.skills and full.dimensions
        lean = item_statistics(SCREENING, use_cache=False, tables=())
        assert (lean.parts, lean.skills, lean.dimensions) == (None, None, None)
        assert lean.items == full.items and lean.test == full.test
        some = item_statistics(SCREENING, use_cache=False, tables={"skills"})
        assert some.skills == full.skills and some.parts is None and some.dimensions is None
        with pytest.raises(ValueError):
            item_statistics(SCREENING, tables={"nonsense"})


def test_a_cached_report_grows_the_tables_asked_for(app, make_user, imported, quiet,
                                                     monkeypatch):
    """A large analysis (here: any) computes the page's tables first; asking for more
    computes them, keeping the others, and the bigger report serves both requests."""
    from assess.services import analysis
    graded(app, make_user, 2, "grow")
    monkeypatch.setattr(analysis, "INLINE", 0)
    with app.app_context():
        page = analysis.item_statistics(SCREENING)
        assert not page.small and page.tables == analysis.MAIN
        assert analysis.item_statistics(SCREENING) is page
        every = analysis.item_statistics(SCREENING, tables=analysis.OPTIONAL)
        assert every is not page and every.tables == analysis.OPTIONAL
        assert analysis.item_statistics(SCREENING) is every
        assert analysis.item_statistics(SCREENING, tables={"dimensions"}) is every


def test_distractor_tables_are_read_once_per_report(app, make_user, imported, quiet):
    from assess.services.analysis import distractor_analysis, item_statistics
    graded(app, make_user, 2, "picks")
    with app.app_context():
        report = item_statistics(SCREENING, use_cache=False, tables=())
        reads, found = count_queries(app, lambda: distractor_analysis(report))
        assert reads == 1 and found.rows and found.confusions
        again, same = count_queries(app, lambda: distractor_analysis(report))
        assert again == 0 and same is found
