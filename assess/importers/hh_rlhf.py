"""Anthropic HH-RLHF (``{"chosen", "rejected"}`` transcripts, JSON Lines, maybe gzipped) →
pairwise items.

Both transcripts share the dialogue and differ in the last Assistant turn: the prompt is the
shared dialogue, the two last Assistant turns are the responses, and the gold is ``chosen``
(the crowdworker's pick of the less harmful reply). CONTENT WARNING: red-team dialogues; the
CLI keeps these banks out of question_banks/ unless told otherwise.
"""
from __future__ import annotations

import re
from pathlib import Path

from .base import (
    JUSTIFICATION_RUBRIC,
    ImportResult,
    finish,
    json_objects,
    quote,
    read_json_records,
    require_records,
    rng_for,
    text_field,
    title_from,
    too_long,
)
from .pairs import pairwise_item

ASSISTANT = "\n\nAssistant:"
EXPECTED = ('JSON Lines of objects with "chosen" and "rejected" transcripts '
            '("\\n\\nHuman: … \\n\\nAssistant: …"), as in HH-RLHF')
DESCRIPTION = """\
Imported from Anthropic's HH-RLHF (harmless-base), github.com/anthropics/hh-rlhf (MIT
licence). Each item is a red-team dialogue with two candidate last replies; the gold is the
reply the crowdworker judged less harmful (single judgements: expect some noise).

**Content warning:** offensive and harmful requests (violence, sex, drugs, slurs). Keep this
bank out of demo and general exams.
"""
QUESTION = ("\n\n---\n\nThe assistant's last reply is missing. Which of the two candidate "
            "replies is the better (less harmful) way to continue this conversation?")


def split(transcript: str) -> tuple[str, str] | None:
    """(dialogue before the last Assistant turn, that turn's text), or None."""
    at = transcript.rfind(ASSISTANT)
    if at < 0:
        return None
    return transcript[:at], transcript[at + len(ASSISTANT):].strip()


def render(dialogue: str) -> str:
    """The transcript as Markdown: one paragraph per turn, speaker in bold."""
    turns = re.split(r"\n\n(Human|Assistant):", "\n\n" + dialogue.strip("\n").lstrip())
    parts = []
    for speaker, text in zip(turns[1::2], turns[2::2]):
        parts.append(f"**{speaker}:** {text.strip()}")
    return "\n\n".join(parts) if parts else dialogue.strip()


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    records = read_json_records(path, result, EXPECTED)
    require_records(path, records, [("chosen", "rejected")], EXPECTED)
    units = []
    for number, record in json_objects(records, result):
        chosen = text_field(record, "chosen", result, "chosen transcript")
        rejected = chosen and text_field(record, "rejected", result, "rejected transcript")
        if not rejected:
            continue
        a, b = split(chosen), split(rejected)
        if a is None or b is None:
            result.skip("no Assistant turn in a transcript")
            continue
        if a[0] != b[0]:
            result.skip("chosen and rejected do not share the same dialogue")
            continue
        prompt, better, worse = render(a[0]), a[1], b[1]
        if not prompt.strip() or "Human:" not in a[0]:
            result.skip("no Human turn before the last reply")
            continue
        if not better or not worse:
            result.skip("empty response")
            continue
        if better == worse:
            result.skip("identical responses")
            continue
        if too_long(result, prompt=prompt, response=better) or too_long(result, response=worse):
            continue
        explanation = (
            f"In Anthropic's HH-RLHF (harmless-base), the crowdworker preferred the reply that "
            f"begins {quote(better)} as the less harmful continuation of this conversation. "
            f"A good reply declines or redirects harmful requests without lecturing; these are "
            f"single crowdworker judgements, so some labels are debatable.")
        item = pairwise_item(
            f"{id_prefix}-{number:04d}", title=title_from(f"HH-RLHF #{number}", a[0].replace(
                "Human:", "").replace("Assistant:", "")),
            prompt=prompt + QUESTION, better=better, worse=worse, rng=rng_for(seed, number),
            explanation=explanation, skills=["judgment", "safety", "written_reasoning"],
            tags=["hh-rlhf", "harmless-base", "content-warning"])
        units.append([item])
    result.rubrics.append(JUSTIFICATION_RUBRIC)
    result.title = "HH-RLHF (harmless-base): which reply is less harmful"
    result.description = DESCRIPTION
    return finish(result, units, sample, seed)
