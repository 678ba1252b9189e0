"""Review options: what an applicant sees of a finished attempt, modelled on Moodle's quiz
review options.

A blueprint's ``review`` mapping says when the gold **keys** (the correct answers, model
corrections and example rewrites) and the **explanations** are shown, and whether the results
list **per-item scores**. ``immediately`` means as soon as the result is final (a practice
item once checked, a timed attempt once scored); ``after_close`` once, in addition, the
applicant can no longer start another attempt at the assessment (every allowed attempt used);
``never`` means never. Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

IMMEDIATELY, AFTER_CLOSE, NEVER = "immediately", "after_close", "never"
WHEN = (IMMEDIATELY, AFTER_CLOSE, NEVER)  # from the most to the least open
FIELDS = ("keys", "explanations", "per_item_scores")

# Why something is not on the page, in the words the results page uses: {when: text}.
_WHY = {
    NEVER: "{what} not shown for this assessment, because its questions are used again in "
           "later attempts.",
    AFTER_CLOSE: "{what} shown once you have used all your attempts at this assessment.",
    IMMEDIATELY: "{what} shown once your attempt is fully scored.",
}
# The same, short, where a single answer would have stood ("Correct answer: …").
SHORT_NOTES = {
    NEVER: "Not shown for this assessment.",
    AFTER_CLOSE: "Shown once you have used all your attempts.",
    IMMEDIATELY: "Shown once the attempt is scored.",
}


@dataclass(frozen=True)
class ReviewOptions:
    keys: str = NEVER
    explanations: str = NEVER
    per_item_scores: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"keys": self.keys, "explanations": self.explanations,
                "per_item_scores": self.per_item_scores}


def defaults(mode: str) -> ReviewOptions:
    """Practice shows keys and explanations at once; a timed attempt never does, because its
    sections are drawn again from the same pools by retakes (and often by other
    assessments). Per-item scores are shown in both."""
    when = IMMEDIATELY if mode == "practice" else NEVER
    return ReviewOptions(when, when, True)


def of_definition(definition: Mapping[str, Any] | None, mode: str) -> ReviewOptions:
    """The options stored in a blueprint definition; the defaults of ``mode`` for a version
    imported before review options existed (or for anything unreadable)."""
    base = defaults(mode)
    stored = (definition or {}).get("review")
    if not isinstance(stored, Mapping):
        return base
    keys = _when(stored.get("keys"), base.keys)
    explanations = _when(stored.get("explanations"), keys)
    if later(keys, explanations):  # never show an explanation before its key
        explanations = keys
    per_item = stored.get("per_item_scores")
    return ReviewOptions(keys, explanations,
                         per_item if isinstance(per_item, bool) else base.per_item_scores)


def _when(value: Any, default: str) -> str:
    """A stored "when" that is one of ``WHEN``, else ``default``."""
    return value if isinstance(value, str) and value in WHEN else default


def later(first: str, second: str) -> bool:
    """Whether ``first`` reveals later than ``second``."""
    return WHEN.index(first) > WHEN.index(second)


def is_shown(when: str, *, final: bool, closed: bool) -> bool:
    """``final``: the result is final (a timed attempt scored, a practice item checked or a
    practice attempt finished). ``closed``: the applicant can start no other attempt."""
    if when == IMMEDIATELY:
        return final
    if when == AFTER_CLOSE:
        return final and closed
    return False


@dataclass(frozen=True)
class Visibility:
    """What a page may show of one attempt now."""

    keys: bool
    explanations: bool
    per_item_scores: bool
    note: str = ""  # why keys (or explanations) are not shown; "" when both are
    short_note: str = ""

    @property
    def anything(self) -> bool:
        return self.keys or self.explanations


def visibility(options: ReviewOptions, *, final: bool, closed: bool) -> Visibility:
    keys = is_shown(options.keys, final=final, closed=closed)
    explanations = is_shown(options.explanations, final=final, closed=closed)
    if not keys:  # explanations are never shown before the keys
        what = "The correct answers and explanations are" if options.explanations == \
            options.keys else "The correct answers are"
        return Visibility(False, False, options.per_item_scores,
                          _WHY[options.keys].format(what=what), SHORT_NOTES[options.keys])
    if not explanations:
        return Visibility(True, False, options.per_item_scores,
                          _WHY[options.explanations].format(what="The explanations are"))
    return Visibility(True, True, options.per_item_scores)
