"""Span: mark the passages of a response that contain the error; token-level F1 against the
gold passages with a tolerance at each boundary. No app: plain dicts and plain Jinja."""
import copy
import json
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

import assess.items.span as span_module
from assess.core.item_analysis import NO_ANSWER, Shown
from assess.items import AnswerError, KeyPosition, LintFacts, get
from assess.items.shortcuts import chance_credit, mean_shortcut_credit, shortcut_credit
from assess.items.span import layout, score_spans
from assess.items.span_text import tokenize
from assess.rendering import render_fields

# Tokens: The0 Eiffel1 Tower2 is3 in4 Paris5 | It6 was7 finished8 in9 1899(10) |
#         It11 is12 about13 330(14) metres15 tall16
RESPONSE = "The Eiffel Tower is in Paris. It was finished in 1899. It is about 330 metres tall."
ENTRY = {
    "id": "span-001",
    "type": "span",
    "explanation": "The tower was finished in 1889, not 1899; the rest is right.",
    "prompt": "Tell me three facts about the Eiffel Tower.",
    "response": RESPONSE,
    "gold": ["finished in 1899"],
}
SENTENCES = [[0, 5], [6, 10], [11, 16]]
GOLD = [8, 10]


def words(text):
    return [text[a:b] for a, b in tokenize(text)]


# ------------------------------------------------------------------ tokens and sentences

def test_tokens_are_words_split_by_whitespace_and_punctuation():
    assert words(RESPONSE)[8:11] == ["finished", "in", "1899"]
    assert len(words(RESPONSE)) == 17
    assert words("Don't use os.path, it's 3.14 well-known e.g. 300,000 x=5 (a_b)") == [
        "Don't", "use", "os.path", "it's", "3.14", "well-known", "e.g", "300", "000", "x", "5",
        "a_b"]
    assert words("naïve café — 東京") == ["naïve", "café", "東京"]


def test_sentences_of_the_entry():
    view = get("span").public_view(ENTRY, {})
    assert [[s["first"], s["last"]] for s in view["sentences"]] == SENTENCES
    assert [s["text"] for s in view["sentences"]] == [
        "The Eiffel Tower is in Paris.", "It was finished in 1899.",
        "It is about 330 metres tall."]


@pytest.mark.parametrize("text, sentences", [
    # a line break always ends a sentence; blank lines and lines without words are not one
    ("First line\nsecond line\n\n}\nThird.", ["First line", "second line", "Third."]),
    # a lower-case continuation, an abbreviation and a list marker do not end one
    ("See e.g. the docs. Dr. Who agrees! Then stop", ["See e.g. the docs.", "Dr. Who agrees!",
                                                      "Then stop"]),
    ("1. Go to bed. 2. Get up.", ["1. Go to bed.", "2. Get up."]),
    ("Is it? yes it is... And \"quoted.\" Next", ["Is it? yes it is...", "And \"quoted.\"",
                                                  "Next"]),
    ("Pi is 3.14. Ok", ["Pi is 3.14.", "Ok"]),
])
def test_sentence_rules(text, sentences):
    assert [s[2] for s in layout(text, "text")[1]] == sentences


def test_code_format_makes_each_line_a_sentence():
    code = "def f(x):\n    return x. y  # Not a new sentence. Really\n}\n"
    assert [s[2] for s in layout(code, "code")[1]] == [
        "def f(x):", "return x. y  # Not a new sentence. Really"]
    assert len(layout(code, "text")[1]) == 3  # the comment splits in prose format


# ------------------------------------------------------------------ bank entries

def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert kind.validate(kind.sample) == []
    assert sorted(kind.markdown_fields(entry)) == ["prompt"]  # the response is plain text
    entry["question"] = "Mark the *wrong date*."
    assert sorted(kind.markdown_fields(entry)) == ["prompt", "question"]
    assert kind.gold_markdown_fields(entry) == {"explanation": ENTRY["explanation"]}


@pytest.mark.parametrize("changes, path, words", [
    ({"gold": None}, "gold", ["required"]),
    ({"gold": "finished in 1899"}, "gold", ["expected a list"]),
    ({"gold.0": "finished in 1898"}, "gold[0]", ["does not occur in response", "1898"]),
    ({"gold.0": "Finished in 1899"}, "gold[0]", ["capitalisation"]),
    ({"gold.0": "finished  in\n1899"}, "gold[0]", ["spacing or line breaks"]),
    ({"gold.0": "nished in 1899"}, "gold[0]", ["starts inside the word 'finished'"]),
    ({"gold.0": "finished in 18"}, "gold[0]", ["ends inside the word '1899'"]),
    ({"gold.0": "It"}, "gold[0]", ["occurs 2 times", "occurrence"]),
    ({"gold.0": ". "}, "gold[0]", ["contains no word"]),
    ({"gold.0": 3}, "gold[0]", ["expected a passage quoted from response"]),
    ({"gold.0": ""}, "gold[0]", ["expected a passage quoted from response"]),
    ({"gold.0": {"text": "It", "occurrence": 3}}, "gold[0].occurrence", ["occurs only 2"]),
    ({"gold.0": {"text": "It", "occurrence": 0}}, "gold[0].occurrence", ["at least 1"]),
    ({"gold.0": {"text": "Rome"}}, "gold[0].text", ["does not occur"]),
    ({"gold.0": {"occurrence": 1}}, "gold[0].text", ["required"]),
    ({"gold.0": {"text": "It", "where": 2}}, "gold[0].where", ["not a field"]),
    ({"gold": ["finished in 1899", "in 1899"]}, "gold[1]", ["shares words with gold[0]"]),
    ({"tolerance": -1}, "tolerance", ["at least 0"]),
    ({"tolerance": 11}, "tolerance", ["at most 10"]),
    ({"tolerance": "1"}, "tolerance", ["expected an integer"]),
    ({"tolerance": True}, "tolerance", ["expected an integer"]),
    ({"format": "markdown"}, "format", ["expected one of 'text', 'code'"]),
    ({"response": None}, "response", ["required"]),
    ({"response": "... !!! ---"}, "response", ["no words"]),
    ({"response": "```python\nx = 1\n```"}, "response", ["code fence", "format: code"]),
    ({"prompt": ""}, "prompt", ["non-empty string"]),
    ({"question": 5}, "question", ["non-empty string"]),
    ({"spans": [[8, 10]]}, "spans", ["not a field"]),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, words):
    mistake(changes, path, *words)


def test_no_cascade_when_the_response_is_broken(kind, entry):
    entry["response"] = None
    assert [e.path for e in kind.validate(entry)] == ["response"]


def test_quotes_may_repeat_text_with_an_occurrence_and_may_touch(kind, entry):
    entry["gold"] = [{"text": "It", "occurrence": 2}, "is about"]
    assert kind.validate(entry) == []
    assert kind.gold_view(entry)["gold"] == [[11, 11], [12, 13]]
    entry["gold"] = []  # "no part contains an error" is a valid key
    assert kind.validate(entry) == []


def test_loader_errors_name_file_item_and_field(tmp_path):
    from assess.banks.loader import load
    bank = {"bank": "spans", "title": "Spans", "domain": "general",
            "items": [{**ENTRY, "gold": ["finished in 1898"]}]}
    path = tmp_path / "spans.yaml"
    path.write_text(json.dumps(bank), encoding="utf-8")  # JSON is YAML
    errors = [str(e) for e in load([tmp_path]).errors]
    assert len(errors) == 1
    assert str(path) in errors[0] and "item 'span-001'" in errors[0]
    assert "field 'gold[0]'" in errors[0] and "does not occur in response" in errors[0]


# ------------------------------------------------------------------ grading

@pytest.mark.parametrize("spans, fraction", [
    ([GOLD], 1.0),
    ([[7, 10]], 1.0),  # one extra word at the start: within the tolerance of 1
    ([[9, 10]], 1.0),  # one word short at the start
    ([[7, 11]], 1.0),  # one extra word at each end
    ([[8, 9], [9, 10]], 1.0),  # overlapping spans mark their words once
    ([[6, 10]], 0.75),  # the whole sentence: 2 extra words, no adjustment: 2*3 / (5 + 3)
    ([[10, 10]], 0.5),  # two words short: 2*1 / (1 + 3)
    ([[10, 12]], 1 / 3),  # 2*1 / (3 + 3)
    ([[8, 8], [10, 10]], 0.8),  # two runs, neither within tolerance: 2*2 / (2 + 3)
    ([GOLD, [14, 14]], 6 / 7),  # one extra word elsewhere: 2*3 / (4 + 3)
    ([[0, 5]], 0.0),
    ([], 0.0),  # "no error" against a key with one
    (SENTENCES, 0.3),  # everything: 2*3 / (17 + 3)
])
def test_token_f1_with_the_default_tolerance(grade, spans, fraction):
    assert grade({"spans": spans}).points == pytest.approx(fraction, abs=1e-6)


@pytest.mark.parametrize("tolerance, spans, fraction", [
    (0, [[7, 10]], 6 / 7),  # 2*3 / (4 + 3): no word may be off
    (0, [[9, 10]], 0.8),  # 2*2 / (2 + 3)
    (2, [[6, 10]], 1.0),  # two extra words at the start now count in full
    (2, [[10, 10]], 1.0),
    (2, [[5, 10]], 2 / 3),  # three extra: 2*3 / (6 + 3)
])
def test_tolerance_is_settable_per_item(kind, entry, tolerance, spans, fraction):
    entry["tolerance"] = tolerance
    result = kind.grade(entry, kind.parse_answer(entry, {"spans": spans}))
    assert result.points == pytest.approx(fraction, abs=1e-6)
    assert result.detail["tolerance"] == tolerance


def test_points_scale_the_f1(kind, entry):
    entry["points"] = 2
    assert kind.grade(entry, {"spans": [[6, 10]]}).points == 1.5


def test_detail_names_runs_credit_and_missed_gold():
    # Gold passages [2, 3] and [6, 7]; marked [2, 4] (one extra word) and [12, 12].
    detail = score_spans([[2, 4], [12, 12]], [[2, 3], [6, 7]], 1)
    assert detail["runs"] == [{"span": [2, 4], "overlap": 2, "credited": [2, 3]},
                              {"span": [12, 12], "overlap": 0, "credited": None}]
    assert detail["missed"] == [[6, 7]]
    # Adjusted marks {2, 3, 12} against gold {2, 3, 6, 7}: 2 shared.
    assert (detail["precision"], detail["recall"]) == (round(2 / 3, 6), 0.5)
    assert detail["f1"] == round(2 * 2 / (3 + 4), 6)
    assert (detail["marked_tokens"], detail["gold_tokens"], detail["overlap"]) == (4, 4, 2)


def test_a_run_touching_two_gold_passages_is_not_adjusted():
    # [0, 9] touches both gold runs: plain F1 2*4 / (10 + 4).
    assert score_spans([[0, 9]], [[2, 3], [6, 7]], 5)["f1"] == round(8 / 14, 6)
    # Touching quotes are one gold run: [2, 8] is within 1 word of [2, 7].
    assert score_spans([[2, 8]], [[2, 4], [5, 7]], 1)["f1"] == 1.0
    # Adjustment never drops gold words: [1, 4] -> [2, 4], 3 of the 4 gold words.
    detail = score_spans([[1, 4]], [[2, 4], [9, 9]], 1)
    assert detail["runs"][0]["credited"] == [2, 4] and detail["f1"] == round(6 / 7, 6)


def test_empty_gold_rewards_only_no_error(kind, entry):
    entry["gold"] = []
    assert kind.grade(entry, {"spans": []}).points == 1.0
    detail = kind.grade(entry, {"spans": [[0, 0]]}).detail
    assert detail["fraction"] == 0 and detail["recall"] is None and detail["precision"] == 0


def test_unanswered_scores_zero_but_an_empty_list_is_an_answer(kind, entry, grade):
    assert grade({}).detail == {"answered": False}
    assert kind.grade(entry, None).points == 0
    assert kind.is_complete(entry, kind.parse_answer(entry, {"spans": []}))
    assert not kind.is_complete(entry, {})


# ------------------------------------------------------------------ answers

def test_parse_is_canonical(kind, entry):
    parsed = kind.parse_answer(entry, {"spans": [[8, 10], "0-5", [8, 10], "14", "3 - 4"]})
    assert parsed == {"spans": [[0, 5], [3, 4], [8, 10], [14, 14]]}
    assert kind.parse_answer(entry, json.loads(json.dumps(parsed))) == parsed
    assert kind.parse_answer(entry, {}) == {}


@pytest.mark.parametrize("raw", [
    {"spans": "8-10"}, {"spans": [[10, 8]]}, {"spans": [[0, 17]]}, {"spans": [[-1, 2]]},
    {"spans": [[1, 2, 3]]}, {"spans": [[True, 2]]}, {"spans": [[1.0, 2]]}, {"spans": ["8-x"]},
    {"spans": ["٨-١٠"]}, {"spans": [{"first": 1}]}, {"spans": [[0, 0]] * 201 + [[1, 1]]},
])
def test_malformed_answers(rejects, raw):
    assert rejects(raw) == "spans"


def test_a_justification_needs_an_item_that_asks_for_one(rejects, kind, entry):
    assert rejects({"spans": [], "justification": "Because."}) == "justification"
    entry["justification"] = {"prompt": "Why?", "rubric": "justification", "max_chars": 20}
    assert kind.parse_answer(entry, {"spans": [], "justification": "Because."})[
        "justification"] == "Because."
    with pytest.raises(AnswerError) as caught:
        kind.parse_answer(entry, {"justification": "x" * 21})
    assert caught.value.field == "justification"


@pytest.mark.parametrize("form, answer", [
    ({"spans": ["6-10"]}, {"spans": [[6, 10]]}),  # one sentence ticked
    ({"spans": ["11-16", "6-10", "9-10"]}, {"spans": [[6, 10], [9, 10], [11, 16]]}),
    ({"spans": ["8-10,14-14", " 0-5 "]}, {"spans": [[0, 5], [8, 10], [14, 14]]}),
    ({"spans_none": ["1"]}, {"spans": []}),
    ({"spans": [""], "spans_none": [""]}, {}),  # nothing ticked: not answered yet
    ({"csrf_token": ["x"], "action": ["next"]}, {}),
    ({"spans": ["6-10"], "justification": ["It says 1899.\r\nIt was 1889."]},
     {"spans": [[6, 10]], "justification": "It says 1899.\nIt was 1889."}),
])
def test_form_answer(kind, entry, form, answer):
    entry["justification"] = {"prompt": "Why?", "rubric": "justification"}
    assert kind.parse_answer(entry, kind.form_answer(entry, form)) == answer


@pytest.mark.parametrize("form", [{"spans": ["6-10"], "spans_none": ["1"]},
                                  {"spans": ["6-99"]}, {"spans": ["six"]}])
def test_bad_forms_name_spans(kind, entry, form):
    with pytest.raises(AnswerError) as caught:
        kind.parse_answer(entry, kind.form_answer(entry, form))
    assert caught.value.field == "spans"


def test_human_parts_carry_the_marked_passages(kind, entry):
    assert kind.human_parts(entry, {"spans": [[8, 10]]}) == []
    assert kind.scored_parts(entry) == []
    entry["justification"] = {"prompt": "Why?", "rubric": "justification"}
    parts = kind.human_parts(entry, {"spans": [[14, 15], [8, 10]], "justification": "1889."})
    assert [(p.part, p.kind, p.text, p.rubric) for p in parts] == [
        ("justification", "justification", "1889.", "justification")]
    assert parts[0].context == {"marked": ["finished in 1899", "330 metres"]}
    assert kind.human_parts(entry, {"spans": [[8, 10]], "justification": "  "}) == []
    assert [p.part for p in kind.scored_parts(entry)] == ["justification"]


# ------------------------------------------------------------------ views

def test_public_view_has_no_gold(kind, entry, shown):
    assert {shown(seed) for seed in range(5)} == {shown(0)}
    view = json.loads(shown())
    assert set(view) == {"type", "title", "prompt", "question", "response", "format",
                         "tolerance", "tokens", "sentences"}
    text = json.dumps(view)
    assert "gold" not in text and "explanation" not in text and "1889" not in text
    assert view["tolerance"] == 1 and view["format"] == "text"
    assert view["question"] == span_module.DEFAULT_QUESTION
    assert [RESPONSE[a:b] for a, b in view["tokens"]] == words(RESPONSE)
    assert kind.presentation(entry, random.Random(3)) == {}
    # Another key, same view.
    other = {**entry, "gold": ["330 metres"], "explanation": "Something else entirely."}
    assert kind.public_view(other, {}) == kind.public_view(entry, {})


def test_gold_view_gives_spans_and_passages(kind, entry):
    assert kind.gold_view(entry) == {"explanation": ENTRY["explanation"], "gold": [GOLD],
                                     "passages": ["finished in 1899"]}


# ------------------------------------------------------------------ shortcuts and guessing

def test_shortcuts_come_from_the_sentences_shown(kind, entry):
    found = kind.shortcuts(entry, {})
    assert found == {"first-sentence": {"spans": [[0, 5]]},
                     "last-sentence": {"spans": [[11, 16]]},
                     "longest-sentence": {"spans": [[0, 5]]},  # 29 characters, then 28, 24
                     "none": {"spans": []},
                     "all": {"spans": SENTENCES}}
    for raw in found.values():
        assert kind.fields_complete(entry, kind.parse_answer(entry, raw))
    credit = shortcut_credit("span", entry, {})
    assert credit == {"first-sentence": 0.0, "last-sentence": 0.0, "longest-sentence": 0.0,
                      "none": 0.0, "all": 0.3}
    assert mean_shortcut_credit("span", entry) == credit


def test_equal_lengths_pick_the_first_longest(kind, entry):
    entry["response"] = "Aa bb. Cc dd. Ee."
    entry["gold"] = ["Ee"]
    assert kind.shortcuts(entry, {})["longest-sentence"] == {"spans": [[0, 1]]}


def test_shortcuts_never_use_the_gold(kind, entry):
    for gold in ([], ["The Eiffel Tower"], ["330 metres tall"], ["Paris", "1899"]):
        other = copy.deepcopy(entry)
        other["gold"], other["explanation"] = gold, "Another key."
        assert kind.validate(other) == []
        assert kind.shortcuts(other, {}) == kind.shortcuts(entry, {})


def test_answer_space_is_every_subset_of_sentences(kind, entry):
    space = list(kind.answer_space(entry))
    assert len(space) == 8
    assert {json.dumps(a["spans"]) for a in space} == {
        json.dumps([s for s, keep in zip(SENTENCES, ticks) if keep])
        for ticks in __import__("itertools").product((0, 1), repeat=3)}
    for answer in space:
        parsed = kind.parse_answer(entry, answer)
        assert kind.fields_complete(entry, parsed) and not kind.human_parts(entry, parsed)
    # {} and the subsets without sentence 2: 0; {S2}: 0.75; {S1, S2} and {S2, S3}: 2*3 / 14;
    # all three: 2*3 / 20.
    assert kind.guess_distribution(entry) == {0.0: 0.5, 0.3: 0.125, 0.428571: 0.25,
                                              0.75: 0.125}
    assert chance_credit("span", entry) == pytest.approx((0.3 + 2 * 0.428571 + 0.75) / 8)


def test_long_responses_sample_sentence_subsets(kind, entry):
    entry["response"] = " ".join(f"Sentence number {i} is here." for i in range(20))
    entry["gold"] = ["number 7"]
    assert kind.validate(entry) == []
    space = list(kind.answer_space(entry))
    assert len(space) == span_module.GUESS_SAMPLES
    assert space == list(kind.answer_space(entry))  # the same every time
    picks = [sum(1 for answer in space if [5 * i, 5 * i + 4] in answer["spans"])
             for i in range(20)]
    assert all(0.45 < p / len(space) < 0.55 for p in picks)  # each sentence about half
    distribution = kind.guess_distribution(entry)
    assert sum(distribution.values()) == pytest.approx(1.0)
    assert 0 < chance_credit("span", entry) < 0.2


# ------------------------------------------------------------------ self-contained hooks

def test_key_answer_earns_full_credit(kind, entry):
    assert kind.key_answer(entry) == {"spans": [GOLD]}
    assert kind.grade(entry, kind.parse_answer(entry, kind.key_answer(entry))).fraction == 1
    entry["gold"] = []
    assert kind.key_answer(entry) == {"spans": []}


def test_with_writing_fills_the_justification(kind, entry):
    assert kind.with_writing(entry, {"spans": [GOLD]}) == {"spans": [GOLD]}
    entry["justification"] = {"prompt": "Why?", "rubric": "justification", "min_chars": 60,
                              "max_chars": 100}
    written = kind.with_writing(entry, {"spans": [GOLD]})
    assert written["spans"] == [GOLD] and 60 <= len(written["justification"]) <= 100
    assert kind.is_complete(entry, kind.parse_answer(entry, written))
    assert [p.part for p in kind.human_parts(entry, written)] == ["justification"]


def test_lint_facts(kind, entry):
    assert kind.lint_facts(entry) == LintFacts(
        texts=(ENTRY["prompt"], RESPONSE), key_empty=False,
        key_position=KeyPosition(("sentence-1", "sentence-2", "sentence-3"), ("sentence-2",),
                                 "a sentence holding the error is", sides=("first", "last")))
    entry["gold"] = []
    assert kind.lint_facts(entry) == LintFacts(texts=(ENTRY["prompt"], RESPONSE),
                                               key_empty=True)


def test_type_level_hooks(kind):
    assert kind.script == "js/items/span.js"
    assert (Path(__file__).resolve().parents[3] / "static" / kind.script).is_file()
    assert [rule.rule for rule in kind.constant_answer_rules] == ["span-constant"]
    assert set(kind.constant_answer_rules[0].strategies) <= set(kind.shortcuts(ENTRY, {}))
    assert kind.empty_key.rule == "span-none" and kind.empty_key.strategy == "none"


def test_distractors_count_marked_sentences(kind, entry):
    shown = [Shown({"spans": [[8, 10]]}, None, 1.0), Shown({"spans": [[0, 5], [7, 7]]}, None, 0.5),
             Shown({"spans": []}, None, 0.0), Shown(None, None, 0.2)]
    rows = {(p.target, p.answer): p for p in kind.distractors(entry, shown)}
    second = "sentence 2: It was finished in 1899."
    assert set(p.target for p in rows.values()) == {
        "sentence 1: The Eiffel Tower is in Paris.", second,
        "sentence 3: It is about 330 metres tall."}
    assert rows[(second, "marked")].count == 2 and rows[(second, "marked")].correct
    assert rows[(second, "marked")].mean_score == 0.75 and rows[(second, "marked")].key == "marked"
    assert rows[(second, "not marked")].count == 1 and not rows[(second, "not marked")].correct
    assert rows[(second, NO_ANSWER)].count == 1
    first = rows[("sentence 1: The Eiffel Tower is in Paris.", "not marked")]
    assert first.correct and first.count == 2 and first.key == "not marked"


# ------------------------------------------------------------------ templates (plain Jinja)

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
ENV.filters["html"] = Markup
UID = "item-3"


class Form(HTMLParser):
    """What a browser submits, the controls and their labels."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.form, self.controls, self.labels, self.ids = {}, [], {}, []
        self._label = self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "input":
            self.controls.append(attrs)
            if "checked" in attrs and "disabled" not in attrs:
                self.form.setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "textarea":
            self.controls.append(attrs)
            self._textarea = (attrs, [])
        elif tag == "label":
            self._label = (attrs["for"], [])

    def handle_endtag(self, tag):
        if tag == "label" and self._label:
            self.labels[self._label[0]] = "".join(self._label[1]).strip()
            self._label = None
        elif tag == "textarea" and self._textarea:
            attrs, text = self._textarea
            if "disabled" not in attrs:
                value = "".join(text)
                self.form.setdefault(attrs["name"], []).append(
                    value[1:] if value.startswith("\n") else value)
            self._textarea = None

    def handle_data(self, data):
        for part in (self._label, self._textarea):
            if part:
                part[1].append(data)


def render(view_name, entry, answer, **extra):
    kind = get("span")
    context = {"view": kind.public_view(entry, {}), "uid": UID, "disabled": False,
               "rendered": render_fields(kind.markdown_fields(entry)), "answer": answer, **extra}
    return ENV.get_template(kind.templates[view_name]).render(context)


@pytest.mark.parametrize("answer", [
    {"spans": [[6, 10]]},  # a sentence
    {"spans": [[0, 5], [8, 10], [9, 9], [11, 16]]},  # sentences and passages, overlapping
    {"spans": []},
    {},
    {"spans": [[8, 10]], "justification": "It says 1899 <b>&</b>\nbut it was 1889."},
])
def test_a_prefilled_take_form_posts_the_same_answer_back(kind, entry, answer):
    entry["justification"] = {"prompt": "Why?", "rubric": "justification"}
    page = Form(render("take", entry, answer))
    assert kind.parse_answer(entry, kind.form_answer(entry, page.form)) == \
        kind.parse_answer(entry, answer)


def test_take_offers_one_labelled_checkbox_per_sentence(entry):
    html = render("take", entry, {"spans": [[8, 10]]})
    page = Form(html)
    boxes = [c for c in page.controls if c.get("name") == "spans"]
    assert [b["value"] for b in boxes] == ["0-5", "6-10", "11-16", "8-10"]
    assert [page.labels[b["id"]] for b in boxes] == [
        "The Eiffel Tower is in Paris.", "It was finished in 1899.",
        "It is about 330 metres tall.", "Passage you marked: “finished in 1899”"]
    assert page.labels[f"{UID}-spans-none"] == "No part of the response contains an error"
    assert all(c["id"] in page.labels and c["id"].startswith(UID) for c in page.controls)
    assert len(page.ids) == len(set(page.ids))
    assert "<legend>Which sentences contain an error? Tick every one that does.</legend>" in html
    assert "<script" not in html and "style=" not in html
    # The response is shown verbatim with the marked words in <mark> and words numbered for JS.
    assert ('<mark><span data-t="8">finished</span> <span data-t="9">in</span> '
            '<span data-t="10">1899</span></mark>.') in html
    assert "up to 1 word away" in " ".join(Markup(html).striptags().split())


def test_take_escapes_the_response_and_shows_code_as_code(kind, entry):
    entry["response"] = "if a < b and c > d:\n    return <script>x</script>"
    entry["format"], entry["gold"] = "code", ["return"]
    html = render("take", entry, {})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<pre class="span-text span-code" id="item-3-text" data-span-text>' in html
    assert "Which lines contain an error?" in html


def test_disabled_take_disables_every_control(entry):
    page = Form(render("take", entry, {"spans": [[8, 10]]}, disabled=True))
    assert page.controls and all("disabled" in c for c in page.controls)
    assert page.form == {}


@pytest.mark.parametrize("answer, yours", [
    ({"spans": [[7, 10], [14, 15]]}, "Your answer “was finished in 1899”; “330 metres”"),
    ({"spans": []}, "Your answer No part of the response contains an error"),
    ({}, "Your answer You did not mark anything."),
])
def test_review(kind, entry, answer, yours):
    result = kind.grade(entry, answer)
    html = render("review", entry, answer, gold=kind.gold_view(entry), grade=result.detail,
                  points=result.points, max_points=1.0, rendered_gold=render_fields(
                      kind.gold_markdown_fields(entry)))
    text = " ".join(Markup(html).striptags().split())
    assert yours in text and "Correct answer “finished in 1899”" in text
    assert "1889, not 1899" in text  # the explanation
    assert f"Points: {result.points:g} out of 1" in text
    if answer.get("spans"):
        assert "“was finished in 1899”: counts in full (within 1 word of the key’s" in text
        assert "“330 metres”: not part of the key." in text
        assert "Word-level F1 0.75" in text


def test_review_without_the_key_and_grade_view(kind, entry):
    html = render("review", entry, {"spans": [[6, 10]]}, gold=None, grade=None, points=None,
                  max_points=None, rendered_gold=None)
    text = " ".join(Markup(html).striptags().split())
    assert "Correct answer Shown once the attempt is scored." in text and "1889" not in text
    graded = render("grade", entry, {"spans": [[6, 10]]}, gold=kind.gold_view(entry))
    text = " ".join(Markup(graded).striptags().split())
    assert "Marked “It was finished in 1899”" in text  # words, not the full stop
    assert "The answer key “finished in 1899”" in text
    assert "<mark>It was finished in 1899</mark>." in graded
