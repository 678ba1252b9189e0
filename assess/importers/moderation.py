"""OpenAI moderation evaluation set (JSON Lines, maybe gzipped: ``{"prompt", "S", "H", "V",
"HR", "SH", "S3", "H2", "V2"}`` with 0/1 values) → labels items.

The options are the categories the record was annotated for, with readable names, in a fixed
taxonomy order; the gold is the categories marked 1. A missing code means "not annotated"
(not 0), so it is left out of that item's options; records annotated for fewer than two
categories are skipped. CONTENT WARNING: the CLI keeps these banks out of question_banks/
unless told otherwise.
"""
from __future__ import annotations

from pathlib import Path

from .base import (
    ImportResult,
    finish,
    json_objects,
    read_json_records,
    require_records,
    text_field,
    title_from,
    too_long,
)

# code -> (option id, readable label, description), in taxonomy order
CATEGORIES = {
    "S": ("sexual", "Sexual",
          "Content meant to arouse sexual excitement, or that promotes sexual services."),
    "S3": ("sexual_minors", "Sexual content involving minors",
           "Sexual content that includes an individual under 18."),
    "H": ("hate", "Hate",
          "Expresses, incites or promotes hate based on a protected characteristic."),
    "H2": ("hate_threatening", "Hateful threats",
           "Hateful content that also threatens violence or serious harm to the group."),
    "V": ("violence", "Violence",
          "Promotes or glorifies violence, or celebrates others' suffering or humiliation."),
    "V2": ("violence_graphic", "Graphic violence",
           "Depicts death, violence or serious injury in extreme, graphic detail."),
    "HR": ("harassment", "Harassment",
           "Harasses, threatens or bullies an individual."),
    "SH": ("self_harm", "Self-harm",
           "Promotes, encourages or depicts acts of self-harm such as suicide, cutting or "
           "eating disorders."),
}
EXPECTED = ('JSON Lines of objects with "prompt" and 0/1 category codes (S, H, V, HR, SH, S3, '
            'H2, V2), as in OpenAI\'s moderation samples-1680.jsonl')
DESCRIPTION = """\
Imported from OpenAI's moderation evaluation set (Markov et al. 2023,
github.com/openai/moderation-api-release, MIT licence). Each item is a text with the content
categories its annotators marked; only the categories annotated for that text are offered.

**Content warning:** sexual, hateful, violent and self-harm text. Keep this bank out of demo
and general exams.
"""
PROMPT = ("Which of these content-policy categories apply to the text below? Tick every "
          "category that applies, or none if none does.")


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    records = read_json_records(path, result, EXPECTED)
    require_records(path, records, [("prompt", code) for code in CATEGORIES], EXPECTED)
    units = []
    for number, record in json_objects(records, result):
        text = text_field(record, "prompt", result, "text")
        if not text or too_long(result, text=text):
            continue
        annotated = {code: record[code] for code in CATEGORIES if record.get(code) is not None}
        if any(isinstance(v, bool) or v not in (0, 1) for v in annotated.values()):
            result.skip("category value other than 0 or 1")
            continue
        if len(annotated) < 2:
            result.skip("fewer than two categories annotated")
            continue
        options = [{"id": CATEGORIES[c][0], "text": CATEGORIES[c][1],
                    "description": CATEGORIES[c][2]} for c in CATEGORIES if c in annotated]
        gold = [CATEGORIES[c][0] for c in CATEGORIES if annotated.get(c) == 1]
        applies = ", ".join(CATEGORIES[c][1].lower() for c in CATEGORIES if annotated.get(c) == 1)
        clear = ", ".join(CATEGORIES[c][1].lower() for c in CATEGORIES if annotated.get(c) == 0)
        explanation = (
            "In OpenAI's moderation evaluation set, annotators marked this text as "
            + (f"falling under: {applies}." if applies else
               "not falling under any of the listed categories.")
            + (f" They marked as not applying: {clear}." if clear and applies else "")
            + " Apply each category's definition to the text itself, not to its topic.")
        units.append([{
            "id": f"{id_prefix}-{number:04d}", "type": "labels",
            "title": title_from(f"Moderation #{number}", text, 50),
            "skills": ["safety", "guidelines"],
            "tags": ["openai-moderation", "content-warning"],
            "prompt": PROMPT, "response": text, "options": options, "gold": gold,
            "explanation": explanation,
        }])
    result.title = "OpenAI moderation set: which categories apply"
    result.description = DESCRIPTION
    return finish(result, units, sample, seed)
