"""What the bank linter (``assess.banks.lint``) reads from item types: per-item facts
(``LintFacts``) and rules about a whole type (``ConstantAnswerRule``, ``EmptyKeyRule``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class KeyPosition:
    """Where an item's key sits among entries shown in a random order, for the bank linter's
    gold-balance rule: a bank whose keys are listed first (or last) too often teaches "pick
    the first" to anyone who sees the bank file or its exports.

    ``listed`` are the entries' ids in bank order, ``key`` those that count as the key (a tied
    top group may have several); by chance the key is at a side ``len(key) / len(listed)`` of
    the time. The linter tests each of ``sides`` ("first", "last") and words its finding
    "<type>: <what> <side> in k of n items"; ``other`` names the other side when a finding is
    about too few ("second" for two entries)."""

    listed: tuple[str, ...]
    key: tuple[str, ...]
    what: str  # "the correct option is listed"
    sides: tuple[str, ...] = ("first",)
    other: str | None = None


@dataclass(frozen=True)
class FixedOrder:
    """Entries an item shows in bank order although they are the ones an applicant picks
    from (a choice item with ``shuffle: false``): the linter wants their texts in a natural
    order, else every applicant sees the key at the position its author happened to give it.
    ``field`` is the field that fixes the order (it is false)."""

    texts: tuple[str, ...]
    key_index: int | None  # the key's 0-based position; None when the key is not one entry
    field: str = "shuffle"
    noun: str = "options"


@dataclass(frozen=True)
class LintFacts:
    """What the bank linter (``assess.banks.lint``) reads from one item, so that no rule names
    an item type. Every fact is optional; a type leaves out what it does not have.

    - ``texts``: the item's own words, for near-duplicate detection (prompt, response, the
      texts of its responses, options or claims; not a taxonomy shared across items).
    - ``lettered``: ids of entries shown in a random order and named by display letter
      ("Response A", "Option B"), which explanations must not name by letter, position or
      id; ``lettered_noun`` is what they are called.
    - ``key_position``: see ``KeyPosition`` (rule gold-balance).
    - ``key_lengths``: (preferred, dispreferred) length of the texts the key compares, in
      characters of their stripped text (rule length-bias; ``ItemType.length_basis`` says
      what is compared).
    - ``pick``: (key id, ((option id, length), ...)) when the applicant picks exactly one of
      several texts, for "pick the longest/shortest" (rule choice-length).
    - ``key_degree``: the key's named degree ("much better", "equal"), so that no one degree
      keys most of a bank (rule strength-balance).
    - ``fixed_order``: see ``FixedOrder`` (rule unshuffled-choice).
    - ``key_empty``: the key is the empty answer ("nothing applies"; rule ``empty_key``).
    """

    texts: tuple[str, ...] = ()
    lettered: tuple[str, ...] = ()
    lettered_noun: str = "responses"
    key_position: KeyPosition | None = None
    key_lengths: tuple[float, float] | None = None
    pick: tuple[str, tuple[tuple[str, int], ...]] | None = None
    key_degree: str | None = None
    fixed_order: FixedOrder | None = None
    key_empty: bool = False


@dataclass(frozen=True)
class ConstantAnswerRule:
    """A bank lint rule over one type's items: giving one of the type's ``shortcuts`` to every
    item must not earn clearly more than random answering. ``strategies`` maps the shortcut
    names considered to the phrase that fills ``{phrase}`` in ``how`` (which may also use
    ``{strategy}``); the best of them is tested. ``what`` names the credit measured."""

    rule: str  # the finding's rule name, e.g. "rubric-balance"
    how: str  # after "<type>: ": "... scoring every dimension at {phrase} ('{strategy}')"
    strategies: Mapping[str, str]
    what: str = "keyed credit"


@dataclass(frozen=True)
class EmptyKeyRule:
    """A bank lint rule: at most a share of a type's items may have the empty answer as key
    (``LintFacts.key_empty``), or the shortcut ``strategy`` (giving it) pays. The finding
    reads "<type>: k of n items (..%) <have>, so <doing> earns ..."."""

    rule: str  # "labels-none"
    strategy: str  # the shortcut that gives the empty answer: "none"
    have: str  # "have an empty gold set"
    doing: str  # "ticking nothing"


def own_texts(content: Mapping, *lists: str, key: str = "text") -> tuple[str, ...]:
    """The item's prompt and response, then the ``key`` text of each entry of the named
    lists (responses, options, claims): the words the near-duplicate rule compares."""
    texts = [content.get("prompt"), content.get("response")]
    for name in lists:
        texts += [part.get(key) for part in content.get(name) or () if isinstance(part, Mapping)]
    return tuple(t for t in texts if isinstance(t, str))

