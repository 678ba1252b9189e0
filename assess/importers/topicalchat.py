"""Topical-Chat with USR human ratings, as packaged by UniEval (a JSON list of
``{source, context, system_id, system_output, scores}``) → rubric and ranking items.

- **rubric**, one per rated response: the dataset's six criteria as dimensions, gold = the
  mean of the three raters rounded to the nearest level (half up). Tolerance 0 on the short
  scales (0–1, 1–3), 1 on ``overall`` (1–5).
- **ranking**, one per dialogue context (3–6 responses): responses ordered by mean
  ``overall`` rating, equal ratings forming a tied group; skipped when every rating is equal.

Sampling picks dialogue contexts (each brings its rubric items and its ranking item).
"""
from __future__ import annotations

import math
from pathlib import Path

from .base import (
    ImportResult,
    finish,
    json_objects,
    quote,
    read_json_records,
    require_records,
    rng_for,
    title_from,
    too_long,
)

EXPECTED = ("a JSON list of objects with source (the dialogue), context (the fact), "
            "system_output and scores (understandability, naturalness, coherence, engagingness, "
            "groundedness, overall), as in UniEval's topical_chat.json")
# (id, label, min, max, tolerance, description, level descriptors) after the USR paper.
CRITERIA = [
    ("understandability", "Understandable", 0, 1, 0,
     "Is the reply understandable given the conversation?",
     {0: "Not understandable.", 1: "Understandable."}),
    ("naturalness", "Natural", 1, 3, 0,
     "Is the reply something a person would naturally say?",
     {1: "Unnatural.", 2: "Somewhat natural.", 3: "Natural."}),
    ("coherence", "Maintains context", 1, 3, 0,
     "Is the reply a valid continuation of the conversation?",
     {1: "Ignores or contradicts the conversation.", 2: "Partly follows it.",
      3: "A valid continuation."}),
    ("engagingness", "Interesting", 1, 3, 0,
     "Is the reply dull or interesting?",
     {1: "Dull.", 2: "Somewhat interesting.", 3: "Interesting."}),
    ("groundedness", "Uses the fact", 0, 1, 0,
     "Does the reply make use of the fact it was meant to draw on?",
     {0: "Does not use the fact.", 1: "Uses the fact."}),
    ("overall", "Overall quality", 1, 5, 1,
     "Overall, how good is the reply?",
     {1: "Very poor.", 3: "Acceptable.", 5: "Excellent."}),
]
DESCRIPTION = """\
Imported from the USR human ratings of Topical-Chat responses (Mehri & Eskenazi 2020), as
packaged by UniEval (github.com/maszhongming/UniEval, MIT licence; upstream data licences not
verified: research data). Ratings are means of three annotators. The text is lower-cased and
tokenised as in the dataset.
"""


def _turns(source: str) -> str:
    lines = [line.strip() for line in source.split("\n") if line.strip()]
    # The reply comes from the speaker who did not say the last line.
    speakers = ["Speaker 2" if (len(lines) - i) % 2 else "Speaker 1" for i in range(len(lines))]
    return "\n\n".join(f"**{s}:** {t}" for s, t in zip(speakers, lines))


def _scores(record: dict, result: ImportResult) -> dict[str, float] | None:
    raw = record.get("scores")
    if not isinstance(raw, dict):
        result.skip("missing scores")
        return None
    scores = {}
    for ident, _label, low, high, *_ in CRITERIA:
        value = raw.get(ident)
        if value is None:
            result.skip(f"missing score {ident!r}")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and math.isnan(value)):
            result.skip("score is not a number")
            return None
        if not low <= value <= high:
            result.skip(f"score {ident!r} outside {low}–{high}")
            return None
        scores[ident] = float(value)
    return scores


def _level(value: float) -> int:
    return math.floor(value + 0.5)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    records = read_json_records(path, result, EXPECTED)
    require_records(path, records, [("source", "system_output", "scores")], EXPECTED)
    contexts: dict[tuple[str, str], list[tuple[str, str, dict]]] = {}
    numbers: dict[tuple[str, str], int] = {}
    for _, record in json_objects(records, result):
        source, fact, output = (record.get(k) for k in ("source", "context", "system_output"))
        if not isinstance(source, str) or not source.strip():
            result.skip("missing dialogue (source)")
            continue
        fact = fact.strip() if isinstance(fact, str) else ""
        key = (source, fact)
        numbers.setdefault(key, len(numbers) + 1)  # contexts numbered in file order
        if not isinstance(output, str) or not output.strip():
            result.skip("missing response")
            continue
        scores = _scores(record, result)
        if scores is None:
            continue
        if too_long(result, dialogue=source + fact, response=output):
            continue
        system = record.get("system_id") if isinstance(record.get("system_id"), str) else ""
        contexts.setdefault(key, []).append((output.strip(), system, scores))

    units = [_context_unit(source, fact, rated, numbers[(source, fact)], seed, id_prefix,
                           result) for (source, fact), rated in contexts.items()]
    result.unit = "dialogue context"
    result.title = "Topical-Chat (USR ratings): rating and ranking replies"
    result.description = DESCRIPTION
    return finish(result, units, sample, seed)


def _context_unit(source: str, fact: str, rated: list[tuple[str, str, dict]], number: int,
                  seed: int, id_prefix: str, result: ImportResult) -> list[dict]:
    """One dialogue context's items: a rubric item per rated reply, then the ranking of the
    replies when one can be built."""
    conversation = ((f"**Fact the reply should draw on:** {fact}\n\n" if fact else "")
                    + f"**Conversation so far:**\n\n{_turns(source)}")
    unit = [_rubric_item(conversation, output, system, scores, number, k, id_prefix)
            for k, (output, system, scores) in enumerate(rated, 1)]
    ranking = _ranking(rated, number, conversation, seed, id_prefix, result)
    if ranking:
        unit.append(ranking)
    return unit


def _rubric_item(conversation: str, output: str, system: str, scores: dict[str, float],
                 number: int, k: int, id_prefix: str) -> dict:
    gold = {ident: _level(scores[ident]) for ident, *_ in CRITERIA}
    listed = ", ".join(f"{label.lower()} {_fmt(scores[ident])} (range {low}–{high})"
                       for ident, label, low, high, *_ in CRITERIA)
    return {
        "id": f"{id_prefix}-c{number:03d}-{k}", "type": "rubric",
        "title": title_from(f"Topical-Chat context {number}, reply {k}", output),
        "skills": ["rubric_calibration"], "tags": ["topical-chat", "usr"],
        "prompt": conversation + "\n\nRate Speaker 1's next reply, shown below.",
        "response": output,
        "dimensions": [
            {"id": ident, "label": label, "description": description, "min": low,
             "max": high, "tolerance": tolerance, "levels": dict(levels)}
            for ident, label, low, high, tolerance, description, levels in CRITERIA],
        "gold": gold,
        "explanation": (
            f"In the USR annotations of Topical-Chat, three raters gave this reply mean "
            f"scores of {listed}; the gold is each mean rounded to the nearest level"
            + (f". The reply came from: {system}." if system else ".")),
    }


def _ranking(rated, number, conversation, seed, id_prefix, result):
    distinct = {}
    for output, _system, scores in rated:  # a reply given twice keeps its first rating
        distinct.setdefault(output, scores["overall"])
    if not 3 <= len(distinct) <= 6:
        result.skip(f"ranking not built: {len(distinct)} distinct replies in a context (3–6 "
                    f"needed)")
        return None
    ratings = {round(v, 4) for v in distinct.values()}
    if len(ratings) < 2:
        result.skip("ranking not built: every reply in a context rated the same")
        return None
    texts = list(distinct)
    rng_for(seed, f"ranking-{number}").shuffle(texts)
    ids = {text: f"r{i}" for i, text in enumerate(texts, 1)}
    order = []
    for rating in sorted(ratings, reverse=True):
        group = [ids[t] for t in texts if round(distinct[t], 4) == rating]
        order.append(group[0] if len(group) == 1 else group)
    by_rating = sorted(texts, key=lambda t: -distinct[t])
    listing = "; ".join(f"{_fmt(distinct[t])} for the reply beginning {quote(t, 60)}"
                        for t in by_rating)
    return {
        "id": f"{id_prefix}-c{number:03d}-rank", "type": "ranking",
        "title": f"Topical-Chat context {number}: rank the replies",
        "skills": ["judgment"], "tags": ["topical-chat", "usr"],
        "prompt": conversation + "\n\nRank Speaker 1's candidate next replies from best to worst.",
        "responses": [{"id": ids[t], "text": t} for t in texts],
        "gold": {"order": order},
        "explanation": (
            "In the USR annotations of Topical-Chat, the mean overall ratings (1–5, three "
            f"raters) were: {listing}. Replies with equal ratings are tied, and the order "
            "between them does not count."),
    }
