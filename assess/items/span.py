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
from bisect import bisect_left
from collections import Counter
from functools import lru_cache
from itertools import product
from typing import Any, Iterable, Mapping, Sequence

from ..core.item_analysis import NO_ANSWER, Tally
from .base import (AnswerError, Checker, ConstantAnswerRule, EmptyKeyRule, HumanPart,
                   ItemType, KeyPosition, LintFacts, _describe, form_value, form_values,
                   own_texts, text_length)

FORMATS = ("text", "code")
DEFAULT_TOLERANCE = 1
MAX_TOLERANCE = 10
MAX_RESPONSE_CHARS = 20_000
MAX_TOKENS = 2_000
MAX_SPANS = 200  # spans in one answer
EXACT_SENTENCES = 10  # 2 ** 10 = 1024 sentence subsets are enumerated; beyond, sampled
GUESS_SAMPLES = 1_024  # their mean credit is typically within 0.01 of the exact mean
DEFAULT_QUESTION = "Mark every passage of the response that contains an error."
MARKED, UNMARKED = "marked", "not marked"  # distractor answers, per sentence

TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*")
_LAST_TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=[ \t\u00a0]|$)")
_LIST_MARKER = re.compile(r"(?:[0-9]{1,3}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,6})[.)]")
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "e.g",
                           "i.e", "cf", "approx", "fig"})
_FORM_SPAN = re.compile(r"([0-9]{1,6})(?:\s*[-–]\s*([0-9]{1,6}))?")
_FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)
GOLD_FIELDS = frozenset({"text", "occurrence"})

Span = tuple[int, int]  # inclusive token indices


# ---- tokens and sentences ------------------------------------------------------------------

def tokenize(text: str) -> list[Span]:
    """Character ranges [start, end) of the tokens of ``text`` (see the module docstring)."""
    return [m.span() for m in TOKEN.finditer(text)]


def _segments(text: str, fmt: str) -> list[Span]:
    """Character ranges [start, end) of the sentences of ``text``, tokens or not."""
    segments: list[Span] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        start = line_start
        if fmt == "text":
            for m in _SENTENCE_END.finditer(text, line_start, line_end):
                after = text[m.end():line_end].lstrip(" \t\u00a0")
                if not after or after[0].islower():
                    continue
                if _LIST_MARKER.fullmatch(text[start:m.end()].strip()):
                    continue
                word = _LAST_TOKEN.search(text, start, m.start())
                if word and word.group(0).lower() in ABBREVIATIONS:
                    continue
                segments.append((start, m.end()))
                start = m.end()
        segments.append((start, line_end))
        line_start = line_end + 1
    return segments


@lru_cache(maxsize=512)
def layout(response: str, fmt: str = "text") -> tuple[tuple[Span, ...],
                                                      tuple[tuple[int, int, str], ...]]:
    """``(tokens, sentences)`` of a response: token character ranges, and each sentence as
    ``(first token, last token, stripped text)``."""
    tokens = tuple(tokenize(response))
    starts = [s for s, _ in tokens]
    sentences = []
    for seg_start, seg_end in _segments(response, fmt):
        first = bisect_left(starts, seg_start)
        last = bisect_left(starts, seg_end) - 1
        if first <= last:
            sentences.append((first, last, response[seg_start:seg_end].strip()))
    return tokens, tuple(sentences)


def _layout_of(content: Mapping):
    return layout(content["response"], content.get("format") or "text")


def passage(response: str, tokens: Sequence[Span], span: Sequence[int]) -> str:
    """The text of the response from the first to the last token of ``span``."""
    return response[tokens[span[0]][0]:tokens[span[1]][1]]


# ---- gold ------------------------------------------------------------------------------------

def _occurrences(haystack: str, needle: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def resolve_quote(response: str, tokens: Sequence[Span], text: str,
                  occurrence: int | None = None) -> Span | str:
    """The token span of a gold quote, or a message saying why it cannot be one."""
    if not TOKEN.search(text):
        return f"{_short(text)} contains no word to mark"
    found = _occurrences(response, text)
    if not found:
        squashed = " ".join(text.split())
        if squashed and squashed in " ".join(response.split()):
            return (f"{_short(text)} does not occur in response exactly: only with other spacing "
                    f"or line breaks (YAML may have folded them); copy it from response")
        if text.lower() in response.lower():
            return (f"{_short(text)} does not occur in response exactly: only with other "
                    f"capitalisation")
        return f"{_short(text)} does not occur in response; quote the passage exactly"
    if occurrence is None and len(found) > 1:
        return (f"{_short(text)} occurs {len(found)} times in response; write "
                f"{{text: ..., occurrence: n}} to say which (1 to {len(found)})")
    index = (occurrence or 1) - 1
    if index >= len(found):
        return f"{_short(text)} occurs only {len(found)} time(s) in response, not {occurrence}"
    start, end = found[index], found[index] + len(text)
    first = next((i for i, (_, t_end) in enumerate(tokens) if t_end > start), len(tokens))
    last = max((i for i, (t_start, _) in enumerate(tokens) if t_start < end), default=-1)
    if first > last:
        return f"{_short(text)} contains no word to mark"
    if tokens[first][0] < start:
        return (f"{_short(text)} starts inside the word "
                f"{response[tokens[first][0]:tokens[first][1]]!r}; quote whole words")
    if tokens[last][1] > end:
        return (f"{_short(text)} ends inside the word "
                f"{response[tokens[last][0]:tokens[last][1]]!r}; quote whole words")
    return first, last


def _quote(value: Any) -> tuple[str, int | None]:
    if isinstance(value, Mapping):
        return value["text"], value.get("occurrence")
    return value, None


@lru_cache(maxsize=512)
def _resolved(response: str, fmt: str, quotes: tuple) -> tuple[Span, ...]:
    tokens, _ = layout(response, fmt)
    spans = [resolve_quote(response, tokens, text, occurrence) for text, occurrence in quotes]
    return tuple(sorted(s for s in spans if isinstance(s, tuple)))


def gold_spans(content: Mapping) -> list[Span]:
    """The gold passages of a valid entry as token spans, in response order."""
    return list(_resolved(content["response"], content.get("format") or "text",
                          tuple(_quote(g) for g in content["gold"])))


# ---- scoring ---------------------------------------------------------------------------------

def token_set(spans: Iterable[Sequence[int]]) -> set[int]:
    tokens: set[int] = set()
    for first, last in spans:
        tokens.update(range(first, last + 1))
    return tokens


def runs(tokens: Iterable[int]) -> list[Span]:
    """Maximal runs of consecutive token indices, in order."""
    found: list[list[int]] = []
    for t in sorted(set(tokens)):
        if found and t == found[-1][1] + 1:
            found[-1][1] = t
        else:
            found.append([t, t])
    return [(a, b) for a, b in found]


def merged(spans: Iterable[Sequence[int]]) -> list[Span]:
    """The runs of the tokens of ``spans``: sorted, overlapping or touching spans joined.
    (The same as ``runs(token_set(spans))``, in time proportional to the number of spans.)"""
    found: list[list[int]] = []
    for a, b in sorted((span[0], span[1]) for span in spans):
        if found and a <= found[-1][1] + 1:
            found[-1][1] = max(found[-1][1], b)
        else:
            found.append([a, b])
    return [(a, b) for a, b in found]


def _size(spans: Sequence[Span]) -> int:
    return sum(b - a + 1 for a, b in spans)


def _shared(xs: Sequence[Span], ys: Sequence[Span]) -> int:
    """Tokens in both of two sorted lists of disjoint runs."""
    i = j = total = 0
    while i < len(xs) and j < len(ys):
        (a, b), (c, d) = xs[i], ys[j]
        total += max(0, min(b, d) - max(a, c) + 1)
        if b < d:
            i += 1
        else:
            j += 1
    return total


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def score_spans(marked: Iterable[Sequence[int]], gold: Iterable[Sequence[int]],
                tolerance: int = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """Token-level F1 of marked against gold spans with ``tolerance`` (module docstring).

    Works on runs (intervals), not on sets of tokens, so that grading every answer of a
    random guesser stays cheap on long responses."""
    marked_runs, gold_runs = merged(marked), merged(gold)
    kept: list[Span] = []  # marked runs not adjusted
    credited_gold: set[int] = set()  # gold runs that adjusted runs count as
    touched: set[int] = set()
    detail_runs = []
    first = 0
    for a, b in marked_runs:
        while first < len(gold_runs) and gold_runs[first][1] < a:
            first += 1  # gold runs wholly before this run are before every later one too
        touching = []
        for k in range(first, len(gold_runs)):
            if gold_runs[k][0] > b:
                break
            touching.append(k)
        touched.update(touching)
        overlap = sum(min(b, gold_runs[k][1]) - max(a, gold_runs[k][0]) + 1 for k in touching)
        credited = None
        if len(touching) == 1:
            c, d = gold_runs[touching[0]]
            if abs(a - c) <= tolerance and abs(b - d) <= tolerance:
                credited = [c, d]
                credited_gold.add(touching[0])
        if credited is None:
            kept.append((a, b))
        detail_runs.append({"span": [a, b], "overlap": overlap, "credited": credited})
    adjusted = merged(kept + [gold_runs[k] for k in credited_gold])  # M' as runs
    both, size, gold_size = _shared(adjusted, gold_runs), _size(adjusted), _size(gold_runs)
    total = size + gold_size
    return {
        "tolerance": tolerance,
        "f1": round(2 * both / total if total else 1.0, 6),
        "precision": _ratio(both, size),
        "recall": _ratio(both, gold_size),
        "marked_tokens": _size(marked_runs),
        "gold_tokens": gold_size,
        "overlap": both,
        "runs": detail_runs,
        "missed": [list(run) for k, run in enumerate(gold_runs) if k not in touched],
    }


# ---- answers ---------------------------------------------------------------------------------

def _form_span(piece: str) -> Any:
    """``"3-5"`` -> ``[3, 5]``, ``"4"`` -> ``[4, 4]``; anything else is left for
    ``parse_answer`` to refuse."""
    m = _FORM_SPAN.fullmatch(piece)
    if not m:
        return piece
    first = int(m.group(1))
    return [first, int(m.group(2)) if m.group(2) is not None else first]


def parse_spans(value: Any, count: int) -> list[list[int]]:
    """An answer's spans over a response of ``count`` tokens, canonical (sorted, no
    repeats), else ``AnswerError("spans")``."""
    if not isinstance(value, list):
        raise AnswerError("spans", "expected a list of [first, last] word index ranges")
    if len(value) > MAX_SPANS:
        raise AnswerError("spans", f"{len(value)} spans; at most {MAX_SPANS}")
    spans: set[Span] = set()
    for item in value:
        span = _form_span(item.strip()) if isinstance(item, str) else item
        if (not isinstance(span, (list, tuple)) or len(span) != 2
                or any(isinstance(i, bool) or not isinstance(i, int) for i in span)):
            raise AnswerError("spans", f"expected [first, last] word indices or 'first-last', "
                                       f"got {_describe(item)}")
        first, last = span
        if not 0 <= first <= last < count:
            raise AnswerError("spans", f"span {first}-{last} is not a range of the response's "
                                       f"{count} words (0 to {count - 1}, first <= last)")
        spans.add((first, last))
    return [list(s) for s in sorted(spans)]


def _well_formed(spans: Any, count: int) -> list[Span]:
    """The spans of a stored or echoed answer that are ranges of the response (others are
    ignored: a review must not fail on an old or unparsed answer)."""
    good = []
    for span in spans if isinstance(spans, list) else []:
        if (isinstance(span, (list, tuple)) and len(span) == 2
                and all(isinstance(i, int) and not isinstance(i, bool) for i in span)
                and 0 <= span[0] <= span[1] < count):
            good.append((span[0], span[1]))
    return good


def _mix(seed: int) -> int:
    """splitmix64: a fixed, portable stream of pseudo-random bits (no ``random`` here)."""
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def _ticks(count: int, sample: int) -> list[int]:
    """``count`` random bits (one per sentence) for guess number ``sample``."""
    bits, word, block = [], 0, -1
    for i in range(count):
        if i // 64 != block:
            block = i // 64
            word = _mix(sample * 1_000_003 + block)
        bits.append((word >> (i % 64)) & 1)
    return bits


class SpanItem(ItemType):
    name = "span"
    label = "Mark the error"
    fields = frozenset({"prompt", "question", "response", "format", "tolerance", "gold"})
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
    def validate_fields(self, entry: Mapping, check: Checker) -> None:
        check.text(entry, "prompt")
        check.text(entry, "question", required=False, max_len=2_000)
        fmt = check.choice(entry, "format", FORMATS, required=False) or "text"
        check.integer(entry, "tolerance", required=False, minimum=0, maximum=MAX_TOLERANCE)
        response = check.text(entry, "response", max_len=MAX_RESPONSE_CHARS)
        tokens: Sequence[Span] = ()
        if response is not None:
            tokens, _ = layout(response, fmt)
            if not tokens:
                check.add("response", "has no words to mark")
            elif len(tokens) > MAX_TOKENS:
                check.add("response", f"has {len(tokens)} words; at most {MAX_TOKENS}")
                tokens = ()
            if _FENCE.search(response):
                check.add("response", "is shown as plain text, so a Markdown code fence (```) "
                                      "would show as typed: remove it (format: code shows "
                                      "the response as code)")
        gold = check.sequence(entry, "gold")  # may be empty: no part contains an error
        if gold is None or not tokens:
            return  # quotes are not checked against a response that is itself broken
        found: list[tuple[Span, str]] = []
        for i, value in enumerate(gold):
            path = f"gold[{i}]"
            if isinstance(value, Mapping):
                check.unknown_keys(value, GOLD_FIELDS, f"{path}.")
                text = check.text(value, "text", f"{path}.text")
                occurrence = check.integer(value, "occurrence", f"{path}.occurrence",
                                           required=False, minimum=1)
                if text is None or ("occurrence" in value and occurrence is None):
                    continue
                text_path, occurrence_path = f"{path}.text", f"{path}.occurrence"
            elif isinstance(value, str) and value.strip():
                text, occurrence, text_path, occurrence_path = value, None, path, path
            else:
                check.add(path, f"expected a passage quoted from response (a string) or "
                                f"{{text, occurrence}}, got {_describe(value)}")
                continue
            span = resolve_quote(response, tokens, text, occurrence)
            if isinstance(span, str):
                # "occurs only 2 time(s), not 3" is about the occurrence; the rest, the text.
                check.add(occurrence_path if "occurs only" in span else text_path, span)
                continue
            for other, other_path in found:
                if span[0] <= other[1] and other[0] <= span[1]:
                    check.add(path, f"{_short(text)} shares words with {other_path}; quote "
                                    f"each passage once")
                    break
            else:
                found.append((span, path))

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"]}
        if content.get("question"):
            fields["question"] = content["question"]
        return fields  # the response is plain text: its words are what spans index

    # The response keeps its order: no presentation.

    def own_public_view(self, content: Mapping, presentation: Mapping) -> dict[str, Any]:
        tokens, sentences = _layout_of(content)
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
        tokens, _ = _layout_of(content)
        spans = gold_spans(content)
        return {"explanation": content["explanation"], "gold": [list(s) for s in spans],
                "passages": [passage(content["response"], tokens, s) for s in spans]}

    # ---- answers -----------------------------------------------------------------------------
    def parse_fields(self, content: Mapping, raw: Mapping) -> dict[str, Any]:
        if raw.get("spans") is None:
            return {}
        tokens, _ = _layout_of(content)
        return {"spans": parse_spans(raw["spans"], len(tokens))}

    def own_form_answer(self, content: Mapping, form) -> dict[str, Any]:
        """Checkboxes ``spans`` (``first-last``; a value may hold several, comma- or
        space-separated) and ``spans_none`` ("no part contains an error"): ``[]``."""
        raw: dict[str, Any] = {}
        spans = [_form_span(piece) for value in form_values(form, "spans")
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
        tokens, _ = _layout_of(content)
        return [passage(content["response"], tokens, s)
                for s in sorted(set(_well_formed(spans, len(tokens))))]

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
        _, sentences = _layout_of(content)
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
        tokens, sentences = _layout_of(content)
        gold = token_set(gold_spans(content))
        words = [set(range(first, last + 1)) for first, last, _ in sentences]
        targets = [f"sentence {i + 1}: {_short(text, 40)[1:-1]}"
                   for i, (_, _, text) in enumerate(sentences)]
        tally = Tally(shown)
        for s in shown:
            answer = s.answer or {}
            marked = token_set(_well_formed(answer.get("spans"), len(tokens)))
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
        _, sentences = _layout_of(content)
        spans = [[first, last] for first, last, _ in sentences]
        if len(spans) <= EXACT_SENTENCES:
            return ({"spans": [s for s, tick in zip(spans, ticks) if tick]}
                    for ticks in product((False, True), repeat=len(spans)))
        return ({"spans": [s for s, tick in zip(spans, _ticks(len(spans), n)) if tick]}
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
