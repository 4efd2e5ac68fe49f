"""Keyword sets: validating what a supervisor typed, compiling a set once, finding its hits in a message."""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tickets.errors import DomainError
from tickets.models.rules import MatchMode

from .text import FIELD_SEPARATOR, LANGUAGES, PREFIX_ANCHOR, PreparedText, fold, negated_in

MAX_KEYWORDS = 500
MAX_LENGTH = 80
_WORD_RUN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_CJK_OR_THAI = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\u0e00-\u0e7f]"
)


class KeywordsInvalid(DomainError):
    code = "invalid_keywords"
    default_message = _("These keywords are not valid.")

    def __init__(self, errors: dict[str, list[str]], message: str | None = None) -> None:
        self.errors = errors
        super().__init__(message)


@dataclass(frozen=True)
class Hit:
    keyword: str  # as the set has it
    lang: str  # the keyword's language, "" for any
    mode: str  # MatchMode
    field: str  # "subject" | "body"
    start: int  # in PreparedText.norm_subject / norm_body
    end: int
    negated: bool


def default_mode(text: str) -> str:
    """Chinese, Japanese, Korean and Thai attach particles to words, so their keywords match anywhere."""
    return MatchMode.SUBSTRING if _CJK_OR_THAI.search(text) else MatchMode.WORD


def _clean_text(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _key(text: str) -> str:
    return fold(text.casefold())


def validate_keywords(value: object) -> list[dict]:
    """The keywords normalised (text trimmed, NFKC, inner whitespace single; lang lower case; duplicates
    removed, the first kept), or KeywordsInvalid with errors keyed "keywords", "keywords.3.text" ….
    A missing lang means any language; a missing mode is "substring" for CJK/Thai text, else "word"."""
    errors: dict[str, list[str]] = {}
    if not isinstance(value, list):
        raise KeywordsInvalid({"keywords": [gettext("Give a list of keywords.")]})
    if len(value) > MAX_KEYWORDS:
        errors["keywords"] = [
            gettext("At most %(max)d keywords in a set; this one has %(n)d.") % {"max": MAX_KEYWORDS, "n": len(value)}
        ]
    result: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    for i, item in enumerate(value):
        where = f"keywords.{i}"
        if not isinstance(item, dict):
            errors[where] = [gettext("Each keyword has a text, a language and a match mode.")]
            continue
        text = item.get("text")
        lang = item.get("lang", "")
        mode = item.get("mode")
        if not isinstance(text, str):
            errors[f"{where}.text"] = [gettext("Enter the keyword.")]
            text = ""
        else:
            text = _clean_text(text)
            if not text:
                errors[f"{where}.text"] = [gettext("Enter the keyword.")]
            elif len(text) > MAX_LENGTH:
                errors[f"{where}.text"] = [
                    gettext("At most %(max)d characters; this keyword has %(n)d.") % {"max": MAX_LENGTH, "n": len(text)}
                ]
            elif any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") for c in text):
                errors[f"{where}.text"] = [gettext("A keyword cannot contain control characters.")]
        if lang is None:
            lang = ""
        if not isinstance(lang, str) or lang.strip().lower() not in ("", *LANGUAGES):
            errors[f"{where}.lang"] = [
                gettext("Choose one of the languages: %(languages)s, or none for any language.")
                % {"languages": ", ".join(LANGUAGES)}
            ]
            lang = ""
        lang = lang.strip().lower()
        if mode in (None, ""):
            mode = default_mode(text)
        if mode not in MatchMode.values:
            errors[f"{where}.mode"] = [
                gettext("Choose how the keyword matches: %(modes)s.") % {"modes": ", ".join(MatchMode.values)}
            ]
            continue
        if f"{where}.text" in errors or f"{where}.lang" in errors:
            continue
        key = (_key(text), lang, str(mode))
        if key in seen:
            continue
        seen.add(key)
        result.append({"text": text, "lang": lang, "mode": str(mode)})
    if errors:
        raise KeywordsInvalid(errors)
    return result


def _lenient(keywords: object) -> list[dict]:
    """What compile_set accepts from the database: valid entries, the others skipped (matching never fails)."""
    out = []
    for item in keywords if isinstance(keywords, list) else ():
        try:
            out.extend(validate_keywords([item]))
        except KeywordsInvalid:
            continue
    return out


@dataclass(frozen=True)
class _Group:
    mode: str
    regex: re.Pattern[str]  # the whole group, for keywords without an anchor (no letter or digit)
    lookup: dict[str, tuple[str, str]]  # matched text (folded, single spaces) → (keyword, lang)
    # anchor → the expression of the keywords with that anchor; one anchor must be among the message's
    # words (word mode), word starts (prefix) or characters (substring), else none of them can match.
    by_anchor: dict[str, re.Pattern[str]]
    anchors: frozenset[str]
    unanchored: re.Pattern[str] | None


def _pattern(key: str, mode: str, lead: bool = True) -> str:
    body = r"\s+".join(re.escape(part) for part in key.split(" "))
    if mode == MatchMode.SUBSTRING:
        return body
    lead_re = r"(?<!\w)" if lead and _is_word_char(key[0]) else ""
    trail = r"(?!\w)" if mode == MatchMode.WORD and _is_word_char(key[-1]) else ""
    return lead_re + body + trail


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _anchor(key: str, mode: str) -> str | None:
    """A necessary condition for a match, checked with one set lookup: for word mode the keyword's first
    word is a word of the message, for word start a start of one, for substring its first character."""
    if mode == MatchMode.SUBSTRING:
        return key[0]
    m = _WORD_RUN.search(key)
    if m is None:
        return None
    if mode == MatchMode.PREFIX:
        return m.group()[:PREFIX_ANCHOR]
    return m.group()


def _alternation(keys: list[str], mode: str, lead: bool) -> re.Pattern[str]:
    # Longest first, so that at one position "money back" wins over "money".
    keys = sorted(keys, key=lambda k: (-len(k), k))
    return re.compile("|".join(_pattern(k, mode, lead) for k in keys))


class CompiledSet:
    """One keyword set, compiled: one regular expression per match mode (and, for speed, one per anchor).
    ``find`` asks the message's word index which keywords can match at all (a set intersection, so the
    ~40 sets that do not apply to a message cost a microsecond or two each), then searches for those only.
    The anchored expressions start with the keyword's literal text (Python's re then skips ahead like
    str.find); their leading word boundary is checked on each match."""

    def __init__(self, name: str, groups: tuple[_Group, ...], size: int) -> None:
        self.name = name
        self.groups = groups
        self.size = size

    def __repr__(self) -> str:
        return f"<CompiledSet {self.name}: {self.size} keywords>"

    def find(self, text: PreparedText) -> list[Hit]:
        hits: list[Hit] = []
        for group in self.groups:
            if group.mode == MatchMode.WORD:
                pool = text.match_tokens
            elif group.mode == MatchMode.PREFIX:
                pool = text.match_prefixes
            else:
                pool = text.match_chars
            common = group.anchors.intersection(pool)
            if common:
                haystack = text.match_text
                for anchor in common:
                    self._search(group, group.by_anchor[anchor], haystack, text, hits, check_lead=True)
            if group.unanchored is not None:
                self._search(group, group.unanchored, text.match_text, text, hits, check_lead=False)
        if len(hits) > 1:
            hits.sort(key=lambda h: (h.field != "subject", h.start, h.start - h.end))
        return hits

    def _search(self, group, regex, haystack, text, hits, *, check_lead: bool) -> None:
        subject_end = len(text.norm_subject)
        pos = 0
        while True:
            m = regex.search(haystack, pos)
            if m is None:
                return
            start, end = m.span()
            matched = m.group()
            if (
                check_lead
                and group.mode != MatchMode.SUBSTRING
                and start
                and _is_word_char(matched[0])
                and _is_word_char(haystack[start - 1])
            ):
                pos = start + 1
                continue
            pos = end if end > start else start + 1
            keyword, lang = group.lookup.get(_SPACES.sub(" ", matched), (matched, ""))
            if start < subject_end:
                field = "subject"
            else:
                field = "body"
                start -= subject_end + len(FIELD_SEPARATOR)
                end -= subject_end + len(FIELD_SEPARATOR)
            negated = negated_in(text, field, start, end, lang or text.language)
            hits.append(Hit(keyword, lang, group.mode, field, start, end, negated))


def compile_set(name: str, keywords: list[dict]) -> CompiledSet:
    """Compile a set's keywords (NFKC, casefold, accents folded on Latin letters, regex-escaped): whole word
    with Unicode boundaries, word start (so "rückerstattung" finds "Rückerstattungsantrag"), or anywhere."""
    by_mode: dict[str, dict[str, tuple[str, str]]] = {}
    for item in _lenient(keywords):
        key = _key(item["text"])
        by_mode.setdefault(item["mode"], {}).setdefault(key, (item["text"], item["lang"]))
    groups = []
    size = 0
    for mode in (MatchMode.WORD, MatchMode.PREFIX, MatchMode.SUBSTRING):
        lookup = by_mode.get(mode)
        if not lookup:
            continue
        size += len(lookup)
        anchored: dict[str, list[str]] = {}
        loose: list[str] = []
        for key in lookup:
            anchor = _anchor(key, mode)
            if anchor is None:
                loose.append(key)
            else:
                anchored.setdefault(anchor, []).append(key)
        groups.append(
            _Group(
                mode=str(mode),
                regex=_alternation(list(lookup), mode, lead=True),
                lookup=lookup,
                by_anchor={a: _alternation(keys, mode, lead=False) for a, keys in anchored.items()},
                anchors=frozenset(anchored),
                unanchored=_alternation(loose, mode, lead=True) if loose else None,
            )
        )
    return CompiledSet(name, tuple(groups), size)


_cache: dict[int, tuple[object, CompiledSet]] = {}
_cache_lock = threading.Lock()


def compiled(keyword_set) -> CompiledSet:
    """The compiled form of a KeywordSet row, kept per process until the row's updated_at changes."""
    pk = keyword_set.pk
    stamp = keyword_set.updated_at
    if pk is None:
        return compile_set(keyword_set.name, keyword_set.keywords)
    entry = _cache.get(pk)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    result = compile_set(keyword_set.name, keyword_set.keywords)
    with _cache_lock:
        _cache[pk] = (stamp, result)
    return result


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
