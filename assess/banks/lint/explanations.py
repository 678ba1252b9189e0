"""Rule 4: explanations long enough, and not naming shuffled responses or options by display
letter, position or id (see the package docstring)."""
from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

from .common import BankContent, _Context, facts_of

MIN_EXPLANATION_CHARS = 40


_MARKUP = re.compile(r"[*_#>`~|\\]+")
_BETTER = (r"(?:better|best|worse|worst|correct|incorrect|wrong|right|preferred|preferable|"
           r"stronger|weaker|safer|accurate|inaccurate)")
_POSITION = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|last)\s+"
                       r"(?:response|answer|option|reply)s?\b", re.IGNORECASE)


def real_text(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def shuffled(entry: Mapping) -> bool:
    """Whether the item shows entries in a random order, named by display letter
    (``LintFacts.lettered``, from its type)."""
    return bool(facts_of(entry).lettered)


def _alternation(names: Iterable[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda n: (-len(n), n)))


# "Bank B's rate", "Plan B is better", "vitamin C is ...": a letter that is part of a name.
_NAMING_WORDS = {"plan", "bank", "vitamin", "type", "grade", "class", "group", "version", "model",
                 "step", "part", "section", "column", "row", "team", "site", "scenario", "method",
                 "approach", "strategy", "item", "table", "figure", "phase", "stage", "level",
                 "tier", "zone", "user", "person", "company", "store", "shop", "account",
                 "product", "brand", "drug", "patient", "player", "variant", "arm", "test",
                 "hepatitis", "exhibit", "appendix", "schedule", "form", "box", "unit", "point"}
_NOT_NAMES = {"response", "responses", "answer", "option", "reply", "choice", "so", "and", "but",
              "because", "why", "only", "unlike", "like", "while", "whereas", "since", "both",
              "here", "then", "thus", "hence", "overall", "therefore", "also", "yes", "no",
              "that", "this", "although", "though", "if", "when", "where", "whether", "as"}
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s*]*$")


def _named_thing(text: str, match: re.Match) -> bool:
    """An upper-case letter right after a word such as "plan", or after a capitalised word
    that does not start its sentence ("Bank B's"), is part of a name, not a display letter."""
    if not re.match(r"[A-F]\b", match.group(0).lstrip("*")):
        return False
    offset = max(0, match.start() - 40)
    before = _WORD_BEFORE.search(text[offset:match.start()])
    if not before:
        return False
    word = before.group(1)
    if word.lower() in _NAMING_WORDS:
        return True
    preceding = text[:offset + before.start()].rstrip(" \t*_(\"'")
    starts_sentence = not preceding or preceding[-1] in ".!?:;\n-"
    return word[0].isupper() and word.lower() not in _NOT_NAMES and not starts_sentence


def display_references(text: str, ids: Sequence[str]) -> list[str]:
    """Phrases in ``text`` that name a response or option by display letter, position or
    internal id (see rule 4 in the module docstring)."""
    weak = [i for i in ids if re.fullmatch(r"[a-z]", i)]
    strong = _alternation(list("ABCDEF") + [i for i in ids if i not in weak])
    either = _alternation(list("ABCDEF") + list(ids))
    bracketed = rf"(?:\(\s*(?:{either})\s*\)|\*\*\s*(?:{either})\s*\*\*)"
    patterns = [
        rf"(?i:\b(?:response|answer|option|reply)s?)\s+(?:(?:{strong}|[1-6])(?![\w-])|{bracketed})",
        rf"(?<![\w-])(?:{either})(?![\w-])\**\s+(?:is|was|seems)\s+(?:\w+\s+){{0,2}}{_BETTER}\b",
        rf"\(\s*(?:{either})\s*\)",
        rf"(?<![\w-])(?:{strong})'s\b",
        rf"(?m:^\s*(?:[-*+]|\d+[.)])\s+\*\*\s*(?P<ref>{either})\s*(?:\*\*|[—–:.)]|-\s))",
    ]
    found: list[tuple[int, str]] = []
    for number, pattern in enumerate(patterns):
        for m in re.finditer(pattern, text):
            if number in (1, 3) and _named_thing(text, m):
                continue
            found.append((m.start(), f"**{m.group('ref')}**" if "ref" in m.groupdict()
                          else m.group(0).replace("*", "")))
    found += [(m.start(), m.group(0)) for m in _POSITION.finditer(text)]
    seen, phrases = set(), []
    for _, phrase in sorted(found):
        phrase = " ".join(phrase.split())
        if phrase not in seen:
            seen.add(phrase)
            phrases.append(phrase)
    return phrases


def _explanations(context: _Context, bank: BankContent) -> None:
    for entry in bank.items:
        item = entry["id"]
        explanation = entry.get("explanation")
        text = real_text(explanation if isinstance(explanation, str) else "")
        if len(text) < MIN_EXPLANATION_CHARS:
            context.add("explanation", bank, [item],
                        f"explanation has {len(text)} characters of text; write at least "
                        f"{MIN_EXPLANATION_CHARS} saying why the key is right",
                        field="explanation")
        facts = context.facts(entry)
        if not facts.lettered:
            continue
        ids = list(facts.lettered)
        justification = entry.get("justification")
        texts = [("explanation", explanation),
                 ("justification prompt", justification.get("prompt")
                  if isinstance(justification, Mapping) else None)]
        for where, value in texts:
            if not isinstance(value, str):
                continue
            phrases = display_references(value, ids)
            if phrases:
                things = facts.lettered_noun
                context.add("explanation", bank, [item],
                            f"{where} names {things} by display letter, position or id ("
                            f"{', '.join(repr(p) for p in phrases)}); they are shown "
                            f"shuffled, so name them by their content",
                            field=where.split()[0])
