"""Ranking: order 3-6 responses from best to worst; graded by normalised Kendall tau distance."""
from __future__ import annotations

from itertools import combinations, permutations
from typing import Any, Mapping

from ..core.item_analysis import NO_ANSWER, Tally
from .base import Checker, ItemType, KeyPosition, LintFacts, _describe, own_texts, text_length
from .labels import parse_id_list
from .pairwise import Pairwise


def gold_ranks(order: list) -> dict[str, int]:
    """Rank of each response in a gold order; tied responses (a nested list) share a rank."""
    return {ident: rank for rank, element in enumerate(order)
            for ident in (element if isinstance(element, list) else [element])}


def group(element) -> list[str]:
    """A gold order's element as a list of ids: a tie group, or one id."""
    return list(element) if isinstance(element, list) else [element]


def gold_places(order: list) -> dict[str, tuple[int, int]]:
    """Response id -> the range of 1-based places it may take in the gold order (a tie group
    of k spans k places)."""
    places, place = {}, 1
    for element in order:
        for ident in group(element):
            places[ident] = (place, place + len(group(element)) - 1)
        place += len(group(element))
    return places


class Ranking(ItemType):
    name = "ranking"
    label = "Ranking"
    fields = frozenset({"prompt", "responses", "gold"})
    default_skills = ("judgment",)
    form_lists = ("order",)
    length_basis = "ranking top against bottom"
    has_distractors = True
    sample = {
        "id": "sample-ranking",
        "type": "ranking",
        "title": "Kilometres to miles",
        "prompt": "How do I convert 5 kilometres to miles?",
        "responses": [
            {"id": "exact", "text": "Multiply by 0.621: 5 km × 0.621 ≈ 3.1 miles."},
            {"id": "rough", "text": "5 km is about 3 miles."},
            {"id": "wrong", "text": "Multiply by 1.609: 5 km × 1.609 ≈ 8 miles."},
        ],
        "gold": {"order": ["exact", "rough", "wrong"]},
        "explanation": "The best response shows the method and a precise result. \"About 3 "
                       "miles\" is right but does not say how to convert. Multiplying by "
                       "1.609 converts miles to kilometres, so the last answer is wrong.",
    }

    def validate_fields(self, entry: Mapping, check: Checker) -> None:
        check.text(entry, "prompt")
        ids = [r["id"] for r in check.identified(entry, "responses", min_len=3, max_len=6)]
        gold = check.mapping(entry, "gold")
        if gold is None:
            return
        check.unknown_keys(gold, {"order"}, "gold.")
        order = check.sequence(gold, "order", "gold.order", min_len=1)
        if order is None or not ids:  # without valid responses there is nothing to check against
            return
        seen: dict[str, int] = {}
        for rank, element in enumerate(order):
            group = element if isinstance(element, list) else [element]
            if not group:
                check.add(f"gold.order[{rank}]", "is an empty tie group: expected a response id "
                                                 "or a list of at least one tied id")
            for j, ident in enumerate(group):
                path = f"gold.order[{rank}]" + (f"[{j}]" if isinstance(element, list) else "")
                if not isinstance(ident, str) or ident not in ids:
                    check.add(path, f"unknown response id {_describe(ident)}; expected one of "
                                    f"{', '.join(ids)} (or a list of tied ids)")
                elif ident in seen:
                    check.add(path, f"response {ident!r} appears more than once; every response "
                                    "must appear exactly once")
                else:
                    seen[ident] = rank
        missing = [i for i in ids if i not in seen]
        if missing:
            check.add("gold.order", f"is missing {', '.join(missing)}: every response must appear "
                                    "exactly once")
        elif ids and len(set(seen.values())) < 2:
            check.add("gold.order", "ties every response: at least two responses must be "
                                    "strictly ordered")

    # Same responses shape as pairwise: same markdown paths, shuffled display order, view.
    own_markdown_fields = Pairwise.own_markdown_fields
    presentation = Pairwise.presentation
    presentations = Pairwise.presentations

    def own_public_view(self, content, presentation):
        view = Pairwise.own_public_view(self, content, presentation)
        return {"prompt": view["prompt"], "responses": view["responses"]}

    def parse_fields(self, content, raw) -> dict[str, Any]:
        if raw.get("order") is None:
            return {}
        ids = [r["id"] for r in content["responses"]]
        return {"order": parse_id_list("order", raw["order"], ids, "response")}

    def fields_complete(self, content, answer) -> bool:
        return len(answer.get("order") or []) == len(content["responses"])

    def grade_fraction(self, content, answer):
        gold = gold_ranks(content["gold"]["order"])
        given = {ident: position for position, ident in enumerate(answer["order"])}
        comparable = discordant = 0
        for a, b in combinations(gold, 2):
            if gold[a] == gold[b]:
                continue  # tied in gold: either order is right
            comparable += 1
            discordant += (gold[a] < gold[b]) != (given[a] < given[b])
        distance = discordant / comparable if comparable else 0.0
        return 1.0 - distance, {"discordant": discordant, "comparable": comparable,
                                "distance": round(distance, 6)}

    def answer_space(self, content):
        ids = [r["id"] for r in content["responses"]]  # at most 6: 720 orders
        return ({"order": list(order)} for order in permutations(ids))

    def shortcuts(self, content, presentation):
        """The order shown, its reverse, and the responses by length, longest or shortest
        first (equally long ones in the order shown)."""
        shown = self.public_view(content, presentation)["responses"]
        displayed = [r["id"] for r in shown]
        by_length = [r["id"] for r in sorted(shown, key=lambda r: -text_length(r["text"]))]
        by_brevity = [r["id"] for r in sorted(shown, key=lambda r: text_length(r["text"]))]
        return {"displayed": {"order": displayed}, "reversed": {"order": displayed[::-1]},
                "longest-first": {"order": by_length}, "shortest-first": {"order": by_brevity}}

    def key_answer(self, content):
        return {"order": [ident for element in content["gold"]["order"]
                          for ident in group(element)]}

    def lint_facts(self, content):
        """Where the top group sits, and its mean length against the bottom group's."""
        ids = tuple(r["id"] for r in content["responses"])
        order = content["gold"]["order"]
        top, bottom = group(order[0]), group(order[-1])
        length = {r["id"]: text_length(r["text"]) for r in content["responses"]}
        lengths = None
        if len(order) >= 2 and all(i in length for i in top + bottom):
            lengths = (sum(length[i] for i in top) / len(top),
                       sum(length[i] for i in bottom) / len(bottom))
        return LintFacts(texts=own_texts(content, "responses"), lettered=ids,
                         key_position=KeyPosition(ids, tuple(top),
                                                  "a top-ranked response is listed"),
                         key_lengths=lengths)

    def distractors(self, content, shown):
        """Per response, how often it was put in each place against its gold place."""
        gold = gold_places(content["gold"]["order"])
        ids = [r["id"] for r in content["responses"]]
        tally = Tally(shown)
        for s in shown:
            order = (s.answer or {}).get("order") or []
            complete = len(order) == len(ids)
            for ident in ids:
                tally.add(ident, str(order.index(ident) + 1) if complete and ident in order
                          else NO_ANSWER, s.score)
        picks = []
        for ident in ids:
            low, high = gold[ident]
            key = str(low) if low == high else f"{low}–{high}"
            picks += [tally.pick(ident, key, str(place), low <= place <= high)
                      for place in range(1, len(ids) + 1)]
            picks.append(tally.pick(ident, key, NO_ANSWER, False))
        return picks
