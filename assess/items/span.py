"""Span: mark the passage(s) of a response that contain the error, as the span annotation of
Potato or Label Studio does; graded by token-level F1 against the gold passages, with a
tolerance at each boundary.

Bank entry
----------
``prompt`` (md, the request the model answered), ``response`` (**plain text**, shown verbatim
with its line breaks: spans index into its words, so it is not rendered as Markdown),
``question`` (optional md: what to mark; default ``DEFAULT_QUESTION``), ``format``
(``text``, the default, or ``code``: shown as a code block, and each line is a "sentence"),
``tolerance`` (int 0-10, default 1), ``gold``: a list, possibly empty ("no part contains an
error"), of passages quoted **exactly** from ``response``, each either a string or
``{text, occurrence}`` (``occurrence``, from 1, says which one when the text occurs more than
once). A quote must occur in the response (exactly: same case, spacing and line breaks), must
not start or end inside a word, must contain a word, and must not share a word with another
quote. Plus the common fields (``explanation``, an optional ``justification`` ...).

Tokens and sentences
--------------------
(Coded in ``span_text``, with the gold quotes; answers and grading in ``span_scoring``.)
A *token* (a "word") is a run of letters, digits and underscores, joined across a single
apostrophe, full stop or hyphen that has such characters on both sides (``TOKEN``: "don't",
"3.14", "well-known", "os.path" and "e.g" are one token each; "300,000" is two, "x = 5" is
two). Whitespace and other punctuation only separate tokens. Tokens are numbered from 0.

*Sentences* (the no-JavaScript fallback offers one checkbox per sentence) are cut at every line
break and, in ``text`` format, after a run of ``.``, ``!``, ``?`` or ``…`` (with any closing
quotes or brackets) that is followed by a space, unless what follows starts with a lower-case
letter, the word before is a common abbreviation (``ABBREVIATIONS``: "Dr.", "e.g." ...), or
the sentence so far is only a list marker ("1.", "b."). In ``code`` format every line is a
sentence. Pieces without a token (blank lines, a lone ``}``) are not sentences.

Answers
-------
``{spans: [[first, last], ...]}``: inclusive token index ranges, at most ``MAX_SPANS``, in
any order (the canonical answer is sorted, without repeats; overlapping spans are allowed and
simply mark their tokens once). ``"first-last"`` strings are accepted too (``"4-4"`` or
``"4"`` for one word). ``[]`` is the complete answer "no part of the response contains an
error"; no ``spans`` key means not answered yet. Errors name the field ``spans``.

HTML form: checkboxes ``spans`` whose values are ``first-last`` (one per sentence, plus one per
marked passage that is not a whole sentence), and checkbox ``spans_none`` (value ``1``). A
``spans`` value may carry several ranges separated by commas or spaces. ``spans_none`` with
any span is ``AnswerError("spans")``. static/js/items/span.js adds selection of any range of
words and keeps every marked span in checked ``spans`` checkboxes, so autosave and plain posts
carry the same fields.

Grading (``score_spans``)
-------------------------
Let M be the set of tokens the applicant marked and G the set of gold tokens. A *run* is a
maximal sequence of consecutive token indices of a set (two marked spans that touch or overlap
are one run; so are two gold quotes that touch). Tolerance N (``tolerance``): a marked run
[a, b] that overlaps exactly one gold run [c, d] (shares at least one token with it, and with
no other gold run), with |a - c| <= N and |b - d| <= N, counts as that gold run exactly: its
tokens are replaced by c..d. So a span that misses or adds up to N words at each end still
counts fully; a run that touches two gold runs, or none, is never adjusted. With M' the marked
tokens after that adjustment: precision P = |M' ∩ G| / |M'|, recall R = |M' ∩ G| / |G|, and

    F1 = 2 |M' ∩ G| / (|M'| + |G|)

(the harmonic mean of P and R), 1 when M' and G are both empty, 0 when exactly one is. The
item earns F1 × points. Detail: ``tolerance``, ``f1``, ``precision``, ``recall`` (``None``
when undefined), ``marked_tokens`` (|M|), ``gold_tokens`` (|G|), ``overlap`` (|M' ∩ G|),
``runs`` (per marked run: ``span``, ``overlap`` with gold, ``credited`` [c, d] or ``None``)
and ``missed`` (gold runs no marked token touches).

Random guessing: each sentence checkbox ticked or not at even odds (ticking none is the answer
"no error"), enumerated up to ``EXACT_SENTENCES`` sentences; above that, a fixed pseudo-random
sample of ``GUESS_SAMPLES`` such subsets. Shortcuts: ``first-sentence``, ``last-sentence``,
``longest-sentence`` (characters of the stripped sentence; the first of equals), ``none``
(``[]``) and ``all`` (every sentence).

Also: ``key_answer`` (the gold passages as spans), ``with_writing`` (the base's: the
justification), ``lint_facts`` (texts, the empty key, and the sentences holding the error as a
``KeyPosition`` so that errors always in the first or last sentence are flagged), the lint
rules ``span-constant`` (marking the first / last / longest sentence, or all of them, of every
item must not beat chance by more than the margin) and ``span-none`` (at most a quarter of a
bank's span items may have an empty key), a per-sentence distractor table, and ``script``
(static/js/items/span.js, loaded by the exam page).
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import product
from typing import Any, Iterator, Mapping

from ..core.item_analysis import NO_ANSWER, Tally
from .base import (
    AnswerError,
    ConstantAnswerRule,
    EmptyKeyRule,
    HumanPart,
    ItemType,
    KeyPosition,
    LintFacts,
    form_value,
    form_values,
    own_texts,
    text_length,
)
from .schema import NON_EMPTY, TEXT, FieldError, Sound, integer, one_of, text

# The rules above are coded in two helper modules (``span_text``: tokens, sentences and gold
# quotes; ``span_scoring``: answers and F1); ``tokenize`` is importable from here too.
from .span_scoring import (
    DEFAULT_TOLERANCE,
    form_span,
    parse_spans,
    random_ticks,
    score_spans,
    token_set,
    well_formed,
)
from .span_text import (
    MAX_TOKENS,
    gold_spans,
    layout,
    layout_of,
    passage,
    quote_errors,
    quoted,
    response_errors,
)

FORMATS = ("text", "code")
MAX_TOLERANCE = 10
MAX_RESPONSE_CHARS = 20_000
EXACT_SENTENCES = 10  # 2 ** 10 = 1024 sentence subsets are enumerated; beyond, sampled
GUESS_SAMPLES = 1_024  # their mean credit is typically within 0.01 of the exact mean
DEFAULT_QUESTION = "Mark every passage of the response that contains an error."
MARKED, UNMARKED = "marked", "not marked"  # distractor answers, per sentence

QUOTE = {  # a passage of the response as it is, or {text, occurrence} when it occurs again
    "if": {"type": "object"},
    "then": {"properties": {"text": TEXT, "occurrence": integer(1)}, "required": ["text"],
             "additionalProperties": False},
    "else": {"type": "string", "pattern": NON_EMPTY,
             "description": "a passage quoted from response (a string) or {text, occurrence}"},
}


class SpanItem(ItemType):
    name = "span"
    label = "Mark the error"
    schema = {
        "properties": {
            "prompt": TEXT,
            "question": text(2_000),  # md; default DEFAULT_QUESTION
            "response": text(MAX_RESPONSE_CHARS),
            "format": one_of(*FORMATS),
            "tolerance": integer(0, MAX_TOLERANCE),
            "gold": {"type": "array", "items": QUOTE},  # may be empty: no part has an error
        },
        "required": ["prompt", "response", "gold"],
    }
    default_skills = ("fact_checking",)
    script = "js/items/span.js"  # selecting any words; the sentence checkboxes work without it
    constant_answer_rules = (ConstantAnswerRule(
        "span-constant", "marking {phrase} of every response",
        {"first-sentence": "the first sentence", "last-sentence": "the last sentence",
         "longest-sentence": "the longest sentence", "all": "every sentence"}),)
    empty_key = EmptyKeyRule("span-none", "none", "have an empty key (no error to mark)",
                             "marking nothing")
    has_distractors = True
    sample = {
        "id": "sample-span",
        "type": "span",
        "title": "How fast is light?",
        "prompt": "Why does sunlight take a few minutes to reach us?",
        "response": "Sunlight takes about 8 minutes and 20 seconds to reach Earth. The Sun is "
                    "roughly 150 million kilometres away. Light travels at about 300,000 "
                    "kilometres per hour, so even at that speed the trip takes a while.",
        "gold": ["300,000 kilometres per hour"],
        "explanation": "Light travels at about 300,000 kilometres per **second**, not per hour. "
                       "At 300,000 km/h the trip would take about 500 hours, not 8 minutes. "
                       "The travel time and the distance are right.",
    }

    # ---- bank entries ----------------------------------------------------------------------
    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if not sound("response"):
            return  # quotes are not checked against a response that is itself broken
        response = entry["response"]
        tokens, _ = layout(response, entry.get("format", "text") if sound("format") else "text")
        yield from response_errors(response, tokens)
        if tokens and len(tokens) <= MAX_TOKENS and isinstance(entry.get("gold"), list):
            yield from quote_errors(response, tokens, entry["gold"], sound)

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"]}
        if content.get("question"):
            fields["question"] = content["question"]
        return fields  # the response is plain text: its words are what spans index

    # The response keeps its order: no presentation.

    def own_public_view(self, content: Mapping, presentation: Mapping) -> dict[str, Any]:
        tokens, sentences = layout_of(content)
        return {
            "prompt": content["prompt"],
            "question": content.get("question") or DEFAULT_QUESTION,  # md when given
            "response": content["response"],
            "format": content.get("format") or "text",
            "tolerance": content.get("tolerance", DEFAULT_TOLERANCE),
            "tokens": [list(t) for t in tokens],
            "sentences": [{"first": first, "last": last, "text": text}
                          for first, last, text in sentences],
        }

    def gold_view(self, content: Mapping) -> dict[str, Any]:
        """The gold passages as token spans (``gold``) and as text (``passages``)."""
        tokens, _ = layout_of(content)
        spans = gold_spans(content)
        return {"explanation": content["explanation"], "gold": [list(s) for s in spans],
                "passages": [passage(content["response"], tokens, s) for s in spans]}

    # ---- answers -----------------------------------------------------------------------------
    def parse_fields(self, content: Mapping, raw: Mapping) -> dict[str, Any]:
        if raw.get("spans") is None:
            return {}
        tokens, _ = layout_of(content)
        return {"spans": parse_spans(raw["spans"], len(tokens))}

    def own_form_answer(self, content: Mapping, form) -> dict[str, Any]:
        """Checkboxes ``spans`` (``first-last``; a value may hold several, comma- or
        space-separated) and ``spans_none`` ("no part contains an error"): ``[]``."""
        raw: dict[str, Any] = {}
        spans = [form_span(piece) for value in form_values(form, "spans")
                 for piece in re.split(r"[,\s]+", str(value)) if piece]
        if spans:
            raw["spans"] = spans
        if form_value(form, "spans_none") is not None:
            if spans:
                raise AnswerError("spans", "mark passages or tick 'No part of the response "
                                           "contains an error', not both")
            raw["spans"] = []
        return raw

    def fields_complete(self, content: Mapping, answer: Mapping) -> bool:
        return "spans" in answer  # an empty list means "no part contains an error"

    def passages(self, content: Mapping, spans: Any) -> list[str]:
        """The texts of the well-formed spans of an answer, in response order."""
        tokens, _ = layout_of(content)
        return [passage(content["response"], tokens, s)
                for s in sorted(set(well_formed(spans, len(tokens))))]

    def human_parts(self, content: Mapping, answer: Mapping | None) -> list[HumanPart]:
        """The justification, with the passages the applicant marked as its context."""
        parts = super().human_parts(content, answer)
        marked = self.passages(content, (answer or {}).get("spans"))
        return [HumanPart(p.part, p.kind, p.text, p.rubric, {**p.context, "marked": marked})
                if p.kind == "justification" else p for p in parts]

    # ---- grading -----------------------------------------------------------------------------
    def grade_fraction(self, content: Mapping, answer: Mapping):
        detail = score_spans(answer["spans"], gold_spans(content),
                             content.get("tolerance", DEFAULT_TOLERANCE))
        return detail["f1"], detail

    def key_answer(self, content: Mapping) -> dict[str, Any]:
        """The answer the gold key gives: its passages as spans (no justification)."""
        return {"spans": [list(s) for s in gold_spans(content)]}

    # with_writing: the base fills the justification; a span item has no other written part.

    def lint_facts(self, content: Mapping) -> LintFacts:
        """The prompt and response (nothing is lettered: the response keeps its order),
        whether the key is empty ("no error"), and which sentences hold the error, so that a
        bank whose errors sit in the first or the last sentence too often is flagged
        (gold-balance; ``constant_answer_rules`` measures what marking them earns)."""
        _, sentences = layout_of(content)
        gold = token_set(gold_spans(content))
        listed = tuple(f"sentence-{i + 1}" for i in range(len(sentences)))
        key = tuple(listed[i] for i, (first, last, _) in enumerate(sentences)
                    if gold & set(range(first, last + 1)))
        position = KeyPosition(listed, key, "a sentence holding the error is",
                               sides=("first", "last")) if key else None
        return LintFacts(texts=own_texts(content), key_empty=not gold, key_position=position)

    def distractors(self, content: Mapping, shown) -> list:
        """Per sentence ("sentence 2: It was finished…"): how often any of its words was
        marked, or none, or the item left unanswered, against whether it holds the error."""
        tokens, sentences = layout_of(content)
        gold = token_set(gold_spans(content))
        words = [set(range(first, last + 1)) for first, last, _ in sentences]
        targets = [f"sentence {i + 1}: {quoted(text, 40)[1:-1]}"
                   for i, (_, _, text) in enumerate(sentences)]
        tally = Tally(shown)
        for s in shown:
            answer = s.answer or {}
            marked = token_set(well_formed(answer.get("spans"), len(tokens)))
            for target, sentence in zip(targets, words):
                given = NO_ANSWER if "spans" not in answer else \
                    MARKED if marked & sentence else UNMARKED
                tally.add(target, given, s.score)
        picks = []
        for target, sentence in zip(targets, words):
            holds = bool(gold & sentence)
            key = MARKED if holds else UNMARKED
            picks += [tally.pick(target, key, MARKED, holds),
                      tally.pick(target, key, UNMARKED, not holds),
                      tally.pick(target, key, NO_ANSWER, False)]
        return picks

    # ---- random guessing and shortcuts ---------------------------------------------------------
    def answer_space(self, content: Mapping):
        """Each sentence checkbox ticked or not at even odds: every subset of the sentences
        up to ``EXACT_SENTENCES`` of them, else ``GUESS_SAMPLES`` fixed pseudo-random subsets
        (each sentence in about half of them), so the validity report always has a number."""
        _, sentences = layout_of(content)
        spans = [[first, last] for first, last, _ in sentences]
        if len(spans) <= EXACT_SENTENCES:
            return ({"spans": [s for s, tick in zip(spans, ticks) if tick]}
                    for ticks in product((False, True), repeat=len(spans)))
        return ({"spans": [s for s, tick in zip(spans, random_ticks(len(spans), n)) if tick]}
                for n in range(GUESS_SAMPLES))

    def guess_distribution(self, content: Mapping) -> dict[float, float]:
        """As the base computes it, without parsing each answer again: ``answer_space`` builds
        canonical answers (sorted sentence spans), and there may be a thousand of them."""
        counts = Counter(self.grade(content, answer).points
                         for answer in self.answer_space(content))
        total = sum(counts.values())
        return {points: n / total for points, n in sorted(counts.items())}

    def shortcuts(self, content: Mapping, presentation: Mapping) -> dict[str, dict[str, Any]]:
        """Built from the sentences shown, never from the gold: the first, the last or the
        longest sentence, nothing ("no error"), or every sentence."""
        sentences = self.public_view(content, presentation)["sentences"]
        spans = [[s["first"], s["last"]] for s in sentences]
        longest = max(range(len(sentences)), key=lambda i: text_length(sentences[i]["text"]))
        return {
            "first-sentence": {"spans": spans[:1]},
            "last-sentence": {"spans": spans[-1:]},
            "longest-sentence": {"spans": [spans[longest]]},
            "none": {"spans": []},
            "all": {"spans": spans},
        }
