"""Assessments whose every tier requires a certificate the applicant lacks are locked: the
catalogue shows them after what can be taken, naming the certificate and linking to where it
is earned, and their rules page offers no start button."""
from __future__ import annotations

import re
import shutil
import uuid
from datetime import timedelta

import pytest
import yaml
from helpers import BANKS, FIXED_NOW

SCREENING_TITLE = "General AI answer review screening"


def blueprint(slug: str, title: str, domain: str) -> dict:
    return {
        "assessment": slug, "title": title, "domain": domain, "mode": "timed",
        "time_limit_minutes": 20, "attempts_allowed": 2, "cooldown_hours": 72,
        "description": "A deeper review for people who already hold the Generalist tier.",
        "instructions": "Answer every question.",
        "sections": [{"id": "judgment", "title": "Judgment", "draw": 2,
                      "from": {"banks": ["starter"], "types": ["pairwise"]}}],
        "tiers": [
            {"id": "specialist", "name": "Specialist", "min_overall": 0.7,
             "requires": ["general-screening:generalist"], "valid_days": 365},
            {"id": "expert", "name": "Expert", "min_overall": 0.85,
             "requires": ["general-screening:generalist"], "valid_days": 365}],
    }


@pytest.fixture
def with_experts(app, tmp_path):
    """The test banks plus two assessments that need the screening's Generalist certificate:
    one in the screening's own domain (its slug sorts first) and one in a domain of its own
    (whose name sorts before "general")."""
    from assess.services.banks import import_paths
    folder = tmp_path / "banks"
    shutil.copytree(BANKS, folder)
    for slug, title, domain in (("advanced-review", "Advanced review", "general"),
                                ("coding-review", "Coding review", "coding")):
        (folder / "assessments" / f"{slug}.yaml").write_text(
            yaml.safe_dump(blueprint(slug, title, domain), sort_keys=False))
    with app.app_context():
        import_paths([folder], now=FIXED_NOW)


def grant(app, user_id: int, tier: str = "generalist", *, valid_days: int = 365,
          revoked: bool = False) -> None:
    """A certificate of the screening for ``user_id`` (on a submitted attempt of theirs)."""
    from assess.extensions import db
    from assess.models import Assessment, Certificate
    from assess.services.attempts import start_attempt, submit
    with app.app_context():
        attempt = start_attempt(user_id, "general-screening", FIXED_NOW)
        submit(attempt.id, user_id, FIXED_NOW)
        screening = db.session.query(Assessment).filter_by(slug="general-screening").one()
        db.session.add(Certificate(
            public_id=str(uuid.uuid4()), user_id=user_id, attempt_id=attempt.id,
            assessment_id=screening.id, tier_slug=tier, valid_from=FIXED_NOW,
            valid_until=FIXED_NOW + timedelta(days=valid_days), credential={}, jwt="",
            key_id="test", revoked_at=FIXED_NOW if revoked else None, created_at=FIXED_NOW))
        db.session.commit()


def card(page: str, slug: str) -> str:
    match = re.search(rf'<li class="card[^"]*" id="assessment-{slug}">(.*?)</li>\s*'
                      r'(?=<li class="card|</ul>)', page, re.S)
    assert match, slug
    return match.group(0)


def test_a_newcomer_sees_what_they_can_take_first_and_why_the_rest_is_locked(
        login, with_experts):
    page = login("new@example.org").get("/").text
    # Domains with something to take come first; within a domain, takeable ones first.
    assert page.index('id="domain-general"') < page.index('id="domain-coding"')
    general = page[page.index('id="domain-general"'):page.index('id="domain-coding"')]
    assert (general.index("assessment-general-screening") < general.index("assessment-practice")
            < general.index("assessment-advanced-review"))
    for slug, title in (("advanced-review", "Advanced review"), ("coding-review", "Coding review")):
        locked = card(page, slug)
        assert "card-locked" in locked and ">Locked<" in locked
        assert (f"{title} is open only to holders of a valid Generalist certificate of "
                f"{SCREENING_TITLE}.") in locked
        assert f"take {SCREENING_TITLE} first and reach Generalist or higher" in locked
        assert 'href="/assessments/general-screening">Generalist certificate of' in locked
        assert "Rules and start" not in locked
    screening = card(page, "general-screening")
    assert "Locked" not in screening and "Rules and start" in screening


def test_the_rules_page_of_a_locked_assessment_says_why_and_offers_no_start(
        login, with_experts):
    page = login("new@example.org").get("/assessments/coding-review").text
    assert "Not open to you yet" in page
    assert "Coding review is open only to holders of a valid Generalist certificate" in page
    assert 'href="/assessments/general-screening"' in page
    assert "Start the clock" not in page and 'action="/assessments/coding-review/start"' not in page
    open_page = login("other@example.org").get("/assessments/general-screening").text
    assert "Start the clock" in open_page and "Locked:" not in open_page


def test_a_valid_certificate_unlocks_and_an_expired_or_revoked_one_says_so(
        app, login, make_user, with_experts):
    from assess.extensions import db
    from assess.models import Assessment
    from assess.services.catalogue import prerequisite_refusal

    def refusal(user_id):
        with app.app_context():
            version = db.session.query(Assessment).filter_by(slug="coding-review").one().latest
            return prerequisite_refusal(user_id, version, FIXED_NOW)

    client = login("holder@example.org")
    with app.app_context():
        from assess.services import accounts
        holder = accounts.find_by_email("holder@example.org").id
    lapsed, revoked, higher = (make_user(f"{n}@example.org") for n in
                               ("lapsed", "revoked", "higher"))
    grant(app, holder)
    grant(app, lapsed, valid_days=-1)
    grant(app, revoked, revoked=True)
    grant(app, higher, "expert")
    assert refusal(holder) is None and refusal(higher) is None
    assert "Your Generalist certificate of General AI answer review screening has expired: " \
           "take General AI answer review screening again to renew it." in refusal(lapsed)
    assert "was revoked" in refusal(revoked)
    assert refusal(make_user("nobody@example.org")).startswith(
        "Coding review is open only to holders of a valid Generalist certificate of "
        "General AI answer review screening. You do not hold one yet")
    page = client.get("/").text
    assert "Locked" not in card(page, "coding-review")
    assert "Rules and start" in card(page, "coding-review")
    assert "Start the clock" in client.get("/assessments/coding-review").text


def test_starting_a_locked_assessment_is_refused_and_costs_no_attempt(app, login,
                                                                      with_experts):
    from sqlalchemy import func, select

    from assess.extensions import db
    from assess.models import Attempt
    client = login("new@example.org")
    reply = client.post("/assessments/coding-review/start")
    assert reply.status_code == 302 and reply.location.endswith("/assessments/coding-review")
    page = client.get(reply.location).text
    assert "open only to holders of a valid Generalist certificate" in page
    assert SCREENING_TITLE in page
    as_json = client.post("/assessments/coding-review/start", json={})
    assert as_json.status_code == 409
    assert as_json.json["error"]["code"] == "prerequisite_missing"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_a_certificate_holder_starts_it(app, login, make_user, with_experts):
    client = login("holder@example.org")
    from assess.services.accounts import find_by_email
    with app.app_context():
        user_id = find_by_email("holder@example.org").id
    grant(app, user_id)
    reply = client.post("/assessments/coding-review/start")
    assert reply.status_code == 302 and "/attempts/" in reply.location
