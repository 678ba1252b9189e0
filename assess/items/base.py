"""The contract every item type fulfils.

An item type is a stateless class. It never sees a request, a session or a database: callers
hand it the item's content (the validated bank entry, a plain dict) and plain data, and
persist what it returns. Judging is separate from recording.

Fields every item shares (``id``, ``type``, ``title``, ``skills``, ``difficulty``, ``points``,
``explanation``, ``justification``) are validated here; each type validates its own fields in
``validate_fields``.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any, ClassVar, Iterable, Mapping, Sequence

Form = Mapping[str, Sequence[str]]  # field name -> submitted values (MultiDict.to_dict(flat=False))

DIFFICULTIES = ("easy", "medium", "hard")
MAX_TEXT_ANSWER = 20_000
MAX_ANSWER_SPACE = 50_000  # a random guesser's answers are enumerated up to this many
WRITING = "A specific, written point."  # stands for whatever a writer writes (with_writing)


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of a bank entry. ``path`` is like ``responses[1].text``."""

    path: str
    message: str


class AnswerError(ValueError):
    """An answer that does not fit the item. ``field`` names the offending part of the answer."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class GradeResult:
    """Auto-graded outcome. ``points`` is in [0, max_points]; ``detail`` is JSON-serialisable."""

    points: float
    max_points: float
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def fraction(self) -> float:
        return self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class HumanPart:
    """A part of an answer that a human grader scores against a rubric."""

    part: str  # stable key: "justification", "rewrite", "correction:c2"
    kind: str  # "justification" | "rewrite" | "correction"
    text: str
    rubric: str  # rubric id within the item's bank
    context: dict[str, Any] = field(default_factory=dict)  # e.g. the original text for a diff


@dataclass(frozen=True)
class ScoredPart:
    """A human-graded part that counts towards the score, answered or not."""

    part: str
    kind: str
    rubric: str


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


class Checker:
    """Collects field errors while walking a bank entry."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def text(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
             max_len: int = 50_000) -> str | None:
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, "is required: expected a non-empty string")
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"expected a non-empty string, got {_describe(value)}")
            return None
        if len(value) > max_len:
            self.add(path, f"is {len(value)} characters long; at most {max_len} allowed")
            return None
        return value

    def integer(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
                minimum: int | None = None, maximum: int | None = None) -> int | None:
        return self._numeric(entry, key, path, required, minimum, maximum, integer=True)

    def number(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
               minimum: float | None = None, maximum: float | None = None) -> float | None:
        value = self._numeric(entry, key, path, required, minimum, maximum, integer=False)
        return None if value is None else float(value)

    def _numeric(self, entry, key, path, required, minimum, maximum, *, integer: bool):
        path = path or key
        kind = "an integer" if integer else "a number"
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, f"is required: expected {kind}")
            return None
        if isinstance(value, bool) or not isinstance(value, int if integer else (int, float)):
            self.add(path, f"expected {kind}, got {_describe(value)}")
            return None
        if minimum is not None and value < minimum:
            self.add(path, f"expected at least {minimum}, got {value}")
            return None
        if maximum is not None and value > maximum:
            self.add(path, f"expected at most {maximum}, got {value}")
            return None
        return value

    def boolean(self, entry: Mapping, key: str, path: str | None = None, *,
                default: bool = False) -> bool:
        path = path or key
        value = entry.get(key, default)
        if not isinstance(value, bool):
            self.add(path, f"expected true or false, got {_describe(value)}")
            return default
        return value

    def mapping(self, entry: Mapping, key: str, path: str | None = None, *,
                required: bool = True) -> Mapping | None:
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, "is required: expected a mapping")
            return None
        if not isinstance(value, Mapping):
            self.add(path, f"expected a mapping, got {_describe(value)}")
            return None
        return value

    def sequence(self, entry: Mapping, key: str, path: str | None = None, *, required: bool = True,
                 min_len: int = 0, max_len: int | None = None) -> list | None:
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, "is required: expected a list")
            return None
        if not isinstance(value, list):
            self.add(path, f"expected a list, got {_describe(value)}")
            return None
        if len(value) < min_len:
            self.add(path, f"expected at least {min_len} entries, got {len(value)}")
            return None
        if max_len is not None and len(value) > max_len:
            self.add(path, f"expected at most {max_len} entries, got {len(value)}")
            return None
        return value

    def choice(self, entry: Mapping, key: str, options, path: str | None = None, *,
               required: bool = True):
        path = path or key
        value = entry.get(key)
        if value is None:
            if required:
                self.add(path, f"is required: expected one of {_options(options)}")
            return None
        if isinstance(value, bool) or value not in options:
            self.add(path, f"expected one of {_options(options)}, got {_describe(value)}")
            return None
        return value

    def identified(self, entry: Mapping, key: str, *, min_len: int, max_len: int | None = None,
                   text_key: str | None = "text") -> list[Mapping]:
        """A list of mappings with unique string ``id`` fields (responses, options, claims)."""
        values = self.sequence(entry, key, min_len=min_len, max_len=max_len) or []
        seen: set[str] = set()
        good: list[Mapping] = []
        for i, value in enumerate(values):
            path = f"{key}[{i}]"
            if not isinstance(value, Mapping):
                self.add(path, f"expected a mapping with id and text, got {_describe(value)}")
                continue
            ident = value.get("id")
            if not isinstance(ident, str) or not ident.strip():
                self.add(f"{path}.id", f"expected a non-empty string, got {_describe(ident)}")
                continue
            if ident in seen:
                self.add(f"{path}.id", f"duplicate id {ident!r}")
                continue
            seen.add(ident)
            if text_key and self.text(value, text_key, f"{path}.{text_key}") is None:
                continue
            good.append(value)
        return good

    def unknown_keys(self, entry: Mapping, allowed, prefix: str = "") -> None:
        for key in entry:
            if key not in allowed:
                self.add(f"{prefix}{key}", f"is not a field of this item type; allowed: "
                                           f"{', '.join(sorted(allowed))}")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, str):
        return f"string {value[:40]!r}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _options(options) -> str:
    return ", ".join(repr(o) for o in options)


COMMON_FIELDS = frozenset(
    {"id", "type", "title", "skills", "difficulty", "points", "explanation", "justification",
     "tags"})
JUSTIFICATION_FIELDS = frozenset({"prompt", "required", "min_chars", "max_chars", "rubric"})


class ItemType:
    """Base class. Subclasses set ``name``, ``fields`` and implement the ``*_fields`` hooks.

    Everything particular to a type lives in its subclass (see docs/item-types.md): entry
    schema, views, answer parsing, grading, answer space, shortcuts, the key's answer
    (``key_answer``), a writer's answer (``with_writing``), lint facts (``lint_facts``) and
    the distractor table (``distractors``). A subclass that sets its own ``name`` in a module
    of ``assess.items``, or behind an ``assess.item_types`` entry point, is registered by
    ``registry.discover``."""

    name: ClassVar[str]
    label: ClassVar[str]  # human name: "Pairwise comparison"
    fields: ClassVar[frozenset[str]]  # the type-specific top-level keys it accepts
    default_skills: ClassVar[tuple[str, ...]] = ()
    sample: ClassVar[dict[str, Any]]  # a small valid bank entry, shown before the clock starts

    # Plain HTML form fields read by the default ``own_form_answer`` (see ``form_answer``).
    form_scalars: ClassVar[tuple[str, ...]] = ()  # one value: a radio group or a textarea
    form_lists: ClassVar[tuple[str, ...]] = ()  # every value in order: checkboxes, selects
    form_keyed: ClassVar[tuple[str, ...]] = ()  # "<key>.<id>" fields gathered as {id: value}

    # An optional script the exam page loads (deferred) while showing an item of this type,
    # as a path under the app's static folder (``"js/items/<type>.js"``). The take form must
    # still work without it.
    script: ClassVar[str | None] = None

    # Bank lint rules about the whole type (see ``lint_facts`` for the per-item facts):
    # what the length-bias rule compares for this type ("ranking top against bottom"), one
    # answer given to every item (``ConstantAnswerRule``), and the empty key (``EmptyKeyRule``).
    length_basis: ClassVar[str | None] = None
    constant_answer_rules: ClassVar[tuple[ConstantAnswerRule, ...]] = ()
    empty_key: ClassVar[EmptyKeyRule | None] = None

    has_distractors: ClassVar[bool] = False  # whether ``distractors`` gives a table

    # ---- bank entries -------------------------------------------------------------------
    def validate(self, entry: Mapping) -> list[FieldError]:
        """Every problem in a bank entry, each naming its field path."""
        check = Checker()
        check.unknown_keys(entry, COMMON_FIELDS | self.fields)
        check.text(entry, "explanation")
        check.text(entry, "title", required=False, max_len=200)
        check.choice(entry, "difficulty", DIFFICULTIES, required=False)
        check.number(entry, "points", required=False, minimum=0, maximum=100)
        for key in ("skills", "tags"):
            values = check.sequence(entry, key, required=False) or []
            for i, value in enumerate(values):
                if not isinstance(value, str) or not value.strip():
                    check.add(f"{key}[{i}]", f"expected a non-empty string, got {_describe(value)}")
        justification = check.mapping(entry, "justification", required=False)
        if justification is not None:
            check.unknown_keys(justification, JUSTIFICATION_FIELDS, "justification.")
            check.text(justification, "prompt", "justification.prompt")
            check.text(justification, "rubric", "justification.rubric")
            check.boolean(justification, "required", "justification.required", default=True)
            low = check.integer(justification, "min_chars", "justification.min_chars",
                                required=False, minimum=0)
            high = check.integer(justification, "max_chars", "justification.max_chars",
                                 required=False, minimum=1, maximum=MAX_TEXT_ANSWER)
            if low is not None and high is not None and low > high:
                check.add("justification.min_chars", f"{low} is more than max_chars {high}")
        self.validate_fields(entry, check)
        return check.errors

    def validate_fields(self, entry: Mapping, check: Checker) -> None:
        raise NotImplementedError

    def rubric_refs(self, content: Mapping) -> list[tuple[str, str]]:
        """(field path, rubric id) pairs this item refers to, checked by the bank loader."""
        refs = []
        if content.get("justification"):
            refs.append(("justification.rubric", content["justification"]["rubric"]))
        return refs + self.own_rubric_refs(content)

    def own_rubric_refs(self, content: Mapping) -> list[tuple[str, str]]:
        return []

    def markdown_fields(self, content: Mapping) -> dict[str, str]:
        """Markdown strings of the item keyed by a stable path, rendered once per version.

        Only text an applicant sees belongs here; gold keys and explanations are listed by
        ``gold_markdown_fields`` so that they are never rendered into a public view.
        """
        fields = {}
        if content.get("justification"):
            fields["justification.prompt"] = content["justification"]["prompt"]
        fields.update(self.own_markdown_fields(content))
        return fields

    def own_markdown_fields(self, content: Mapping) -> dict[str, str]:
        return {}

    def gold_markdown_fields(self, content: Mapping) -> dict[str, str]:
        return {"explanation": content["explanation"]}

    # ---- presentation --------------------------------------------------------------------
    def presentation(self, content: Mapping, rng: random.Random) -> dict[str, Any]:
        """What varies per attempt (e.g. display order), drawn from ``rng``; stored verbatim."""
        return {}

    def public_view(self, content: Mapping, presentation: Mapping) -> dict[str, Any]:
        """Everything an applicant may see while the attempt is open. Never the gold key."""
        view = {"type": self.name, "title": content.get("title")}
        justification = content.get("justification")
        if justification:
            view["justification"] = {
                "prompt": justification["prompt"],
                "required": justification.get("required", True),
                "min_chars": justification.get("min_chars", 0),
                "max_chars": justification.get("max_chars", 2000),
            }
        view.update(self.own_public_view(content, presentation))
        return view

    def own_public_view(self, content: Mapping, presentation: Mapping) -> dict[str, Any]:
        raise NotImplementedError

    def gold_view(self, content: Mapping) -> dict[str, Any]:
        """The gold key and explanation, for feedback where the review options allow it."""
        return {"explanation": content["explanation"], "gold": content.get("gold")}

    # ---- answers -------------------------------------------------------------------------
    def parse_answer(self, content: Mapping, raw: Any) -> dict[str, Any]:
        """Validate a submitted answer (JSON-shaped) and return its canonical form.

        Incomplete answers are allowed (autosave stores work in progress); answers of the
        wrong shape, unknown ids and oversized text raise ``AnswerError``.
        """
        if not isinstance(raw, Mapping):
            raise AnswerError("answer", "expected an object")
        answer = self.parse_fields(content, raw)
        justification = content.get("justification")
        text = raw.get("justification")
        if text is not None:
            if not justification:
                raise AnswerError("justification", "this item does not ask for a justification")
            if not isinstance(text, str):
                raise AnswerError("justification", "expected text")
            limit = justification.get("max_chars", 2000)
            if len(text) > limit:
                raise AnswerError("justification", f"is {len(text)} characters; at most {limit}")
            answer["justification"] = text
        return answer

    def parse_fields(self, content: Mapping, raw: Mapping) -> dict[str, Any]:
        raise NotImplementedError

    def form_answer(self, content: Mapping, form: Form) -> dict[str, Any]:
        """The raw answer posted by the item's plain HTML form (``templates/items/<type>``).

        Pass the result to ``parse_answer``, which validates it. Empty values mean "not
        answered yet" and are left out, so a partly filled form gives a partial answer.
        Unknown field names (a CSRF token, buttons) are ignored.
        """
        raw = dict(self.own_form_answer(content, form))
        text = form_value(form, "justification")
        if text is not None:
            raw["justification"] = text
        return raw

    def own_form_answer(self, content: Mapping, form: Form) -> dict[str, Any]:
        """The type's own fields, read as ``form_scalars``/``form_lists``/``form_keyed`` say."""
        raw: dict[str, Any] = {}
        for name in self.form_scalars:
            value = form_value(form, name)
            if value is not None:
                raw[name] = value
        for name in self.form_lists:
            values = form_values(form, name)
            if values:
                raw[name] = values
        for key in self.form_keyed:
            prefix = f"{key}."
            keyed = {name[len(prefix):]: form_value(form, name) for name in form
                     if name.startswith(prefix) and form_value(form, name) is not None}
            if keyed:
                raw[key] = keyed
        return raw

    def is_complete(self, content: Mapping, answer: Mapping) -> bool:
        """Whether every required part is answered (for the review page)."""
        justification = content.get("justification")
        if justification and justification.get("required", True):
            text = (answer.get("justification") or "").strip()
            if len(text) < max(1, justification.get("min_chars", 0)):
                return False
        return self.fields_complete(content, answer)

    def fields_complete(self, content: Mapping, answer: Mapping) -> bool:
        raise NotImplementedError

    # ---- grading -------------------------------------------------------------------------
    def max_points(self, content: Mapping) -> float:
        return float(content.get("points", 1))

    def grade(self, content: Mapping, answer: Mapping | None) -> GradeResult:
        """Auto-grade; an unanswered item scores 0. Human parts are not included here."""
        max_points = self.max_points(content)
        if not answer or not self.fields_complete(content, answer):
            return GradeResult(0.0, max_points, {"answered": False})
        fraction, detail = self.grade_fraction(content, answer)
        fraction = min(1.0, max(0.0, fraction))
        return GradeResult(round(fraction * max_points, 6), max_points,
                           {"answered": True, "fraction": round(fraction, 6), **detail})

    def grade_fraction(self, content: Mapping, answer: Mapping) -> tuple[float, dict[str, Any]]:
        raise NotImplementedError

    def human_parts(self, content: Mapping, answer: Mapping | None) -> list[HumanPart]:
        """Parts of this answer that go to human graders. Empty text gives no part."""
        parts = []
        justification = content.get("justification")
        text = (answer or {}).get("justification") or ""
        if justification and text.strip():
            parts.append(HumanPart("justification", "justification", text,
                                   justification["rubric"]))
        return parts + self.own_human_parts(content, answer or {})

    def own_human_parts(self, content: Mapping, answer: Mapping) -> list[HumanPart]:
        return []

    def scored_parts(self, content: Mapping) -> list[ScoredPart]:
        """The human-graded parts every answer to this item is scored on: an empty one
        scores zero but still counts, so leaving it blank never helps."""
        justification = content.get("justification")
        parts = [ScoredPart("justification", "justification", justification["rubric"])] \
            if justification else []
        return parts + self.own_scored_parts(content)

    def own_scored_parts(self, content: Mapping) -> list[ScoredPart]:
        return []

    # ---- random guessing -------------------------------------------------------------------
    def answer_space(self, content: Mapping) -> Iterable[dict[str, Any]] | None:
        """Every answer to the auto-graded part that a guesser clicking each control of the
        form uniformly at random could give, each equally likely (a repeat weighs double).

        Answers are in the raw shape ``parse_answer`` accepts, and written fields are left
        empty: a guesser scores nothing on human-graded parts. ``None`` when the type cannot
        enumerate its answers or there are more than ``MAX_ANSWER_SPACE``.
        """
        return None

    def guess_distribution(self, content: Mapping) -> dict[float, float] | None:
        """Auto points -> probability for a random guesser, graded by ``grade`` itself."""
        space = self.answer_space(content)
        if space is None:
            return None
        counts = Counter(self.grade(content, self.parse_answer(content, answer)).points
                         for answer in space)
        total = sum(counts.values())
        return {points: n / total for points, n in sorted(counts.items())}

    # ---- the key, and a writer's answer ---------------------------------------------------
    def key_answer(self, content: Mapping) -> dict[str, Any]:
        """The raw answer the gold key gives, written parts left empty: it earns every
        auto-graded point (``parse_answer`` accepts it). ``{}`` for a type with nothing keyed.

        The default is the first answer of ``answer_space`` that earns full marks; a type whose
        answers cannot be listed (or whose listing is large) overrides this."""
        space = self.answer_space(content)
        if space is None:
            raise NotImplementedError(f"{type(self).__name__} cannot list its answers: "
                                      f"override key_answer")
        best, best_points = None, -1.0
        for raw in space:
            points = self.grade(content, self.parse_answer(content, raw)).points
            if points > best_points:
                best, best_points = raw, points
            if points >= self.max_points(content):
                break
        return dict(best or {})

    def with_writing(self, content: Mapping, answer: Mapping) -> dict[str, Any]:
        """``answer`` with every written part a writer would fill: the justification when the
        item asks for one, and the type's own (``own_with_writing``: a rewrite's text, a
        correction for each claim the answer labels false). Each holds ``WRITING`` repeated to
        the part's minimum length (``written_text``), so the answer is complete."""
        answer = dict(answer)
        justification = content.get("justification")
        if justification:
            answer["justification"] = written_text(justification.get("min_chars", 0),
                                                   justification.get("max_chars", 2000))
        return self.own_with_writing(content, answer)

    def own_with_writing(self, content: Mapping, answer: dict[str, Any]) -> dict[str, Any]:
        """The type's own written parts added to ``answer`` (a copy). Default: none."""
        return answer

    # ---- bank linting ----------------------------------------------------------------------
    def lint_facts(self, content: Mapping) -> LintFacts:
        """What the bank linter reads from this (valid) item: see ``LintFacts``. The default
        gives the prompt and response text only."""
        return LintFacts(texts=own_texts(content))

    # ---- item analysis ---------------------------------------------------------------------
    def distractors(self, content: Mapping, shown: Sequence[Any]) -> list[Any]:
        """The distractor table of one item version from real responses (``shown``: a
        ``core.item_analysis.Shown`` each): what was picked against the key, as
        ``core.item_analysis.Pick`` rows. ``[]`` for a type without keyed choices."""
        return []

    # ---- shortcuts -------------------------------------------------------------------------
    def shortcuts(self, content: Mapping, presentation: Mapping) -> dict[str, dict[str, Any]]:
        """Named answers a test-taker could give without reading the item carefully ("the
        first response, much better", "every dimension at the top of the scale"), built from
        what the applicant is shown (``public_view`` under ``presentation``: display order and
        text), never from the gold key.

        Answers are raw, as ``parse_answer`` accepts them, with written parts (justification,
        corrections, rewrite text) left out: written grades are modelled separately. ``{}``
        when the type has no keyed part. ``assess.items.shortcuts`` grades them.
        """
        return {}

    def presentations(self, content: Mapping) -> list[dict[str, Any]]:
        """The presentations an applicant may be shown, each equally likely (or, when there
        are too many orders to list, a set in which every id is at every position equally
        often: see ``display_orders``), to average what a shortcut earns over them. Types
        whose ``presentation`` draws a random order override this."""
        return [self.presentation(content, random.Random(0))]

    # ---- templates -----------------------------------------------------------------------
    @property
    def templates(self) -> dict[str, str]:
        return {view: f"items/{self.name}/{view}.html" for view in ("take", "review", "grade")}


def _submitted(form: Form, name: str) -> list[str]:
    values = form.get(name) or []
    values = [values] if isinstance(values, str) else list(values)
    # Browsers post textarea line breaks as CRLF but count them as one character.
    return [v.replace("\r\n", "\n") if isinstance(v, str) else v for v in values]


def form_value(form: Form, name: str) -> Any:
    """The first value posted for ``name``; ``None`` when absent or empty."""
    values = _submitted(form, name)
    return values[0] if values and values[0] != "" else None


def form_values(form: Form, name: str) -> list[Any]:
    """Every non-empty value posted for ``name``, in order."""
    return [v for v in _submitted(form, name) if v != ""]


def shuffled(ids: list[str], rng: random.Random) -> list[str]:
    order = list(ids)
    rng.shuffle(order)
    return order


MAX_LISTED_ORDERS = 120  # 5 ids; more are represented by a balanced set of orders


def display_orders(ids: Sequence[str]) -> list[list[str]]:
    """The orders ``shuffled`` can give, for averaging over them: all of them (equally likely)
    up to ``MAX_LISTED_ORDERS``; beyond, every rotation of ``ids`` and of its reverse, so that
    each id is at each position exactly twice (exact for what depends on one position, such
    as "pick the first", and close for the rest)."""
    ids = list(ids)
    if math.factorial(len(ids)) <= MAX_LISTED_ORDERS:
        return [list(order) for order in permutations(ids)]
    backwards = ids[::-1]
    return [base[i:] + base[:i] for base in (ids, backwards) for i in range(len(ids))]


def text_length(text: Any) -> int:
    """A response's or option's length as an applicant sizes it up: characters of its
    stripped text (as the bank linter measures length bias)."""
    return len(str(text or "").strip())


def longest(shown: Sequence[Mapping], key: str = "text") -> Mapping:
    """The longest of the displayed entries; among equally long ones, the first displayed."""
    return max(shown, key=lambda entry: text_length(entry[key]))  # max keeps the first of ties


def shortest(shown: Sequence[Mapping], key: str = "text") -> Mapping:
    return min(shown, key=lambda entry: text_length(entry[key]))


def written_text(minimum: int = 0, maximum: int | None = None, text: str = WRITING) -> str:
    """What a writer writes in a part of ``minimum`` to ``maximum`` characters: ``text``
    repeated with spaces until it is long enough (stripped, as completeness counts it), cut to
    ``maximum``."""
    unit = text.strip() or WRITING
    out = unit
    while len(out) < minimum:
        out += " " + unit
    return out[:maximum].rstrip() if maximum is not None else out


def own_texts(content: Mapping, *lists: str, key: str = "text") -> tuple[str, ...]:
    """The item's prompt and response, then the ``key`` text of each entry of the named
    lists (responses, options, claims): the words the near-duplicate rule compares."""
    texts = [content.get("prompt"), content.get("response")]
    for name in lists:
        texts += [part.get(key) for part in content.get(name) or () if isinstance(part, Mapping)]
    return tuple(t for t in texts if isinstance(t, str))


def check_text_answer(field: str, value: Any, *, max_len: int = MAX_TEXT_ANSWER) -> str:
    if not isinstance(value, str):
        raise AnswerError(field, "expected text")
    if len(value) > max_len:
        raise AnswerError(field, f"is {len(value)} characters; at most {max_len}")
    return value
