"""Markdown ↔ the XHTML of QTI 3.0 item bodies.

``HtmlToMarkdown`` reads prompts, options and feedback (XHTML in the QTI namespace) into
Markdown, escaping only what Markdown would read as markup, and counts what it leaves out
(media, scorer notes) as warnings; ``to_html`` and ``to_inline_html`` render a bank's Markdown
as XHTML for writing.
"""
from __future__ import annotations

import re
from typing import Iterable
from xml.etree.ElementTree import Element

from markdown_it import MarkdownIt

from .common import QtiImportResult, classes, local_name, namespace_of, qname

# ---- XHTML → Markdown ----------------------------------------------------------------------

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
            out.append(_STAR)  # decided per paragraph: see HtmlToMarkdown.paragraph
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


class HtmlToMarkdown:
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
        tag = local_name(el.tag)
        return tag in BLOCK or tag.endswith("-interaction") or tag in DROPPED

    def block(self, el: Element) -> list[str]:
        tag = local_name(el.tag)
        if tag in DROPPED:
            if tag == "qti-rubric-block":
                self.warn("a rubric block (notes for scorers or instructions) was left out")
            return []
        if el is self.interaction:
            if tag == "qti-hottext-interaction":
                return self.blocks(el)
            prompt = el.find(qname("qti-prompt"))
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
        items = [li for li in el if local_name(li.tag) == "li"]
        if not items:
            return []
        loose = any(local_name(c.tag) == "p" for li in items for c in li)
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
        code_el = el.find(qname("code"))
        source = code_el if code_el is not None else el
        code = "".join(source.itertext())
        if code.endswith("\n"):
            code = code[:-1]
        language = ""
        for cls in classes(source):
            if cls.startswith("language-"):
                language = cls.removeprefix("language-")
        longest = max((len(m) for m in re.findall(r"^`{3,}", code, re.M)), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}{language}\n{code}\n{fence}"

    def table(self, el: Element) -> list[str]:
        rows = [tr for tr in el.iter(qname("tr"))]
        if not rows:
            return []
        cells = [[self.paragraph(self.inline_children(c)).replace("\n", " ").replace("|", "\\|")
                  for c in tr if local_name(c.tag) in ("th", "td")] for tr in rows]
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
        tag = local_name(el.tag)
        if tag in MEDIA:
            what = "an image" if tag in ("img", "picture", "svg") else f"a {tag} element"
            source = el.get("src") or el.get("data") or ""
            self.warn(f"{what} was left out" + (f": {source}" if source else ""))
            return ""
        if tag in DROPPED or tag in DROPPED_INLINE:
            return ""
        if namespace_of(el.tag) == "http://www.w3.org/1998/Math/MathML":
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


# ---- Markdown → XHTML ----------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True}).enable(
    ["table", "strikethrough"])


def to_html(text: str) -> str:
    return _markdown.render(text or "").strip()


def to_inline_html(text: str) -> str:
    """A single paragraph's content without its <p>, else the blocks."""
    html = to_html(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
