"""Review options (core/review.py): when a finished attempt shows keys, explanations and
per-item scores."""
from assess.core import review
from assess.core.review import ReviewOptions, of_definition, visibility


def test_defaults_by_mode():
    assert review.defaults("practice") == ReviewOptions("immediately", "immediately", True)
    assert review.defaults("timed") == ReviewOptions("never", "never", True)
    # A version imported before review options existed gets its mode's defaults.
    assert of_definition({"mode": "timed"}, "timed").keys == "never"
    assert of_definition({}, "practice").keys == "immediately"
    stored = {"review": {"keys": "after_close", "explanations": "never",
                         "per_item_scores": False}}
    assert of_definition(stored, "timed") == ReviewOptions("after_close", "never", False)


def test_an_explanation_is_never_shown_before_its_key():
    # Even a hand-edited definition cannot show explanations earlier than keys.
    stored = {"review": {"keys": "never", "explanations": "immediately"}}
    assert of_definition(stored, "timed").explanations == "never"


def test_when_each_value_shows():
    options = ReviewOptions("immediately", "immediately", True)
    assert not visibility(options, final=False, closed=False).keys
    shown = visibility(options, final=True, closed=False)
    assert shown.keys and shown.explanations and shown.note == ""

    options = ReviewOptions("after_close", "after_close", True)
    waiting = visibility(options, final=True, closed=False)
    assert not waiting.keys and "used all your attempts" in waiting.note
    assert visibility(options, final=True, closed=True).keys
    assert not visibility(options, final=False, closed=True).keys

    never = visibility(ReviewOptions("never", "never", False), final=True, closed=True)
    assert not never.keys and not never.explanations and not never.per_item_scores
    assert "not shown for this assessment" in never.note


def test_keys_without_explanations():
    shown = visibility(ReviewOptions("immediately", "never", True), final=True, closed=False)
    assert shown.keys and not shown.explanations
    assert shown.note.startswith("The explanations are not shown")


def test_the_shipped_blueprints_set_their_review_options():
    """Practice shows keys at once; the screening and the experts sharing its banks never;
    experts whose banks nothing else draws from once every attempt is used."""
    from helpers import SHIPPED_BANKS

    from assess.banks.loader import load
    loaded = load([SHIPPED_BANKS])
    assert loaded.errors == []
    options = {a.slug: a.definition.get("review") for a in loaded.assessments}
    assert all(options.values()), "every shipped blueprint sets review explicitly"
    assert options.pop("practice")["keys"] == "immediately"
    for slug in ("general-screening", "safety-expert", "writing-expert"):
        assert options.pop(slug) == {"keys": "never", "explanations": "never",
                                     "per_item_scores": True}
    assert {o["keys"] for o in options.values()} == {"after_close"}
    # after_close is safe only where no other blueprint draws from the same banks.
    banks_of = {a.slug: {b for s in a.definition["sections"] for b in s["from"]["banks"]}
                for a in loaded.assessments}
    for slug in options:
        others = set().union(*(banks for other, banks in banks_of.items() if other != slug))
        assert not banks_of[slug] & others, slug
