"""Lint loaded banks and blueprints for problems that validation cannot see: a bank can be
valid and still leak its answers or repeat itself, and a blueprint can draw items that pay an
applicant who never reads them. Pure and deterministic (no Flask, no database, no randomness);
``banks validate`` prints the findings as warnings.

One module per rule family: ``duplicates`` (1), ``balance`` (2, 3, 5, 7), ``explanations``
(4), ``rubric_levels`` (6), ``ordering`` (8), ``constant_answers`` (9-12), ``blueprints``
(13); ``common`` holds the finding, the binomial test and file locations.

Rules, with their thresholds as named constants (each in its rule's module, all importable
from here):

1. **Near-duplicate items** (``duplicate``), within and across banks. Each item's text is its
   prompt, its ``response``, and the text of its responses, options (not of ``labels``
   items, whose options are a shared taxonomy) and claims, lower-cased with punctuation
   stripped. Two items whose word ``SHINGLE_WORDS``-gram sets have a Jaccard similarity of at
   least ``DUPLICATE_JACCARD`` are reported, as are two items of the same type with the same
   (normalised) prompt. Pairs are found by prefix filtering (``similar_pairs``): only items
   sharing one of their rarest shingles are ever compared, so a phrase every item repeats
   costs nothing.
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

7. **Choice key length** (``choice-length``), per bank over single-answer choice items, from
   ``MIN_LENGTH_ITEMS`` (3) items: how often the key is the strictly longest option (in
   characters of its stripped text), and separately the strictly shortest, against the mean
   of 1/len(options); an item with no strictly longest (shortest) option is left out of that
   count. Only an excess with a two-sided binomial p < ``ALPHA`` is flagged: it is what makes
   "pick the longest option" pay. The message gives the rate against chance.
8. **Unshuffled choice** (``unshuffled-choice``): a choice item with ``shuffle: false`` whose
   options are not in a natural order, read from the option texts (no field declares an
   order): numbers, dates, ordinals or one ordered scale's words, ascending or descending
   (``ordering.ordered``). Every applicant then sees the key at the same position.
9. **Rubric gold levels** (``rubric-balance``), per bank over rubric items (at least
   ``MIN_SHORTCUT_ITEMS``): the best constant level ("top", "middle", "bottom", "second-top"
   on every dimension) must not earn more than ``SHORTCUT_MARGIN`` (0.10) above the random
   guesser's share of the keyed credit (both weighted by item points).
10. **Empty labels** (``labels-none``): at most ``LABELS_MAX_EMPTY_SHARE`` (25%) of a bank's
    labels items (at least ``MIN_SHORTCUT_ITEMS``) may have an empty gold set, or ticking
    nothing pays.
11. **Select all** (``labels-all``): ticking every label must not earn more than chance plus
    ``SHORTCUT_MARGIN``.
12. **Constant fact-check label** (``factcheck-constant``): labelling every claim the same must
    not earn more than chance (1/3 of the claim credit) plus ``SHORTCUT_MARGIN``.
13. **Blueprint shortcuts** (``blueprint-shortcut``), per blueprint: every section's candidates
    weighted by their chance of being drawn (draw / pool size), and for each item type the
    best shortcut of ``assess.items.shortcuts`` (averaged over display orders) against random
    answering, both as shares of the type's keyed credit. A shortcut beating chance by more
    than ``BLUEPRINT_SHORTCUT_MARGIN`` (0.15) is a finding at the first section drawing the
    type; ``shortcut_lines`` is the table ``banks validate`` prints for every type.

No rule names an item type. What a rule reads of an item comes from the item's type
(``ItemType.lint_facts`` -> ``LintFacts``: its texts, lettered entries, key position, key
lengths, single pick, key degree, fixed order, empty key) and, for a whole type, from its class
attributes ``length_basis``, ``constant_answer_rules`` and ``empty_key``; the types named above
are the built-in ones that supply each fact. A finding about one type starts with the type's
name; rules that test types separately take them in the order the bank first uses them.

Rules 9-13 name the items on which the shortcut beats chance. Findings carry the file and line
(the item's, the field's where known, or the blueprint section's), the bank (or blueprint), and
the ids of the items concerned.
"""
from __future__ import annotations

from typing import Any

from .balance import (
    LENGTH_TIE,
    MAX_STRENGTH_SHARE,
    MIN_LENGTH_ITEMS,
    _choice_length,
    _gold_balance,
    _length_bias,
    _strength_balance,
    length_bases,
)
from .blueprints import (
    BLUEPRINT_SHORTCUT_MARGIN,
    BlueprintShortcuts,
    TypeShortcut,
    _blueprint_findings,
    blueprint_shortcuts,
    shortcut_lines,
)
from .common import (
    ALPHA,
    MIN_ITEMS,
    BankContent,
    Finding,
    _Context,
    binomial_pmf,
    binomial_two_sided,
)
from .constant_answers import (
    LABELS_MAX_EMPTY_SHARE,
    MIN_SHORTCUT_ITEMS,
    SHORTCUT_MARGIN,
    _constant_answers,
)
from .duplicates import (
    DUPLICATE_JACCARD,
    SHINGLE_WORDS,
    _duplicates,
    item_text,
    normalise,
    shingles,
)
from .explanations import (
    MIN_EXPLANATION_CHARS,
    _explanations,
    display_references,
    real_text,
    shuffled,
)
from .ordering import _unshuffled_choices, order_key, ordered
from .rubric_levels import MIN_RUBRIC_LEVELS, _rubrics

__all__ = [
    "ALPHA", "BLUEPRINT_SHORTCUT_MARGIN", "DUPLICATE_JACCARD", "LABELS_MAX_EMPTY_SHARE",
    "LENGTH_TIE", "MAX_STRENGTH_SHARE", "MIN_EXPLANATION_CHARS", "MIN_ITEMS",
    "MIN_LENGTH_ITEMS", "MIN_RUBRIC_LEVELS", "MIN_SHORTCUT_ITEMS", "SHINGLE_WORDS",
    "SHORTCUT_MARGIN", "BankContent", "BlueprintShortcuts", "Finding", "TypeShortcut",
    "binomial_pmf", "binomial_two_sided", "blueprint_shortcuts", "display_references",
    "item_text", "length_bases", "lint", "normalise", "order_key", "ordered", "real_text",
    "shingles", "shortcut_lines", "shuffled",
]


def lint(loaded: Any) -> list[Finding]:
    """Every finding for the banks of ``loaded`` (a ``Loaded``, or anything with ``banks``:
    objects with ``file``, ``slug``, ``items`` and ``rubrics``) and, when it has
    ``assessments``, for its blueprints, in a stable order: bank rules bank by bank, then
    blueprints."""
    banks = list(loaded.banks)
    context = _Context()
    _duplicates(context, banks)
    for bank in banks:
        _gold_balance(context, bank)
        _length_bias(context, bank)
        _strength_balance(context, bank)
        _explanations(context, bank)
        _rubrics(context, bank)
        _choice_length(context, bank)
        _unshuffled_choices(context, bank)
        _constant_answers(context, bank)
    assessments = list(getattr(loaded, "assessments", ()) or ())
    if assessments:
        _blueprint_findings(context, blueprint_shortcuts(assessments, banks))
    return context.findings
