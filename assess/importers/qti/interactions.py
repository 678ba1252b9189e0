"""One QTI 3.0 interaction → the answer part of a bank item, by the item type that reads that
interaction (its ``qti`` mapping, ``items.qti.QtiMapping``; see ``reader`` for the rest).

``entry`` gives the item's type and its fields: prompt, answer fields, ``_key`` (a sentence
saying what is correct) and ``_notes`` (what the source scored differently) for the
explanation that ``reader`` writes; or None after counting why the item was skipped. The
type reads the interaction through an ``Interaction``: the XML and the helpers every type
shares.
"""
from __future__ import annotations

from typing import Any, Iterable
from xml.etree.ElementTree import Element

from ...items import ItemType, all_types
from ...items.qti import Keyed
from ..base import excerpt
from .common import QtiImportResult, classes, local_name, qname
from .markup import HtmlToMarkdown


def reader_of(tag: str) -> ItemType | None:
    """The item type that reads an interaction (its local name), if one does."""
    return next((kind for kind in all_types().values()
                 if kind.qti is not None and tag in kind.qti.interactions), None)


def entry(root: Element, body: Element, interaction: Element, result: QtiImportResult,
          where: str) -> tuple[ItemType, dict[str, Any]] | None:
    """The item type and entry fields for the item's one interaction (one a type reads)."""
    found = Interaction(root, body, interaction, result, where)
    kind = reader_of(found.tag)
    fields = kind.qti.read(found) if kind is not None and kind.qti is not None else None
    return None if fields is None else (kind, fields)


class Interaction:
    """The one interaction of a QTI item, as an item type's ``QtiMapping.read`` reads it
    (``items.qti.QtiReading``)."""

    qname = staticmethod(qname)
    local_name = staticmethod(local_name)
    classes = staticmethod(classes)
    excerpt = staticmethod(excerpt)

    def __init__(self, root: Element, body: Element, element: Element,
                 result: QtiImportResult, where: str) -> None:
        self.root, self.body, self.element = root, body, element
        self.result, self.where = result, where
        self.tag = local_name(element.tag)

    def skip(self, reason: str) -> None:
        self.result.skip(reason)

    def markdown(self, element: Element, *, exclude: Iterable[Element] = (),
                 interaction: bool = True) -> str:
        return HtmlToMarkdown(self.result, self.where, self.element if interaction else None,
                              exclude=exclude).text(element)

    def keyed(self) -> Keyed | None:
        response_id = self.element.get("response-identifier")
        declaration = next((d for d in self.root.findall(qname("qti-response-declaration"))
                            if d.get("identifier") == response_id), None)
        if declaration is None:
            return self.skip("no qti-response-declaration for the interaction")
        correct = _values(declaration.find(qname("qti-correct-response")))
        if not correct or not all(correct):
            return self.skip("no correct response (nothing to grade against)")
        prompt = self.markdown(self.body)
        if not prompt:
            return self.skip("no prompt text")
        return Keyed(declaration, correct, prompt)

    def options(self, tag: str) -> list[dict[str, str]] | None:
        convert = HtmlToMarkdown(self.result, self.where, self.element)
        options = []
        for el in self.element.iter(qname(tag)):
            ident = (el.get("identifier") or "").strip()
            text = convert.text(el)
            if not ident:
                return self.skip("an option without an identifier")
            if not text:
                return self.skip("an option without text (an image-only option?)")
            options.append({"id": ident, "text": text})
        if len({o["id"] for o in options}) != len(options):
            return self.skip("two options share an identifier")
        return options

    def template(self) -> str | None:
        processing = self.root.find(qname("qti-response-processing"))
        if processing is None:
            return None
        return (processing.get("template") or "").rsplit("/", 1)[-1] or "custom"


def _values(parent: Element | None) -> list[str]:
    if parent is None:
        return []
    return [(v.text or "").strip() for v in parent.findall(qname("qti-value"))]
