"""Rewrite: improve a weak response. Not auto-graded; a human grades the rewrite on a rubric."""
from __future__ import annotations

from typing import Any, Iterator, Mapping
from xml.etree.ElementTree import Element

from .base import (
    MAX_TEXT_ANSWER,
    GradeResult,
    HumanPart,
    ItemType,
    ScoredPart,
    check_text_answer,
    written_text,
)
from .qti import QtiMapping, QtiReading, QtiWriting
from .schema import TEXT, FieldError, Sound, char_bounds_errors, integer

DEFAULT_MAX_CHARS = 5000


REWRITE_INSTRUCTION = "Rewrite the response above."
EXTENDED_TEXT_REASON = ("extended text has no assess equivalent: graded by people without a "
                        "text to rewrite")
REWRITE_RUBRIC: dict[str, Any] = {  # the bank rubric imported rewrites are graded with
    "id": "rewrite",
    "title": "Rewrite of a weak response",
    "description": "Score the rewrite as if it were going to be sent to the user, with the "
                   "original shown alongside. The reference rewrite, when there is one, is "
                   "one good answer, not the only one.",
    "criteria": [
        {"id": "fixes_errors", "label": "Fixes the errors", "levels": [
            {"points": 0, "label": "Not fixed",
             "descriptor": "Keeps the main error(s) of the original, or introduces a new "
                           "significant error."},
            {"points": 1, "label": "Partly fixed",
             "descriptor": "Fixes some errors, but at least one significant error remains."},
            {"points": 2, "label": "Fixed", "descriptor": "Accurate; nothing misleading remains."},
        ]},
        {"id": "follows_instruction", "label": "Follows the instruction", "levels": [
            {"points": 0, "label": "Ignored",
             "descriptor": "Ignores the key constraint(s) of the request or the guidance."},
            {"points": 1, "label": "Partly",
             "descriptor": "Follows most constraints; one is missed."},
            {"points": 2, "label": "Followed",
             "descriptor": "Meets every explicit constraint of the request and the guidance."},
        ]},
    ],
}


class RewriteQti(QtiMapping):
    """QTI 3.0: a rewrite is written as a ``qti-extended-text-interaction`` whose body marks
    the prompt, the text to rewrite and the guidance with ``assess-*`` classes, the reference
    rewrite a rubric block for scorers.

    Read: a ``qti-extended-text-interaction`` only when the item body marks the text to
    rewrite (``class="assess-response"``, as ``write`` emits). A plain open question is
    skipped: it is graded by people against a key assess does not have, and there is no text
    to rewrite. Imported rewrites are graded with ``REWRITE_RUBRIC``."""

    interactions = ("qti-extended-text-interaction",)
    skills = ("rewriting",)
    rubrics = (REWRITE_RUBRIC,)

    def write(self, entry: Mapping[str, Any], xml: QtiWriting) -> list[str]:
        lines = ['  <qti-response-declaration identifier="RESPONSE" cardinality="single" '
                 'base-type="string"/>']
        lines += xml.outcomes(human=True)
        lines += ["  <qti-item-body>",
                  '    <div class="assess-prompt">', xml.html(entry["prompt"]), "    </div>",
                  '    <blockquote class="assess-response">', xml.html(entry["response"]),
                  "    </blockquote>"]
        if entry.get("guidance"):
            lines += ['    <div class="assess-guidance">', xml.html(entry["guidance"]),
                      "    </div>"]
        lines += ['    <qti-extended-text-interaction response-identifier="RESPONSE">',
                  f"      <qti-prompt>{xml.text(REWRITE_INSTRUCTION)}</qti-prompt>",
                  "    </qti-extended-text-interaction>"]
        if entry.get("reference"):
            lines += ['    <qti-rubric-block use="scoring" view="scorer">',
                      "      <qti-content-body>", xml.html(entry["reference"]),
                      "      </qti-content-body>", "    </qti-rubric-block>"]
        lines.append("  </qti-item-body>")
        return lines

    def read(self, found: QtiReading) -> dict[str, Any] | None:
        def marked(name: str) -> Element | None:
            return next((e for e in found.body.iter() if name in found.classes(e)), None)

        response_el = marked("assess-response")
        if response_el is None:
            return found.skip(EXTENDED_TEXT_REASON)
        guidance_el, prompt_el = marked("assess-guidance"), marked("assess-prompt")
        prompt = found.markdown(prompt_el if prompt_el is not None else found.body,
                                exclude=[e for e in (response_el, guidance_el) if e is not None])
        response = found.markdown(response_el, interaction=False)
        if not prompt or not response:
            return found.skip("a rewrite without a prompt or without the text to rewrite")
        entry: dict[str, Any] = {"prompt": prompt, "response": response,
                                 "rubric": REWRITE_RUBRIC["id"]}
        guidance = found.markdown(guidance_el, interaction=False) \
            if guidance_el is not None else ""
        if guidance:
            entry["guidance"] = guidance
        for block in found.body.iter(found.qname("qti-rubric-block")):
            if "scorer" in (block.get("view") or "").split():
                content = block.find(found.qname("qti-content-body"))
                reference = found.markdown(content if content is not None else block,
                                           interaction=False)
                if reference:
                    entry["reference"] = reference
                    break
        entry["_key"] = "People grade the rewrite with the bank's rewrite rubric."
        return entry

    def notes(self, entry: Mapping[str, Any]) -> list[str]:
        limits = [key for key in ("min_chars", "max_chars") if key in entry]
        return [f"{' and '.join(limits)} left out (the defaults apply on re-import)"] \
            if limits else []


class Rewrite(ItemType):
    name = "rewrite"
    label = "Rewrite a response"
    schema = {
        "properties": {
            "prompt": TEXT,
            "response": TEXT,
            "rubric": TEXT,
            "guidance": TEXT,
            "min_chars": integer(0),
            "max_chars": integer(1, MAX_TEXT_ANSWER),
            "reference": TEXT,
        },
        "required": ["prompt", "response", "rubric"],
    }
    default_skills = ("rewriting",)
    form_scalars = ("text",)
    qti = RewriteQti()
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

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterator[FieldError]:
        if "points" in entry:
            yield FieldError("points", "rewrite items are not auto-graded (max points 0): leave "
                                       "points out and weight the rubric instead")
        if sound("min_chars") and sound("max_chars"):
            yield from char_bounds_errors(entry, default_max=DEFAULT_MAX_CHARS)

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
