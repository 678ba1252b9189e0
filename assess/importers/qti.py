"""QTI 3.0 assessment items ↔ bank items. Pure: no Flask, no database.

``read`` turns QTI 3.0 item files (one file, a folder, or a zip content package) into bank
item entries; ``write`` turns a bank's choice, ranking and rewrite items into QTI 3.0 item
files. XML is always parsed with defusedxml (no DTDs, no entity expansion).

Mappings (reading):

- ``qti-choice-interaction``, one answer → ``choice``; several (``max-choices`` other than 1,
  or ``cardinality="multiple"``) → ``choice`` with ``multiple: true``. The gold is the
  ``qti-correct-response``. When the source scored differently from assess (a
  ``qti-mapping`` with other weights, or all-or-nothing ``match_correct``), the explanation
  says so.
- ``qti-order-interaction`` → ``ranking``; the gold order is the correct response. Tied
  positions are read back from a response processing that accepts every order of a tie
  group (what ``write`` emits).
- ``qti-hottext-interaction`` → ``choice``: the passage goes into the prompt with the
  selectable spans in bold, and the spans become the options (kept in text order). This is
  what the candidate does in QTI (pick the marked span(s)), graded the same way. A
  ``factcheck`` would invent a truth label for every span the source never gave.
- ``qti-extended-text-interaction`` → ``rewrite`` only when the item body marks the text to
  rewrite (``class="assess-response"``, as ``write`` emits). A plain open question is
  skipped: it is graded by people against a key assess does not have, and there is no
  text to rewrite.

Every other interaction, an item with no or several interactions, malformed XML and XML
that is not a QTI 3.0 item are skipped with a counted reason. A path holding no QTI 3.0
document at all raises ``NotThisFormat``.
"""
from __future__ import annotations

import itertools
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping
from xml.etree.ElementTree import Element, ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from markdown_it import MarkdownIt

from .base import ImportResult, NotThisFormat, criterion, excerpt, finish, too_long

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
MATCH_CORRECT = TEMPLATES + "match_correct.xml"
MAP_RESPONSE = TEMPLATES + "map_response.xml"
EXPECTED = ("a QTI 3.0 assessment item (.xml), a folder of them, or a zip content package "
            "(namespace " + NS + ")")
MAX_FILE = 10 * 1024 * 1024  # bytes of one item file (also inside a zip)
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")  # an NCName without colons
EXTENDED_TEXT_REASON = ("extended text has no assess equivalent: graded by people without a "
                        "text to rewrite")
REWRITE_INSTRUCTION = "Rewrite the response above."

REWRITE_RUBRIC: dict[str, Any] = {
    "id": "rewrite",
    "title": "Rewrite of a weak response",
    "description": "Score the rewrite as if it were going to be sent to the user, with the "
                   "original shown alongside. The reference rewrite, when there is one, is "
                   "one good answer, not the only one.",
    "criteria": [
        criterion("fixes_errors", "Fixes the errors",
                  ("Not fixed", "Keeps the main error(s) of the original, or introduces a new "
                                "significant error."),
                  ("Partly fixed", "Fixes some errors, but at least one significant error "
                                   "remains."),
                  ("Fixed", "Accurate; nothing misleading remains.")),
        criterion("follows_instruction", "Follows the instruction",
                  ("Ignored", "Ignores the key constraint(s) of the request or the guidance."),
                  ("Partly", "Follows most constraints; one is missed."),
                  ("Followed", "Meets every explicit constraint of the request and the "
                               "guidance.")),
    ],
}


@dataclass
class QtiImportResult(ImportResult):
    """An ``ImportResult`` that also counts what was dropped from items that were kept
    (images, media, MathML, scorer notes)."""
    warnings: Counter = field(default_factory=Counter)

    def warn(self, message: str) -> None:
        self.warnings[message] += 1


class Export(dict):
    """``write``'s answer: file name → QTI XML, plus what was left out and why."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: dict[str, str] = {}  # item id → why it was not exported
        self.notes: dict[str, list[str]] = {}  # item id → fields that QTI does not carry


# ---- XML helpers ---------------------------------------------------------------------------

def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag: Any) -> str:
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _classes(el: Element) -> set[str]:
    return set((el.get("class") or "").split())


def _parse(data: bytes) -> Element:
    return SafeET.fromstring(data, forbid_dtd=True)


# ---- HTML → Markdown -----------------------------------------------------------------------

BLOCK = {"p", "div", "blockquote", "ul", "ol", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
         "table", "hr", "section", "article", "aside", "header", "footer", "nav", "figure",
         "figcaption", "dl", "dt", "dd", "address", "main", "qti-prompt", "qti-content-body"}
DROPPED = {"qti-rubric-block", "qti-feedback-block", "qti-template-block", "qti-stylesheet",
           "qti-catalog-info", "script", "style"}  # blocks
DROPPED_INLINE = {"qti-feedback-inline", "qti-template-inline", "qti-printed-variable"}
MEDIA = {"img", "picture", "object", "audio", "video", "svg", "iframe", "embed"}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
_STAR, _UNDERSCORE = "\ue000", "\ue001"  # a * or _ that might delimit emphasis
_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _escape_text(text: str) -> str:
    """Escape what Markdown would otherwise read as markup, and nothing more (so text that
    came from Markdown comes back as it was written)."""
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "\\" and (nxt in _PUNCT or nxt in ("", "\n")):
            out.append("\\\\")
        elif ch == "`":
            out.append("\\`")
        elif ch == "*" and not (prev.isspace() and nxt.isspace()):
            out.append(_STAR)  # decided per paragraph: see _Markdown.paragraph
        elif ch == "_" and not (prev.isalnum() and nxt.isalnum()):
            out.append(_UNDERSCORE)
        else:
            out.append(ch)
    text = "".join(out).replace("~~", "\\~\\~")
    text = re.sub(r"\[(?=[^\]]*\][(\[:])", r"\\[", text)
    text = re.sub(r"<(?=[A-Za-z][A-Za-z0-9+.-]{1,31}:|[^\s>]+@)", r"\\<", text)
    return re.sub(r"&(?=#?\w+;)", r"\\&", text)


def _escape_line_start(line: str) -> str:
    if re.match(r"(#{1,6}|[-+*>]|=+|-+)(\s|$)", line) or line.startswith(">"):
        return "\\" + line
    return re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", line)


def _code_span(code: str) -> str:
    code = re.sub(r"\s*\n\s*", " ", code)
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") or (
        code.startswith(" ") and code.endswith(" ") and code.strip()) else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _wrap(inner: str, mark: str) -> str:
    m = re.match(r"(\s*)(.*?)(\s*)$", inner, re.S)
    lead, core, trail = m.groups()
    return f"{lead}{mark}{core}{mark}{trail}" if core else inner


class _Markdown:
    """Converts QTI body content (XHTML in the QTI namespace) to Markdown."""

    def __init__(self, result: QtiImportResult | None, where: str,
                 interaction: Element | None = None, exclude: Iterable[Element] = ()):
        self.result = result
        self.where = where
        self.interaction = interaction
        self.exclude = {id(e) for e in exclude}

    def warn(self, message: str) -> None:
        if self.result is not None:
            self.result.warn(f"{message} ({self.where})")

    def text(self, el: Element) -> str:
        return "\n\n".join(self.blocks(el))

    # blocks ---------------------------------------------------------------------------------
    def blocks(self, el: Element) -> list[str]:
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            paragraph = self.paragraph("".join(run))
            if paragraph:
                out.append(paragraph)
            run.clear()

        if el.text:
            run.append(self.plain(el.text))
        for child in el:
            if id(child) in self.exclude or not isinstance(child.tag, str):
                pass
            elif self.is_block(child):
                flush()
                out.extend(self.block(child))
            else:
                run.append(self.inline(child))
            if child.tail:
                run.append(self.plain(child.tail))
        flush()
        return out

    def is_block(self, el: Element) -> bool:
        tag = _local(el.tag)
        return tag in BLOCK or tag.endswith("-interaction") or tag in DROPPED

    def block(self, el: Element) -> list[str]:
        tag = _local(el.tag)
        if tag in DROPPED:
            if tag == "qti-rubric-block":
                self.warn("a rubric block (notes for scorers or instructions) was left out")
            return []
        if el is self.interaction:
            if tag == "qti-hottext-interaction":
                return self.blocks(el)
            prompt = el.find(_q("qti-prompt"))
            return self.blocks(prompt) if prompt is not None else []
        if tag.endswith("-interaction"):
            return []
        if tag == "p":
            paragraph = self.paragraph(self.inline_children(el))
            return [paragraph] if paragraph else []
        if tag in HEADINGS:
            heading = self.paragraph(self.inline_children(el)).replace("\n", " ")
            return [f"{'#' * HEADINGS[tag]} {heading}"] if heading else []
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(el))
            return ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))] \
                if inner else []
        if tag in ("ul", "ol"):
            return self.list_block(el, ordered=tag == "ol")
        if tag == "pre":
            return [self.code_block(el)]
        if tag == "hr":
            return ["---"]
        if tag == "table":
            return self.table(el)
        return self.blocks(el)

    def list_block(self, el: Element, *, ordered: bool) -> list[str]:
        items = [li for li in el if _local(li.tag) == "li"]
        if not items:
            return []
        loose = any(_local(c.tag) == "p" for li in items for c in li)
        try:
            start = int(el.get("start", "1"))
        except ValueError:
            start = 1
        rendered = []
        for number, li in enumerate(items, start):
            marker = f"{number}. " if ordered else "- "
            body = ("\n\n" if loose else "\n").join(self.blocks(li))
            lines = body.split("\n")
            rendered.append("\n".join([marker + lines[0]] + [
                " " * len(marker) + line if line else "" for line in lines[1:]]))
        return [("\n\n" if loose else "\n").join(rendered)]

    def code_block(self, el: Element) -> str:
        code_el = el.find(_q("code"))
        source = code_el if code_el is not None else el
        code = "".join(source.itertext())
        if code.endswith("\n"):
            code = code[:-1]
        language = ""
        for cls in _classes(source):
            if cls.startswith("language-"):
                language = cls.removeprefix("language-")
        longest = max((len(m) for m in re.findall(r"^`{3,}", code, re.M)), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}{language}\n{code}\n{fence}"

    def table(self, el: Element) -> list[str]:
        rows = [tr for tr in el.iter(_q("tr"))]
        if not rows:
            return []
        cells = [[self.paragraph(self.inline_children(c)).replace("\n", " ").replace("|", "\\|")
                  for c in tr if _local(c.tag) in ("th", "td")] for tr in rows]
        width = max(len(r) for r in cells)
        cells = [r + [""] * (width - len(r)) for r in cells]
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in cells[1:]]
        return ["\n".join(lines)]

    # inline ---------------------------------------------------------------------------------
    @staticmethod
    def plain(text: str) -> str:
        text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", "\n", text)
        return _escape_text(re.sub(r"[ \t\r\f\v]+", " ", text))

    def inline_children(self, el: Element) -> str:
        parts = [self.plain(el.text)] if el.text else []
        for child in el:
            if id(child) not in self.exclude and isinstance(child.tag, str):
                parts.append(self.inline(child))
            if child.tail:
                parts.append(self.plain(child.tail))
        return "".join(parts)

    def inline(self, el: Element) -> str:
        tag = _local(el.tag)
        if tag in MEDIA:
            what = "an image" if tag in ("img", "picture", "svg") else f"a {tag} element"
            source = el.get("src") or el.get("data") or ""
            self.warn(f"{what} was left out" + (f": {source}" if source else ""))
            return ""
        if tag in DROPPED or tag in DROPPED_INLINE:
            return ""
        if _ns(el.tag) == "http://www.w3.org/1998/Math/MathML":
            self.warn("MathML was kept as plain text")
            return self.plain(" ".join("".join(el.itertext()).split()))
        if tag == "br":
            return "\\\n"
        if tag == "code":
            return _code_span("".join(el.itertext()))
        inner = self.inline_children(el)
        if tag in ("em", "i"):
            return _wrap(inner, "*")
        if tag in ("strong", "b", "qti-hottext"):
            return _wrap(inner, "**")
        if tag in ("del", "s", "strike"):
            return _wrap(inner, "~~")
        if tag == "a" and el.get("href") and inner.strip():
            return f"[{inner}]({el.get('href')})"
        return inner

    @staticmethod
    def paragraph(text: str) -> str:
        # Emphasis needs a pair of delimiters within a paragraph: a lone * or _ in the text
        # stays as it is, two or more are escaped.
        for mark in (_STAR, _UNDERSCORE):
            plain = "*" if mark == _STAR else "_"
            text = text.replace(mark, "\\" + plain if text.count(mark) > 1 else plain)
        text = re.sub(r" *\n[ \n]*", "\n", text)
        text = re.sub(r" {2,}", " ", text).strip()
        text = re.sub(r"\\+$", lambda m: m.group(0) if len(m.group(0)) % 2 == 0 else
                      m.group(0)[:-1], text)  # a trailing hard break means nothing
        return "\n".join(_escape_line_start(line) for line in text.split("\n"))


# ---- reading -------------------------------------------------------------------------------

@dataclass
class _Document:
    name: str  # shown in reasons and warnings
    stem: str
    data: bytes


def _documents(path: Path, result: QtiImportResult) -> tuple[list[_Document], bool]:
    """The XML documents under ``path`` and whether ``path`` was a single file."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and p.suffix.lower() == ".xml" and p.name.lower() != "imsmanifest.xml")
        if not files:
            raise NotThisFormat(f"{path}: the folder holds no .xml files; expected {EXPECTED}")
        docs = []
        for file in files:
            try:
                data = file.read_bytes() if file.stat().st_size <= MAX_FILE else None
            except OSError as exc:
                result.total += 1
                result.skip(f"cannot read the file ({exc.strerror or exc})")
                continue
            if data is None:
                result.total += 1
                result.skip(f"file larger than {MAX_FILE // (1024 * 1024)} MB")
                continue
            docs.append(_Document(str(file.relative_to(path)), file.stem, data))
        return docs, False
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise NotThisFormat(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if head.startswith(b"PK"):
        return _zip_documents(path, result), False
    if path.stat().st_size > MAX_FILE:
        raise NotThisFormat(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MB; "
                            f"expected {EXPECTED}")
    return [_Document(path.name, path.stem, path.read_bytes())], True


def _zip_documents(path: Path, result: QtiImportResult) -> list[_Document]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotThisFormat(f"{path}: a damaged zip file ({exc}); expected {EXPECTED}") from exc
    with archive:
        members = {i.filename: i for i in archive.infolist() if not i.is_dir()}

        def load(name: str) -> bytes | str:
            """The member's bytes, or why it was skipped."""
            info = members[name]
            too_large = f"file larger than {MAX_FILE // (1024 * 1024)} MB"
            if info.file_size > MAX_FILE:
                return too_large
            try:
                with archive.open(info) as handle:
                    data = handle.read(MAX_FILE + 1)
            except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError,
                    NotImplementedError):  # damaged, encrypted, or an unknown compression
                return "a zip member that cannot be read (damaged or encrypted)"
            return data if len(data) <= MAX_FILE else too_large

        names = sorted(n for n in members if n.lower().endswith(".xml")
                       and PurePosixPath(n).name.lower() != "imsmanifest.xml")
        manifest = next((n for n in members if n.lower() == "imsmanifest.xml"), None)
        if manifest:
            data = load(manifest)
            listed = _manifest_items(data) if isinstance(data, bytes) else None
            if listed is not None:
                names = listed
        if not names:
            raise NotThisFormat(f"{path}: the zip holds no .xml files; expected {EXPECTED}")
        docs = []
        for name in names:
            if name not in members:
                result.total += 1
                result.skip("listed in imsmanifest.xml but missing from the zip")
                continue
            data = load(name)
            if isinstance(data, str):
                result.total += 1
                result.skip(data)
                continue
            docs.append(_Document(name, PurePosixPath(name).stem, data))
        return docs


def _manifest_items(data: bytes) -> list[str] | None:
    """The item files an IMS content package lists (QTI item resources), in manifest order;
    None when the manifest is unreadable or lists no item resource."""
    try:
        root = _parse(data)
    except (ParseError, DefusedXmlException, ValueError):
        return None
    hrefs = []
    for resource in root.iter():
        if _local(resource.tag) == "resource" and \
                (resource.get("type") or "").startswith("imsqti_item") and resource.get("href"):
            base = PurePosixPath(resource.get("xml:base") or "")
            hrefs.append(str(base / resource.get("href")))
    return hrefs or None


def read(path: str | Path, *, sample: int | None = None, seed: int = 0,
         id_prefix: str = "qti") -> QtiImportResult:
    """Bank items from QTI 3.0 assessment items: one file, a folder of them, or a zip
    (an IMS content package; its imsmanifest.xml is used when present)."""
    path = Path(path)
    result = QtiImportResult()
    documents, single = _documents(path, result)
    used_ids: set[str] = set()
    units: list[list[dict]] = []
    qti_documents = malformed = 0
    for doc in documents:
        stripped = doc.data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not stripped.startswith(b"<"):
            if single:
                raise NotThisFormat(f"{path}: not XML; expected {EXPECTED}")
            result.total += 1
            result.skip("not XML")
            continue
        try:
            root = _parse(doc.data)
        except DefusedXmlException:
            result.total += 1
            malformed += 1
            result.skip(f"refused XML (a DTD or entity declaration): {doc.name}")
            continue
        except (ParseError, ValueError) as exc:
            result.total += 1
            malformed += 1
            result.skip(f"malformed XML: {doc.name} ({exc})")
            continue
        namespace, tag = _ns(root.tag), _local(root.tag)
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
            continue
        qti_documents += 1
        result.total += 1
        if tag != "qti-assessment-item":
            result.skip(f"<{tag}> is not an assessment item")
            continue
        warnings = result.warnings.copy()
        try:
            item = _item(root, doc, result, id_prefix, used_ids)
        except RecursionError:  # the body converts to Markdown recursively
            result.skip(f"XML nested too deeply: {doc.name}")
            item = None
        if item is not None:
            units.append([item])
        else:  # what was dropped from a skipped item does not matter
            result.warnings = warnings
    if not qti_documents and not malformed:
        raise NotThisFormat(f"{path}: no QTI 3.0 document found; expected {EXPECTED}")
    if any(i["type"] == "rewrite" for unit in units for i in unit):
        result.rubrics.append(REWRITE_RUBRIC)
    result.title = "Imported QTI 3.0 items"
    result.description = (
        f"Imported from QTI 3.0 assessment items ({path.name}). Check the source's licence "
        "and attribution before publishing.")
    if result.warnings:
        result.description += "\n\nLeft out while importing:\n\n" + "\n".join(
            f"- {message}" for message in sorted(result.warnings))
    return finish(result, units, sample, seed)


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


def _values(parent: Element | None) -> list[str]:
    if parent is None:
        return []
    return [(v.text or "").strip() for v in parent.findall(_q("qti-value"))]


def _item(root: Element, doc: _Document, result: QtiImportResult, id_prefix: str,
          used_ids: set[str]) -> dict | None:
    identifier = root.get("identifier") or doc.stem
    where = doc.name
    body = root.find(_q("qti-item-body"))
    if body is None:
        result.skip("no qti-item-body")
        return None
    interactions = [e for e in body.iter() if _local(e.tag).endswith("-interaction")]
    if not interactions:
        result.skip("no interaction")
        return None
    if len(interactions) > 1:
        result.skip("more than one interaction (an assess item has one)")
        return None
    interaction = interactions[0]
    kind = _local(interaction.tag)
    if kind not in ("qti-choice-interaction", "qti-order-interaction",
                    "qti-hottext-interaction", "qti-extended-text-interaction"):
        result.skip(f"unsupported interaction: {kind}")
        return None
    response_id = interaction.get("response-identifier")
    declaration = next((d for d in root.findall(_q("qti-response-declaration"))
                        if d.get("identifier") == response_id), None)
    convert = _Markdown(result, where, interaction)
    title = (root.get("title") or identifier).strip()[:200] or identifier
    feedback = _feedback(root, result, where)

    if kind == "qti-extended-text-interaction":
        entry = _rewrite(root, body, interaction, result, where)
        if entry is None:
            return None
    else:
        if declaration is None:
            result.skip("no qti-response-declaration for the interaction")
            return None
        correct = _values(declaration.find(_q("qti-correct-response")))
        if not correct or not all(correct):
            result.skip("no correct response (nothing to grade against)")
            return None
        prompt = convert.text(body)
        if not prompt:
            result.skip("no prompt text")
            return None
        if kind == "qti-order-interaction":
            entry = _ranking(root, interaction, declaration, correct, prompt, convert, result)
        else:
            entry = _choice(interaction, declaration, correct, prompt, convert, result,
                            hottext=kind == "qti-hottext-interaction",
                            template=_template(root))
        if entry is None:
            return None
    texts = [("prompt", entry["prompt"]), ("response", entry.get("response", ""))]
    texts += [("option", o["text"]) for o in entry.get("options") or entry.get("responses") or []]
    if any(too_long(result, **{what: text}) for what, text in texts):
        return None
    notes = entry.pop("_notes", [])
    key = entry.pop("_key")
    explanation = feedback
    if len(explanation) < 40:
        explanation = "\n\n".join(filter(None, [explanation, (
            f"From the QTI 3.0 item “{identifier}” ({title}). {key}")]))
    explanation = "\n\n".join([explanation] + notes)
    item_id = _item_id(identifier, doc.stem, id_prefix, used_ids)
    skills = ["rewriting"] if entry["type"] == "rewrite" else ["judgment"]
    return {"id": item_id, "type": entry.pop("type"), "title": title, "skills": skills,
            "tags": ["qti", doc.stem], **entry, "explanation": explanation}


def _feedback(root: Element, result: QtiImportResult, where: str) -> str:
    convert = _Markdown(result, where)
    texts = []
    for modal in root.findall(_q("qti-modal-feedback")):
        content = modal.find(_q("qti-content-body"))
        text = convert.text(content if content is not None else modal)
        if text and text not in texts:
            texts.append(text)
    return "\n\n".join(texts)


def _options(elements: list[Element], convert: _Markdown) -> list[dict] | str:
    options = []
    for el in elements:
        ident = (el.get("identifier") or "").strip()
        text = convert.text(el)
        if not ident:
            return "an option without an identifier"
        if not text:
            return "an option without text (an image-only option?)"
        options.append({"id": ident, "text": text})
    if len({o["id"] for o in options}) != len(options):
        return "two options share an identifier"
    return options


def _choice(interaction: Element, declaration: Element, correct: list[str], prompt: str,
            convert: _Markdown, result: QtiImportResult, *, hottext: bool,
            template: str | None) -> dict | None:
    tag = "qti-hottext" if hottext else "qti-simple-choice"
    options = _options(list(interaction.iter(_q(tag))), convert)
    if isinstance(options, str):
        result.skip(options)
        return None
    if not 2 <= len(options) <= 10:
        result.skip(f"{'hottext' if hottext else 'choice'} with {len(options)} option(s) "
                    "(a choice item has 2 to 10)")
        return None
    ids = [o["id"] for o in options]
    if any(v not in ids for v in correct) or len(set(correct)) != len(correct):
        result.skip("the correct response names an unknown or repeated option")
        return None
    try:
        max_choices = int(interaction.get("max-choices", "1"))
    except ValueError:
        max_choices = 1
    multiple = max_choices != 1 or declaration.get("cardinality") == "multiple"
    if not multiple and len(correct) != 1:
        result.skip("single choice with several correct values")
        return None
    by_id = {o["id"]: o["text"] for o in options}
    key = ("The correct option: " if len(correct) == 1 else "The correct options: ") + \
        "; ".join(excerpt(by_id[v], 60) for v in correct) + "."
    entry: dict[str, Any] = {"type": "choice", "prompt": prompt, "options": options}
    if multiple:
        entry["multiple"] = True
    if hottext or interaction.get("shuffle") != "true":
        entry["shuffle"] = False  # QTI's default; hottext spans keep their order in the text
    entry["gold"] = list(correct)
    entry["_key"] = key
    if multiple:
        note = _scoring_note(template, declaration, correct, ids)
        entry["_notes"] = [note] if note else []
    return entry


def _template(root: Element) -> str | None:
    processing = root.find(_q("qti-response-processing"))
    if processing is None:
        return None
    return (processing.get("template") or "").rsplit("/", 1)[-1] or "custom"


def _scoring_note(template: str | None, declaration: Element, correct: list[str],
                  ids: list[str]) -> str | None:
    """A sentence for the explanation when the source scored this multiple response item
    differently from assess: max(0, (right picks − wrong picks) ÷ number of right options)."""
    ours = ("Here each correct option counts +1 and each wrong one −1, out of the number of "
            "correct options and never below 0.")
    mapping = declaration.find(_q("qti-mapping"))
    if template == "map_response.xml" and mapping is not None:
        try:
            default = float(mapping.get("default-value", "0"))
            weights = {e.get("map-key"): float(e.get("mapped-value", "0"))
                       for e in mapping.findall(_q("qti-map-entry"))}
            lower = mapping.get("lower-bound")
            upper = mapping.get("upper-bound")
            value = weights.get(correct[0], default)
            same = (value > 0 and all(weights.get(i, default) == value for i in correct)
                    and all(weights.get(i, default) == -value for i in ids if i not in correct)
                    and lower is not None and float(lower) == 0
                    and (upper is None or float(upper) >= value * len(correct)))
        except ValueError:
            same = False
        if same:
            return None
        return ("Note: the source weighted the options with its own mapping, which was not "
                "kept. " + ours)
    if template == "match_correct.xml":
        return ("Note: the source gave credit only for exactly the right set of options. "
                + ours)
    return "Note: the source's own response processing was not kept. " + ours


def _ranking(root: Element, interaction: Element, declaration: Element, correct: list[str],
             prompt: str, convert: _Markdown, result: QtiImportResult) -> dict | None:
    responses = _options(list(interaction.iter(_q("qti-simple-choice"))), convert)
    if isinstance(responses, str):
        result.skip(responses)
        return None
    if not 3 <= len(responses) <= 6:
        result.skip(f"order interaction with {len(responses)} choices (a ranking has 3 to 6)")
        return None
    ids = [r["id"] for r in responses]
    if sorted(correct) != sorted(ids):
        result.skip("the correct order does not place every choice exactly once")
        return None
    gold, exact = _gold_order(correct, _accepted_orders(root, declaration.get("identifier")))
    by_id = {r["id"]: r["text"] for r in responses}
    key = "The correct order: " + ", then ".join(
        " or ".join(f"“{excerpt(by_id[i], 40)}”" for i in (g if isinstance(g, list) else [g]))
        for g in gold) + "."
    notes = [] if exact else [
        "Note: the source also accepts other orders, which a ranking cannot express; only "
        "its correct response is kept."]
    return {"type": "ranking", "prompt": prompt, "responses": responses,
            "gold": {"order": gold}, "_key": key, "_notes": notes}


def _accepted_orders(root: Element, response_id: str | None) -> list[tuple[str, ...]]:
    """Orders that the response processing compares the response against (``qti-match`` of
    the response variable with a ``qti-ordered`` constant)."""
    processing = root.find(_q("qti-response-processing"))
    orders = []
    if processing is None:
        return orders
    for match in processing.iter(_q("qti-match")):
        kids = list(match)
        if len(kids) == 2 and _local(kids[0].tag) == "qti-variable" \
                and kids[0].get("identifier") == response_id \
                and _local(kids[1].tag) == "qti-ordered":
            orders.append(tuple((v.text or "").strip() for v in kids[1]))
    return orders


def _gold_order(correct: list[str], accepted: list[tuple[str, ...]]) -> tuple[list, bool]:
    """The gold order, with tie groups when the accepted orders are exactly every order of
    some contiguous groups of the correct response; (strict order, False) when they are
    something a ranking cannot express."""
    orders = {tuple(correct), *accepted}
    if len(orders) == 1:
        return list(correct), True
    if any(sorted(o) != sorted(correct) for o in orders):
        return list(correct), False
    positions = [{x: i for i, x in enumerate(o)} for o in orders]

    def tied(a: str, b: str) -> bool:
        return any(p[a] < p[b] for p in positions) and any(p[a] > p[b] for p in positions)

    groups: list[list[str]] = [[correct[0]]]
    for x in correct[1:]:
        if any(tied(y, x) for y in groups[-1]):
            groups[-1].append(x)
        else:
            groups.append([x])
    expected = {tuple(itertools.chain.from_iterable(p))
                for p in itertools.product(*(itertools.permutations(g) for g in groups))}
    if expected != orders or len(groups) == 1:
        return list(correct), False
    return [g[0] if len(g) == 1 else g for g in groups], True


def _rewrite(root: Element, body: Element, interaction: Element, result: QtiImportResult,
             where: str) -> dict | None:
    marked = [e for e in body.iter() if "assess-response" in _classes(e)]
    if not marked:
        result.skip(EXTENDED_TEXT_REASON)
        return None
    response_el = marked[0]
    guidance_el = next((e for e in body.iter() if "assess-guidance" in _classes(e)), None)
    prompt_el = next((e for e in body.iter() if "assess-prompt" in _classes(e)), None)
    convert = _Markdown(result, where, interaction,
                        exclude=[e for e in (response_el, guidance_el) if e is not None])
    prompt = convert.text(prompt_el) if prompt_el is not None else convert.text(body)
    response = _Markdown(result, where).text(response_el)
    if not prompt or not response:
        result.skip("a rewrite without a prompt or without the text to rewrite")
        return None
    entry: dict[str, Any] = {"type": "rewrite", "prompt": prompt, "response": response,
                             "rubric": "rewrite"}
    if guidance_el is not None:
        guidance = _Markdown(result, where).text(guidance_el)
        if guidance:
            entry["guidance"] = guidance
    for block in body.iter(_q("qti-rubric-block")):
        if "scorer" in (block.get("view") or "").split():
            content = block.find(_q("qti-content-body"))
            reference = _Markdown(result, where).text(content if content is not None else block)
            if reference:
                entry["reference"] = reference
                break
    entry["_key"] = "People grade the rewrite with the bank's rewrite rubric."
    return entry


# ---- writing -------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True}).enable(
    ["table", "strikethrough"])
EXPORTED = ("choice", "ranking", "rewrite")


def _html(text: str) -> str:
    return _markdown.render(text or "").strip()


def _inline_html(text: str) -> str:
    """A single paragraph's content without its <p>, else the blocks."""
    html = _html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def write(bank_content: Mapping, items: list[str] | None = None) -> Export:
    """QTI 3.0 assessment items for the bank's choice, ranking and rewrite items (all of them,
    or those named in ``items``): file name → XML text. ``Export.skipped`` says which items
    were not exported and why, ``Export.notes`` which fields QTI does not carry."""
    from .. import items as item_types  # the item registry (pure)

    out = Export()
    entries = [e for e in bank_content.get("items") or [] if isinstance(e, Mapping)]
    by_id = {e.get("id"): e for e in entries}
    for item_id in (items if items is not None else [e.get("id") for e in entries]):
        entry = by_id.get(item_id)
        if entry is None:
            out.skipped[str(item_id)] = "no item with this id in the bank"
            continue
        kind = entry.get("type")
        if kind not in EXPORTED:
            out.skipped[item_id] = (f"{kind} items have no QTI 3.0 equivalent here (only "
                                    f"{', '.join(EXPORTED)} are exported)")
            continue
        try:
            problems = item_types.get(kind).validate(entry)
        except item_types.UnknownItemType as exc:  # pragma: no cover - kind is known
            problems = [exc]
        if problems:
            first = problems[0]
            out.skipped[item_id] = f"not a valid {kind} item: " + (
                f"{first.path}: {first.message}" if hasattr(first, "path") else str(first))
            continue
        ids = [o["id"] for o in entry.get("options") or entry.get("responses") or []]
        bad = [i for i in ids if not IDENTIFIER.match(str(i))]
        if bad:
            out.skipped[item_id] = (f"option or response id {bad[0]!r} is not a valid QTI "
                                    "identifier (a letter or _ first, then letters, digits, "
                                    "_ . -)")
            continue
        identifier = item_id if IDENTIFIER.match(item_id) else f"item-{item_id}"
        notes = _dropped(entry)
        if identifier != item_id:
            notes.append(f"identifier {identifier!r} (QTI identifiers cannot start with a "
                         "digit)")
        xml = _document(entry, identifier)
        try:
            _parse(xml.encode("utf-8"))
        except (ParseError, DefusedXmlException) as exc:  # e.g. control characters
            out.skipped[item_id] = f"its text cannot be written as XML ({exc})"
            continue
        out[f"{item_id}.xml"] = xml
        if notes:
            out.notes[item_id] = notes
    return out


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
        _html(entry["explanation"]),
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
    return [f"      <qti-simple-choice identifier={_attr(o['id'])}>{_inline_html(o['text'])}"
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
    lines += ["  <qti-item-body>", _html(entry["prompt"]),
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
    lines += ["  <qti-item-body>", _html(entry["prompt"]),
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
              '    <div class="assess-prompt">', _html(entry["prompt"]), "    </div>",
              '    <blockquote class="assess-response">', _html(entry["response"]),
              "    </blockquote>"]
    if entry.get("guidance"):
        lines += ['    <div class="assess-guidance">', _html(entry["guidance"]), "    </div>"]
    lines += ['    <qti-extended-text-interaction response-identifier="RESPONSE">',
              f"      <qti-prompt>{escape(REWRITE_INSTRUCTION)}</qti-prompt>",
              "    </qti-extended-text-interaction>"]
    if entry.get("reference"):
        lines += ['    <qti-rubric-block use="scoring" view="scorer">',
                  "      <qti-content-body>", _html(entry["reference"]),
                  "      </qti-content-body>", "    </qti-rubric-block>"]
    lines.append("  </qti-item-body>")
    return lines
