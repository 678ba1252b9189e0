"""Ranking: order 3-6 responses from best to worst; graded by normalised Kendall tau distance."""
from __future__ import annotations

from itertools import chain, combinations, permutations, product
from typing import Any, Iterator, Mapping

from ..core.item_analysis import NO_ANSWER, Tally
from .base import ItemType, KeyPosition, LintFacts, own_texts, text_length
from .labels import parse_id_list
from .pairwise import Pairwise, shown_responses
from .qti import QtiMapping, QtiReading, QtiWriting
from .schema import TEXT, FieldError, Sound, describe, identified, unique_ids


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


def _order_errors(order: list, ids: list[str]) -> Iterator[FieldError]:
    """A gold order must list every response exactly once, and not tie them all."""
    seen: dict[str, int] = {}
    for rank, element in enumerate(order):
        tied = element if isinstance(element, list) else [element]
        if not tied:
            yield FieldError(f"gold.order[{rank}]", "is an empty tie group: expected a response "
                                                    "id or a list of at least one tied id")
        for j, ident in enumerate(tied):
            path = f"gold.order[{rank}]" + (f"[{j}]" if isinstance(element, list) else "")
            if not isinstance(ident, str) or ident not in ids:
                yield FieldError(path, f"unknown response id {describe(ident)}; expected one of "
                                       f"{', '.join(ids)} (or a list of tied ids)")
            elif ident in seen:
                yield FieldError(path, f"response {ident!r} appears more than once; every "
                                       "response must appear exactly once")
            else:
                seen[ident] = rank
    missing = [i for i in ids if i not in seen]
    if missing:
        yield FieldError("gold.order", f"is missing {', '.join(missing)}: every response must "
                                       "appear exactly once")
    elif len(set(seen.values())) < 2:
        yield FieldError("gold.order", "ties every response: at least two responses must be "
                                       "strictly ordered")


class RankingQti(QtiMapping):
    """QTI 3.0: a ranking is written as a ``qti-order-interaction``; ties as a response
    processing that accepts every order of a tie group (assess also gives partial credit,
    which QTI's standard templates cannot express).

    Read: a ``qti-order-interaction``, the gold order its correct response; tied positions
    are read back from a response processing that accepts every order of a tie group (what
    ``write`` emits)."""

    interactions = ("qti-order-interaction",)
    skills = ("judgment",)

    def write(self, entry: Mapping[str, Any], xml: QtiWriting) -> list[str]:
        groups = [group(g) for g in entry["gold"]["order"]]
        lines = ['  <qti-response-declaration identifier="RESPONSE" cardinality="ordered" '
                 'base-type="identifier">']
        lines += xml.correct([i for g in groups for i in g])
        lines.append("  </qti-response-declaration>")
        lines += xml.outcomes()
        lines += ["  <qti-item-body>", xml.html(entry["prompt"]),
                  '    <qti-order-interaction response-identifier="RESPONSE" shuffle="true">']
        lines += xml.choices(entry["responses"])
        lines += ["    </qti-order-interaction>", "  </qti-item-body>"]
        if all(len(g) == 1 for g in groups):
            return lines + [f'  <qti-response-processing template="{xml.match_correct}"/>']
        return lines + _any_tied_order(groups, xml)

    def read(self, found: QtiReading) -> dict[str, Any] | None:
        keyed = found.keyed()
        if keyed is None:
            return None
        declaration, correct, prompt = keyed
        responses = found.options("qti-simple-choice")
        if responses is None:
            return None
        if not 3 <= len(responses) <= 6:
            return found.skip(f"order interaction with {len(responses)} choices (a ranking "
                              "has 3 to 6)")
        if sorted(correct) != sorted(r["id"] for r in responses):
            return found.skip("the correct order does not place every choice exactly once")
        gold, exact = _gold_order(correct, _accepted_orders(found,
                                                            declaration.get("identifier")))
        by_id = {r["id"]: r["text"] for r in responses}
        key = "The correct order: " + ", then ".join(
            " or ".join(f"“{found.excerpt(by_id[i], 40)}”" for i in group(g))
            for g in gold) + "."
        notes = [] if exact else [
            "Note: the source also accepts other orders, which a ranking cannot express; only "
            "its correct response is kept."]
        return {"prompt": prompt, "responses": responses, "gold": {"order": gold},
                "_key": key, "_notes": notes}


def _any_tied_order(groups: list[list[str]], xml: QtiWriting) -> list[str]:
    """A response processing giving full credit for any order of each tie group."""
    orders = [[i for g in p for i in g]
              for p in product(*(permutations(g) for g in groups))]
    lines = ["  <qti-response-processing>", "    <qti-response-condition>",
             "      <qti-response-if>", "        <qti-or>"]
    for order in orders:
        lines += ['          <qti-match>', '            <qti-variable identifier="RESPONSE"/>',
                  "            <qti-ordered>"]
        lines += [f"              {xml.value(i, 'identifier')}" for i in order]
        lines += ["            </qti-ordered>", "          </qti-match>"]
    return lines + [
        "        </qti-or>",
        '        <qti-set-outcome-value identifier="SCORE">',
        f"          {xml.value('1', 'float')}",
        "        </qti-set-outcome-value>",
        "      </qti-response-if>", "      <qti-response-else>",
        '        <qti-set-outcome-value identifier="SCORE">',
        f"          {xml.value('0', 'float')}",
        "        </qti-set-outcome-value>",
        "      </qti-response-else>", "    </qti-response-condition>",
        "  </qti-response-processing>"]


def _accepted_orders(found: QtiReading, response_id: str | None) -> list[tuple[str, ...]]:
    """Orders that the response processing compares the response against (``qti-match`` of
    the response variable with a ``qti-ordered`` constant)."""
    processing = found.root.find(found.qname("qti-response-processing"))
    orders: list[tuple[str, ...]] = []
    if processing is None:
        return orders
    for match in processing.iter(found.qname("qti-match")):
        kids = list(match)
        if len(kids) == 2 and found.local_name(kids[0].tag) == "qti-variable" \
                and kids[0].get("identifier") == response_id \
                and found.local_name(kids[1].tag) == "qti-ordered":
            orders.append(tuple((v.text or "").strip() for v in kids[1]))
    return orders


def _gold_order(correct: list[str], accepted: list[tuple[str, ...]]) -> tuple[list, bool]:
    """The gold order, with tie groups when the accepted orders are exactly every order of
    some contiguous groups of the correct response; (strict order, False) when they are
    something a ranking cannot express."""
    orders = {tuple(correct), *accepted}
    if len(orders) == 1:
        return list(correct), True
    if any(sorted(o) != sorted(correct) for o in orders):
        return list(correct), False
    positions = [{x: i for i, x in enumerate(o)} for o in orders]

    def tied(a: str, b: str) -> bool:
        return any(p[a] < p[b] for p in positions) and any(p[a] > p[b] for p in positions)

    groups: list[list[str]] = [[correct[0]]]
    for x in correct[1:]:
        if any(tied(y, x) for y in groups[-1]):
            groups[-1].append(x)
        else:
            groups.append([x])
    expected = {tuple(chain.from_iterable(p))
                for p in product(*(permutations(g) for g in groups))}
    if expected != orders or len(groups) == 1:
        return list(correct), False
    return [g[0] if len(g) == 1 else g for g in groups], True


class Ranking(ItemType):
    name = "ranking"
    label = "Ranking"
    schema = {
        "properties": {
            "prompt": TEXT,
            "responses": identified(3, 6),
            "gold": {
                "type": "object",
                # each element a response id, or a list of ids that are tied
                "properties": {"order": {"type": "array", "minItems": 1}},
                "required": ["order"],
                "additionalProperties": False,
            },
        },
        "required": ["prompt", "responses", "gold"],
    }
    default_skills = ("judgment",)
    form_lists = ("order",)
    length_basis = "ranking top against bottom"
    has_distractors = True
    qti = RankingQti()
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

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if not sound("responses"):
            return  # without valid responses there is nothing to check the gold against
        ids, duplicates = unique_ids(entry, "responses")
        yield from duplicates
        if sound("gold.order"):
            yield from _order_errors(entry["gold"]["order"], ids)

    # Same responses shape as pairwise: same markdown paths, shuffled display order, view.
    own_markdown_fields = Pairwise.own_markdown_fields
    presentation = Pairwise.presentation
    presentations = Pairwise.presentations

    def own_public_view(self, content, presentation):
        return {"prompt": content["prompt"],
                "responses": shown_responses(content, presentation)}

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
