"""Bank items → QTI 3.0 assessment items (``write``).

A ``choice`` becomes a ``qti-choice-interaction`` (a multi-select gets a ``qti-mapping`` of +1
per right and −1 per wrong option, which is assess's scoring), a ``ranking`` a
``qti-order-interaction`` (ties: a response processing that accepts every order of a tie
group), a ``rewrite`` a ``qti-extended-text-interaction`` whose body marks the prompt, the text
to rewrite and the guidance with ``assess-*`` classes so that ``read`` can bring it back. The
explanation is modal feedback. Every document is parsed back before it is returned.
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Mapping
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException

from .common import NS, parse_xml
from .markup import to_html, to_inline_html

XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = TEMPLATES + "match_correct.xml"
MAP_RESPONSE = TEMPLATES + "map_response.xml"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # an NCName without colons
REWRITE_INSTRUCTION = "Rewrite the response above."
EXPORTED = ("choice", "ranking", "rewrite")


class Export(dict):
    """``write``'s answer: file name → QTI XML, plus what was left out and why."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, str] = {}  # item id → why it was not exported
        self.notes: dict[str, list[str]] = {}  # item id → fields that QTI does not carry


def write(bank_content: Mapping, items: list[str] | None = None) -> Export:
    """QTI 3.0 assessment items for the bank's choice, ranking and rewrite items (all of them,
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
        refusal = _refusal(entry)
        if refusal:
            out.skipped[item_id] = refusal
            continue
        identifier = item_id if IDENTIFIER.match(item_id) else f"item-{item_id}"
        notes = _dropped(entry)
        if identifier != item_id:
            notes.append(f"identifier {identifier!r} (QTI identifiers cannot start with a "
                         "digit)")
        xml = _document(entry, identifier)
        try:
            parse_xml(xml.encode("utf-8"))
        except (ParseError, DefusedXmlException) as exc:  # e.g. control characters
            out.skipped[item_id] = f"its text cannot be written as XML ({exc})"
            continue
        out[f"{item_id}.xml"] = xml
        if notes:
            out.notes[item_id] = notes
    return out


def _refusal(entry: Mapping) -> str | None:
    """Why the bank item cannot be exported (its type, an invalid item, an option id that is
    not a QTI identifier), or None."""
    from ... import items as item_types  # the item registry (pure)

    kind = entry.get("type")
    if kind not in EXPORTED:
        return (f"{kind} items have no QTI 3.0 equivalent here (only "
                f"{', '.join(EXPORTED)} are exported)")
    try:
        problems = item_types.get(kind).validate(entry)
    except item_types.UnknownItemType as exc:  # pragma: no cover - kind is known
        problems = [exc]
    if problems:
        first = problems[0]
        return f"not a valid {kind} item: " + (
            f"{first.path}: {first.message}" if hasattr(first, "path") else str(first))
    ids = [o["id"] for o in entry.get("options") or entry.get("responses") or []]
    bad = [i for i in ids if not IDENTIFIER.match(str(i))]
    if bad:
        return (f"option or response id {bad[0]!r} is not a valid QTI identifier (a letter or "
                "_ first, then letters, digits, _ . -)")
    return None


def _dropped(entry: Mapping) -> list[str]:
    notes = []
    if entry.get("justification"):
        notes.append("justification left out (a second, human-graded interaction)")
    metadata = [key for key in ("skills", "tags", "difficulty") if entry.get(key)]
    if metadata:
        notes.append(f"{', '.join(metadata)} left out (no QTI metadata is written)")
    if entry.get("points", 1) != 1:
        notes.append(f"points ({entry['points']}) left out: QTI SCORE is out of 1 here")
    if entry.get("type") == "rewrite":
        limits = [key for key in ("min_chars", "max_chars") if key in entry]
        if limits:
            notes.append(f"{' and '.join(limits)} left out (the defaults apply on re-import)")
    return notes


def _attr(value: Any) -> str:
    return quoteattr(str(value))


def _value(value: str, base_type: str | None = None) -> str:
    attr = f" base-type={_attr(base_type)}" if base_type else ""
    tag = "qti-base-value" if base_type else "qti-value"
    return f"<{tag}{attr}>{escape(value)}</{tag}>"


def _document(entry: Mapping, identifier: str) -> str:
    kind = entry["type"]
    title = entry.get("title") or entry["id"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<qti-assessment-item xmlns="{NS}"',
        f'    xmlns:xsi="{XSI}"',
        f'    xsi:schemaLocation="{NS} {SCHEMA}"',
        f'    identifier={_attr(identifier)} title={_attr(title)} adaptive="false" '
        'time-dependent="false">',
    ]
    if kind == "choice":
        lines += _choice_parts(entry)
    elif kind == "ranking":
        lines += _ranking_parts(entry)
    else:
        lines += _rewrite_parts(entry)
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


def _choice_parts(entry: Mapping) -> list[str]:
    gold = [entry["gold"]] if isinstance(entry["gold"], str) else list(entry["gold"])
    multiple = bool(entry.get("multiple", False))
    ids = [o["id"] for o in entry["options"]]
    lines = [f'  <qti-response-declaration identifier="RESPONSE" '
             f'cardinality="{"multiple" if multiple else "single"}" base-type="identifier">']
    lines += _correct(gold)
    if multiple:  # assess: max(0, (right − wrong) / |gold|) = this mapping ÷ upper-bound
        lines.append(f'    <qti-mapping lower-bound="0" upper-bound="{len(gold)}" '
                     'default-value="0">')
        lines += [f'      <qti-map-entry map-key={_attr(i)} '
                  f'mapped-value="{1 if i in gold else -1}"/>' for i in ids]
        lines.append("    </qti-mapping>")
    lines.append("  </qti-response-declaration>")
    lines += _outcomes()
    shuffle = "true" if entry.get("shuffle", True) else "false"
    lines += ["  <qti-item-body>", to_html(entry["prompt"]),
              f'    <qti-choice-interaction response-identifier="RESPONSE" shuffle="{shuffle}" '
              f'max-choices="{0 if multiple else 1}">']
    lines += _choices(entry["options"])
    lines += ["    </qti-choice-interaction>", "  </qti-item-body>",
              f'  <qti-response-processing template="'
              f'{MAP_RESPONSE if multiple else MATCH_CORRECT}"/>']
    return lines


def _ranking_parts(entry: Mapping) -> list[str]:
    groups = [g if isinstance(g, list) else [g] for g in entry["gold"]["order"]]
    flat = [i for g in groups for i in g]
    lines = ['  <qti-response-declaration identifier="RESPONSE" cardinality="ordered" '
             'base-type="identifier">']
    lines += _correct(flat)
    lines.append("  </qti-response-declaration>")
    lines += _outcomes()
    lines += ["  <qti-item-body>", to_html(entry["prompt"]),
              '    <qti-order-interaction response-identifier="RESPONSE" shuffle="true">']
    lines += _choices(entry["responses"])
    lines += ["    </qti-order-interaction>", "  </qti-item-body>"]
    if all(len(g) == 1 for g in groups):
        lines.append(f'  <qti-response-processing template="{MATCH_CORRECT}"/>')
        return lines
    # Ties: full credit for any order of each tie group (assess also gives partial credit,
    # which QTI's standard templates cannot express).
    orders = [[i for g in p for i in g]
              for p in itertools.product(*(itertools.permutations(g) for g in groups))]
    lines += ["  <qti-response-processing>", "    <qti-response-condition>",
              "      <qti-response-if>", "        <qti-or>"]
    for order in orders:
        lines += ['          <qti-match>', '            <qti-variable identifier="RESPONSE"/>',
                  "            <qti-ordered>"]
        lines += [f"              {_value(i, 'identifier')}" for i in order]
        lines += ["            </qti-ordered>", "          </qti-match>"]
    lines += ["        </qti-or>",
              '        <qti-set-outcome-value identifier="SCORE">',
              f"          {_value('1', 'float')}",
              "        </qti-set-outcome-value>",
              "      </qti-response-if>", "      <qti-response-else>",
              '        <qti-set-outcome-value identifier="SCORE">',
              f"          {_value('0', 'float')}",
              "        </qti-set-outcome-value>",
              "      </qti-response-else>", "    </qti-response-condition>",
              "  </qti-response-processing>"]
    return lines


def _rewrite_parts(entry: Mapping) -> list[str]:
    lines = ['  <qti-response-declaration identifier="RESPONSE" cardinality="single" '
             'base-type="string"/>']
    lines += _outcomes(human=True)
    lines += ["  <qti-item-body>",
              '    <div class="assess-prompt">', to_html(entry["prompt"]), "    </div>",
              '    <blockquote class="assess-response">', to_html(entry["response"]),
              "    </blockquote>"]
    if entry.get("guidance"):
        lines += ['    <div class="assess-guidance">', to_html(entry["guidance"]), "    </div>"]
    lines += ['    <qti-extended-text-interaction response-identifier="RESPONSE">',
              f"      <qti-prompt>{escape(REWRITE_INSTRUCTION)}</qti-prompt>",
              "    </qti-extended-text-interaction>"]
    if entry.get("reference"):
        lines += ['    <qti-rubric-block use="scoring" view="scorer">',
                  "      <qti-content-body>", to_html(entry["reference"]),
                  "      </qti-content-body>", "    </qti-rubric-block>"]
    lines.append("  </qti-item-body>")
    return lines
