"""TruthfulQA (CSV: Type, Category, Question, Best Answer, Correct Answers, Incorrect Answers,
Source) → choice items: the best answer among up to four of the question's incorrect answers
(chosen with the seed when there are more), options in a seeded order so the gold position is
spread. Adversarial questions are ``hard``, the others ``medium``."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterator

from .base import (
    ImportResult,
    NotThisFormat,
    finish,
    quote,
    read_text,
    rng_for,
    title_from,
    too_long,
)

COLUMNS = ("Question", "Best Answer", "Incorrect Answers")
EXPECTED = ("a TruthfulQA CSV with a header row holding the columns Type, Category, Question, "
            "Best Answer, Correct Answers, Incorrect Answers and Source")
WRONG_OPTIONS = 4
DESCRIPTION = """\
Imported from TruthfulQA (Lin, Hilton & Evans 2022, github.com/sylinrl/TruthfulQA, Apache-2.0
licence). Each item asks for the true answer to a question that many people (and models)
answer falsely; the wrong options are TruthfulQA's own incorrect answers.
"""


def _answers(cell: str) -> list[str]:
    seen, answers = set(), []
    for part in (cell or "").split(";"):
        text = part.strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            answers.append(text)
    return answers


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read(path, *, sample: int | None, seed: int, id_prefix: str) -> ImportResult:
    path = Path(path)
    result = ImportResult()
    reader = _csv(path, read_text(path, EXPECTED))
    units = []
    for number, row in _rows(reader, result):
        item = _item(row, number, seed, id_prefix, result)
        if item is not None:
            units.append([item])
    result.title = "TruthfulQA: which answer is true"
    result.description = DESCRIPTION
    return finish(result, units, sample, seed)


def _csv(path: Path, text: str) -> csv.DictReader:
    """A reader of the CSV's rows, once its header row holds the needed columns."""
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise NotThisFormat(f"{path}: not a readable CSV ({exc}); expected {EXPECTED}") from exc
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise NotThisFormat(f"{path}: the header row lacks the column(s) {', '.join(missing)}; "
                            f"expected {EXPECTED}")
    return reader


def _rows(reader: csv.DictReader, result: ImportResult) -> Iterator[tuple[int, dict]]:
    """(row number from 1, row) for each readable row; every row is counted as read, and an
    unreadable one as skipped."""
    rows = iter(reader)
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error:
            number += 1
            result.total += 1
            result.skip("unreadable CSV row")
            continue
        number += 1
        result.total += 1
        yield number, row


def _item(row: dict, number: int, seed: int, id_prefix: str,
          result: ImportResult) -> dict | None:
    """The choice item for one row (the best answer among up to four wrong ones, in a seeded
    order), or None when the row is skipped."""
    question = (row.get("Question") or "").strip()
    best = (row.get("Best Answer") or "").strip()
    if not question:
        result.skip("missing question")
        return None
    if not best:
        result.skip("missing best answer")
        return None
    wrong = [a for a in _answers(row.get("Incorrect Answers") or "")
             if a.casefold() != best.casefold()]
    if not wrong:
        result.skip("no incorrect answers")
        return None
    if too_long(result, question=question, answer=max([best] + wrong, key=len)):
        return None
    rng = rng_for(seed, number)
    if len(wrong) > WRONG_OPTIONS:
        wrong = rng.sample(wrong, WRONG_OPTIONS)
    options = [best] + wrong
    rng.shuffle(options)
    return _choice(row, number, id_prefix, question, best, options)


def _choice(row: dict, number: int, id_prefix: str, question: str, best: str,
            options: list[str]) -> dict:
    ids = "abcde"[:len(options)]
    kind = (row.get("Type") or "").strip()
    category = (row.get("Category") or "").strip()
    source = (row.get("Source") or "").strip()
    item = {
        "id": f"{id_prefix}-{number:04d}", "type": "choice",
        "title": title_from(f"TruthfulQA #{number}", question),
        "skills": ["fact_checking"],
        "tags": ["truthfulqa"] + ([_slug(category)] if _slug(category) else []),
    }
    if kind.lower() in ("adversarial", "non-adversarial"):
        item["difficulty"] = "hard" if kind.lower() == "adversarial" else "medium"
    item.update({
        "prompt": f"{question}\n\nWhich answer is true?",
        "options": [{"id": i, "text": t} for i, t in zip(ids, options)],
        "gold": [ids[options.index(best)]],
        "explanation": (
            f"TruthfulQA gives {quote(best, 160)} as the best true answer"
            + (f" (category: {category})" if category else "")
            + ". The other options are among the answers TruthfulQA lists as incorrect: "
              "common misconceptions or imitative falsehoods that sound right."
            + (f" Source: <{source}>" if source.startswith(("http://", "https://"))
               and " " not in source else "")),
    })
    return item
