"""Fact-check corrections: required where a claim is labelled false, scored only where the
claim really is false (gold "false"). Labelling every claim false and correcting them all
must score strictly less than knowing the key."""
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from assess.items import HumanPart, get
from assess.items.base import ScoredPart
from assess.rendering import render_fields

RUBRIC_MAX = 3.0  # the correction rubric's maximum in this sketch of scoring
ENTRY = {
    "id": "fact-corr-001",
    "type": "factcheck",
    "explanation": "Water boils at 100 °C at sea level; salt raises the boiling point; "
                   "the Moon is not made of cheese; 'tastiest' cannot be checked.",
    "prompt": "Tell me about boiling water.",
    "response": "Water boils at 100 °C at sea level. Salt lowers the boiling point. "
                "The Moon is made of cheese. Pasta is the tastiest food.",
    "claims": [{"id": "sea", "text": "Water boils at 100 °C at sea level"},
               {"id": "salt", "text": "Salt lowers the boiling point"},
               {"id": "moon", "text": "The Moon is made of cheese"},
               {"id": "pasta", "text": "Pasta is the tastiest food"}],
    "gold": {"sea": "supported", "salt": "false", "moon": "false", "pasta": "unsupported"},
    "correction_rubric": "correction",
    "gold_corrections": {"salt": "Salt slightly raises the boiling point.",
                         "moon": "The Moon is made of rock."},
}
KEY = dict(ENTRY["gold"])
EVERY_CLAIM = {c["id"]: f"The correct statement about {c['id']}." for c in ENTRY["claims"]}


def parts(kind, entry, labels, corrections=None):
    answer = kind.parse_answer(entry, {"labels": labels, "corrections": corrections or {}})
    return answer, kind.human_parts(entry, answer)


def total_score(kind, entry, raw) -> tuple[float, float]:
    """Points and maximum as services.scoring.item_scores adds them up, with every grading
    task given the rubric's full marks: the auto part, then one slot per ``scored_parts``
    entry that scores its task, or 0 of the rubric's maximum when no task was made."""
    answer = kind.parse_answer(entry, raw)
    result = kind.grade(entry, answer)
    tasks = {p.part for p in kind.human_parts(entry, answer)}
    slots = [s.part for s in kind.scored_parts(entry)]
    assert tasks <= set(slots), "a grading task that no score slot counts"
    written = sum(RUBRIC_MAX for slot in slots if slot in tasks)
    return result.points + written, result.max_points + RUBRIC_MAX * len(slots)


def test_a_correction_is_a_task_only_for_a_gold_false_claim_labelled_false(kind, entry):
    labels = {"sea": "false", "salt": "false", "moon": "false", "pasta": "false"}
    corrections = {"sea": "Water boils at 90 °C.", "salt": "Salt raises it slightly.",
                   "pasta": "Pizza is tastier."}  # none for moon
    _, found = parts(kind, entry, labels, corrections)
    assert found == [HumanPart("correction:salt", "correction", "Salt raises it slightly.",
                               "correction", context={"claim": "Salt lowers the boiling point"})]


@pytest.mark.parametrize("labels, corrections", [
    ({"salt": "supported"}, {"salt": "Salt raises it slightly."}),  # gold false, not labelled so
    ({"sea": "false"}, {"sea": "Water boils at 90 °C."}),  # labelled false, true in the key
    ({"pasta": "false"}, {"pasta": "Pizza is tastier."}),  # labelled false, unsupported
    ({"salt": "false"}, {}),  # required but missing
    ({"salt": "false"}, {"salt": "   "}),  # blank is missing
])
def test_no_task_otherwise(kind, entry, labels, corrections):
    assert parts(kind, entry, labels, corrections)[1] == []


def test_one_scored_slot_per_gold_false_claim(kind, entry):
    assert kind.scored_parts(entry) == [ScoredPart("correction:salt", "correction", "correction"),
                                        ScoredPart("correction:moon", "correction", "correction")]
    entry["gold"] = {**KEY, "moon": "unsupported"}
    entry["gold_corrections"].pop("moon")
    assert [s.part for s in kind.scored_parts(entry)] == ["correction:salt"]


def test_a_claim_wrongly_labelled_false_loses_its_label_credit(kind, entry, grade):
    right = grade({"labels": KEY})
    for claim in ("sea", "pasta"):
        wrong = grade({"labels": {**KEY, claim: "false"},
                       "corrections": {claim: "A confident correction."}})
        assert wrong.detail["claims"][claim] == {"given": "false", "gold": KEY[claim],
                                                 "correct": False}
        assert wrong.points == pytest.approx(right.points * 3 / 4)
        assert wrong.points < right.points


def test_a_missing_correction_scores_zero_of_the_rubric_maximum(kind, entry):
    with_corrections = total_score(kind, entry, {"labels": KEY, "corrections": EVERY_CLAIM})
    without = total_score(kind, entry, {"labels": KEY})
    assert with_corrections == (1 + 2 * RUBRIC_MAX, 1 + 2 * RUBRIC_MAX)
    assert without == (1, 1 + 2 * RUBRIC_MAX)


def test_labelling_every_claim_false_scores_strictly_less_than_knowing_the_key(kind, entry):
    everything_false = {c["id"]: "false" for c in entry["claims"]}
    gamed, maximum = total_score(kind, entry, {"labels": everything_false,
                                               "corrections": EVERY_CLAIM})
    known, same_maximum = total_score(kind, entry, {"labels": KEY, "corrections": EVERY_CLAIM})
    assert maximum == same_maximum
    assert known == maximum
    # Two of four labels right (the false ones), both real corrections scored, nothing for
    # the two corrections of claims that are not false.
    assert gamed == pytest.approx(0.5 + 2 * RUBRIC_MAX)
    assert gamed < known


def test_a_claim_labelled_false_without_a_correction_is_not_complete(kind, entry):
    labels_only = kind.parse_answer(entry, {"labels": KEY})
    assert not kind.is_complete(entry, labels_only)
    assert kind.grade(entry, labels_only).points == 1  # auto-grading needs only the labels
    corrected = kind.parse_answer(entry, {"labels": KEY, "corrections": {
        "salt": "Salt raises it slightly.", "moon": "Rock."}})
    assert kind.is_complete(entry, corrected)
    no_false = kind.parse_answer(entry, {"labels": {c: "supported" for c in KEY}})
    assert kind.is_complete(entry, no_false)


# ---- the templates, rendered without an app on the factcheck sample ------------------------

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
ENV.filters["html"] = Markup


def render(view: str, answer: dict, **extra) -> str:
    kind = get("factcheck")
    sample = kind.sample
    context = {"view": kind.public_view(sample, {}),
               "rendered": render_fields(kind.markdown_fields(sample)), "answer": answer,
               "uid": "item-3", "disabled": False, **extra}
    return ENV.get_template(kind.templates[view]).render(context)


def text_of(html: str) -> str:
    return " ".join(Markup(html).striptags().split())


def test_the_correction_box_says_it_is_required_and_what_is_scored():
    html = render("take", {})
    text = text_of(html)
    assert "(optional)" not in text
    for n in (1, 2, 3):
        assert f"Claim {n} correction — required if you label this claim false" in text
        assert (f'<p class="hint" id="item-3-corrections-{n}-hint">Graders score a correction '
                "only when the claim really is false") in html
        assert (f'aria-describedby="item-3-claim-{n} item-3-corrections-{n}-hint '
                f'item-3-corrections-{n}-limits"') in html
    assert ("A claim wrongly labelled false loses its label credit, and its correction earns "
            "nothing.") in text


def review(answer: dict, *, revealed: bool = True) -> str:
    kind = get("factcheck")
    sample = kind.sample
    extra = {"gold": None, "rendered_gold": None, "grade": None, "points": None,
             "max_points": kind.max_points(sample), "practice": False}
    if revealed:
        result = kind.grade(sample, answer)
        extra.update(gold=kind.gold_view(sample), grade=result.detail, points=result.points,
                     rendered_gold=render_fields(kind.gold_markdown_fields(sample)))
    return text_of(render("review", answer, **extra))


def test_the_review_says_a_correction_of_a_claim_that_is_not_false_is_not_scored():
    answer = {"labels": {"nectar": "false", "babies": "false", "healthiest": "false"},
              "corrections": {"nectar": "Bees make it from dew.", "babies": "Not before one."}}
    text = review(answer)
    # nectar (supported) is corrected: not scored; babies (false) is; healthiest has none.
    assert text.count("not scored — this claim is not false") == 1
    assert text.index("Bees make it from dew.") < text.index("this claim is not false") \
        < text.index("Not before one.")
    assert "No correction written" not in text  # healthiest is not false: nothing to write
    hidden = review(answer, revealed=False)
    assert "not scored —" not in hidden  # the key is not shown yet: nothing hints at it


def test_the_review_says_a_missing_correction_of_a_false_claim_scores_zero():
    text = review({"labels": {"nectar": "supported", "babies": "false",
                              "healthiest": "unsupported"}})
    assert "No correction written: it scores 0." in text
