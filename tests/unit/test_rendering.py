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
