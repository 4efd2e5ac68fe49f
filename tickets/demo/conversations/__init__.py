"""What demo buyers and agents write, one module per language, keyed by scenario.

Texts are ``str.format`` templates. Every template may use {name} (how the buyer is addressed),
{agent} (the agent's first name), {order}, {item}, {carrier}, {tracking}, {rma} and {days};
{amount} only in replies of scenarios whose refund exists when the agent answers (want_refund).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Literal


@dataclass(frozen=True)
class Conversation:
    subject: str
    message: str  # the buyer's first message
    reply: str = ""  # the agent's first answer, in the buyer's language
    followup: str = ""  # the buyer's answer to it


@dataclass(frozen=True)
class LanguagePack:
    code: str  # a Django language code: "en", "de", "zh-hans" …
    # How a reply addresses the buyer: given name (Emily), full name (Lena Schmidt), family name (佐藤).
    name_style: Literal["given", "full", "family"]
    closing: str  # the agent's last word after the buyer's follow-up on a solved ticket
    texts: dict[str, Conversation]


_MODULES = {"en": "en", "de": "de", "fr": "fr", "es": "es", "ja": "ja", "zh-hans": "zh_hans"}
LANGUAGES: tuple[str, ...] = tuple(_MODULES)


def pack(language: str) -> LanguagePack:
    return import_module(f"{__name__}.{_MODULES[language]}").PACK


def packs() -> dict[str, LanguagePack]:
    return {language: pack(language) for language in LANGUAGES}
