"""Rewrite: improve a weak response. Not auto-graded; a human grades the rewrite on a rubric."""
from __future__ import annotations

from typing import Any, Mapping

from .base import (MAX_TEXT_ANSWER, Checker, GradeResult, HumanPart, ItemType, ScoredPart,
                   check_text_answer, written_text)

DEFAULT_MAX_CHARS = 5000


class Rewrite(ItemType):
    name = "rewrite"
    label = "Rewrite a response"
    fields = frozenset({"prompt", "response", "rubric", "guidance", "min_chars", "max_chars",
                        "reference"})
    default_skills = ("rewriting",)
    form_scalars = ("text",)
    sample = {
        "id": "sample-rewrite",
        "type": "rewrite",
        "title": "A late delivery",
        "prompt": "Reply to a customer whose order arrived late. Apologise, tell them the "
                  "delivery fee has been refunded, and keep it under 60 words.",
        "response": "Per our policy, deliveries can take up to 10 working days, so your order "
                    "was not technically late. We have nonetheless decided to refund the "
                    "delivery fee as a goodwill gesture.",
        "guidance": "The reply argues with the customer instead of apologising. Keep the "
                    "refund, drop the policy argument, and stay under 60 words.",
        "rubric": "rewrite",
        "min_chars": 40,
        "max_chars": 600,
        "reference": "I'm sorry your order arrived later than expected. We have refunded your "
                     "delivery fee, and you should see it on your statement within a few "
                     "days. Thank you for your patience.",
        "explanation": "A good rewrite opens with a sincere apology, states the refund "
                       "plainly and stays short. It does not quote policy at the customer.",
    }

    def validate_fields(self, entry: Mapping, check: Checker) -> None:
        check.text(entry, "prompt")
        check.text(entry, "response")
        check.text(entry, "rubric")
        check.text(entry, "guidance", required=False)
        check.text(entry, "reference", required=False)
        if "points" in entry:
            check.add("points", "rewrite items are not auto-graded (max points 0): leave points "
                                "out and weight the rubric instead")
        low = check.integer(entry, "min_chars", required=False, minimum=0)
        high = check.integer(entry, "max_chars", required=False, minimum=1, maximum=MAX_TEXT_ANSWER)
        if high is None and "max_chars" not in entry:
            high = DEFAULT_MAX_CHARS
        if low is not None and high is not None and low > high:
            check.add("min_chars", f"{low} is more than max_chars {high}")

    def own_rubric_refs(self, content: Mapping) -> list[tuple[str, str]]:
        return [("rubric", content["rubric"])]

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = {"prompt": content["prompt"], "response": content["response"]}
        if content.get("guidance"):
            fields["guidance"] = content["guidance"]
        return fields

    def gold_markdown_fields(self, content: Mapping) -> dict[str, str]:
        fields = super().gold_markdown_fields(content)
        if content.get("reference"):
            fields["reference"] = content["reference"]
        return fields

    def own_public_view(self, content, presentation):
        return {
            "prompt": content["prompt"],
            "response": content["response"],
            "guidance": content.get("guidance"),
            "min_chars": content.get("min_chars", 0),
            "max_chars": content.get("max_chars", DEFAULT_MAX_CHARS),
        }

    def gold_view(self, content: Mapping) -> dict[str, Any]:
        view = super().gold_view(content)
        if content.get("reference"):
            view["reference"] = content["reference"]
        return view

    def parse_fields(self, content, raw) -> dict[str, Any]:
        if raw.get("text") is None:
            return {}
        limit = content.get("max_chars", DEFAULT_MAX_CHARS)
        return {"text": check_text_answer("text", raw["text"], max_len=limit)}

    def fields_complete(self, content, answer) -> bool:
        text = (answer.get("text") or "").strip()
        return bool(text) and len(text) >= content.get("min_chars", 0)

    def max_points(self, content: Mapping) -> float:
        return 0.0

    def grade(self, content: Mapping, answer: Mapping | None) -> GradeResult:
        answered = bool(answer) and self.fields_complete(content, answer)
        return GradeResult(0.0, 0.0, {"answered": answered, "auto": False})

    def own_human_parts(self, content: Mapping, answer: Mapping) -> list[HumanPart]:
        text = answer.get("text") or ""
        if not text.strip():
            return []
        return [HumanPart("rewrite", "rewrite", text, content["rubric"],
                          context={"original": content["response"]})]

    def own_scored_parts(self, content: Mapping) -> list[ScoredPart]:
        return [ScoredPart("rewrite", "rewrite", content["rubric"])]

    def answer_space(self, content):
        return [{}]  # nothing is auto-graded: the one answer scores 0 of 0

    def key_answer(self, content):
        return {}  # nothing is keyed: the rewrite is written

    def own_with_writing(self, content, answer):
        answer["text"] = written_text(content.get("min_chars", 0),
                                      content.get("max_chars", DEFAULT_MAX_CHARS))
        return answer
