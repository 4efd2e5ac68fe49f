"""Languages and countries by name in the reader's language ("German", "德语"), never as bare codes."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from django import template
from django.utils import translation

register = template.Library()


def _reader() -> Locale:
    try:
        return Locale.parse(translation.get_language() or "en", sep="-")
    except (ValueError, UnknownLocaleError):
        return Locale("en")


@register.filter
def language_display(code: str) -> str:
    """``{{ ticket.language|language_display }}``: "de" → "German" (English UI), "德语" (Chinese UI).
    A code Babel does not know is shown as it is rather than hidden."""
    if not code:
        return ""
    try:
        name = Locale.parse(code.replace("_", "-"), sep="-").get_display_name(_reader())
    except (ValueError, KeyError, UnknownLocaleError):  # Babel raises KeyError for an unknown code
        return code
    return name[:1].upper() + name[1:] if name else code


@register.filter
def country_display(code: str) -> str:
    """``{{ customer.country|country_display }}``: "DE" → "Germany" / "德国"."""
    if not code:
        return ""
    return _reader().territories.get(code.upper(), code)
