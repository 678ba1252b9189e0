"""templates/items/<type>/{take,review}.html, rendered without an app on each type's sample.

The take form is read back the way a browser submits it and fed to form_answer + parse_answer:
whatever answer the page was pre-filled with must come back unchanged.
"""
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from assess.items import all_types, get, names
from assess.rendering import render_fields

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
ENV.filters["html"] = Markup
UID = "item-7"
CONTROLS = ("input", "select", "textarea")

REWRITE = "I'm sorry your order was late <b>& \"thanks\"</b>.\n\nWe have refunded the delivery fee."
# Canonical answers to pre-fill take.html with: complete, partial, and (all types) empty.
ANSWERS = [
    ("pairwise", {"choice": "a", "strength": 3,
                  "justification": "The 100 °C one is right;\nthe other is <wrong>."}),
    ("pairwise", {"choice": "equal"}),
    ("pairwise", {"strength": 2}),
    ("ranking", {"order": ["rough", "exact", "wrong"]}),
    ("ranking", {"order": ["wrong"]}),
    ("rubric", {"scores": {"accuracy": 2, "audience": 1}}),
    ("rubric", {"scores": {"audience": 3}}),
    ("factcheck", {"labels": {"nectar": "supported", "babies": "false", "healthiest": "false"},
                   "corrections": {"babies": "Not before the age of one.", "nectar": "kept"}}),
    ("factcheck", {"labels": {"babies": "false"}}),
    ("rewrite", {"text": REWRITE}),
    ("rewrite", {"text": "\nStarts with a blank line."}),
    ("labels", {"labels": ["instruction_miss", "tone"]}),
    ("labels", {"labels": []}),
    ("choice", {"selected": ["safety"]}),
] + [(name, {}) for name in names()]

# The form fields each type's take.html posts, for its sample.
FIELDS = {
    "pairwise": {"choice", "strength", "justification"},
    "ranking": {"order"},
    "rubric": {"scores.accuracy", "scores.audience"},
    "factcheck": {f"{key}.{claim}" for key in ("labels", "corrections")
                  for claim in ("nectar", "babies", "healthiest")},
    "rewrite": {"text"},
    "labels": {"labels", "labels_none"},
    "choice": {"selected"},
}


class Page(HTMLParser):
    """Form controls, labels and ids of a page, and what a browser would submit."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.controls: list[tuple[str, dict]] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.form: dict[str, list[str]] = {}
        self.grouped: list[bool] = []  # per radio/checkbox: inside a fieldset with a legend?
        self._fieldsets: list[bool] = []
        self._select = self._textarea = None
        self.feed(html)
        self.close()

    def _submit(self, attrs: dict, value: str) -> None:
        if "disabled" not in attrs and attrs.get("name"):
            self.form.setdefault(attrs["name"], []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.label_for.add(attrs["for"])
        elif tag == "fieldset":
            self._fieldsets.append(False)
        elif tag == "legend" and self._fieldsets:
            self._fieldsets[-1] = True
        elif tag in CONTROLS:
            self.controls.append((tag, attrs))
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self.grouped.append(bool(self._fieldsets) and self._fieldsets[-1])
            if "checked" in attrs:
                self._submit(attrs, attrs.get("value", "on"))
        elif tag == "select":
            self._select = {"attrs": attrs, "first": None, "selected": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["selected"] = value
            self._select["attrs"].setdefault("options", []).append(value)
        elif tag == "textarea":
            self._textarea = {"attrs": attrs, "text": ""}

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._fieldsets.pop()
        elif tag == "select":
            chosen = self._select["selected"]
            self._submit(self._select["attrs"],
                         self._select["first"] if chosen is None else chosen)
            self._select = None
        elif tag == "textarea":
            text = self._textarea["text"]
            self._submit(self._textarea["attrs"], text[1:] if text.startswith("\n") else text)
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data


def context(name: str, answer: dict, **extra) -> dict:
    kind = get(name)
    sample = kind.sample
    view = kind.public_view(sample, kind.presentation(sample, random.Random(1)))
    return {"view": view, "rendered": render_fields(kind.markdown_fields(sample)),
            "answer": answer, **extra}


def take(name: str, answer: dict, disabled: bool = False) -> str:
    return ENV.get_template(get(name).templates["take"]).render(
        context(name, answer, uid=UID, disabled=disabled))


def review(name: str, answer: dict, *, revealed: bool = True) -> str:
    kind = get(name)
    sample = kind.sample
    extra = {"gold": None, "rendered_gold": None, "grade": None, "points": None,
             "max_points": kind.max_points(sample)}
    if revealed:
        result = kind.grade(sample, answer)
        extra.update(gold=kind.gold_view(sample), grade=result.detail, points=result.points,
                     rendered_gold=render_fields(kind.gold_markdown_fields(sample)))
    return ENV.get_template(kind.templates["review"]).render(context(name, answer, **extra))


def text_of(html: str) -> str:
    return " ".join(Markup(html).striptags().split())


@pytest.mark.parametrize("name", names())
def test_every_sample_is_a_valid_bank_entry(name):
    kind = get(name)
    assert kind.sample["id"] == f"sample-{name}" and kind.sample["type"] == name
    assert kind.validate(kind.sample) == []


def test_the_pairwise_sample_asks_for_a_justification():
    assert get("pairwise").sample["justification"]["rubric"]


@pytest.mark.parametrize("name, answer", ANSWERS)
def test_a_prefilled_take_form_posts_the_same_answer_back(name, answer):
    kind = get(name)
    page = Page(take(name, answer))
    posted = kind.parse_answer(kind.sample, kind.form_answer(kind.sample, page.form))
    assert posted == kind.parse_answer(kind.sample, answer)


@pytest.mark.parametrize("name", names())
def test_take_posts_exactly_the_fields_form_answer_reads(name):
    kind = get(name)
    page = Page(take(name, {}))
    if name in FIELDS:  # the built-in samples' fields, listed by hand
        assert {attrs["name"] for _, attrs in page.controls} == FIELDS[name]
    for tag, attrs in page.controls:
        values = {"input": [attrs.get("value")], "textarea": ["A reason."],
                  "select": [v for v in attrs.get("options", []) if v]}[tag]
        assert values
        for value in values:
            raw = kind.form_answer(kind.sample, {attrs["name"]: [value]})
            assert raw, f"form_answer ignores {attrs['name']}={value!r}"
            kind.parse_answer(kind.sample, raw)  # and it is a valid (partial) answer


@pytest.mark.parametrize("name", names())
def test_take_is_accessible_markup(name):
    html = take(name, {})
    page = Page(html)
    assert page.controls
    for tag, attrs in page.controls:
        assert attrs.get("id"), f"<{tag} name={attrs.get('name')}> has no id"
        assert attrs["id"] in page.label_for, f"no <label for={attrs['id']!r}>"
    assert all(page.grouped), "a radio or checkbox outside a fieldset with a legend"
    assert len(page.ids) == len(set(page.ids)), "duplicate element ids"
    assert all(i.startswith(UID) for _, a in page.controls for i in [a["id"]])
    assert "<script" not in html and "style=" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "external asset"


@pytest.mark.parametrize("name", names())
def test_textareas_show_their_limits(name):
    html = take(name, {})
    page = Page(html)
    for tag, attrs in page.controls:
        if tag != "textarea":
            continue
        assert attrs["maxlength"] == attrs["data-maxlength"] and "data-minlength" in attrs
        assert f'<span class="char-count" aria-live="polite" data-for="{attrs["id"]}">' in html
        assert f"{attrs['maxlength']} characters" in text_of(html)


@pytest.mark.parametrize("name", names())
def test_disabled_samples_disable_every_control(name):
    page = Page(take(name, {}, disabled=True))
    assert page.controls and all("disabled" in attrs for _, attrs in page.controls)
    assert page.form == {}


@pytest.mark.parametrize("name, answer", ANSWERS)
def test_take_never_shows_gold(name, answer):
    kind = get(name)
    html = take(name, answer)
    for path, gold_html in render_fields(kind.gold_markdown_fields(kind.sample)).items():
        assert gold_html not in html, path
        assert text_of(gold_html) not in text_of(html), path


def test_responses_are_lettered_by_display_position():
    kind = get("ranking")
    view = context("ranking", {})["view"]
    html = take("ranking", {"order": [view["responses"][2]["id"]]})
    text = text_of(html)
    assert "Response A" in text and "Response C" in text
    assert not {"exact", "rough"} & set(re.findall(r"[a-z]+", text))
    # The third response shown is pre-selected in position 1, labelled C.
    assert re.search(r'<option value="%s" selected>Response C</option>'
                     % view["responses"][2]["id"], html)
    assert kind.sample["responses"][0]["id"] != view["responses"][0]["id"]


def test_the_justification_partial_shows_limits_and_required():
    text = text_of(take("pairwise", {}))
    assert "Your justification (required)" in text
    assert "Between 40 and 600 characters" in text


def test_user_text_is_escaped():
    html = take("rewrite", {"text": REWRITE})
    assert "<b>" not in html and "&lt;b&gt;" in html


@pytest.mark.parametrize("name, answer", ANSWERS)
def test_review_shows_the_answer_the_key_and_the_explanation(name, answer):
    kind = get(name)
    html = review(name, answer)
    text = text_of(html)
    assert render_fields(kind.gold_markdown_fields(kind.sample))["explanation"] in html
    assert any(words in text for words in ("Your answer", "Your score", "Your rewrite"))
    if kind.max_points(kind.sample):
        result = kind.grade(kind.sample, answer)
        assert f"Points: {result.points:g} out of {result.max_points:g}" in text
    assert "<script" not in html


@pytest.mark.parametrize("name", names())
def test_review_before_scoring_shows_no_gold(name):
    kind = get(name)
    html = review(name, {}, revealed=False)
    for gold_html in render_fields(kind.gold_markdown_fields(kind.sample)).values():
        assert text_of(gold_html) not in text_of(html)


def test_pairwise_review_speaks_in_display_letters():
    view = context("pairwise", {})["view"]
    shown_first = view["responses"][0]["id"]
    text = text_of(review("pairwise", {"choice": shown_first, "strength": 1}))
    assert "Your answer Response A is slightly better." in text
    gold_letter = "AB"[[r["id"] for r in view["responses"]].index("a")]
    assert f"Correct answer Response {gold_letter} is much better." in text


def test_ranking_review_names_ties_and_order():
    view = context("ranking", {})["view"]
    letter = {r["id"]: "ABC"[i] for i, r in enumerate(view["responses"])}
    text = text_of(review("ranking", {"order": ["wrong", "rough", "exact"]}))
    wanted = ", then ".join(f"Response {letter[i]}" for i in ("exact", "rough", "wrong"))
    assert f"Correct answer {wanted}" in text
    assert "0 of 3 pairs" in text


def test_rubric_review_tabulates_scores_and_credit():
    text = text_of(review("rubric", {"scores": {"accuracy": 2, "audience": 1}}))
    assert "Accuracy (1 to 3) 2 3 Partial credit" in text
    assert "Suits the reader (1 to 3) 1 1 Full credit" in text


def test_factcheck_review_shows_labels_and_corrections():
    answer = {"labels": {"nectar": "supported", "babies": "unsupported"},
              "corrections": {"babies": "My fix."}}
    text = text_of(review("factcheck", answer))
    assert "Your answer Unsupported Correct answer False" in text
    assert "Your correction My fix." in text and "Model correction" in text
    assert "Your answer Not labelled Correct answer Unsupported" in text


def test_rewrite_review_shows_text_reference_and_human_grading():
    html = review("rewrite", {"text": REWRITE})
    text = text_of(html)
    assert "&lt;b&gt;" in html
    assert "An example of a good rewrite" in text and "graded by people" in text
    assert "Points:" not in text


@pytest.mark.parametrize("answer, yours", [
    ({"labels": []}, "None of these apply"),
    ({"labels": ["tone"]}, "Inappropriate tone"),
    ({}, "You did not label the response."),
])
def test_labels_review(answer, yours):
    text = text_of(review("labels", answer))
    assert f"Your answer {yours} Correct answer Ignores an instruction" in text


def test_choice_review_marks_options_by_letter():
    view = context("choice", {})["view"]
    letter = "ABCD"[[o["id"] for o in view["options"]].index("safety")]
    text = text_of(review("choice", {"selected": ["length"]}))
    assert f"Correct answer Option {letter}" in text and "(your choice)" in text
    assert "(correct)" in text


def test_every_type_has_both_templates():
    for name, kind in all_types().items():
        for view in ("take", "review"):
            assert (TEMPLATES / kind.templates[view]).is_file(), (name, view)
