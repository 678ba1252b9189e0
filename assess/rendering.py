"""Markdown → HTML → bleach. The only module that renders or sanitises user-authored text."""
from __future__ import annotations

import os
import pickle
import re
import signal
import sys
import threading
from typing import Iterable

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


# Markdown-it output bleach would return as it is, but for writing the void tags as HTML does
# (tests/unit/test_rendering.py compares the two): nothing but allowed tags without attributes,
# text with no ``<`` or ``>``, every ``&`` one of markdown-it's escapes (html is off), and no
# control character bleach replaces. Links, images, attributes (a fenced block's class, a
# list's start, a table column's style) and anything unforeseen fail the full match and go
# through bleach.
_BARE_TAGS = "|".join(sorted(ALLOWED_TAGS - {"a", "img", "br", "hr"}))
_BLEACH_NEUTRAL = re.compile(
    rf"(?:[^<>&\x00-\x08\x0b-\x1f]++|&(?:amp|lt|gt|quot);|</?(?:{_BARE_TAGS})>|<(?:br|hr) />)*+")


def markdown_to_html(text: str) -> str:
    """Sanitised HTML for a Markdown string (item text, instructions, rubric descriptors)."""
    html = _markdown.render(text or "")
    if _BLEACH_NEUTRAL.fullmatch(html):  # what bleach would return, much faster
        return html.replace("<br />", "<br>").replace("<hr />", "<hr>")
    return _cleaner.clean(html)


# Below this many texts (under half a second of rendering) a second process is not worth it.
PARALLEL_MIN_TEXTS = 4000


def render_many(texts: Iterable[str]) -> dict[str, str]:
    """``markdown_to_html`` of each distinct text, by text. A large batch (an import of
    thousands of items) is split in two by length and rendered by this process and a forked
    copy of it at once, when there is a second CPU and fork is safe (Linux, this process
    running no other thread). Should the copy fail, this process renders its share too."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) < PARALLEL_MIN_TEXTS or not _can_fork_a_helper():
        return dict(zip(distinct, _render_list(distinct)))
    theirs, mine = _halves(distinct)
    try:
        helper = _Rendering(theirs)
    except OSError:  # no process to be had: render it all here
        return dict(zip(distinct, _render_list(distinct)))
    with helper:
        rendered = dict(zip(mine, _render_list(mine)))
        rendered.update(zip(theirs, helper.result()))
    return rendered


def _render_list(texts: list[str]) -> list[str]:
    return [markdown_to_html(text) for text in texts]


def _can_fork_a_helper() -> bool:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return sys.platform.startswith("linux") and cpus > 1 and threading.active_count() == 1


def _halves(texts: list[str]) -> tuple[list[str], list[str]]:
    """``texts`` cut where half their characters (about half the rendering time) are before."""
    total, running = sum(map(len, texts)), 0
    for i, text in enumerate(texts):
        running += len(text)
        if 2 * running >= total:
            return texts[:i + 1], texts[i + 1:]
    return texts, []


class _Rendering:
    """``texts`` rendered in a forked child while the caller goes on: ``result()`` waits for
    it (rendering here instead if the child failed). Used as a context manager, the child is
    ended and reaped on the way out, whatever happens."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        read_end, write_end = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            raise
        if self.pid == 0:  # the child: render, send, and leave without cleaning anything up
            code = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:
                    pickle.dump(_render_list(texts), pipe, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self.pipe = os.fdopen(read_end, "rb")

    def result(self) -> list[str]:
        try:
            html = pickle.load(self.pipe)
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):  # the child failed
            html = None
        self._reap(kill=False)  # it has sent everything, or failed: it is leaving
        if not isinstance(html, list) or len(html) != len(self.texts):
            return _render_list(self.texts)
        return html

    def _reap(self, *, kill: bool) -> None:
        if self.pid:
            pid, self.pid = self.pid, 0
            self.pipe.close()  # a child still writing gets a broken pipe and leaves
            if kill:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)

    def __enter__(self) -> _Rendering:
        return self

    def __exit__(self, *exc: object) -> None:
        self._reap(kill=True)  # the caller gave up before the result


def render_fields(fields: dict[str, str]) -> dict[str, str]:
    return {path: markdown_to_html(text) for path, text in fields.items()}


def safe(html: str | None) -> Markup:
    """Mark HTML produced by ``markdown_to_html`` (and stored) as safe for Jinja."""
    return Markup(html or "")
