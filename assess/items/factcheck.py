"""Fact-checking: label each highlighted claim of a response, and correct the false ones."""
from __future__ import annotations

from collections.abc import Mapping  # isinstance is far quicker than typing's
from itertools import product
from typing import Any, Iterator

from ..core.item_analysis import NO_ANSWER, ConfusionKey, Tally
from .base import (
    MAX_ANSWER_SPACE,
    AnswerError,
    ConstantAnswerRule,
    HumanPart,
    ItemType,
    LintFacts,
    ScoredPart,
    check_text_answer,
    own_texts,
    written_text,
)
from .schema import TEXT, FieldError, Sound, identified, one_of, unique_ids

LABELS = ("supported", "unsupported", "false")
FALSE = "false"
MAX_CORRECTION = 2000


def _mapping(raw: Mapping, key: str, ids: list[str], what: str) -> dict:
    """An answer's ``{claim id: value}`` object with known ids only ({} when absent)."""
    value = raw.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AnswerError(key, f"expected an object of claim id: {what}")
    for ident in value:
        if ident not in ids:
            raise AnswerError(f"{key}.{ident}", f"unknown claim; expected one of {', '.join(ids)}")
    return dict(value)


def _keyed_errors(keyed: Mapping, path: str, ids: list[str]) -> Iterator[FieldError]:
    """Every key of a ``{claim id: ...}`` mapping must be a claim id."""
    for key in keyed:
        if key not in ids:
            yield FieldError(f"{path}.{key}", f"unknown claim; expected one of {', '.join(ids)}")


class Factcheck(ItemType):
    name = "factcheck"
    label = "Fact-check claims"
    schema = {
        "properties": {
            "prompt": TEXT,
            "response": TEXT,
            "claims": identified(1),
            "gold": {"type": "object", "additionalProperties": one_of(*LABELS)},  # id -> label
            "correction_rubric": TEXT,
            "gold_corrections": {"type": "object", "additionalProperties": TEXT},  # id -> text
        },
        "required": ["prompt", "response", "claims", "gold", "correction_rubric"],
    }
    default_skills = ("fact_checking",)
    form_keyed = ("labels", "corrections")
    has_distractors = True
    constant_answer_rules = (ConstantAnswerRule(
        "factcheck-constant", "one label keys most claims; labelling every claim “{phrase}”",
        {f"all-{label}": label for label in LABELS}, what="claim credit"),)
    sample = {
        "id": "sample-factcheck",
        "type": "factcheck",
        "title": "Facts about honey",
        "prompt": "Give me a few quick facts about honey.",
        "response": "Honey is made by bees from flower nectar. Sealed honey keeps for a very "
                    "long time. Honey is safe for babies under one year old. It is the "
                    "healthiest sweetener you can buy.",
        "claims": [
            {"id": "nectar", "text": "Honey is made by bees from flower nectar."},
            {"id": "babies", "text": "Honey is safe for babies under one year old."},
            {"id": "healthiest", "text": "It is the healthiest sweetener you can buy."},
        ],
        "gold": {"nectar": "supported", "babies": "false", "healthiest": "unsupported"},
        "correction_rubric": "correction",
        "gold_corrections": {
            "babies": "Babies under twelve months should not be given honey: it can cause "
                      "infant botulism.",
        },
        "explanation": "Bees do make honey from nectar (supported). Health services advise "
                       "against honey before the age of one because of the risk of infant "
                       "botulism (false). \"Healthiest sweetener\" is a sweeping claim with no "
                       "evidence behind it (unsupported).",
    }

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if not sound("claims"):
            return  # no ids to check the gold against
        ids, duplicates = unique_ids(entry, "claims")
        yield from duplicates
        if sound("response"):
            for i, claim in enumerate(entry["claims"]):
                if claim["text"] not in entry["response"]:
                    yield FieldError(f"claims[{i}].text", "must occur verbatim in response (so it "
                                                          "can be highlighted); it does not")
        gold = entry.get("gold")
        if isinstance(gold, Mapping):
            yield from _keyed_errors(gold, "gold", ids)
            for ident in ids:
                if ident not in gold:
                    yield FieldError(f"gold.{ident}", f"is required: expected one of "
                                                      f"{', '.join(map(repr, LABELS))}")
        else:
            gold = {}
        corrections = entry.get("gold_corrections")
        if isinstance(corrections, Mapping):
            yield from _keyed_errors(corrections, "gold_corrections", ids)
            for key in corrections:
                path = f"gold_corrections.{key}"
                if key in ids and sound(path) and gold.get(key, FALSE) != FALSE:
                    yield FieldError(path, "only claims whose gold label is 'false' take a "
                                           "correction")

    def own_rubric_refs(self, content: Mapping) -> list[tuple[str, str]]:
        return [("correction_rubric", content["correction_rubric"])]

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"], "response": content["response"]}
        for claim in content["claims"]:
            fields[f"claims.{claim['id']}"] = claim["text"]
        return fields

    def gold_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = super().gold_markdown_fields(content)
        for ident, text in (content.get("gold_corrections") or {}).items():
            fields[f"gold_corrections.{ident}"] = text
        return fields

    # Claims keep response order (they are highlighted in place): no presentation.

    def own_public_view(self, content, presentation):
        return {
            "prompt": content["prompt"],
            "response": content["response"],
            "claims": [{"id": c["id"], "text": c["text"]} for c in content["claims"]],
            "labels": list(LABELS),
            "max_correction": MAX_CORRECTION,
        }

    def gold_view(self, content: Mapping) -> dict[str, Any]:
        return {**super().gold_view(content),
                "gold_corrections": dict(content.get("gold_corrections") or {})}

    def parse_fields(self, content, raw) -> dict[str, Any]:
        ids = [c["id"] for c in content["claims"]]
        labels = {}
        for ident, label in _mapping(raw, "labels", ids, "label").items():
            if label is None or label == "":
                continue  # not labelled yet
            if label not in LABELS:
                raise AnswerError(f"labels.{ident}", f"expected one of {', '.join(LABELS)}")
            labels[ident] = label
        corrections = {}
        for ident, text in _mapping(raw, "corrections", ids, "correction").items():
            if text is not None:
                text = check_text_answer(f"corrections.{ident}", text, max_len=MAX_CORRECTION)
                if text.strip():
                    corrections[ident] = text
        answer: dict[str, Any] = {"labels": labels}
        if corrections:
            answer["corrections"] = corrections
        return answer

    def fields_complete(self, content, answer) -> bool:
        labels = answer.get("labels") or {}
        return all(c["id"] in labels for c in content["claims"])

    def grade_fraction(self, content, answer):
        gold, labels = content["gold"], answer["labels"]
        detail = {c["id"]: {"given": labels[c["id"]], "gold": gold[c["id"]],
                            "correct": labels[c["id"]] == gold[c["id"]]}
                  for c in content["claims"]}
        correct = sum(d["correct"] for d in detail.values())
        return correct / len(detail), {"claims": detail, "correct": correct, "total": len(detail)}

    def answer_space(self, content):
        ids = [c["id"] for c in content["claims"]]
        if len(LABELS) ** len(ids) > MAX_ANSWER_SPACE:
            return None
        return ({"labels": dict(zip(ids, labels))}
                for labels in product(LABELS, repeat=len(ids)))

    def is_complete(self, content, answer) -> bool:
        """Every claim labelled, and a correction written for each claim labelled false (it
        is required there). Auto-grading only needs the labels (``fields_complete``)."""
        if not super().is_complete(content, answer):
            return False
        labels, corrections = answer.get("labels") or {}, answer.get("corrections") or {}
        return all((corrections.get(ident) or "").strip()
                   for ident, label in labels.items() if label == FALSE)

    def own_human_parts(self, content: Mapping, answer: Mapping) -> list[HumanPart]:
        """A correction goes to graders only where the claim is false in the key, the
        applicant labelled it false and wrote something. A correction of a claim that is not
        false makes no task and earns nothing (its wrong label already lost the label's
        credit); a claim labelled false without a correction scores 0 for it (see
        ``own_scored_parts``)."""
        gold = content["gold"]
        labels, corrections = answer.get("labels") or {}, answer.get("corrections") or {}
        return [HumanPart(f"correction:{c['id']}", "correction", corrections[c["id"]],
                          content["correction_rubric"], context={"claim": c["text"]})
                for c in content["claims"]
                if gold.get(c["id"]) == FALSE and labels.get(c["id"]) == FALSE
                and (corrections.get(c["id"]) or "").strip()]

    def own_scored_parts(self, content: Mapping) -> list[ScoredPart]:
        """One correction slot per claim that is false in the key, answered or not: a slot
        with no task (no correction written, or the claim not labelled false) scores 0 of the
        rubric's maximum. Claims that are not false have no slot."""
        return [ScoredPart(f"correction:{c['id']}", "correction", content["correction_rubric"])
                for c in content["claims"] if content["gold"].get(c["id"]) == FALSE]

    def shortcuts(self, content, presentation):
        """One label for every claim: all supported, all unsupported, all false (with no
        corrections: written grades are modelled separately)."""
        view = self.public_view(content, presentation)
        return {f"all-{label}": {"labels": {c["id"]: label for c in view["claims"]}}
                for label in view["labels"]}

    def key_answer(self, content):
        return {"labels": dict(content["gold"])}

    def own_with_writing(self, content, answer):
        """A correction for each claim the answer labels false (replacing any it has)."""
        answer["corrections"] = {claim: written_text(0, MAX_CORRECTION)
                                 for claim, label in (answer.get("labels") or {}).items()
                                 if label == FALSE}
        return answer

    def lint_facts(self, content):
        return LintFacts(texts=own_texts(content, "claims"))

    def distractors(self, content, shown):
        """Per claim, how often each label was chosen against the gold label."""
        tally = Tally(shown)
        for s in shown:
            labels = (s.answer or {}).get("labels") or {}
            for claim in content["claims"]:
                tally.add(claim["id"], labels.get(claim["id"]) or NO_ANSWER, s.score)
        picks = []
        for claim in content["claims"]:
            gold = content["gold"][claim["id"]]
            picks += [tally.pick(claim["id"], gold, label, label == gold) for label in LABELS]
            picks.append(tally.pick(claim["id"], gold, NO_ANSWER, False))
        return picks

    def confusion_key(self, pick):
        """Every claim's label chosen against its gold label in one matrix over the labels,
        listed after the rubric dimensions'."""
        return ConfusionKey((1,), "Fact-check claims: gold label × label chosen", LABELS)
