"""What an item type hands back about answers: answer errors, grade results, the parts human
graders score, and helpers to read plain HTML form posts and written text."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

Form = Mapping[str, Sequence[str]]  # field name -> submitted values (MultiDict.to_dict(flat=False))

MAX_TEXT_ANSWER = 20_000
MAX_ANSWER_SPACE = 50_000  # a random guesser's answers are enumerated up to this many
WRITING = "A specific, written point."  # stands for whatever a writer writes (with_writing)


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


def written_text(minimum: int = 0, maximum: int | None = None, text: str = WRITING) -> str:
    """What a writer writes in a part of ``minimum`` to ``maximum`` characters: ``text``
    repeated with spaces until it is long enough (stripped, as completeness counts it), cut to
    ``maximum``."""
    unit = text.strip() or WRITING
    out = unit
    while len(out) < minimum:
        out += " " + unit
    return out[:maximum].rstrip() if maximum is not None else out


def check_text_answer(field: str, value: Any, *, max_len: int = MAX_TEXT_ANSWER) -> str:
    if not isinstance(value, str):
        raise AnswerError(field, "expected text")
    if len(value) > max_len:
        raise AnswerError(field, f"is {len(value)} characters; at most {max_len}")
    return value
