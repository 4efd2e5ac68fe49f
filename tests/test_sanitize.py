"""Sanitizing message HTML: an allow-list keeps formatting and drops anything active."""

import pytest

from tickets.sanitize import clean_html, preview, text_to_html


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
        ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT><p>ok</p>", "<p>ok</p>"),
        # A split tag leaves only inert, escaped text behind.
        ("<scr<script>ipt>alert(1)</script><p>ok</p>", "ipt&gt;alert(1)<p>ok</p>"),
    ],
)
def test_script_tags_are_removed_with_their_content(html, expected):
    assert clean_html(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">hi</p>',
        '<a href="https://example.com" onmouseover="alert(1)">x</a>',
        "<svg onload=alert(1)>",
        '<body onload="alert(1)">',
    ],
)
def test_event_handler_attributes_are_removed(html):
    cleaned = clean_html(html)

    assert "onerror" not in cleaned
    assert "onclick" not in cleaned
    assert "onmouseover" not in cleaned
    assert "onload" not in cleaned


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "data:text/html,<script>1</script>",
        "vbscript:x",
    ],
)
def test_dangerous_link_schemes_are_removed(href):
    cleaned = clean_html(f'<a href="{href}">click</a>')

    assert "href" not in cleaned
    assert "click" in cleaned


@pytest.mark.parametrize(
    "html",
    [
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<style>p { color: red }</style><p>x</p>",
        '<iframe src="https://evil.example"></iframe><p>x</p>',
        '<object data="x.swf"></object><p>x</p>',
        '<form action="https://evil.example"><input name="card"></form><p>x</p>',
    ],
)
def test_style_iframe_and_embedding_are_removed(html):
    cleaned = clean_html(html)

    for needle in ("style", "iframe", "object", "form", "input", "color: red"):
        assert needle not in cleaned
    assert "<p>x</p>" in cleaned


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hello <b>bold</b> <strong>strong</strong> <em>em</em> <i>i</i> <u>u</u></p>",
        "<ul><li>one</li></ul><ol><li>two</li></ol>",
        "<blockquote>quoted</blockquote><pre><code>code</code></pre>",
        '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td colspan="2">b</td></tr></tbody></table>',
        "<h2>Title</h2><br><hr>",
    ],
)
def test_safe_formatting_is_kept(html):
    assert clean_html(html) == html


def test_links_keep_their_address_and_get_rel_noopener():
    cleaned = clean_html('<a href="https://example.com/track?id=1" title="Track">track</a>')

    assert 'href="https://example.com/track?id=1"' in cleaned
    assert 'title="Track"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_a_link_cannot_choose_its_own_target_or_rel():
    cleaned = clean_html('<a href="https://example.com" target="_blank" rel="opener">x</a>')

    assert "target" not in cleaned
    assert 'rel="opener"' not in cleaned
    assert "noopener" in cleaned


def test_mailto_links_are_kept():
    assert 'href="mailto:help@example.com"' in clean_html('<a href="mailto:help@example.com">mail</a>')


def test_text_is_escaped_not_interpreted():
    assert clean_html("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2"


def test_preview_strips_tags_and_collapses_whitespace():
    assert preview("<p>Hello <b>world</b></p>\n\n<p>again</p>") == "Hello world again"


def test_preview_drops_script_content():
    assert preview("<script>alert(1)</script><p>Where is my parcel?</p>") == "Where is my parcel?"


def test_preview_unescapes_entities_to_plain_text():
    assert preview("<p>Fish &amp; chips &lt;3</p>") == "Fish & chips <3"


def test_preview_truncates_to_the_length_with_an_ellipsis():
    text = preview("<p>" + "x" * 300 + "</p>", 20)

    assert len(text) == 20
    assert text == "x" * 19 + "…"


def test_preview_leaves_short_text_whole():
    assert preview("<p>short</p>", 20) == "short"


def test_text_to_html_escapes_and_keeps_paragraphs():
    html = text_to_html("Hi <script>alert(1)</script>\n\nSecond")

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<p>") == 2
