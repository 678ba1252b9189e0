import os
import random

import pytest

from assess import rendering
from assess.rendering import markdown_to_html


def test_markdown_renders_code_and_tables():
    html = markdown_to_html("```python\nprint(1 < 2)\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert '<code class="language-python">print(1 &lt; 2)' in html
    assert "<table>" in html


def test_raw_html_and_script_urls_never_survive():
    html = markdown_to_html('<script>alert(1)</script> <img src=x onerror="alert(1)"> '
                            '[click](javascript:alert(1)) <a href="x" onclick="y">z</a>')
    assert "<script" not in html and "<img" not in html and "<a href=\"x\"" not in html
    assert 'href="javascript' not in html


# ---- the fast path: markdown-it output bleach would not change -----------------------------

def _through_bleach(text: str) -> str:
    """What ``markdown_to_html`` returned before it had a fast path."""
    return rendering._cleaner.clean(rendering._markdown.render(text or ""))


ADVERSARIAL = [
    "<script>alert(1)</script>", "<b onmouseover=x>bold</b>", "<!-- c --> <![CDATA[x]]>",
    "[click](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java&#115;cript:alert(1))",
    "[x](&#106;avascript:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "![img](data:image/png;base64,AAAA)", '![a "b"](http://x.test/i.png "t")',
    "<http://x.test/a?b=<c>>", "<javascript:alert(1)>", "<mailto:a@b.test>",
    "`<script>alert(1)</script>`", "```\n<script>alert(1)</script>\n```",
    "```js\n</code></pre><script>x</script>\n```", "&lt;script&gt; &amp;lt; &#60;b&#62; &#x3c;",
    "&quot;q&quot; \"q\" 'q' &nbsp; &copy &#0; &#x110000;", "a &amp b & c && d",
    "***x*** ~~y~~ **<i>z</i>**", "> quote <b>x</b>\n> > nested `c`\n\n- a\n  - b <i>",
    "3. third\n4. fourth", "1. one\n\n   2. nested", "# h1 <x>\n###### h6\nsetext\n===",
    "| a | <b> |\n|:--|--:|\n| `|` | 2 |", "| a | b |\n|---|---|\n| <img src=x> | *y* |",
    "line  \nbreak\\\nagain\n\n---\n***", "ctl \x01\x07\x0b\x0c\x1b\x7f\x85 end",
    "nul \x00 cr\r\nx",
    "\ud800 \ufdd0 \U0001F600 \u202e rtl", "<p>raw</p><br/><hr/>", "x<br />y<hr />",
    "    <script>indented code</script>", "[ref]\n\n[ref]: javascript:alert(1)",
    "[ref]: http://x.test 'title' <x>", "<table><tr><td>x</td></tr></table>",
    "**a *b **c** d* e**" * 5, "<" * 20 + ">" * 20, "&" * 10 + ";",
]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_rendering_is_what_bleach_made_of_it(text):
    assert markdown_to_html(text) == _through_bleach(text)


def test_the_fast_path_writes_void_tags_as_bleach_does():
    text = "line  \nbreak\n\n---"
    assert rendering._BLEACH_NEUTRAL.fullmatch(rendering._markdown.render(text))
    assert markdown_to_html(text) == "<p>line<br>\nbreak</p>\n<hr>\n" == _through_bleach(text)


@pytest.mark.parametrize("html", [
    '<p><a href="javascript:alert(1)">x</a></p>', '<img src="data:x">', '<p class="x">y</p>',
    '<ol start="3">', '<th style="text-align:left">', "<script>", "<p>a<b</p>", "<p>a>b</p>",
    "<p>&copy;</p>", "<p>&#60;</p>", "<br>", "<p>\x01</p>", "<p>\r</p>", "<P>", "<p >", "<a>",
])
def test_anything_but_bare_allowed_tags_and_escaped_text_goes_through_bleach(html):
    assert not rendering._BLEACH_NEUTRAL.fullmatch(html)


def test_generated_markdown_renders_as_through_bleach():
    pieces = ["word", " ", "\n", "\n\n", "  \n", "\t", "*", "**", "_", "`", "```", "~~", "#",
              "> ", "- ", "1. ", "7) ", "---", "===", "|", "| a | b |\n|---|---|\n", "|:-:|",
              "<", ">", "&", "&amp;", "&lt;", "&#60;", "&quot;", '"', "'", "[", "]", "(",
              ")", "![", "](", "http://x.test", "javascript:x", "<script>", "<b>", "<br>",
              "\\", "    ", "\x00", "\x0c", "\r\n", "é", "\u00a0", "<http://a.test>", "<!--"]
    rng = random.Random(20261205)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert markdown_to_html(text) == _through_bleach(text), text


# ---- many texts at once ---------------------------------------------------------------------

def _texts(count: int) -> list[str]:
    return [f"Text **{i}** with `code` and [a link](http://x.test/{i})\n\n- {i}" * (i % 3 + 1)
            for i in range(count)]


def test_render_many_renders_each_distinct_text_once_in_this_process(monkeypatch):
    calls = []
    monkeypatch.setattr(rendering, "markdown_to_html", lambda text: calls.append(text) or text)
    assert rendering.render_many(["a", "b", "a"]) == {"a": "a", "b": "b"}
    assert calls == ["a", "b"]


@pytest.mark.skipif(not rendering._can_fork_a_helper(), reason="needs Linux, 2 CPUs, 1 thread")
def test_a_large_batch_is_shared_with_a_forked_helper_that_is_reaped(monkeypatch):
    monkeypatch.setattr(rendering, "PARALLEL_MIN_TEXTS", 10)
    forked = _record_forks(monkeypatch)
    texts = _texts(60)
    assert rendering.render_many(texts + texts[:5]) == {t: markdown_to_html(t) for t in texts}
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):  # reaped: nothing left to wait for
        os.waitpid(forked[0], os.WNOHANG)


def _record_forks(monkeypatch) -> list[int]:
    """The pids of the children ``os.fork`` starts from now on (in this test)."""
    forked, real_fork = [], os.fork

    def fork():
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid
    monkeypatch.setattr(rendering.os, "fork", fork)
    return forked


@pytest.mark.skipif(not rendering._can_fork_a_helper(), reason="needs Linux, 2 CPUs, 1 thread")
def test_what_a_failed_helper_leaves_is_rendered_here(monkeypatch):
    monkeypatch.setattr(rendering, "PARALLEL_MIN_TEXTS", 10)

    def broken_dump(*args, **kwargs):  # only the child sends anything
        raise OSError("the helper fails")
    monkeypatch.setattr(rendering.pickle, "dump", broken_dump)
    forked = _record_forks(monkeypatch)
    texts = _texts(40)
    assert rendering.render_many(texts) == {t: markdown_to_html(t) for t in texts}
    assert len(forked) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(forked[0], os.WNOHANG)


def test_without_a_process_to_fork_everything_is_rendered_here(monkeypatch):
    monkeypatch.setattr(rendering, "PARALLEL_MIN_TEXTS", 10)
    monkeypatch.setattr(rendering, "_can_fork_a_helper", lambda: True)

    def no_fork():
        raise OSError("no more processes")
    monkeypatch.setattr(rendering.os, "fork", no_fork)
    texts = _texts(30)
    assert rendering.render_many(texts) == {t: markdown_to_html(t) for t in texts}
