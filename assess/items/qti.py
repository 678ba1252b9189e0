"""How an item type maps to QTI 3.0 assessment items (``assess.importers.qti``).

A type that QTI can carry sets its ``qti`` attribute to a ``QtiMapping``: the QTI
interactions it reads (``interactions``), the item it writes (``write``), the entry it reads
from one of those interactions (``read``), what QTI does not carry of an entry (``notes``),
and the skills and bank rubrics an imported item gets. The XML plumbing every type shares
stays with the importer, which hands the mapping a ``QtiWriting`` to write with and a
``QtiReading`` to read from. Pure: ``xml.etree`` elements, no parsing here.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple, Protocol, Sequence
from xml.etree.ElementTree import Element


class QtiWriting(Protocol):
    """The writer's helpers (``assess.importers.qti.writer``)."""

    match_correct: str  # the standard response processing templates
    map_response: str

    def html(self, markdown: str) -> str:
        """Markdown as XHTML blocks."""

    def inline_html(self, markdown: str) -> str:
        """One paragraph of Markdown as XHTML without its ``<p>`` (else the blocks)."""

    def attr(self, value: Any) -> str:
        """A quoted attribute value."""

    def text(self, value: str) -> str:
        """Escaped character data."""

    def value(self, value: str, base_type: str | None = None) -> str:
        """A ``qti-value`` (a ``qti-base-value`` of ``base_type`` when given)."""

    def correct(self, values: Sequence[str]) -> list[str]:
        """The ``qti-correct-response`` lines of a response declaration."""

    def choices(self, entries: Sequence[Mapping[str, Any]]) -> list[str]:
        """A ``qti-simple-choice`` line for each entry (its ``id`` and Markdown ``text``)."""

    def outcomes(self, *, human: bool = False) -> list[str]:
        """The SCORE and FEEDBACK outcome declarations (SCORE scored by people if
        ``human``)."""


class Keyed(NamedTuple):
    """What an interaction with a key has: its response declaration, the correct response's
    values, and the prompt (the item body as Markdown, the interaction's own prompt in place
    of the interaction)."""

    declaration: Element
    correct: list[str]
    prompt: str


class QtiReading(Protocol):
    """One interaction of a QTI 3.0 item being read (``assess.importers.qti.interactions``)."""

    root: Element  # the qti-assessment-item
    body: Element  # its qti-item-body
    element: Element  # the interaction
    tag: str  # the interaction's local name

    def skip(self, reason: str) -> dict[str, Any] | None:
        """Count the item as skipped for ``reason``; returns None for ``read`` to return (typed
        as ``read`` returns, so that ``return found.skip(...)`` type-checks)."""

    def qname(self, tag: str) -> str:
        """``tag`` in the QTI 3.0 namespace, as ElementTree spells it."""

    def local_name(self, tag: Any) -> str:
        """An element tag without its namespace."""

    def classes(self, element: Element) -> set[str]:
        """The element's ``class`` attribute as a set."""

    def markdown(self, element: Element, *, exclude: Iterable[Element] = (),
                 interaction: bool = True) -> str:
        """XHTML content as Markdown, leaving out ``exclude``; with ``interaction``, the
        interaction read where it sits (its prompt; a hottext's passage), else left out."""

    def keyed(self) -> Keyed | None:
        """The declaration, correct response and prompt; None (the item skipped) when one
        is missing."""

    def options(self, tag: str) -> list[dict[str, str]] | None:
        """``{"id", "text"}`` of each ``tag`` element of the interaction (``qti-simple-choice``,
        ``qti-hottext``); None (the item skipped) when one has no identifier or no text, or two
        share one."""

    def template(self) -> str | None:
        """The response processing's template file name, "custom" for one of its own, or
        None when there is none."""

    def excerpt(self, text: str, limit: int) -> str:
        """One line of ``text``, cut at a word boundary, for quoting in an explanation."""


class QtiMapping:
    """What an item type says about QTI 3.0 (see the module docstring). A type without one
    (``ItemType.qti`` None) is neither exported nor imported."""

    interactions: tuple[str, ...] = ()  # QTI interactions read as an item of the type
    skills: tuple[str, ...] = ()  # an imported item's skills
    rubrics: tuple[Mapping[str, Any], ...] = ()  # bank rubrics imported items refer to

    def write(self, entry: Mapping[str, Any], xml: QtiWriting) -> list[str]:
        """The lines of a valid entry's QTI item between the ``qti-assessment-item`` start tag
        and the explanation's modal feedback: response and outcome declarations, item body,
        response processing."""
        raise NotImplementedError

    def read(self, found: QtiReading) -> dict[str, Any] | None:
        """The entry's own fields from one of ``interactions`` (the reader adds ``id``,
        ``type``, ``title``, ``skills``, ``tags`` and the explanation): the prompt and the
        answer fields, ``_key`` (a sentence saying what is correct, for the explanation) and
        optionally ``_notes`` (what the source scored differently); or None after
        ``found.skip``."""
        raise NotImplementedError

    def notes(self, entry: Mapping[str, Any]) -> list[str]:
        """What QTI does not carry of the entry, besides what every item loses."""
        return []
