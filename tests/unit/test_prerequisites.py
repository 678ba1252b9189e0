"""Which certificate an assessment needs first: an assessment is locked when none of its tiers
can be reached, because each requires a certificate not held validly (as decide_tier reads
``requires``: every entry of a tier must be met; a higher tier of the same assessment counts)."""
from datetime import datetime, timedelta, timezone

from assess.core.eligibility import MissingCertificate, locked_by
from assess.core.scoring import Held, Scored, TierRule, decide_tier

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
LADDERS = {"screening": {"generalist": 1, "specialist": 2, "expert": 3},
           "coding": {"specialist": 1, "expert": 2}, "law": {"specialist": 1}}
GENERALIST = "screening:generalist"
SPECIALIST = TierRule("specialist", "Specialist", 1, requires=(GENERALIST,))
EXPERT = TierRule("expert", "Expert", 2, requires=(GENERALIST,))


def held(tier="generalist", assessment="screening", *, days=30, revoked=False):
    return Held(assessment, tier, NOW + timedelta(days=days), revoked)


def test_every_tier_requiring_a_certificate_not_held_locks_the_assessment():
    lock = locked_by([SPECIALIST, EXPERT], [], LADDERS, NOW)
    assert lock is not None and lock.tier == SPECIALIST
    assert lock.missing == (MissingCertificate("screening", "generalist", "missing"),)


def test_a_valid_certificate_of_that_tier_or_a_higher_one_unlocks_it():
    assert locked_by([SPECIALIST, EXPERT], [held()], LADDERS, NOW) is None
    assert locked_by([SPECIALIST, EXPERT], [held("expert")], LADDERS, NOW) is None
    assert locked_by([SPECIALIST], [held(assessment="law", tier="specialist")], LADDERS,
                     NOW) is not None


def test_expired_and_revoked_certificates_do_not_count_and_say_why():
    expired = locked_by([SPECIALIST], [held(days=-1)], LADDERS, NOW)
    revoked = locked_by([SPECIALIST], [held(revoked=True)], LADDERS, NOW)
    assert expired.missing[0].state == "expired" and revoked.missing[0].state == "revoked"
    assert locked_by([SPECIALIST], [held(days=-1), held()], LADDERS, NOW) is None


def test_one_reachable_tier_is_enough():
    open_tier = TierRule("generalist", "Generalist", 0)
    assert locked_by([open_tier, EXPERT], [], LADDERS, NOW) is None
    # No tiers at all (practice): nothing to unlock.
    assert locked_by([], [], LADDERS, NOW) is None


def test_all_requirements_of_a_tier_are_needed_and_the_nearest_tier_is_named():
    both = TierRule("specialist", "Specialist", 1, requires=(GENERALIST, "coding:specialist"))
    coding_only = TierRule("expert", "Expert", 2, requires=("coding:expert",))
    lock = locked_by([both, coding_only], [held()], LADDERS, NOW)
    assert lock.tier == both  # one certificate missing for each: the lower tier is named
    assert lock.missing == (MissingCertificate("coding", "specialist", "missing"),)
    assert locked_by([both], [held(), held("specialist", "coding")], LADDERS, NOW) is None
    unknown = locked_by([TierRule("t", "T", 1, requires=("gone:tier",))], [], LADDERS, NOW)
    assert unknown.missing == (MissingCertificate("gone", "tier", "unknown"),)


def test_locked_agrees_with_decide_tier_for_a_perfect_score():
    """Locked exactly when even a perfect attempt would reach no tier."""
    perfect = Scored(False, 10, 10, 1.0, {}, {})
    cases = [[], [held()], [held(days=-1)], [held(revoked=True)], [held("expert")],
             [held(assessment="coding", tier="expert")]]
    rule_sets = [[SPECIALIST, EXPERT], [TierRule("g", "G", 0), EXPERT],
                 [TierRule("s", "S", 1, requires=(GENERALIST, "coding:specialist"))]]
    for rules in rule_sets:
        for certificates in cases:
            tier = decide_tier(perfect, rules, certificates, LADDERS, NOW).tier
            assert (locked_by(rules, certificates, LADDERS, NOW) is None) == (tier is not None)
