"""QTI 3.0 assessment items → bank items (``read``).

Each item type that QTI can carry names the interactions it reads and reads them (its ``qti``
mapping, ``items.qti.QtiMapping``; ``interactions`` hands it the interaction): a choice
interaction or hottext as ``choice``, an order interaction as ``ranking``, an extended text
marked by ``write`` as ``rewrite``, as those types' mappings describe. This module reads the
documents, keeps the items that have exactly one such interaction, and writes what every
item has: id, title, skills and tags, and the explanation (the source's feedback, what is
correct, and what was not kept).

Every other interaction, an item with no or several interactions, malformed XML and XML
that is not a QTI 3.0 item are skipped with a counted reason. A path holding no QTI 3.0
document at all raises ``NotThisFormat``.
"""
from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException

from ...items import get as item_type
from ..base import NotThisFormat, finish, too_long
from . import interactions
from .common import NS, QtiImportResult, local_name, namespace_of, parse_xml, qname
from .markup import HtmlToMarkdown
from .sources import EXPECTED, Document, documents


def read(path: str | Path, *, sample: int | None = None, seed: int = 0,
         id_prefix: str = "qti") -> QtiImportResult:
    """Bank items from QTI 3.0 assessment items: one file, a folder of them, or a zip
    (an IMS content package; its imsmanifest.xml is used when present)."""
    path = Path(path)
    result = QtiImportResult()
    docs, single = documents(path, result)
    used_ids: set[str] = set()
    units: list[list[dict]] = []
    qti_documents = malformed = 0
    for doc in docs:
        root, bad = _qti_root(doc, path, single, result)
        malformed += bad
        if root is None:
            continue
        qti_documents += 1
        result.total += 1
        item = _document_item(root, doc, result, id_prefix, used_ids)
        if item is not None:
            units.append([item])
    if not qti_documents and not malformed:
        raise NotThisFormat(f"{path}: no QTI 3.0 document found; expected {EXPECTED}")
    _describe(result, path, units)
    return finish(result, units, sample, seed)


def _qti_root(doc: Document, path: Path, single: bool,
              result: QtiImportResult) -> tuple[Element | None, bool]:
    """The document's root element when it is a QTI 3.0 document, and whether it was
    malformed (or refused) XML. Anything else is counted and skipped, or raises
    ``NotThisFormat`` when ``path`` is that one file."""
    stripped = doc.data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        if single:
            raise NotThisFormat(f"{path}: not XML; expected {EXPECTED}")
        result.total += 1
        result.skip("not XML")
        return None, False
    try:
        root = parse_xml(doc.data)
    except DefusedXmlException:
        result.total += 1
        result.skip(f"refused XML (a DTD or entity declaration): {doc.name}")
        return None, True
    except (ParseError, ValueError) as exc:
        result.total += 1
        result.skip(f"malformed XML: {doc.name} ({exc})")
        return None, True
    namespace, tag = namespace_of(root.tag), local_name(root.tag)
    if namespace != NS:
        hint = (" (QTI 2.x: only QTI 3.0 is read)" if "imsqti_v2" in namespace
                or "imsqti_item" in namespace else "")
        if single:
            raise NotThisFormat(
                f"{path}: the root element is <{tag}>"
                + (f" in namespace {namespace}" if namespace else " without a namespace")
                + f"{hint}; expected {EXPECTED}")
        result.total += 1
        result.skip("not a QTI 3.0 document" + hint)
        return None, False
    return root, False


def _document_item(root: Element, doc: Document, result: QtiImportResult, id_prefix: str,
                   used_ids: set[str]) -> dict | None:
    """The bank item from a QTI 3.0 document, or None (counted) when it is not an assessment
    item or cannot be imported; the warnings of a skipped item are dropped."""
    tag = local_name(root.tag)
    if tag != "qti-assessment-item":
        result.skip(f"<{tag}> is not an assessment item")
        return None
    warnings = result.warnings.copy()
    try:
        item = _item(root, doc, result, id_prefix, used_ids)
    except RecursionError:  # the body converts to Markdown recursively
        result.skip(f"XML nested too deeply: {doc.name}")
        item = None
    if item is None:  # what was dropped from a skipped item does not matter
        result.warnings = warnings
    return item


def _describe(result: QtiImportResult, path: Path, units: list[list[dict]]) -> None:
    """The bank rubrics the imported items' types need (``QtiMapping.rubrics``), and the
    bank's title and description (which lists what was left out while importing)."""
    for rubric in (r for unit in units for i in unit for r in item_type(i["type"]).qti.rubrics):
        if all(r["id"] != rubric["id"] for r in result.rubrics):
            result.rubrics.append(rubric)
    result.title = "Imported QTI 3.0 items"
    result.description = (
        f"Imported from QTI 3.0 assessment items ({path.name}). Check the source's licence "
        "and attribution before publishing.")
    if result.warnings:
        result.description += "\n\nLeft out while importing:\n\n" + "\n".join(
            f"- {message}" for message in sorted(result.warnings))


def _item(root: Element, doc: Document, result: QtiImportResult, id_prefix: str,
          used_ids: set[str]) -> dict | None:
    identifier = root.get("identifier") or doc.stem
    body = root.find(qname("qti-item-body"))
    if body is None:
        result.skip("no qti-item-body")
        return None
    interaction = _interaction(body, result)
    if interaction is None:
        return None
    title = (root.get("title") or identifier).strip()[:200] or identifier
    feedback = _feedback(root, result, doc.name)
    found = interactions.entry(root, body, interaction, result, doc.name)
    if found is None:
        return None
    kind, entry = found
    texts = [("prompt", entry["prompt"]), ("response", entry.get("response", ""))]
    texts += [("option", o["text"]) for o in entry.get("options") or entry.get("responses") or []]
    if any(too_long(result, **{what: text}) for what, text in texts):
        return None
    key = entry.pop("_key")
    notes = entry.pop("_notes", [])
    explanation = _explanation(feedback, f"From the QTI 3.0 item “{identifier}” ({title}). {key}",
                               notes)
    item_id = _item_id(identifier, doc.stem, id_prefix, used_ids)
    return {"id": item_id, "type": kind.name, "title": title, "skills": list(kind.qti.skills),
            "tags": ["qti", doc.stem], **entry, "explanation": explanation}


def _interaction(body: Element, result: QtiImportResult) -> Element | None:
    """The body's one interaction, when there is exactly one and of a kind assess reads."""
    found = [e for e in body.iter() if local_name(e.tag).endswith("-interaction")]
    if not found:
        result.skip("no interaction")
        return None
    if len(found) > 1:
        result.skip("more than one interaction (an assess item has one)")
        return None
    tag = local_name(found[0].tag)
    if interactions.reader_of(tag) is None:
        result.skip(f"unsupported interaction: {tag}")
        return None
    return found[0]


def _explanation(feedback: str, source: str, notes: list[str]) -> str:
    """The source's feedback; where that says little (under 40 characters), followed by
    ``source`` (where the item came from and what is correct); then the notes on what was
    not kept."""
    explanation = feedback
    if len(explanation) < 40:
        explanation = "\n\n".join(filter(None, [explanation, source]))
    return "\n\n".join([explanation] + notes)


def _feedback(root: Element, result: QtiImportResult, where: str) -> str:
    convert = HtmlToMarkdown(result, where)
    texts = []
    for modal in root.findall(qname("qti-modal-feedback")):
        content = modal.find(qname("qti-content-body"))
        text = convert.text(content if content is not None else modal)
        if text and text not in texts:
            texts.append(text)
    return "\n\n".join(texts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")


def _item_id(identifier: str, stem: str, id_prefix: str, used: set[str]) -> str:
    base = _slug(identifier) or _slug(stem) or "item"
    prefix = _slug(id_prefix)
    base = (f"{prefix}-{base}" if prefix else base)[:75].rstrip("-._")
    item_id, n = base, 2
    while item_id in used:
        item_id, n = f"{base}-{n}", n + 1
    used.add(item_id)
    return item_id
