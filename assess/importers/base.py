"""What every dataset format returns, and the sampling they share."""
from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence


class NotThisFormat(ValueError):
    """The file is not the format asked for at all: one clear error, nothing written."""


@dataclass
class ImportResult:
    items: list[dict[str, Any]] = field(default_factory=list)  # bank item entries
    rubrics: list[dict[str, Any]] = field(default_factory=list)  # bank rubrics they name
    skipped: Counter = field(default_factory=Counter)  # reason -> how many records
    total: int = 0  # records read
    available: int | None = None  # items (or groups of items) to sample from, when sampled
    title: str = ""  # a suggested bank title (the CLI's --title wins)
    description: str = ""  # Markdown for the bank description: source, licence, attribution
    unit: str = "record"  # what --sample counts ("dialogue context" for topicalchat)

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1


def sample(records: Sequence[Any], size: int | None, seed: int) -> list[Any]:
    """``size`` records chosen with ``seed`` (all of them, in order, when ``size`` is None)."""
    if size is None or size >= len(records):
        return list(records)
    chosen = sorted(random.Random(seed).sample(range(len(records)), size))
    return [records[i] for i in chosen]


# ---- shared by the dataset formats -------------------------------------------------------
MAX_TEXT = 20_000  # longest prompt, response or option text an imported item may carry


def rng_for(seed: int, key: Any) -> random.Random:
    """A generator for one record: the same seed and record always give the same draws,
    whichever other records were sampled."""
    return random.Random(f"{seed}:{key}")


def read_text(path: str | Path, expected: str) -> str:
    """The file's text (gunzipped when it is gzip); ``NotThisFormat`` when it is not UTF-8 text."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NotThisFormat(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise NotThisFormat(f"{path}: a damaged gzip file; expected {expected}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotThisFormat(f"{path}: not UTF-8 text; expected {expected}") from exc
    if not text.strip():
        raise NotThisFormat(f"{path}: the file is empty; expected {expected}")
    return text


def json_objects(records: Iterable[Any], result: ImportResult) -> Iterator[tuple[int, dict]]:
    """(position from 1, record) for each record that is a JSON object; every record is
    counted as read, and the others as skipped."""
    for number, record in enumerate(records, 1):
        result.total += 1
        if not isinstance(record, dict):
            result.skip("not a JSON object")
            continue
        yield number, record


def read_json_records(path: str | Path, result: ImportResult, expected: str) -> list[Any]:
    """Records of a JSON list or a JSON Lines file (optionally gzipped).

    A JSON Lines line that does not parse is counted as skipped ("not valid JSON"); a file
    where nothing parses, or whose JSON is not a list of records, raises ``NotThisFormat``.
    """
    text = read_text(path, expected)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to parse
        data = None
        records: list[Any] = []
        bad = 0
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except (ValueError, RecursionError):
                bad += 1
        if not records:
            raise NotThisFormat(f"{path}: not JSON or JSON Lines; expected {expected}") from None
        if bad:
            result.skipped["not valid JSON"] += bad
        result.total += bad
        return records
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and len(text.strip().splitlines()) == 1:
        return [data]  # JSON Lines with a single record
    raise NotThisFormat(f"{path}: the JSON is {_kind(data)}, not a list of records; "
                        f"expected {expected}")


def require_records(path: str | Path, records: Sequence[Any], keys: Sequence[Sequence[str]],
                    expected: str) -> None:
    """Raise ``NotThisFormat`` unless some record is an object holding one of the key sets."""
    for record in records:
        if isinstance(record, dict) and any(all(k in record for k in ks) for ks in keys):
            return
    raise NotThisFormat(f"{path}: no record has the fields this format needs; expected {expected}")


def _kind(data: Any) -> str:
    if isinstance(data, dict):
        return "an object"
    if isinstance(data, str):
        return "a string"
    return type(data).__name__


def text_field(record: dict, key: str, result: ImportResult, what: str | None = None
               ) -> str | None:
    """A non-empty string field, or None after counting why it was skipped."""
    value = record.get(key)
    what = what or key
    if value is None:
        result.skip(f"missing {what}")
        return None
    if not isinstance(value, str):
        result.skip(f"{what} is not text")
        return None
    if not value.strip():
        result.skip(f"empty {what}")
        return None
    return value


def too_long(result: ImportResult, **texts: str) -> bool:
    """Count the record as skipped when any text is longer than ``MAX_TEXT``."""
    for what, text in texts.items():
        if len(text) > MAX_TEXT:
            result.skip(f"{what} longer than {MAX_TEXT:,} characters".replace(",", " "))
            return True
    return False


def excerpt(text: str, limit: int = 90) -> str:
    """One line of ``text``, cut at a word boundary, for quoting in an explanation."""
    line = re.sub(r"\s+", " ", text).strip()
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
    return cut.rstrip(",;:.") + "…"


def quote(text: str, limit: int = 90) -> str:
    """An excerpt in typographic quotes, safe inside Markdown (Markdown punctuation removed)."""
    return "“" + excerpt(re.sub(r"[`*_<>\[\]\\|#]", "", text), limit) + "”"


def title_from(label: str, text: str, limit: int = 70) -> str:
    return f"{label}: {excerpt(text, limit)}"[:200]


def finish(result: ImportResult, units: Sequence[Sequence[dict[str, Any]]], size: int | None,
           seed: int) -> ImportResult:
    """Sample ``size`` units (a unit is a record's items) with ``seed`` and keep their items."""
    result.available = len(units)
    for unit in sample(units, size, seed):
        result.items.extend(unit)
    return result


def criterion(ident: str, label: str, *levels: tuple[str, str]) -> dict[str, Any]:
    """A rubric criterion whose levels, given as (label, descriptor), score 0, 1, 2, …"""
    return {"id": ident, "label": label, "levels": [
        {"points": points, "label": name, "descriptor": descriptor}
        for points, (name, descriptor) in enumerate(levels)]}


JUSTIFICATION_RUBRIC: dict[str, Any] = {
    "id": "justification",
    "title": "Written justification of a judgment",
    "description": "Score the applicant's written \"why\" on its own merits; the dataset's label "
                   "and the explanation are shown to graders as the reference.",
    "criteria": [
        criterion("decisive", "Identifies the decisive difference",
                  ("Missing", "Names no concrete difference, or only surface features (length, "
                              "formatting, tone) that do not decide the item."),
                  ("Partial", "Names a real difference, but not the decisive one, or names it "
                              "only vaguely."),
                  ("Full", "Names the specific decisive issue and why it matters to the user.")),
        criterion("clarity", "Clarity",
                  ("Unclear", "Hard to follow, mostly irrelevant, or restates the prompt without "
                              "judging it."),
                  ("Adequate", "Understandable, but padded, repetitive or disorganised."),
                  ("Clear", "Concise and specific; the key point comes first and nothing is "
                            "filler.")),
    ],
}

JUSTIFICATION = {
    "prompt": "Optional: in two to four sentences, explain what decides the comparison.",
    "rubric": "justification",
    "required": False,
    "max_chars": 1200,
}
