"""HaluEval → choice items. Two record shapes, told apart per record:

- QA (``qa_one-turn_data.json``: ``knowledge, question, right_answer, hallucinated_answer``):
  "Which answer is supported by the knowledge passage?" with the two answers as options, in a
  seeded order so the gold is first in about half the items.
- General (``general_data.json[.gz]``: ``user_query, chatgpt_response, hallucination``
  yes/no, ``hallucination_spans``): "Does this response contain a hallucination?" with fixed
  options Yes / No (``shuffle: false``); the explanation quotes the annotated spans.
"""
from __future__ import annotations

from pathlib import Path

from .base import (
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

QA_KEYS = ("knowledge", "question", "right_answer", "hallucinated_answer")
GENERAL_KEYS = ("user_query", "chatgpt_response", "hallucination")
EXPECTED = ("HaluEval JSON Lines: QA records (knowledge, question, right_answer, "
            "hallucinated_answer) or general records (user_query, chatgpt_response, "
            "hallucination yes/no)")
DESCRIPTION = """\
Imported from HaluEval (Li et al. 2023), github.com/RUCAIBox/HaluEval (MIT licence); the QA
seeds come from HotpotQA and the general queries from Alpaca. QA items ask which of two
answers the knowledge passage supports (the HotpotQA answer or a ChatGPT hallucination);
general items ask whether a ChatGPT response, annotated by humans, contains a hallucination.
"""


def _qa(record, number, result, seed, id_prefix):
    knowledge = text_field(record, "knowledge", result)
    question = knowledge and text_field(record, "question", result)
    right = question and text_field(record, "right_answer", result, "right answer")
    wrong = right and text_field(record, "hallucinated_answer", result, "hallucinated answer")
    if not wrong:
        return None
    if right.strip().casefold() == wrong.strip().casefold():
        result.skip("identical answers")
        return None
    prompt = (f"**Knowledge:**\n\n{knowledge.strip()}\n\n**Question:** {question.strip()}\n\n"
              "Which answer is supported by the knowledge above?")
    if too_long(result, prompt=prompt, answer=right) or too_long(result, answer=wrong):
        return None
    options = [right.strip(), wrong.strip()]
    if rng_for(seed, number).random() < 0.5:
        options.reverse()
    ids = ["a", "b"]
    return {
        "id": f"{id_prefix}-{number:04d}", "type": "choice",
        "title": title_from(f"HaluEval QA #{number}", question),
        "skills": ["fact_checking"], "tags": ["halueval", "halueval-qa"],
        "prompt": prompt,
        "options": [{"id": i, "text": t} for i, t in zip(ids, options)],
        "gold": [ids[options.index(right.strip())]],
        "explanation": (
            f"In HaluEval (QA set), {quote(right)} is the HotpotQA answer, supported by the "
            f"knowledge passage. The other answer, {quote(wrong)}, was written by ChatGPT to "
            f"sound plausible but is a hallucination: the passage does not support it."),
    }


def _general(record, number, result, id_prefix):
    query = text_field(record, "user_query", result, "user query")
    response = query and text_field(record, "chatgpt_response", result, "response")
    if not response:
        return None
    label = record.get("hallucination")
    if label is None:
        result.skip("missing label")
        return None
    label = label.strip().lower() if isinstance(label, str) else label
    if label not in ("yes", "no"):
        result.skip(f"unknown label {record.get('hallucination')!r}")
        return None
    prompt = (f"**Request:** {query.strip()}\n\n**Response:**\n\n{response.strip()}\n\n---\n\n"
              "Does this response contain a hallucination (a claim that is false, made up, or "
              "not supported)?")
    if too_long(result, response=response, prompt=prompt):
        return None
    spans = record.get("hallucination_spans") or []
    spans = [s for s in spans if isinstance(s, str) and s.strip()] if isinstance(spans, list) \
        else []
    if label == "yes":
        found = "; ".join(quote(s, 160) for s in spans[:3])
        explanation = ("In HaluEval (general set), human annotators marked this response as "
                       "containing a hallucination" + (f": {found}." if found else ".")
                       + " Check each specific claim against what you know or can verify.")
    else:
        explanation = ("In HaluEval (general set), human annotators found no hallucination in "
                       "this response: none of its claims was judged false or made up. Don't "
                       "flag an answer just because it is long or unfamiliar.")
    return {
        "id": f"{id_prefix}-{number:04d}", "type": "choice",
        "title": title_from(f"HaluEval general #{record.get('ID', number)}", query),
        "skills": ["fact_checking"], "tags": ["halueval", "halueval-general"],
        "prompt": prompt,
        "options": [{"id": "yes", "text": "Yes, it contains a hallucination"},
                    {"id": "no", "text": "No hallucination"}],
        "shuffle": False,
        "gold": [label],
        "explanation": explanation,
    }


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    records = read_json_records(path, result, EXPECTED)
    require_records(path, records, [QA_KEYS, GENERAL_KEYS], EXPECTED)
    units = []
    kinds = set()
    for number, record in json_objects(records, result):
        if "knowledge" in record or "right_answer" in record:
            item = _qa(record, number, result, seed, id_prefix)
            kinds.add("QA")
        elif "user_query" in record or "chatgpt_response" in record:
            item = _general(record, number, result, id_prefix)
            kinds.add("general")
        else:
            result.skip("neither a QA nor a general record")
            continue
        if item:
            units.append([item])
    result.title = f"HaluEval ({' and '.join(sorted(kinds)) or 'empty'}): spotting hallucinations"
    result.description = DESCRIPTION
    return finish(result, units, sample, seed)

