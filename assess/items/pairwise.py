"""Pairwise comparison: which of two responses is better, and by how much."""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..core.item_analysis import NO_ANSWER, Pick, Tally
from .base import (
    AnswerError,
    ItemType,
    KeyPosition,
    LintFacts,
    display_orders,
    longest,
    own_texts,
    shortest,
    shuffled,
    text_length,
)
from .schema import BOOLEAN, TEXT, FieldError, Sound, describe, identified, integer, unique_ids

STRENGTHS = {1: "slightly", 2: "clearly", 3: "much"}
EQUAL = "equal"
DEFAULT_STRENGTH = 2  # what the key answers when its gold gives no strength (any is right)


def choices(content: Mapping) -> list[str]:
    """What an applicant may choose: a response id, or "equal" when the item allows it."""
    return [r["id"] for r in content["responses"]] + \
        ([EQUAL] if content.get("allow_equal") else [])


def side_strength(choice: Any, strength: Any) -> str:
    """An answer as the distractor table names it: "a · much", or "equal"."""
    if choice == EQUAL:
        return EQUAL
    return f"{choice} · {STRENGTHS.get(strength, 'no strength')}"


def shown_responses(content: Mapping, presentation: Mapping) -> list[dict[str, Any]]:
    """The responses as the applicant sees them: ``{id, text}`` in the presented order."""
    by_id = {r["id"]: r for r in content["responses"]}
    order = presentation.get("order") or list(by_id)
    return [{"id": i, "text": by_id[i]["text"]} for i in order]


class Pairwise(ItemType):
    name = "pairwise"
    label = "Pairwise comparison"
    schema = {
        "properties": {
            "prompt": TEXT,
            "responses": identified(2, 2),
            "allow_equal": BOOLEAN,
            "gold": {
                "type": "object",
                "properties": {"choice": {"type": "string",
                                          "description": "a response id or 'equal'"},
                               "strength": integer(1, len(STRENGTHS))},
                "required": ["choice"],
                "additionalProperties": False,
            },
        },
        "required": ["prompt", "responses", "gold"],
    }
    default_skills = ("judgment",)
    form_scalars = ("choice", "strength")
    length_basis = "pairwise"
    has_distractors = True
    sample = {
        "id": "sample-pairwise",
        "type": "pairwise",
        "title": "Boiling point of water",
        "prompt": "At what temperature does water boil at sea level? Answer in one sentence.",
        "responses": [
            {"id": "a", "text": "Water boils at 100 °C (212 °F) at sea level."},
            {"id": "b", "text": "Water boils at 90 °C at sea level, and at even higher "
                                "temperatures up a mountain."},
        ],
        "allow_equal": True,
        "gold": {"choice": "a", "strength": 3},
        "explanation": "**The 100 °C response is much better.** It is correct and keeps to one "
                       "sentence. The other gives the wrong temperature and gets altitude "
                       "backwards: lower air pressure makes water boil at a *lower* temperature "
                       "on a mountain.",
        "justification": {
            "prompt": "In one or two sentences, say what decides the comparison.",
            "rubric": "justification",
            "min_chars": 40,
            "max_chars": 600,
        },
    }

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if not sound("responses"):
            return
        ids, duplicates = unique_ids(entry, "responses")
        yield from duplicates
        if not sound("gold.choice"):
            return
        gold = entry["gold"]
        options = ids + ([EQUAL] if entry.get("allow_equal") is True else [])
        if gold["choice"] not in options:
            yield FieldError("gold.choice", f"expected one of {', '.join(map(repr, options))}, "
                                            f"got {describe(gold['choice'])}")
        elif gold["choice"] == EQUAL and "strength" in gold:
            yield FieldError("gold.strength", "must be left out when the gold choice is 'equal'")

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"]}
        for response in content["responses"]:
            fields[f"responses.{response['id']}"] = response["text"]
        return fields

    def presentation(self, content, rng):
        return {"order": shuffled([r["id"] for r in content["responses"]], rng)}

    def own_public_view(self, content, presentation):
        return {
            "prompt": content["prompt"],
            "responses": shown_responses(content, presentation),
            "allow_equal": content.get("allow_equal", False),
            "strengths": STRENGTHS,
        }

    def parse_fields(self, content, raw) -> dict[str, Any]:
        answer: dict[str, Any] = {}
        choice = raw.get("choice")
        if choice is not None:
            allowed = choices(content)
            if choice not in allowed:
                raise AnswerError("choice", f"expected one of {', '.join(allowed)}")
            answer["choice"] = choice
        strength = raw.get("strength")
        if strength is not None and choice != EQUAL:
            if isinstance(strength, str) and strength.isdecimal():
                strength = int(strength)
            if isinstance(strength, bool) or not isinstance(strength, int) \
                    or strength not in STRENGTHS:
                raise AnswerError("strength", "expected 1 (slightly), 2 (clearly) or 3 (much)")
            answer["strength"] = strength
        return answer

    def fields_complete(self, content, answer) -> bool:
        return "choice" in answer

    def grade_fraction(self, content, answer):
        gold = content["gold"]
        chosen, wanted = answer["choice"], gold["choice"]
        strength, gold_strength = answer.get("strength"), gold.get("strength")
        if chosen == wanted:
            if wanted == EQUAL or gold_strength is None or strength == gold_strength:
                return 1.0, {"verdict": "correct"}
            return 0.5, {"verdict": "right side, wrong strength"}
        if EQUAL in (chosen, wanted):
            # "about equal" against a slight preference is a near miss; anything else is wrong.
            near = (strength if wanted == EQUAL else gold_strength) == 1
            if near:
                return 0.25, {"verdict": "near miss: the difference is slight"}
        return 0.0, {"verdict": "wrong side"}

    def answer_space(self, content):
        # The form shows the strength buttons beside "about equal" too (which ignores them),
        # so a guesser clicks one of each group: "equal" comes up once in len(choices) tries.
        return ({"choice": c, "strength": s} for c in choices(content) for s in STRENGTHS)

    def presentations(self, content):
        ids = [r["id"] for r in content["responses"]]
        return [{"order": order} for order in display_orders(ids)]

    def shortcuts(self, content, presentation):
        """The first or the last response shown, or the longer or the shorter one, at the
        strongest strength ("much better"; the longer and shorter also at "slightly"), and
        "about equal" where the item offers it. Equally long responses: the first shown."""
        view = self.public_view(content, presentation)
        shown = view["responses"]
        strongest, weakest = max(view["strengths"]), min(view["strengths"])
        picks = {"first": shown[0], "last": shown[-1], "longer": longest(shown),
                 "shorter": shortest(shown)}
        answers = {name: {"choice": response["id"], "strength": strongest}
                   for name, response in picks.items()}
        for name in ("longer", "shorter"):
            answers[f"{name}-slightly"] = {"choice": picks[name]["id"], "strength": weakest}
        if view["allow_equal"]:
            answers["equal"] = {"choice": EQUAL}
        return answers

    def key_answer(self, content):
        gold = content["gold"]
        answer: dict[str, Any] = {"choice": gold["choice"]}
        if gold["choice"] != EQUAL:
            answer["strength"] = gold.get("strength", DEFAULT_STRENGTH)
        return answer

    def lint_facts(self, content):
        """The better response's position and length against the other's, and the key's
        strength ("much better", or "equal")."""
        ids = tuple(r["id"] for r in content["responses"])
        gold = content["gold"]
        choice, strength = gold["choice"], gold.get("strength")
        degree = EQUAL if choice == EQUAL else \
            None if strength is None else f"{STRENGTHS[strength]} better"
        position = lengths = None
        if choice != EQUAL:
            position = KeyPosition(ids, (choice,), "the better response is listed",
                                   other="second")
            length = {r["id"]: text_length(r["text"]) for r in content["responses"]}
            lengths = (length[choice],
                       next(n for ident, n in length.items() if ident != choice))
        return LintFacts(texts=own_texts(content, "responses"), lettered=ids,
                         key_position=position, key_lengths=lengths, key_degree=degree)

    def distractors(self, content, shown):
        """Side × strength as answered (every combination, picked or not), then which
        position on screen the chosen side had (first shown or second), for position bias."""
        gold = content["gold"]
        key = side_strength(gold["choice"], gold.get("strength"))
        sides = [r["id"] for r in content["responses"]]
        options = [side_strength(side, strength) for side in sides for strength in STRENGTHS]
        if content.get("allow_equal") or gold["choice"] == EQUAL:
            options.append(EQUAL)
        tally = Tally(shown)
        for s in shown:
            answer = s.answer or {}
            choice = answer.get("choice")
            if choice is None:
                tally.add("side × strength", NO_ANSWER, s.score)
                continue
            given = side_strength(choice, answer.get("strength"))
            if given not in options:
                options.append(given)  # a side without a strength
            tally.add("side × strength", given, s.score)
            order = list((s.presentation or {}).get("order") or sides)
            if choice in order:
                tally.add("position", "first shown" if order.index(choice) == 0
                          else "second shown", s.score)

        def exact(option: str) -> bool:
            if gold["choice"] == EQUAL or gold.get("strength") is None:
                return option.split(" · ")[0] == gold["choice"]
            return option == key
        picks: list[Pick] = [tally.pick("side × strength", key, o, exact(o)) for o in options]
        picks.append(tally.pick("side × strength", key, NO_ANSWER, False))
        return picks + [tally.pick("position", "", where, False)
                        for where in ("first shown", "second shown")]

    distractors_read_presentation = True  # the position the chosen side was shown in
