"""Multiple choice: pick the one right option, or every right option when ``multiple``."""
from __future__ import annotations

from typing import Any, Mapping

from ..core.item_analysis import NO_ANSWER, Tally
from .base import (AnswerError, Checker, FixedOrder, ItemType, KeyPosition, LintFacts,
                   display_orders, longest, own_texts, shortest, shuffled, text_length)
from .labels import check_id_list, parse_id_list, subsets


def gold_ids(content: Mapping) -> list[str]:
    """The gold key as a list; a bank may give a single option id as a plain string."""
    gold = content["gold"]
    return [gold] if isinstance(gold, str) else list(gold)


class Choice(ItemType):
    name = "choice"
    label = "Multiple choice"
    fields = frozenset({"prompt", "options", "multiple", "shuffle", "gold"})
    form_lists = ("selected",)
    has_distractors = True
    sample = {
        "id": "sample-choice",
        "type": "choice",
        "title": "An allergy the response ignored",
        "prompt": "A user says they are allergic to peanuts and asks for a quick snack idea. "
                  "The response suggests peanut butter on toast. What is the main problem?",
        "options": [
            {"id": "length", "text": "The response is too short."},
            {"id": "safety", "text": "It ignores a safety-relevant detail the user gave."},
            {"id": "units", "text": "It does not give quantities in grams."},
            {"id": "none", "text": "There is no problem: peanut butter on toast is a snack."},
        ],
        "gold": "safety",
        "explanation": "The user named an allergy, and the suggestion could make them ill. "
                       "Length and units are minor matters by comparison.",
    }

    def validate_fields(self, entry: Mapping, check: Checker) -> None:
        check.text(entry, "prompt")
        options = check.identified(entry, "options", min_len=2, max_len=10)
        multiple = check.boolean(entry, "multiple", default=False)
        check.boolean(entry, "shuffle", default=True)
        gold = entry.get("gold")
        ids = [o["id"] for o in options]
        if isinstance(gold, str):  # the single-answer short form
            if ids and gold not in ids:
                check.add("gold", f"unknown option id {gold!r}; expected one of {', '.join(ids)}")
            return
        gold = check.sequence(entry, "gold", min_len=1)
        if gold is None:
            return
        check_id_list(check, gold, "gold", ids)
        if not multiple and len(gold) > 1:
            check.add("gold", f"lists {len(gold)} options but multiple is false: expected exactly "
                              "one gold option id (or set multiple: true)")

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"]}
        for option in content["options"]:
            fields[f"options.{option['id']}"] = option["text"]
        return fields

    def presentation(self, content, rng):
        ids = [o["id"] for o in content["options"]]
        return {"order": shuffled(ids, rng) if content.get("shuffle", True) else ids}

    def own_public_view(self, content, presentation):
        by_id = {o["id"]: o for o in content["options"]}
        order = presentation.get("order") or list(by_id)
        return {
            "prompt": content["prompt"],
            "options": [{"id": i, "text": by_id[i]["text"]} for i in order],
            "multiple": content.get("multiple", False),
        }

    def gold_view(self, content: Mapping) -> dict[str, Any]:
        return {**super().gold_view(content), "gold": gold_ids(content)}

    def parse_fields(self, content, raw) -> dict[str, Any]:
        selected = raw.get("selected")
        if selected is None:
            return {}
        if isinstance(selected, str):  # a radio button posts one id
            selected = [selected]
        ids = [o["id"] for o in content["options"]]
        selected = parse_id_list("selected", selected, ids)
        if len(selected) > 1 and not content.get("multiple", False):
            raise AnswerError("selected", "select at most one option")
        return {"selected": selected}

    def fields_complete(self, content, answer) -> bool:
        return bool(answer.get("selected"))

    def grade_fraction(self, content, answer):
        gold, selected = gold_ids(content), answer["selected"]
        correct = [i for i in selected if i in gold]
        wrong = [i for i in selected if i not in gold]
        missed = [i for i in gold if i not in selected]
        detail = {"correct": correct, "wrong": wrong, "missed": missed}
        if not content.get("multiple", False):
            return (1.0 if selected == gold else 0.0), detail
        return max(0.0, (len(correct) - len(wrong)) / len(gold)), detail

    def answer_space(self, content):
        ids = [o["id"] for o in content["options"]]
        if not content.get("multiple", False):
            return ({"selected": [i]} for i in ids)
        # Each checkbox at even odds, but a guesser always ticks something (at most 10
        # options: 1023 answers).
        return ({"selected": selected} for selected in subsets(ids) if selected)

    def presentations(self, content):
        ids = [o["id"] for o in content["options"]]
        if not content.get("shuffle", True):
            return [{"order": ids}]
        return [{"order": order} for order in display_orders(ids)]

    def shortcuts(self, content, presentation):
        """Single answer: the first or the last option shown, the longest or the shortest.
        Multiple answers: every option, the first one shown, or the longer half (the
        ``len // 2`` longest). Equally long options count in the order shown."""
        view = self.public_view(content, presentation)
        shown = view["options"]
        if not view["multiple"]:
            picks = {"first": shown[0], "last": shown[-1], "longest": longest(shown),
                     "shortest": shortest(shown)}
            return {name: {"selected": [option["id"]]} for name, option in picks.items()}
        by_length = sorted(shown, key=lambda o: -text_length(o["text"]))
        half = by_length[:max(1, len(shown) // 2)]
        return {"all": {"selected": [o["id"] for o in shown]},
                "first": {"selected": [shown[0]["id"]]},
                "longest-half": {"selected": [o["id"] for o in half]}}

    def key_answer(self, content):
        return {"selected": gold_ids(content)}

    def lint_facts(self, content):
        """Options are lettered when shuffled; a single-answer key has a position among them
        and a length against theirs; unshuffled options should run in a natural order."""
        options = content["options"]
        ids = tuple(o["id"] for o in options)
        shuffle = content.get("shuffle", True)
        single = not content.get("multiple", False)
        key = gold_ids(content)[0] if single else None
        return LintFacts(
            texts=own_texts(content, "options"),
            lettered=ids if shuffle else (), lettered_noun="options",
            key_position=KeyPosition(ids, (key,), "the correct option is listed",
                                     sides=("first", "last")) if single else None,
            pick=(key, tuple((o["id"], text_length(o["text"])) for o in options))
            if single else None,
            fixed_order=None if shuffle is not False else FixedOrder(
                tuple(o["text"] for o in options),
                ids.index(key) if single and key in ids else None))

    def distractors(self, content, shown):
        """How often each option was selected (a multi-select answer counts for each option
        it ticks), and how often nothing was."""
        gold = gold_ids(content)
        tally = Tally(shown)
        for s in shown:
            selected = (s.answer or {}).get("selected") or []
            for option in selected:
                tally.add("options", option, s.score)
            if not selected:
                tally.add("options", NO_ANSWER, s.score)
        key = ", ".join(gold)
        picks = [tally.pick("options", key, o["id"], o["id"] in gold)
                 for o in content["options"]]
        return picks + [tally.pick("options", key, NO_ANSWER, False)]
