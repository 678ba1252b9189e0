"""Markdown → HTML → bleach. The only module that renders or sanitises user-authored text."""
from __future__ import annotations

import bleach
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "img",
})
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title"],
    "img": ["src", "alt", "title"],
    "code": ["class"],  # language-python etc. from fenced blocks
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Raw HTML in Markdown is escaped, not passed through; bleach is the second line of defence.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
    ["table", "strikethrough"])
_cleaner = bleach.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                          protocols=ALLOWED_PROTOCOLS, strip=True)


def markdown_to_html(text: str) -> str:
    """Sanitised HTML for a Markdown string (item text, instructions, rubric descriptors)."""
    return _cleaner.clean(_markdown.render(text or ""))


def render_fields(fields: dict[str, str]) -> dict[str, str]:
    return {path: markdown_to_html(text) for path, text in fields.items()}


def safe(html: str | None) -> Markup:
    """Mark HTML produced by ``markdown_to_html`` (and stored) as safe for Jinja."""
    return Markup(html or "")
