"""Lint loaded banks for problems that validation cannot see: a bank can be valid and still
leak its answers or repeat itself. Pure and deterministic (no Flask, no database, no
randomness); ``banks validate`` prints the findings as warnings.

Rules, with their thresholds as the constants below:

1. **Near-duplicate items** (``duplicate``), within and across banks. Each item's text is its
   prompt, its ``response``, and the text of its responses, options (not of ``labels``
   items, whose options are a shared taxonomy) and claims, lower-cased with punctuation
   stripped. Two items whose word ``SHINGLE_WORDS``-gram sets have a Jaccard similarity of at
   least ``DUPLICATE_JACCARD`` are reported, as are two items of the same type with the same
   (normalised) prompt. Pairs are found through an inverted index of shingles, so only items
   that share a shingle are ever compared.
2. **Gold balance** (``gold-balance``), per bank and item type, when at least ``MIN_ITEMS``
   items qualify, with an exact two-sided binomial test (``binomial_two_sided``) flagging
   p < ``ALPHA``:

   - pairwise items with a non-``equal`` gold: how often the better response is the first one
     listed (expected 0.5);
   - single-answer choice items: how often the correct option is the first option, and how
     often it is the last; the expected rate is the mean of 1/len(options) over the items,
     tested with a plain binomial at that mean rate (a simplification of the exact
     Poisson-binomial, identical when every item has the same number of options);
   - ranking items: how often a top-ranked response (``gold.order[0]``, or any member of a
     tied first group) is listed first; expected rate the mean of |first group| / len(responses),
     again a binomial at the mean rate.

   The finding names the items that make the excess (or, for a deficit, the items that fall on
   the other side).
3. **Length bias** (``length-bias``), per bank over pairwise items with a non-``equal`` gold and
   ranking items (gold top against gold bottom; a tied group counts with its mean length):
   how often the preferred response is the longer one, in characters of its stripped text.
   Pairs whose lengths differ by less than ``LENGTH_TIE`` (10 %) of the longer are left out as
   ties. With at least ``MIN_ITEMS`` pairs left, a two-sided binomial test against 0.5 flags
   p < ``ALPHA``, so neither "pick the longer" nor "pick the shorter" pays off.
4. **Explanations** (``explanation``): every ``explanation`` needs at least
   ``MIN_EXPLANATION_CHARS`` characters of real text (Markdown markup and repeated whitespace
   not counted). Pairwise, ranking and shuffled choice items are shown in a random order and
   lettered by display position ("Response A", "Option B"), so their explanation and
   justification prompt must not name a response by a display letter, a position or an
   internal id: "Response A", "option (b)", "A is better", "**r1** is best", "B's", "(A)", a
   list entry that starts with a bold id, "the first response", "the second answer". A single
   lower-case letter counts only where it is an id of the item *and* appears in such a
   construction (so the article "a" is never flagged), and an upper-case letter that is part
   of a name ("Plan B is better", "Bank B's rate") is left alone. This applies whatever the
   ids are: even when the ids are ``A`` and ``B``, the reader sees them under shuffled
   letters (review pages letter responses by display position, never by id).
5. **Strength balance** (``strength-balance``), per bank over pairwise items whose gold gives a
   strength (or ``equal``), when at least ``MIN_ITEMS`` qualify: no one strength may be the key
   of more than ``MAX_STRENGTH_SHARE`` of them, or "always answer *much better*" collects most
   of the partial-credit points without weighing anything. The finding names the items with
   the over-used strength.
6. **Rubrics** (``rubric``): in each criterion of each bank rubric, level points strictly
   increase in the order listed, labels and descriptors are non-empty and distinct (ignoring
   case and spacing), and there are at least two levels.

Findings carry the file and line (the item's, or the field's where known), the bank, and the
ids of the items concerned.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

import yaml

SHINGLE_WORDS = 5
DUPLICATE_JACCARD = 0.6
MIN_ITEMS = 6
ALPHA = 0.05
LENGTH_TIE = 0.10
MIN_EXPLANATION_CHARS = 40
MIN_RUBRIC_LEVELS = 2
MAX_STRENGTH_SHARE = 0.6
STRENGTH_NAMES = {1: "slightly better", 2: "clearly better", 3: "much better", "equal": "equal"}


class BankContent(Protocol):
    file: str
    slug: str
    items: list[dict]
    rubrics: list[dict]


@dataclass(frozen=True)
class Finding:
    rule: str  # duplicate | gold-balance | length-bias | strength-balance | explanation | rubric
    file: str
    line: int | None
    bank: str
    items: tuple[str, ...]  # the item ids concerned (or "rubric:<id>"); the first is located
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.bank}/{self.items[0] if self.items else '-'}: {self.message}"


# ------------------------------------------------------------------ statistics

def binomial_pmf(k: int, n: int, p: float) -> float:
    return math.comb(n, k) * p ** k * (1 - p) ** (n - k)


def binomial_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial test: the total probability of every outcome no more likely
    than ``k`` successes in ``n`` trials at rate ``p`` (as R's ``binom.test``)."""
    if n <= 0:
        return 1.0
    if p <= 0:
        return 1.0 if k == 0 else 0.0
    if p >= 1:
        return 1.0 if k == n else 0.0
    observed = binomial_pmf(k, n, p)
    probabilities = [binomial_pmf(i, n, p) for i in range(n + 1)]
    return min(1.0, sum(q for q in probabilities if q <= observed * (1 + 1e-7)))


# ------------------------------------------------------------------ locations

@dataclass
class _Where:
    items: dict[str, tuple[int, dict[str, int]]]  # id -> (line, {field: line})
    rubrics: dict[str, tuple[int, dict[str, int]]]  # id -> (line, {criterion id: line})


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only node positions are read


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _fields(node: yaml.MappingNode) -> dict[str, int]:
    return {_scalar(k): k.start_mark.line + 1 for k, _ in node.value if _scalar(k)}


def _ident(node: Any) -> str | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((_scalar(v) for k, v in node.value if _scalar(k) == "id"), None)


def _locate(file: str) -> _Where:
    """Lines of items, their fields, rubrics and criteria, re-read from the bank file (the
    loader's specs do not keep them). Empty when the file cannot be read."""
    where = _Where({}, {})
    try:
        root = yaml.compose(Path(file).read_text(encoding="utf-8"), Loader=_FAST_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return where
    if not isinstance(root, yaml.MappingNode):
        return where
    for key, value in root.value:
        if not isinstance(value, yaml.SequenceNode):
            continue
        for node in value.value:
            ident = _ident(node)
            if ident is None:
                continue
            if _scalar(key) == "items":
                where.items.setdefault(ident, (node.start_mark.line + 1, _fields(node)))
            elif _scalar(key) == "rubrics":
                criteria = {}
                for k, v in node.value:
                    if _scalar(k) == "criteria" and isinstance(v, yaml.SequenceNode):
                        criteria = {_ident(c): c.start_mark.line + 1 for c in v.value
                                    if _ident(c)}
                where.rubrics.setdefault(ident, (node.start_mark.line + 1, criteria))
    return where


class _Context:
    def __init__(self) -> None:
        self._where: dict[str, _Where] = {}
        self.findings: list[Finding] = []

    def where(self, bank: BankContent) -> _Where:
        """The bank file's lines, read on the first finding that needs them (most banks have
        none, and the loader has already read every file once)."""
        if bank.file not in self._where:
            self._where[bank.file] = _locate(bank.file)
        return self._where[bank.file]

    def line(self, bank: BankContent, item: str, field: str | None = None) -> int | None:
        line, fields = self.where(bank).items.get(item, (None, {}))
        return fields.get(field, line) if field else line

    def add(self, rule: str, bank: BankContent, items: Sequence[str], message: str,
            field: str | None = None) -> None:
        self.findings.append(Finding(rule, bank.file, self.line(bank, items[0], field)
                                     if items else None, bank.slug, tuple(items), message))


# ------------------------------------------------------------------ entry point

def lint(loaded: Any) -> list[Finding]:
    """Every finding for the banks of ``loaded`` (a ``Loaded``, or anything with ``banks``:
    objects with ``file``, ``slug``, ``items`` and ``rubrics``), in a stable order."""
    banks = list(loaded.banks)
    context = _Context()
    _duplicates(context, banks)
    for bank in banks:
        _gold_balance(context, bank)
        _length_bias(context, bank)
        _strength_balance(context, bank)
        _explanations(context, bank)
        _rubrics(context, bank)
    return context.findings


# ------------------------------------------------------------------ 1. near duplicates

_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalise(text: str) -> list[str]:
    return _PUNCTUATION.sub(" ", text.lower()).split()


def item_text(entry: Mapping) -> str:
    parts = [entry.get("prompt"), entry.get("response")]
    for key in ("responses", "claims") + (() if entry.get("type") == "labels" else ("options",)):
        parts += [part.get("text") for part in entry.get(key) or () if isinstance(part, Mapping)]
    return "\n".join(p for p in parts if isinstance(p, str))


def shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    if len(words) <= size:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def _duplicates(context: _Context, banks: Sequence[BankContent]) -> None:
    entries = [(bank, entry) for bank in banks for entry in bank.items]
    sets = [shingles(normalise(item_text(entry))) for _, entry in entries]
    index: dict[tuple[str, ...], list[int]] = {}
    for i, shingle_set in enumerate(sets):
        for shingle in shingle_set:
            index.setdefault(shingle, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in index.values():
        for pair in combinations(holders, 2):
            shared[pair] = shared.get(pair, 0) + 1
    reported: dict[tuple[int, int], str] = {}
    for (i, j), common in shared.items():
        similarity = common / (len(sets[i]) + len(sets[j]) - common)
        if similarity >= DUPLICATE_JACCARD:
            reported[(i, j)] = f"{similarity:.0%} of word {SHINGLE_WORDS}-grams shared"
    prompts: dict[tuple[str, tuple[str, ...]], int] = {}
    for j, (_, entry) in enumerate(entries):
        words = tuple(normalise(entry.get("prompt") or ""))
        if not words:
            continue
        i = prompts.setdefault((entry.get("type"), words), j)
        if i != j and (i, j) not in reported:
            reported[(i, j)] = f"same prompt and type ({entry.get('type')})"
    for (i, j), why in sorted(reported.items()):
        (first_bank, first), (bank, entry) = entries[i], entries[j]
        other = f"{first_bank.slug}/{first['id']} ({first_bank.file}:" \
                f"{context.line(first_bank, first['id']) or '?'})"
        context.add("duplicate", bank, [entry["id"], first["id"]],
                    f"near-duplicate of {other}: {why}")


# ------------------------------------------------------------------ 2. gold balance

def _ids(parts: Iterable) -> list[str]:
    return [p["id"] for p in parts or () if isinstance(p, Mapping) and "id" in p]


def _group(element: Any) -> list[str]:
    return list(element) if isinstance(element, (list, tuple)) else [element]


def _test(context: _Context, bank: BankContent, rule: str, label: str, what: str,
          hits: list[str], misses: list[str], rate: float, *, side: str = "first",
          other: str | None = None) -> None:
    n, k = len(hits) + len(misses), len(hits)
    if n < MIN_ITEMS:
        return
    p = binomial_two_sided(k, n, rate)
    if p >= ALPHA:
        return
    if k >= n * rate:
        named, text = hits, f"{what} {side} in {k} of {n} items"
    elif other:
        named, text = misses, f"{what} {other} in {n - k} of {n} items"
    else:
        named, text = misses, f"{what} {side} in only {k} of {n} items"
    context.add(rule, bank, named,
                f"{label}: {text} (expected {rate * n:.1f}; p={p:.3f}): "
                f"{', '.join(named)}")


def _gold_balance(context: _Context, bank: BankContent) -> None:
    pair_hits, pair_misses = [], []
    choice_first, choice_last, choice_rates = ([], []), ([], []), []
    rank_hits, rank_misses, rank_rates = [], [], []
    for entry in bank.items:
        kind, gold, item = entry.get("type"), entry.get("gold"), entry["id"]
        if kind == "pairwise" and isinstance(gold, Mapping) and gold.get("choice") != "equal":
            ids = _ids(entry.get("responses"))
            (pair_hits if ids and gold.get("choice") == ids[0] else pair_misses).append(item)
        elif kind == "choice" and not entry.get("multiple", False):
            ids = _ids(entry.get("options"))
            answer = gold[0] if isinstance(gold, list) and gold else gold
            if not ids:
                continue
            choice_rates.append(1 / len(ids))
            choice_first[0 if answer == ids[0] else 1].append(item)
            choice_last[0 if answer == ids[-1] else 1].append(item)
        elif kind == "ranking" and isinstance(gold, Mapping) and gold.get("order"):
            ids = _ids(entry.get("responses"))
            top = _group(gold["order"][0])
            if not ids:
                continue
            rank_rates.append(len(top) / len(ids))
            (rank_hits if ids[0] in top else rank_misses).append(item)
    _test(context, bank, "gold-balance", "pairwise", "the better response is listed",
          pair_hits, pair_misses, 0.5, other="second")
    if choice_rates:
        rate = sum(choice_rates) / len(choice_rates)
        _test(context, bank, "gold-balance", "choice", "the correct option is listed",
              *choice_first, rate)
        _test(context, bank, "gold-balance", "choice", "the correct option is listed",
              *choice_last, rate, side="last")
    if rank_rates:
        _test(context, bank, "gold-balance", "ranking", "a top-ranked response is listed",
              rank_hits, rank_misses, sum(rank_rates) / len(rank_rates))


# ------------------------------------------------------------------ 5. strength balance

def _strength_balance(context: _Context, bank: BankContent) -> None:
    keys: dict[Any, list[str]] = {}
    for entry in bank.items:
        gold = entry.get("gold")
        if entry.get("type") != "pairwise" or not isinstance(gold, Mapping):
            continue
        key = "equal" if gold.get("choice") == "equal" else gold.get("strength")
        if key is not None:
            keys.setdefault(key, []).append(entry["id"])
    n = sum(len(items) for items in keys.values())
    if n < MIN_ITEMS:
        return
    key, items = max(keys.items(), key=lambda pair: len(pair[1]))
    if len(items) > MAX_STRENGTH_SHARE * n:
        name = STRENGTH_NAMES.get(key, str(key))
        context.add("strength-balance", bank, items,
                    f"pairwise: “{name}” is the key of {len(items)} of {n} items, so answering "
                    f"it every time earns most of the points; make some comparisons closer: "
                    f"{', '.join(items)}")


# ------------------------------------------------------------------ 3. length bias

def _lengths(entry: Mapping) -> dict[str, int]:
    return {r["id"]: len(str(r.get("text") or "").strip()) for r in entry.get("responses") or ()
            if isinstance(r, Mapping) and "id" in r}


def _length_bias(context: _Context, bank: BankContent) -> None:
    longer, shorter = [], []
    for entry in bank.items:
        kind, gold, lengths = entry.get("type"), entry.get("gold"), _lengths(entry)
        if not isinstance(gold, Mapping):
            continue
        if kind == "pairwise" and gold.get("choice") in lengths and len(lengths) == 2:
            best = lengths[gold["choice"]]
            worst = next(v for k, v in lengths.items() if k != gold["choice"])
        elif kind == "ranking" and len(gold.get("order") or ()) >= 2:
            top, bottom = _group(gold["order"][0]), _group(gold["order"][-1])
            if not all(i in lengths for i in top + bottom):
                continue
            best = sum(lengths[i] for i in top) / len(top)
            worst = sum(lengths[i] for i in bottom) / len(bottom)
        else:
            continue
        if abs(best - worst) < LENGTH_TIE * max(best, worst):
            continue
        (longer if best > worst else shorter).append(entry["id"])
    n, k = len(longer) + len(shorter), len(longer)
    if n < MIN_ITEMS:
        return
    p = binomial_two_sided(k, n, 0.5)
    if p < ALPHA:
        named, side = (longer, "longer") if k * 2 >= n else (shorter, "shorter")
        context.add("length-bias", bank, named,
                    f"length bias: the preferred response is the {side} one in {len(named)} "
                    f"of {n} items (pairwise, and ranking top against bottom; p={p:.3f}): "
                    f"{', '.join(named)}")


# ------------------------------------------------------------------ 4. explanations

_MARKUP = re.compile(r"[*_#>`~|\\]+")
_BETTER = (r"(?:better|best|worse|worst|correct|incorrect|wrong|right|preferred|preferable|"
           r"stronger|weaker|safer|accurate|inaccurate)")
_POSITION = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|last)\s+"
                       r"(?:response|answer|option|reply)s?\b", re.IGNORECASE)


def real_text(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


def shuffled(entry: Mapping) -> bool:
    kind = entry.get("type")
    return kind in ("pairwise", "ranking") or (kind == "choice" and entry.get("shuffle", True))


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
        if not shuffled(entry):
            continue
        ids = _ids(entry.get("responses") or entry.get("options"))
        justification = entry.get("justification")
        texts = [("explanation", explanation),
                 ("justification prompt", justification.get("prompt")
                  if isinstance(justification, Mapping) else None)]
        for where, value in texts:
            if not isinstance(value, str):
                continue
            phrases = display_references(value, ids)
            if phrases:
                things = "options" if entry["type"] == "choice" else "responses"
                context.add("explanation", bank, [item],
                            f"{where} names {things} by display letter, position or id ("
                            f"{', '.join(repr(p) for p in phrases)}); they are shown "
                            f"shuffled, so name them by their content",
                            field=where.split()[0])


# ------------------------------------------------------------------ 5. rubrics

def _same(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _rubrics(context: _Context, bank: BankContent) -> None:
    for rubric in bank.rubrics:
        rubric_id = rubric.get("id")
        for criterion in rubric.get("criteria") or ():
            problems = []
            levels = [lv for lv in criterion.get("levels") or () if isinstance(lv, Mapping)]
            if len(levels) < MIN_RUBRIC_LEVELS:
                problems.append(f"has {len(levels)} level(s); a criterion needs at least "
                                f"{MIN_RUBRIC_LEVELS}")
            points = [lv.get("points") for lv in levels]
            if any(not isinstance(p, (int, float)) or isinstance(p, bool) for p in points):
                problems.append("every level needs numeric points")
            elif any(b <= a for a, b in zip(points, points[1:])):
                problems.append(f"level points must strictly increase in the order listed, "
                                f"got {', '.join(f'{p:g}' for p in points)}")
            for key in ("label", "descriptor"):
                values = [_same(lv.get(key)) for lv in levels]
                if any(not v for v in values):
                    problems.append(f"a level has an empty {key}")
                repeated = sorted({v for v in values if v and values.count(v) > 1})
                if repeated:
                    problems.append(f"levels share a {key}: "
                                    f"{', '.join(repr(v) for v in repeated)}")
            if not problems:
                continue
            line, criteria_lines = context.where(bank).rubrics.get(rubric_id, (None, {}))
            for problem in problems:
                context.findings.append(Finding(
                    "rubric", bank.file, criteria_lines.get(criterion.get("id"), line),
                    bank.slug, (f"rubric:{rubric_id}",),
                    f"criterion {criterion.get('id')!r}: {problem}"))
