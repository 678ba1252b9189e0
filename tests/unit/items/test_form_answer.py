"""Plain HTML form posts -> raw answers (``ItemType.form_answer``), validated by parse_answer.

Forms are ``{field name: [values]}``, as Werkzeug's ``MultiDict.to_dict(flat=False)`` gives them.
Every type is exercised on its ``sample`` bank entry.
"""
import pytest

from assess.items import AnswerError, get

JUSTIFICATION = "The 100 °C response is right; the other gets the temperature wrong."
REWRITE = "I'm sorry your order was late. We have refunded the delivery fee."

# type: (form, the JSON answer it stands for), each a complete answer.
COMPLETE = {
    "pairwise": ({"choice": ["a"], "strength": ["3"], "justification": [JUSTIFICATION]},
                 {"choice": "a", "strength": 3, "justification": JUSTIFICATION}),
    "ranking": ({"order": ["exact", "rough", "wrong"]}, {"order": ["exact", "rough", "wrong"]}),
    "rubric": ({"scores.accuracy": ["3"], "scores.audience": ["1"]},
               {"scores": {"accuracy": 3, "audience": 1}}),
    "factcheck": ({"labels.nectar": ["supported"], "labels.babies": ["false"],
                   "labels.healthiest": ["unsupported"], "corrections.nectar": [""],
                   "corrections.babies": ["Not before the age of one."],
                   "corrections.healthiest": [""]},
                  {"labels": {"nectar": "supported", "babies": "false",
                              "healthiest": "unsupported"},
                   "corrections": {"babies": "Not before the age of one."}}),
    "rewrite": ({"text": [REWRITE]}, {"text": REWRITE}),
    "labels": ({"labels": ["instruction_miss", "tone"]}, {"labels": ["instruction_miss", "tone"]}),
    "choice": ({"selected": ["safety"]}, {"selected": ["safety"]}),
}

# type: (a partly filled form, the partial canonical answer it gives)
PARTIAL = [
    ("pairwise", {"choice": ["b"], "strength": [""], "justification": [""]}, {"choice": "b"}),
    ("pairwise", {"choice": [""], "strength": ["2"]}, {"strength": 2}),
    ("ranking", {"order": ["rough", "", ""]}, {"order": ["rough"]}),
    ("ranking", {"order": ["", "wrong", "exact"]}, {"order": ["wrong", "exact"]}),
    ("ranking", {"order": ["", "", ""]}, {}),
    ("rubric", {"scores.accuracy": ["2"], "scores.audience": [""]}, {"scores": {"accuracy": 2}}),
    ("factcheck", {"labels.babies": ["false"], "labels.nectar": [""],
                   "corrections.babies": ["Not for babies."]},
     {"labels": {"babies": "false"}, "corrections": {"babies": "Not for babies."}}),
    ("rewrite", {"text": ["Sorry."]}, {"text": "Sorry."}),
    ("labels", {"labels": []}, {}),
    ("choice", {"selected": [""]}, {}),
]

# type: (form, the AnswerError field parse_answer names)
BAD = [
    ("pairwise", {"choice": ["c"]}, "choice"),
    ("pairwise", {"choice": ["a"], "strength": ["4"]}, "strength"),
    ("pairwise", {"strength": ["very"]}, "strength"),
    ("pairwise", {"choice": ["a"], "justification": ["x" * 601]}, "justification"),
    ("ranking", {"order": ["rough", "rough", ""]}, "order"),
    ("ranking", {"order": ["best"]}, "order"),
    ("rubric", {"scores.accuracy": ["4"]}, "scores.accuracy"),
    ("rubric", {"scores.accuracy": ["high"]}, "scores.accuracy"),
    ("rubric", {"scores.speed": ["1"]}, "scores.speed"),
    ("factcheck", {"labels.nectar": ["maybe"]}, "labels.nectar"),
    ("factcheck", {"labels.moon": ["false"]}, "labels.moon"),
    ("factcheck", {"corrections.babies": ["x" * 2001]}, "corrections.babies"),
    ("rewrite", {"text": ["x" * 601]}, "text"),
    ("rewrite", {"text": [REWRITE], "justification": ["Because."]}, "justification"),
    ("labels", {"labels": ["rude"]}, "labels"),
    ("labels", {"labels": ["tone", "tone"]}, "labels"),
    ("choice", {"selected": ["safety", "units"]}, "selected"),
    ("choice", {"selected": ["maybe"]}, "selected"),
]


def parse(name, form):
    kind = get(name)
    return kind.parse_answer(kind.sample, kind.form_answer(kind.sample, form))


@pytest.mark.parametrize("name", sorted(COMPLETE))
def test_a_filled_form_gives_the_same_answer_as_json(name):
    kind = get(name)
    form, raw = COMPLETE[name]
    answer = parse(name, form)
    assert answer == kind.parse_answer(kind.sample, raw)
    assert kind.is_complete(kind.sample, answer)


@pytest.mark.parametrize("name", sorted(COMPLETE))
def test_other_fields_are_ignored(name):
    form, _ = COMPLETE[name]
    noisy = {**form, "csrf_token": ["t0ken"], "revision": ["4"], "action": ["save"]}
    assert parse(name, noisy) == parse(name, form)


@pytest.mark.parametrize("name, form, answer", PARTIAL)
def test_partial_forms_keep_partial_work(name, form, answer):
    kind = get(name)
    parsed = parse(name, form)
    assert parsed == kind.parse_answer(kind.sample, answer)


@pytest.mark.parametrize("name", sorted(COMPLETE))
def test_an_empty_form_is_not_complete(name):
    kind = get(name)
    for form in ({}, {key: [""] * len(values) for key, values in COMPLETE[name][0].items()}):
        answer = parse(name, form)
        assert answer == kind.parse_answer(kind.sample, {})
        assert not kind.is_complete(kind.sample, answer)


@pytest.mark.parametrize("name, form, field", BAD)
def test_bad_values_are_rejected_with_the_field_named(name, form, field):
    with pytest.raises(AnswerError) as caught:
        parse(name, form)
    assert caught.value.field == field


def test_labels_none_of_these_apply():
    assert parse("labels", {"labels_none": ["1"]}) == {"labels": []}
    assert get("labels").is_complete(get("labels").sample, {"labels": []})
    assert parse("labels", {"labels_none": [""]}) == {}
    with pytest.raises(AnswerError) as caught:
        get("labels").form_answer(get("labels").sample,
                                  {"labels": ["tone"], "labels_none": ["1"]})
    assert caught.value.field == "labels"
    assert "not both" in caught.value.message


def test_multiple_choice_posts_several_checkboxes():
    kind = get("choice")
    content = {**kind.sample, "multiple": True, "gold": ["safety", "units"]}
    assert kind.validate(content) == []
    form = {"selected": ["units", "safety"]}
    assert kind.parse_answer(content, kind.form_answer(content, form)) == {
        "selected": ["units", "safety"]}


def test_text_takes_the_first_value_and_browser_line_breaks():
    kind = get("pairwise")
    raw = kind.form_answer(kind.sample, {"justification": ["One.\r\nTwo.", "ignored"]})
    assert raw == {"justification": "One.\nTwo."}


def test_a_single_string_value_counts_as_one_value():
    kind = get("choice")
    assert kind.form_answer(kind.sample, {"selected": "safety"}) == {"selected": ["safety"]}
