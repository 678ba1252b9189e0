"""The contract every item type fulfils.

An item type is a stateless class. It never sees a request, a session or a database: callers
hand it the item's content (the validated bank entry, a plain dict) and plain data, and
persist what it returns. Judging is separate from recording.

Fields every item shares (``id``, ``type``, ``title``, ``skills``, ``difficulty``, ``points``,
``explanation``, ``justification``) are declared in ``schema.COMMON``; each type declares its
own in ``schema`` (JSON Schema) and checks what a schema cannot say in ``validate_fields``.
The data types and helpers of the contract live in ``answers``, ``display``, ``linting`` and
``schema``, and are importable from here too.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping  # isinstance is far quicker than typing's
from typing import Any, ClassVar, Iterable, Sequence

from .answers import (
    MAX_ANSWER_SPACE,
    MAX_TEXT_ANSWER,
    WRITING,
    AnswerError,
    Form,
    GradeResult,
    HumanPart,
    ScoredPart,
    check_text_answer,
    form_value,
    form_values,
    written_text,
)
from .display import MAX_LISTED_ORDERS, display_orders, longest, shortest, shuffled, text_length
from .linting import ConstantAnswerRule, EmptyKeyRule, FixedOrder, KeyPosition, LintFacts, own_texts
from .qti import QtiMapping

# What a type module needs lives beside this module; it is also importable from here, the
# one place a type author (in or outside assess) looks.
__all__ = [
    "MAX_ANSWER_SPACE", "MAX_LISTED_ORDERS", "MAX_TEXT_ANSWER", "WRITING", "AnswerError",
    "ConstantAnswerRule", "EmptyKeyRule", "FixedOrder", "Form", "GradeResult", "HumanPart",
    "ItemType", "KeyPosition", "LintFacts", "QtiMapping", "ScoredPart", "check_text_answer",
    "display_orders", "form_value", "form_values", "longest", "own_texts", "shortest",
    "shuffled", "text_length", "written_text",
]
from .schema import (
    FieldError,
    Sound,
    in_field_order,
    schema_errors,
    shared_field_errors,
    validator_for,
)


class ItemType:
    """Base class. Subclasses set ``name`` and ``schema`` and implement the ``*_fields`` hooks.

    Everything particular to a type lives in its subclass (see docs/item-types.md): entry
    schema, views, answer parsing, grading, answer space, shortcuts, the key's answer
    (``key_answer``), a writer's answer (``with_writing``), lint facts (``lint_facts``) and
    the distractor table (``distractors``). A subclass that sets its own ``name`` in a module
    of ``assess.items``, or behind an ``assess.item_types`` entry point, is registered by
    ``registry.discover``."""

    name: ClassVar[str]
    label: ClassVar[str]  # human name: "Pairwise comparison"
    # JSON Schema (2020-12) of the type's own top-level fields: ``properties``, ``required``
    # (see ``schema.entry_schema``, which adds the shared fields and refuses other keys).
    schema: ClassVar[dict[str, Any]] = {}
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
        """Every problem in a bank entry, each naming its field path: what the schema refuses
        (the most specific message per path), then what ``validate_fields`` finds in the parts
        the schema accepted; in the order of the fields."""
        validator = validator_for(type(self), self.schema)
        found = schema_errors(validator, entry)
        if not isinstance(entry, Mapping):
            return found
        sound = Sound(found)
        reported = {error.path for error in found}
        found += [error for error in [*shared_field_errors(entry, sound),
                                      *self.validate_fields(entry, sound)]
                  if error.path not in reported]
        return in_field_order(found, self.schema)

    def validate_fields(self, entry: Mapping, sound: Sound) -> Iterable[FieldError]:
        """What the schema cannot say (ids that must match, unique ids...), read from the
        parts of ``entry`` that are ``sound``. Default: nothing."""
        return ()

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

    # Item analysis (``services.analysis``) also asks whether ``distractors`` reads the order
    # each response was shown in (read with the answers only for such types), and whether
    # the keyed grade credits dimensions one by one (``scored_dimensions``).
    distractors_read_presentation: ClassVar[bool] = False
    scores_dimensions: ClassVar[bool] = False

    def scored_dimensions(self, content: Mapping) -> Sequence[Mapping[str, Any]]:
        """The dimensions the keyed grade credits one by one, as in the entry (each with an
        ``id``; the grade detail has ``dimensions[id]["credit"]``): item analysis tabulates
        each. ``()`` unless ``scores_dimensions``."""
        return ()

    def confusion_key(self, pick: Any) -> Any:
        """The gold × chosen matrix a row of ``distractors`` counts in, as a
        ``core.item_analysis.ConfusionKey`` (the rows of every item version with the same key
        add up), or None: the type's rows make no matrix."""
        return None

    # ---- QTI 3.0 ---------------------------------------------------------------------------
    # How items of the type are written as QTI 3.0 items and read back from QTI interactions
    # (``assess.importers.qti``); None: they are neither. See ``qti.QtiMapping``.
    qti: ClassVar[QtiMapping | None] = None

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
