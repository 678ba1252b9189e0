"""Rule 8: a choice item shown unshuffled (``shuffle: false``) must have options in a natural
order, or "always the first" and "always the last" read the author's habits rather than the
question (see the package docstring).

Bank entries have no field declaring options ordered, so the order is read from the option
texts: every option must carry a value of one kind (a number, a date, an ordinal such as
"second", or a word of one ordered scale such as "never … always"), and the values must run
ascending or descending in the order listed.
"""
from __future__ import annotations

import re
from typing import Any

from .common import BankContent, _Context
from .explanations import real_text

_MONTHS = {name: i + 1 for i, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_NUMBER_WORDS = {word: i for i, word in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen", "twenty"))}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                      "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
                      "million": 10 ** 6, "billion": 10 ** 9, "half": 0.5, "once": 1,
                      "twice": 2, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
                      "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10})
# Whole option texts that are points on one ordered scale (lower-case, words only).
_SCALES = [
    ("never", "rarely", "sometimes", "often", "usually", "always"),
    ("none", "very low", "low", "moderate", "medium", "high", "very high"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
    ("very unlikely", "unlikely", "likely", "very likely"),
]
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(?:(\d{{1,2}})\s+)?({_MONTH})\.?(?:\s+(\d{{1,2}})(?!\d))?,?"
                        rf"(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])[-−]?\d[\d,]*(?:\.\d+)?(?:\s*/\s*\d+)?")
_WORD = re.compile(r"[a-z]+")


def order_key(text: Any) -> tuple[str, Any] | None:
    """The value an option text is ordered by, with its kind, or ``None``: a date
    ("2024-03-01", "1 March 2024", "March 2024"), else a number (the first in the text:
    "$1,102.50", "25%", "1/4", "3rd"), else a number or ordinal word ("Two years", "the second
    dose"), else a point on a known scale ("Often")."""
    text = real_text(str(text or ""))
    iso = _ISO_DATE.search(text)
    if iso:
        return "date", tuple(int(g) for g in iso.groups())
    date = _DAY_MONTH.search(text)
    if date and (date.group(1) or date.group(3) or date.group(4)):
        day = date.group(1) or date.group(3)
        return "date", (int(date.group(4) or 0), _MONTHS[date.group(2).lower()],
                        int(day or 0))
    number = _NUMBER.search(text)
    if number:
        raw = number.group(0).replace(",", "").replace("−", "-").replace(" ", "")
        if "/" in raw:
            top, bottom = raw.split("/")
            return ("number", float(top) / float(bottom)) if float(bottom) else None
        return "number", float(raw)
    words = _WORD.findall(text.lower())
    phrase = " ".join(words)
    for index, scale in enumerate(_SCALES):
        if phrase in scale:
            return f"scale{index}", scale.index(phrase)
    for word in words:
        if word in _NUMBER_WORDS:
            return "number", float(_NUMBER_WORDS[word])
    return None


def ordered(texts: list[Any]) -> bool:
    """Whether option texts run in a natural order: one kind of value, ascending or
    descending (equal neighbours allowed), and not all the same."""
    keys = [order_key(text) for text in texts]
    if len(keys) < 2 or any(k is None for k in keys) or len({k[0] for k in keys}) != 1:
        return False
    values = [k[1] for k in keys]
    pairs = list(zip(values, values[1:]))
    return len(set(values)) > 1 and (all(a <= b for a, b in pairs)
                                     or all(a >= b for a, b in pairs))


def _unshuffled_choices(context: _Context, bank: BankContent) -> None:
    """Items whose type reports options shown in a fixed order (``LintFacts.fixed_order``)."""
    for entry in bank.items:
        fixed = context.facts(entry).fixed_order
        if fixed is None or ordered(list(fixed.texts)):
            continue
        n = len(fixed.texts)
        where = "a fixed position" if fixed.key_index is None else \
            f"position {fixed.key_index + 1}"
        context.add("unshuffled-choice", bank, [entry["id"]],
                    f"{entry['type']}: {fixed.field} is false but the {n} {fixed.noun} are "
                    f"not in a natural order (numbers, dates or ordinals, ascending or "
                    f"descending), so every applicant sees the key at the same position "
                    f"({where} of {n}); shuffle them, or list them in value order",
                    field=fixed.field)
