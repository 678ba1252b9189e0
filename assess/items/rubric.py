"""Rubric scoring: score one response on each dimension; credit within a tolerance band."""
from __future__ import annotations

from collections.abc import Mapping  # isinstance is far quicker than typing's
from itertools import product
from math import prod
from typing import Any, Iterator

from ..core.item_analysis import NO_ANSWER, ConfusionKey, Tally
from .base import MAX_ANSWER_SPACE, AnswerError, ConstantAnswerRule, ItemType
from .schema import (
    MAPPING,
    TEXT,
    FieldError,
    Sound,
    describe,
    identified,
    integer,
    number,
    unique_ids,
)

DEFAULT_MIN, DEFAULT_MAX, DEFAULT_TOLERANCE, DEFAULT_PARTIAL = 1, 5, 1, 0.5


def as_score(value: Any) -> int | None:
    """An integer score from an int, an integral float or a numeric string (form posts)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, int) else None


def scale(dimension: Mapping) -> tuple[int, int]:
    return dimension.get("min", DEFAULT_MIN), dimension.get("max", DEFAULT_MAX)


def _level_errors(levels: Mapping, path: str, low: int, high: int) -> Iterator[FieldError]:
    """Each key of a dimension's levels must be a score of its scale, each value a text."""
    for key, descriptor in levels.items():
        score = as_score(key)
        if score is None or not low <= score <= high:
            yield FieldError(f"{path}.levels.{key}", f"expected a score from {low} to {high} "
                                                     f"as key")
        elif not isinstance(descriptor, str) or not descriptor.strip():
            yield FieldError(f"{path}.levels.{key}", f"expected a non-empty descriptor, got "
                                                     f"{describe(descriptor)}")


class Rubric(ItemType):
    name = "rubric"
    label = "Rubric scoring"
    schema = {
        "properties": {
            "prompt": TEXT,
            "response": TEXT,
            "dimensions": identified(
                1, text_key="label", additionalProperties=False,
                properties={"description": TEXT, "min": integer(), "max": integer(),
                            "tolerance": integer(0),
                            # score -> descriptor; YAML gives integer keys, which JSON Schema
                            # cannot name, so validate_fields checks them
                            "levels": MAPPING}),
            "gold": MAPPING,  # dimension id -> score, within the dimension's scale
            "partial": number(0, 1),
        },
        "required": ["prompt", "response", "dimensions", "gold"],
    }
    default_skills = ("rubric_calibration",)
    form_keyed = ("scores",)
    has_distractors = True
    constant_answer_rules = (ConstantAnswerRule(
        "rubric-balance", "the gold levels cluster; scoring every dimension at {phrase} of its "
                          "scale ('{strategy}')",
        {"top": "the top", "bottom": "the bottom", "middle": "the middle",
         "second-top": "one below the top"}),)
    sample = {
        "id": "sample-rubric",
        "type": "rubric",
        "title": "Password managers for a beginner",
        "prompt": "Explain what a password manager is to someone who has never used one.",
        "response": "A password manager is an encrypted vault (AES-256, with the key derived "
                    "from your master password by PBKDF2 or Argon2) that stores credentials, "
                    "generates high-entropy passwords and autofills them through browser "
                    "extensions.",
        "dimensions": [
            {"id": "accuracy", "label": "Accuracy", "min": 1, "max": 3,
             "levels": {1: "A significant error.", 2: "A minor inaccuracy.",
                        3: "Fully accurate."}},
            {"id": "audience", "label": "Suits the reader", "min": 1, "max": 3,
             "description": "Could a beginner understand it?",
             "levels": {1: "Full of jargon a beginner would not know.",
                        2: "Mostly plain, with some unexplained terms.",
                        3: "Plain language throughout."}},
        ],
        "gold": {"accuracy": 3, "audience": 1},
        "explanation": "Everything stated is true, so accuracy is 3. But terms such as "
                       "*AES-256*, *PBKDF2* and *high-entropy* mean nothing to a beginner, so "
                       "the response does not suit the reader: 1.",
    }

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if not sound("dimensions"):
            return  # neither scales nor ids to check the gold against
        known, duplicates = unique_ids(entry, "dimensions")
        yield from duplicates
        scales: dict[str, tuple[int, int]] = {}
        for i, dimension in enumerate(entry["dimensions"]):
            low, high = scale(dimension)
            if low >= high:
                yield FieldError(f"dimensions[{i}].min",
                                 f"expected min < max, got min {low} and max {high}")
                continue
            yield from _level_errors(dimension.get("levels") or {}, f"dimensions[{i}]", low, high)
            scales.setdefault(dimension["id"], (low, high))
        if not sound("gold"):
            return
        gold = entry["gold"]
        for key in gold:
            if key not in known:
                yield FieldError(f"gold.{key}", f"unknown dimension; expected one of "
                                                f"{', '.join(known)}")
        for ident, (low, high) in scales.items():
            score = gold.get(ident)
            if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
                yield FieldError(f"gold.{ident}", f"expected an integer score from {low} to "
                                                  f"{high} (the dimension's min and max), got "
                                                  f"{describe(score)}")

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"], "response": content["response"]}
        for dimension in content["dimensions"]:
            path = f"dimensions.{dimension['id']}"
            if dimension.get("description"):
                fields[f"{path}.description"] = dimension["description"]
            for key, descriptor in (dimension.get("levels") or {}).items():
                fields[f"{path}.levels.{as_score(key)}"] = descriptor
        return fields

    def own_public_view(self, content, presentation):
        dimensions = []
        for dimension in content["dimensions"]:
            low, high = scale(dimension)
            levels = {score: v for k, v in (dimension.get("levels") or {}).items()
                      if (score := as_score(k)) is not None}  # all of them, once validated
            dimensions.append({
                "id": dimension["id"], "label": dimension["label"],
                "description": dimension.get("description"), "min": low, "max": high,
                "levels": [{"score": s, "descriptor": levels[s]} for s in sorted(levels)],
            })
        return {"prompt": content["prompt"], "response": content["response"],
                "dimensions": dimensions}

    def parse_fields(self, content, raw) -> dict[str, Any]:
        scores = raw.get("scores")
        if scores is None:
            return {}
        if not isinstance(scores, Mapping):
            raise AnswerError("scores", "expected an object of dimension id: score")
        dimensions = {d["id"]: d for d in content["dimensions"]}
        answer = {}
        for key, value in scores.items():
            if key not in dimensions:
                raise AnswerError(f"scores.{key}", f"unknown dimension; expected one of "
                                                   f"{', '.join(dimensions)}")
            if value is None or value == "":
                continue  # not scored yet
            low, high = scale(dimensions[key])
            score = as_score(value)
            if score is None or not low <= score <= high:
                raise AnswerError(f"scores.{key}", f"expected a whole number from {low} to {high}")
            answer[key] = score
        return {"scores": answer}

    def fields_complete(self, content, answer) -> bool:
        scores = answer.get("scores") or {}
        return all(d["id"] in scores for d in content["dimensions"])

    def grade_fraction(self, content, answer):
        partial = content.get("partial", DEFAULT_PARTIAL)
        detail, total = {}, 0.0
        for dimension in content["dimensions"]:
            ident = dimension["id"]
            given, gold = answer["scores"][ident], content["gold"][ident]
            off = abs(given - gold)
            credit = 1.0 if off == 0 else (
                partial if off <= dimension.get("tolerance", DEFAULT_TOLERANCE) else 0.0)
            detail[ident] = {"given": given, "gold": gold, "credit": credit}
            total += credit
        return total / len(content["dimensions"]), {"dimensions": detail}

    def answer_space(self, content):
        ids = [d["id"] for d in content["dimensions"]]
        ranges = [range(low, high + 1) for low, high in map(scale, content["dimensions"])]
        if prod(map(len, ranges)) > MAX_ANSWER_SPACE:
            return None
        return ({"scores": dict(zip(ids, scores))} for scores in product(*ranges))

    def shortcuts(self, content, presentation):
        """The same level on every dimension: the top of each scale, the bottom, the middle
        (rounded down: 3 of 1-5, 2 of 1-4) and one below the top."""
        dimensions = self.public_view(content, presentation)["dimensions"]
        levels = {"top": lambda low, high: high, "bottom": lambda low, high: low,
                  "middle": lambda low, high: (low + high) // 2,
                  "second-top": lambda low, high: max(low, high - 1)}
        return {name: {"scores": {d["id"]: level(d["min"], d["max"]) for d in dimensions}}
                for name, level in levels.items()}

    def key_answer(self, content):
        return {"scores": dict(content["gold"])}

    def distractors(self, content, shown):
        """Per dimension, how often each level was chosen against the gold level (one row of
        that dimension's gold × chosen confusion matrix)."""
        tally = Tally(shown)
        for s in shown:
            scores = (s.answer or {}).get("scores") or {}
            for dimension in content["dimensions"]:
                level = scores.get(dimension["id"])
                tally.add(dimension["id"], NO_ANSWER if level is None else str(level), s.score)
        picks = []
        for dimension in content["dimensions"]:
            gold = str(content["gold"][dimension["id"]])
            low, high = scale(dimension)
            picks += [tally.pick(dimension["id"], gold, str(level), str(level) == gold)
                      for level in range(int(low), int(high) + 1)]
            picks.append(tally.pick(dimension["id"], gold, NO_ANSWER, False))
        return picks

    # Item analysis tabulates each dimension's credit, and the levels chosen against the gold
    # level in a confusion matrix per dimension (listed first, by dimension id).
    scores_dimensions = True

    def scored_dimensions(self, content):
        return content.get("dimensions") or ()

    def confusion_key(self, pick):
        return ConfusionKey((0, pick.target),
                            f"Rubric dimension “{pick.target}”: gold level × level chosen")
