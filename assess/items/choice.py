"""Multiple choice: pick the one right option, or every right option when ``multiple``."""
from __future__ import annotations

from typing import Any, Iterator, Mapping
from xml.etree.ElementTree import Element

from ..core.item_analysis import NO_ANSWER, Tally
from .base import (
    AnswerError,
    FixedOrder,
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
from .labels import parse_id_list, subsets
from .qti import QtiMapping, QtiReading, QtiWriting
from .schema import BOOLEAN, TEXT, FieldError, Sound, id_list_errors, identified, unique_ids


def gold_ids(content: Mapping) -> list[str]:
    """The gold key as a list; a bank may give a single option id as a plain string."""
    gold = content["gold"]
    return [gold] if isinstance(gold, str) else list(gold)


class ChoiceQti(QtiMapping):
    """QTI 3.0: a choice is written as a ``qti-choice-interaction`` (a multi-select gets a
    ``qti-mapping`` of +1 per right and −1 per wrong option, which is assess's scoring).

    Read: a ``qti-choice-interaction`` with one answer, or several (``max-choices`` other than
    1, or ``cardinality="multiple"``: ``multiple: true``), the gold its correct response; when
    the source scored differently from assess (a ``qti-mapping`` with other weights, or
    all-or-nothing ``match_correct``), the explanation says so. A
    ``qti-hottext-interaction`` too: the passage goes into the prompt with the selectable
    spans in bold, and the spans become the options (kept in text order). This is what the
    candidate does in QTI (pick the marked span(s)), graded the same way; a fact-check item
    would invent a truth label for every span the source never gave."""

    interactions = ("qti-choice-interaction", "qti-hottext-interaction")
    skills = ("judgment",)

    def write(self, entry: Mapping[str, Any], xml: QtiWriting) -> list[str]:
        gold = gold_ids(entry)
        multiple = bool(entry.get("multiple", False))
        ids = [o["id"] for o in entry["options"]]
        lines = [f'  <qti-response-declaration identifier="RESPONSE" '
                 f'cardinality="{"multiple" if multiple else "single"}" base-type="identifier">']
        lines += xml.correct(gold)
        if multiple:  # assess: max(0, (right − wrong) / |gold|) = this mapping ÷ upper-bound
            lines.append(f'    <qti-mapping lower-bound="0" upper-bound="{len(gold)}" '
                         'default-value="0">')
            lines += [f'      <qti-map-entry map-key={xml.attr(i)} '
                      f'mapped-value="{1 if i in gold else -1}"/>' for i in ids]
            lines.append("    </qti-mapping>")
        lines.append("  </qti-response-declaration>")
        lines += xml.outcomes()
        shuffle = "true" if entry.get("shuffle", True) else "false"
        lines += ["  <qti-item-body>", xml.html(entry["prompt"]),
                  f'    <qti-choice-interaction response-identifier="RESPONSE" '
                  f'shuffle="{shuffle}" max-choices="{0 if multiple else 1}">']
        lines += xml.choices(entry["options"])
        lines += ["    </qti-choice-interaction>", "  </qti-item-body>",
                  f'  <qti-response-processing template="'
                  f'{xml.map_response if multiple else xml.match_correct}"/>']
        return lines

    def read(self, found: QtiReading) -> dict[str, Any] | None:
        keyed = found.keyed()
        if keyed is None:
            return None
        declaration, correct, prompt = keyed
        hottext = found.tag == "qti-hottext-interaction"
        options = found.options("qti-hottext" if hottext else "qti-simple-choice")
        if options is None:
            return None
        if not 2 <= len(options) <= 10:
            return found.skip(f"{'hottext' if hottext else 'choice'} with {len(options)} "
                              "option(s) (a choice item has 2 to 10)")
        ids = [o["id"] for o in options]
        if any(v not in ids for v in correct) or len(set(correct)) != len(correct):
            return found.skip("the correct response names an unknown or repeated option")
        try:
            max_choices = int(found.element.get("max-choices", "1"))
        except ValueError:
            max_choices = 1
        multiple = max_choices != 1 or declaration.get("cardinality") == "multiple"
        if not multiple and len(correct) != 1:
            return found.skip("single choice with several correct values")
        by_id = {o["id"]: o["text"] for o in options}
        entry: dict[str, Any] = {"prompt": prompt, "options": options}
        if multiple:
            entry["multiple"] = True
        if hottext or found.element.get("shuffle") != "true":
            entry["shuffle"] = False  # QTI's default; hottext spans keep their order in the text
        entry["gold"] = list(correct)
        entry["_key"] = ("The correct option: " if len(correct) == 1
                         else "The correct options: ") + \
            "; ".join(found.excerpt(by_id[v], 60) for v in correct) + "."
        if multiple:
            note = _scoring_note(found, declaration, correct, ids)
            entry["_notes"] = [note] if note else []
        return entry


def _scoring_note(found: QtiReading, declaration: Element, correct: list[str],
                  ids: list[str]) -> str | None:
    """A sentence for the explanation when the source scored this multiple response item
    differently from assess: max(0, (right picks − wrong picks) ÷ number of right options)."""
    ours = ("Here each correct option counts +1 and each wrong one −1, out of the number of "
            "correct options and never below 0.")
    template = found.template()
    mapping = declaration.find(found.qname("qti-mapping"))
    if template == "map_response.xml" and mapping is not None:
        try:
            default = float(mapping.get("default-value", "0"))
            weights = {e.get("map-key"): float(e.get("mapped-value", "0"))
                       for e in mapping.findall(found.qname("qti-map-entry"))}
            lower = mapping.get("lower-bound")
            upper = mapping.get("upper-bound")
            value = weights.get(correct[0], default)
            same = (value > 0 and all(weights.get(i, default) == value for i in correct)
                    and all(weights.get(i, default) == -value for i in ids if i not in correct)
                    and lower is not None and float(lower) == 0
                    and (upper is None or float(upper) >= value * len(correct)))
        except ValueError:
            same = False
        if same:
            return None
        return ("Note: the source weighted the options with its own mapping, which was not "
                "kept. " + ours)
    if template == "match_correct.xml":
        return ("Note: the source gave credit only for exactly the right set of options. "
                + ours)
    return "Note: the source's own response processing was not kept. " + ours


class Choice(ItemType):
    name = "choice"
    label = "Multiple choice"
    schema = {
        "properties": {
            "prompt": TEXT,
            "options": identified(2, 10),
            "multiple": BOOLEAN,
            "shuffle": BOOLEAN,
            # one option id (the single-answer short form), or a list of them
            "gold": {"type": ["string", "array"], "minItems": 1,
                     "description": "an option id or a list of option ids"},
        },
        "required": ["prompt", "options", "gold"],
    }
    form_lists = ("selected",)
    has_distractors = True
    qti = ChoiceQti()
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

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        ids: list[str] = []  # none to check the gold against when the options are broken
        if sound("options"):
            ids, duplicates = unique_ids(entry, "options")
            yield from duplicates
        if not sound("gold"):
            return
        gold = entry["gold"]
        if isinstance(gold, str):  # the single-answer short form
            if ids and gold not in ids:
                yield FieldError("gold", f"unknown option id {gold!r}; expected one of "
                                         f"{', '.join(ids)}")
            return
        if ids:
            yield from id_list_errors(gold, "gold", ids)
        if entry.get("multiple", False) is False and len(gold) > 1:
            yield FieldError("gold", f"lists {len(gold)} options but multiple is false: expected "
                                     "exactly one gold option id (or set multiple: true)")

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
        key = gold_ids(content)[0]  # the key when single
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
