"""The exam clock, eligibility and result tallies: pure functions, no app."""
from datetime import datetime, timedelta, timezone

import pytest

from assess.core import timing
from assess.core.eligibility import PastAttempt, standing
from assess.core.results import ItemOutcome, summarise

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def test_deadline_applies_multiplier_then_extra_minutes():
    assert timing.deadline(T0, 30) == T0 + timedelta(minutes=30)
    assert timing.deadline(T0, 30, extra_minutes=10, multiplier=1.5) == T0 + timedelta(minutes=55)
    assert timing.deadline(T0, None) is None  # untimed


@pytest.mark.parametrize("multiplier, extra", [(0.5, 0), (1, -10), (0, 0)])
def test_accommodations_never_shorten_the_limit(multiplier, extra):
    assert timing.deadline(T0, 30, extra_minutes=extra, multiplier=multiplier) == \
        T0 + timedelta(minutes=30)


def test_seconds_left_rounds_up_and_never_goes_negative():
    end = T0 + timedelta(minutes=1)
    assert timing.seconds_left(end, T0) == 60
    assert timing.seconds_left(end, T0 + timedelta(seconds=59, milliseconds=500)) == 1
    assert timing.seconds_left(end, T0 + timedelta(minutes=5)) == 0
    assert timing.seconds_left(None, T0) is None


def test_answers_are_accepted_until_the_grace_runs_out():
    end = T0 + timedelta(minutes=30)
    assert timing.accepts_answers(end, 30, end + timedelta(seconds=30))
    assert not timing.accepts_answers(end, 30, end + timedelta(seconds=31))
    assert not timing.accepts_answers(end, 0, end + timedelta(microseconds=1))
    assert timing.accepts_answers(None, 0, T0 + timedelta(days=365))


def _past(status, started_minutes, finished_minutes=None):
    finished = T0 + timedelta(minutes=finished_minutes) if finished_minutes is not None else None
    return PastAttempt(status, T0 + timedelta(minutes=started_minutes), finished)


def test_first_attempt_is_allowed():
    state = standing([], allowed=2, cooldown_hours=72, now=T0)
    assert state.can_start and state.left == 2 and state.next_at is None


def test_cooldown_runs_from_the_end_of_the_last_attempt():
    past = [_past("submitted", 0, 25)]
    state = standing(past, allowed=2, cooldown_hours=72, now=T0 + timedelta(hours=72))
    assert state.reason == "cooldown"
    assert state.next_at == T0 + timedelta(hours=72, minutes=25)
    later = standing(past, allowed=2, cooldown_hours=72,
                     now=T0 + timedelta(hours=72, minutes=25))
    assert later.can_start and later.left == 1


def test_limit_exhausted_and_void_attempts_do_not_count():
    past = [_past("submitted", 0, 30), _past("scored", 5000, 5030)]
    assert standing(past, allowed=2, cooldown_hours=0, now=T0 + timedelta(days=9)).reason == \
        "exhausted"
    past[1] = _past("void", 5000, 5030)
    state = standing(past, allowed=2, cooldown_hours=0, now=T0 + timedelta(days=9))
    assert state.can_start and state.used == 1


def test_an_open_attempt_can_always_be_resumed():
    past = [_past("submitted", 0, 30), _past("in_progress", 5000)]
    state = standing(past, allowed=2, cooldown_hours=72, now=T0 + timedelta(days=4))
    assert state.has_open and state.can_start


def test_unlimited_attempts():
    past = [_past("submitted", i * 100, i * 100 + 10) for i in range(20)]
    state = standing(past, allowed=0, cooldown_hours=0, now=T0 + timedelta(days=9))
    assert state.can_start and state.left is None


def test_summary_per_skill_overall_and_pending_human_parts():
    summary = summarise([
        ItemOutcome(1, ("judgment",), 1.0, 1.0, True, 1),
        ItemOutcome(2, ("judgment", "fact_checking"), 0.5, 2.0, True, 0),
        ItemOutcome(3, ("rewriting",), 0.0, 0.0, True, 1),  # human-graded only
        ItemOutcome(4, ("fact_checking",), 0.0, 1.0, False, 0),
    ])
    assert (summary.overall.points, summary.overall.max_points) == (1.5, 4.0)
    assert summary.items == 4 and summary.answered == 3 and summary.human_parts == 2
    assert list(summary.by_skill) == ["fact_checking", "judgment"]
    assert summary.by_skill["judgment"].share == pytest.approx(1.5 / 3)
    assert summary.by_skill["fact_checking"].share == pytest.approx(0.5 / 3)
    assert summarise([]).overall.share is None


def test_tasks_near_a_tier_boundary_are_double_marked():
    from assess.core.grading import could_cross_a_tier
    # 8 of 10 automatic points = 0.8 projected; a 2-point task in 14 weighs 0.143.
    assert could_cross_a_tier(8, 10, 4, 2, [0.75])
    assert could_cross_a_tier(8, 10, 4, 2, [0.6, 0.9])  # 0.9 is within reach
    assert not could_cross_a_tier(8, 10, 4, 2, [0.6])
    assert not could_cross_a_tier(8, 10, 4, 0, [0.8])
    assert not could_cross_a_tier(0, 0, 0, 0, [0.5])


def test_word_diff_marks_changed_words_and_keeps_the_rest():
    from assess.core.grading import word_diff
    runs = word_diff("The Pacific is the smallest ocean.", "The Pacific is the largest ocean.")
    assert ("del", "smallest ") in runs and ("ins", "largest ") in runs
    assert "".join(t for op, t in runs if op != "ins") == "The Pacific is the smallest ocean."
    assert "".join(t for op, t in runs if op != "del") == "The Pacific is the largest ocean."


def test_word_diff_of_an_unrelated_rewrite_replaces_the_whole_text():
    from assess.core.grading import word_diff
    assert word_diff("Your code is fine.", "Start the loop at zero instead of one.") == \
        [("del", "Your code is fine."), ("ins", "Start the loop at zero instead of one.")]
    assert word_diff("", "New text") == [("ins", "New text")]
