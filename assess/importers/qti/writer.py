"""Bank items → QTI 3.0 assessment items (``write``).

Each item type that QTI can carry says how (its ``qti`` mapping, ``items.qti.QtiMapping``):
the response and outcome declarations, item body and response processing it writes, with the
helpers here (``XML``). What every item shares is written here: the ``qti-assessment-item``
around it and the explanation as modal feedback. Every document is parsed back before it is
returned.
"""
from __future__ import annotations

import re
from typing import Any, Mapping
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException

from ...items import ItemType, UnknownItemType, all_types, get
from .common import NS, parse_xml
from .markup import to_html, to_inline_html

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = TEMPLATES + "match_correct.xml"
MAP_RESPONSE = TEMPLATES + "map_response.xml"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # an NCName without colons


def exported() -> tuple[str, ...]:
    """The item types written as QTI 3.0: those with a ``qti`` mapping, in registry order."""
    return tuple(name for name, kind in all_types().items() if kind.qti is not None)


class Export(dict):
    """``write``'s answer: file name → QTI XML, plus what was left out and why."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, str] = {}  # item id → why it was not exported
        self.notes: dict[str, list[str]] = {}  # item id → fields that QTI does not carry


def write(bank_content: Mapping, items: list[str] | None = None) -> Export:
    """QTI 3.0 assessment items for the bank's items of the ``exported`` types (all of them,
    or those named in ``items``): file name → XML text. ``Export.skipped`` says which items
    were not exported and why, ``Export.notes`` which fields QTI does not carry."""
    out = Export()
    entries = [e for e in bank_content.get("items") or [] if isinstance(e, Mapping)]
    by_id = {e.get("id"): e for e in entries}
    for item_id in (items if items is not None else [e.get("id") for e in entries]):
        entry = by_id.get(item_id)
        if entry is None:
            out.skipped[str(item_id)] = "no item with this id in the bank"
            continue
        kind, refusal = _exportable(entry)
        if kind is None:
            out.skipped[item_id] = refusal
            continue
        identifier = item_id if IDENTIFIER.match(item_id) else f"item-{item_id}"
        notes = _dropped(entry) + kind.qti.notes(entry)
        if identifier != item_id:
            notes.append(f"identifier {identifier!r} (QTI identifiers cannot start with a "
                         "digit)")
        xml = _document(kind, entry, identifier)
        try:
            parse_xml(xml.encode("utf-8"))
        except (ParseError, DefusedXmlException) as exc:  # e.g. control characters
            out.skipped[item_id] = f"its text cannot be written as XML ({exc})"
            continue
        out[f"{item_id}.xml"] = xml
        if notes:
            out.notes[item_id] = notes
    return out


def _exportable(entry: Mapping) -> tuple[ItemType | None, str]:
    """The bank item's type when the item can be exported, else None and why not (its type,
    an invalid item, an option id that is not a QTI identifier)."""
    name = entry.get("type")
    try:
        kind = get(name)
    except UnknownItemType:
        kind = None
    if kind is None or kind.qti is None:
        return None, (f"{name} items have no QTI 3.0 equivalent here (only "
                      f"{', '.join(exported())} are exported)")
    problems = kind.validate(entry)
    if problems:
        first = problems[0]
        return None, f"not a valid {name} item: {first.path}: {first.message}"
    ids = [o["id"] for o in entry.get("options") or entry.get("responses") or []]
    bad = [i for i in ids if not IDENTIFIER.match(str(i))]
    if bad:
        return None, (f"option or response id {bad[0]!r} is not a valid QTI identifier (a "
                      "letter or _ first, then letters, digits, _ . -)")
    return kind, ""


def _dropped(entry: Mapping) -> list[str]:
    notes = []
    if entry.get("justification"):
        notes.append("justification left out (a second, human-graded interaction)")
    metadata = [key for key in ("skills", "tags", "difficulty") if entry.get(key)]
    if metadata:
        notes.append(f"{', '.join(metadata)} left out (no QTI metadata is written)")
    if entry.get("points", 1) != 1:
        notes.append(f"points ({entry['points']}) left out: QTI SCORE is out of 1 here")
    return notes


def _attr(value: Any) -> str:
    return quoteattr(str(value))


def _value(value: str, base_type: str | None = None) -> str:
    attr = f" base-type={_attr(base_type)}" if base_type else ""
    tag = "qti-base-value" if base_type else "qti-value"
    return f"<{tag}{attr}>{escape(value)}</{tag}>"


def _document(kind: ItemType, entry: Mapping, identifier: str) -> str:
    title = entry.get("title") or entry["id"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<qti-assessment-item xmlns="{NS}"',
        f'    xmlns:xsi="{XSI}"',
        f'    xsi:schemaLocation="{NS} {SCHEMA}"',
        f'    identifier={_attr(identifier)} title={_attr(title)} adaptive="false" '
        'time-dependent="false">',
    ]
    lines += kind.qti.write(entry, XML)
    lines += [
        '  <qti-modal-feedback outcome-identifier="FEEDBACK" identifier="EXPLANATION" '
        'show-hide="hide">',
        "    <qti-content-body>",
        to_html(entry["explanation"]),
        "    </qti-content-body>",
        "  </qti-modal-feedback>",
        "</qti-assessment-item>",
        "",
    ]
    return "\n".join(lines)


def _outcomes(*, human: bool = False) -> list[str]:
    scored = ' external-scored="human"' if human else ""
    return [
        f'  <qti-outcome-declaration identifier="SCORE" cardinality="single" '
        f'base-type="float"{scored}>',
        "    <qti-default-value>",
        "      <qti-value>0</qti-value>",
        "    </qti-default-value>",
        "  </qti-outcome-declaration>",
        # Never set: the explanation (modal feedback, show-hide="hide") shows after every attempt
        '  <qti-outcome-declaration identifier="FEEDBACK" cardinality="single" '
        'base-type="identifier"/>',
    ]


def _correct(values: list[str]) -> list[str]:
    return (["    <qti-correct-response>"]
            + [f"      {_value(v)}" for v in values]
            + ["    </qti-correct-response>"])


def _choices(entries: list[Mapping]) -> list[str]:
    return [f"      <qti-simple-choice identifier={_attr(o['id'])}>{to_inline_html(o['text'])}"
            "</qti-simple-choice>" for o in entries]


class XML:
    """The helpers an item type's ``QtiMapping.write`` writes with (``items.qti.QtiWriting``)."""

    match_correct, map_response = MATCH_CORRECT, MAP_RESPONSE
    html = staticmethod(to_html)
    inline_html = staticmethod(to_inline_html)
    attr = staticmethod(_attr)
    text = staticmethod(escape)
    value = staticmethod(_value)
    correct = staticmethod(_correct)
    choices = staticmethod(_choices)
    outcomes = staticmethod(_outcomes)
