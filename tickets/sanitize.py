"""Sanitizing buyer and agent HTML before it is stored or shown (nh3, an allow-list)."""

import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def text_to_html(text: str) -> str:
    """Plain text (what most platforms send) as safe HTML paragraphs."""
    from django.utils.html import escape, linebreaks

    return linebreaks(escape(text))


def plain_text(html: str) -> str:
    """The text of some HTML, tags dropped, entities decoded, white space collapsed."""
    from html import unescape

    return unescape(" ".join(nh3.clean(html, tags=set()).split()))


def truncate(text: str, length: int = 160) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def preview(html: str, length: int = 160) -> str:
    return truncate(plain_text(html), length)
