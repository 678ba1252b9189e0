"""The words of a span item's response: tokens, sentences, and the gold passages quoted from
it (see ``assess.items.span`` for the rules)."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any, Iterator, Mapping, Sequence

from .schema import FieldError, Sound

MAX_TOKENS = 2_000

TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*")
_LAST_TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=[ \t\u00a0]|$)")
_LIST_MARKER = re.compile(r"(?:[0-9]{1,3}|[A-Za-z]|[ivxlcdmIVXLCDM]{1,6})[.)]")
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "e.g",
                           "i.e", "cf", "approx", "fig"})
_FENCE = re.compile(r"^\s*(```|~~~)", re.MULTILINE)

Span = tuple[int, int]  # inclusive token indices
Sentence = tuple[int, int, str]  # first token, last token, stripped text
Layout = tuple[tuple[Span, ...], tuple[Sentence, ...]]


# ---- tokens and sentences ------------------------------------------------------------------

def tokenize(text: str) -> list[Span]:
    """Character ranges [start, end) of the tokens of ``text`` (see ``assess.items.span``)."""
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
def layout(response: str, fmt: str = "text") -> Layout:
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


def layout_of(content: Mapping) -> Layout:
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


def quoted(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit - 1] + "…")


def resolve_quote(response: str, tokens: Sequence[Span], text: str,
                  occurrence: int | None = None) -> Span | str:
    """The token span of a gold quote, or a message saying why it cannot be one."""
    if not TOKEN.search(text):
        return f"{quoted(text)} contains no word to mark"
    found = _occurrences(response, text)
    if not found:
        squashed = " ".join(text.split())
        if squashed and squashed in " ".join(response.split()):
            return (f"{quoted(text)} does not occur in response exactly: only with other spacing "
                    f"or line breaks (YAML may have folded them); copy it from response")
        if text.lower() in response.lower():
            return (f"{quoted(text)} does not occur in response exactly: only with other "
                    f"capitalisation")
        return f"{quoted(text)} does not occur in response; quote the passage exactly"
    if occurrence is None and len(found) > 1:
        return (f"{quoted(text)} occurs {len(found)} times in response; write "
                f"{{text: ..., occurrence: n}} to say which (1 to {len(found)})")
    index = (occurrence or 1) - 1
    if index >= len(found):
        return f"{quoted(text)} occurs only {len(found)} time(s) in response, not {occurrence}"
    start, end = found[index], found[index] + len(text)
    first = next((i for i, (_, t_end) in enumerate(tokens) if t_end > start), len(tokens))
    last = max((i for i, (t_start, _) in enumerate(tokens) if t_start < end), default=-1)
    if first > last:
        return f"{quoted(text)} contains no word to mark"
    if tokens[first][0] < start:
        return (f"{quoted(text)} starts inside the word "
                f"{response[tokens[first][0]:tokens[first][1]]!r}; quote whole words")
    if tokens[last][1] > end:
        return (f"{quoted(text)} ends inside the word "
                f"{response[tokens[last][0]:tokens[last][1]]!r}; quote whole words")
    return first, last


def quote_of(value: Any) -> tuple[str, int | None]:
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
                          tuple(quote_of(g) for g in content["gold"])))



# ---- bank entries ----------------------------------------------------------------------------

def response_errors(response: str, tokens: Sequence[Span]) -> Iterator[FieldError]:
    """A response must have words to mark, not too many, and no Markdown code fence."""
    if not tokens:
        yield FieldError("response", "has no words to mark")
    elif len(tokens) > MAX_TOKENS:
        yield FieldError("response", f"has {len(tokens)} words; at most {MAX_TOKENS}")
    if _FENCE.search(response):
        yield FieldError("response", "is shown as plain text, so a Markdown code fence (```) "
                                     "would show as typed: remove it (format: code shows the "
                                     "response as code)")


def quote_errors(response: str, tokens: Sequence[Span], gold: Sequence[Any],
                 sound: Sound) -> Iterator[FieldError]:
    """Each sound gold quote must resolve to a passage of the response (``resolve_quote``),
    and no two may share a word."""
    found: list[tuple[Span, str]] = []
    for i, value in enumerate(gold):
        path = f"gold[{i}]"
        if not sound(path):
            continue
        text, occurrence = quote_of(value)
        text_path = f"{path}.text" if isinstance(value, Mapping) else path
        span = resolve_quote(response, tokens, text, occurrence)
        if isinstance(span, str):
            # "occurs only 2 time(s), not 3" is about the occurrence; the rest, the text.
            about = f"{path}.occurrence" if "occurs only" in span else text_path
            yield FieldError(about, span)
            continue
        clash = next((where for other, where in found
                      if span[0] <= other[1] and other[0] <= span[1]), None)
        if clash is not None:
            yield FieldError(path, f"{quoted(text)} shares words with {clash}; quote each "
                                   f"passage once")
        else:
            found.append((span, path))
