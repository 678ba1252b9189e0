"""The shipped question banks and blueprints, as a platform gets them on day one: they import,
every assessment can be taken, and answering every item with its gold key scores full marks
on the automatic part (so no key contradicts its own item)."""
from __future__ import annotations

import pytest
from exam_support import gold_answer
from helpers import FIXED_NOW, SHIPPED_BANKS


@pytest.fixture
def shipped(app):
    from assess.services.banks import import_paths
    with app.app_context():
        return import_paths([SHIPPED_BANKS], now=FIXED_NOW)


def test_every_shipped_assessment_can_be_taken_with_full_marks(app, make_user, shipped):
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment
    from assess.services.attempts import save_answer, start_attempt, submit
    with app.app_context():
        slugs = db.session.scalars(select(Assessment.slug).order_by(Assessment.slug)).all()
    assert {"general-screening", "practice"} <= set(slugs)
    for number, slug in enumerate(slugs):
        for seed in (1, 2, 3):  # several draws per blueprint, each by a fresh applicant
            user_id = make_user(f"taker{number}-{seed}@example.org")
            with app.app_context():
                if slug.endswith("-expert"):  # open to holders of the Generalist tier
                    holds_certificate(user_id, "general-screening", "generalist")
                attempt = start_attempt(user_id, slug, FIXED_NOW, seed=seed)
                for response in attempt.responses:
                    save_answer(attempt.id, user_id, response.position,
                                gold_answer(response.item_version.content), 1, FIXED_NOW)
                attempt = submit(attempt.id, user_id, FIXED_NOW)
                assert attempt.auto_max_points > 0, slug
                assert attempt.auto_points == attempt.auto_max_points, (slug, seed)


def holds_certificate(user_id: int, slug: str, tier: str) -> None:
    """A certificate on record for ``user_id`` (its attempt and signature do not matter here:
    prerequisites look at the record)."""
    import uuid

    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment, Attempt, Certificate
    assessment = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
    attempt = Attempt(user_id=user_id, assessment_id=assessment.id,
                      assessment_version_id=assessment.latest.id, number=1, status="scored",
                      seed=0, started_at=FIXED_NOW, submitted_at=FIXED_NOW, tier_slug=tier)
    db.session.add(attempt)
    db.session.flush()
    db.session.add(Certificate(public_id=str(uuid.uuid4()), user_id=user_id,
                               attempt_id=attempt.id, assessment_id=assessment.id,
                               tier_slug=tier, valid_from=FIXED_NOW, valid_until=None,
                               credential={}, jwt="", key_id="test", created_at=FIXED_NOW))
    db.session.commit()


def test_every_domain_has_an_expert_assessment_behind_the_general_tier(app, shipped):
    from sqlalchemy import select

    from assess.extensions import db
    from assess.models import Assessment
    with app.app_context():
        versions = [a.latest for a in db.session.scalars(select(Assessment))]
        experts = [v for v in versions if v.assessment.slug.endswith("-expert")]
        assert len({v.domain for v in experts}) == 7
        for version in experts:
            assert all("general-screening:generalist" in t.requires for t in version.tiers)
        screening = next(v for v in versions if v.assessment.slug == "general-screening")
        assert [t.name for t in screening.tiers] == ["Generalist", "Specialist", "Expert"]
        assert 40 <= screening.time_limit_minutes <= 50
