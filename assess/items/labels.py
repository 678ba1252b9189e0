"""Labels: which options of a taxonomy apply to a response (any number of them, or none)."""
from __future__ import annotations

from itertools import product
from typing import Any, Iterator, Mapping

from ..core.item_analysis import NO_ANSWER, NONE_APPLY, Tally
from .base import (
    MAX_ANSWER_SPACE,
    AnswerError,
    ConstantAnswerRule,
    EmptyKeyRule,
    ItemType,
    LintFacts,
    form_value,
    own_texts,
)
from .schema import LIST, TEXT, FieldError, Sound, describe, id_list_errors, identified, unique_ids


def parse_id_list(field: str, value: Any, ids: list[str], what: str = "option") -> list[str]:
    """An answer's list of ids: each known and at most once, else ``AnswerError(field)``."""
    if not isinstance(value, list):
        raise AnswerError(field, f"expected a list of {what} ids")
    seen: list[str] = []
    for ident in value:
        if not isinstance(ident, str) or ident not in ids:
            raise AnswerError(field, f"unknown {what} id {describe(ident)}; "
                                     f"expected one of {', '.join(ids)}")
        if ident in seen:
            raise AnswerError(field, f"{what} {ident!r} is listed more than once")
        seen.append(ident)
    return seen


def subsets(ids: list[str]):
    """Every subset of ``ids`` (in their order), as ticking each checkbox or not at even odds
    gives them: 2 ** len(ids) lists, the empty one included."""
    return ([i for i, ticked in zip(ids, ticks) if ticked]
            for ticks in product((False, True), repeat=len(ids)))


class Labels(ItemType):
    name = "labels"
    label = "Label a response"
    schema = {
        "properties": {
            "prompt": TEXT,
            "response": TEXT,
            "options": identified(2, properties={"description": TEXT},
                                  additionalProperties=False),
            "gold": LIST,  # option ids; may be empty: no label applies
        },
        "required": ["prompt", "response", "options", "gold"],
    }
    default_skills = ("guidelines",)
    form_lists = ("labels",)
    has_distractors = True
    constant_answer_rules = (ConstantAnswerRule("labels-all", "ticking every label",
                                                {"all": "every label"}),)
    empty_key = EmptyKeyRule("labels-none", "none", "have an empty gold set", "ticking nothing")
    sample = {
        "id": "sample-labels",
        "type": "labels",
        "title": "Three tips, please",
        "prompt": "Give me three tips for sleeping better. Keep it short.",
        "response": "1. Go to bed and get up at the same time every day.\n"
                    "2. Avoid caffeine in the afternoon.\n"
                    "3. Keep your bedroom cool and dark.\n"
                    "4. Put screens away an hour before bed.\n"
                    "5. Exercise during the day.",
        "options": [
            {"id": "factual_error", "text": "Factual error",
             "description": "States something false about the world."},
            {"id": "instruction_miss", "text": "Ignores an instruction",
             "description": "Misses an explicit requirement of the request, such as length or "
                            "format."},
            {"id": "tone", "text": "Inappropriate tone",
             "description": "Rude, preachy or condescending."},
        ],
        "gold": ["instruction_miss"],
        "explanation": "The user asked for three tips and got five, so the response ignores an "
                       "instruction. The tips themselves are sound and the tone is friendly.",
    }

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if not sound("options"):
            return  # no ids to check the gold against
        ids, duplicates = unique_ids(entry, "options")
        yield from duplicates
        if sound("gold"):
            yield from id_list_errors(entry["gold"], "gold", ids)

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"], "response": content["response"]}
        for option in content["options"]:
            fields[f"options.{option['id']}"] = option["text"]
            if option.get("description"):
                fields[f"options.{option['id']}.description"] = option["description"]
        return fields

    # Options keep bank order (they are a taxonomy): no presentation.

    def own_public_view(self, content, presentation):
        return {
            "prompt": content["prompt"],
            "response": content["response"],
            "options": [{"id": o["id"], "text": o["text"], "description": o.get("description")}
                        for o in content["options"]],
        }

    def parse_fields(self, content, raw) -> dict[str, Any]:
        if raw.get("labels") is None:
            return {}
        ids = [o["id"] for o in content["options"]]
        return {"labels": parse_id_list("labels", raw["labels"], ids)}

    def own_form_answer(self, content, form) -> dict[str, Any]:
        """Checkboxes ``labels``, plus ``labels_none`` ("None of these apply"): ``[]``."""
        raw = super().own_form_answer(content, form)
        if form_value(form, "labels_none") is not None:
            if raw.get("labels"):
                raise AnswerError("labels", "choose labels or 'None of these apply', not both")
            raw["labels"] = []
        return raw

    def fields_complete(self, content, answer) -> bool:
        return "labels" in answer  # an empty list means "none apply"

    def grade_fraction(self, content, answer):
        ids = [o["id"] for o in content["options"]]
        given, gold = set(answer["labels"]), set(content["gold"])
        union = given | gold
        fraction = len(given & gold) / len(union) if union else 1.0
        return fraction, {
            "correct": [i for i in ids if i in given & gold],
            "missed": [i for i in ids if i in gold - given],
            "extra": [i for i in ids if i in given - gold],
        }

    def answer_space(self, content):
        ids = [o["id"] for o in content["options"]]
        if 2 ** len(ids) > MAX_ANSWER_SPACE:
            return None
        # Ticking none is the answer "none apply".
        return ({"labels": labels} for labels in subsets(ids))

    def shortcuts(self, content, presentation):
        """Nothing applies (the empty list, as "None of these apply" posts it), every label,
        and the first label shown only."""
        shown = [o["id"] for o in self.public_view(content, presentation)["options"]]
        return {"none": {"labels": []}, "all": {"labels": shown}, "first": {"labels": shown[:1]}}

    def key_answer(self, content):
        return {"labels": list(content["gold"])}

    def lint_facts(self, content):
        """The prompt and response only (the options are a taxonomy shared across items),
        and whether the key is "none apply"."""
        return LintFacts(texts=own_texts(content), key_empty=content["gold"] == [])

    def distractors(self, content, shown):
        """How often each label was picked (gold or not), and "none apply"."""
        gold = set(content.get("gold") or [])
        tally = Tally(shown)
        for s in shown:
            answer = s.answer or {}
            if "labels" not in answer:
                tally.add("labels", NO_ANSWER, s.score)
                continue
            for label in answer["labels"]:
                tally.add("labels", label, s.score)
            if not answer["labels"]:
                tally.add("labels", NONE_APPLY, s.score)
        key = ", ".join(o["id"] for o in content["options"] if o["id"] in gold) or NONE_APPLY
        picks = [tally.pick("labels", key, o["id"], o["id"] in gold)
                 for o in content["options"]]
        return picks + [tally.pick("labels", key, NONE_APPLY, not gold),
                        tally.pick("labels", key, NO_ANSWER, False)]
