"""Keyword sets: validating what a supervisor typed, compiling a set once, finding its hits in a message."""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
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
    reply_subject: bool = False  # in the subject of a reply or forward ("Re: …"): the thread's words


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
    lookup: dict[str, tuple[str, str]]  # matched text (folded, single spaces) → (keyword, lang)
    # anchor → ((offset of the anchor in the keywords, their expression), …). A keyword can match only
    # where its anchor is a word of the message (word mode: its longest word; word start: the first up
    # to PREFIX_ANCHOR letters of its first word) or a character of it (substring: its first character).
    by_anchor: dict[str, tuple[tuple[int, re.Pattern[str]], ...]]
    anchors: frozenset[str]
    unanchored: re.Pattern[str] | None  # keywords that start with neither a letter nor a digit, searched


def _pattern(key: str, mode: str, lead: bool = True) -> str:
    body = r"\s+".join(re.escape(part) for part in key.split(" "))
    if mode == MatchMode.SUBSTRING:
        return body
    lead_re = r"(?<!\w)" if lead and _is_word_char(key[0]) else ""
    trail = r"(?!\w)" if mode == MatchMode.WORD and _is_word_char(key[-1]) else ""
    return lead_re + body + trail


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _anchor(key: str, mode: str) -> tuple[str, int] | None:
    """The anchor of a keyword and where it is in it; None: search for the keyword everywhere."""
    if mode == MatchMode.SUBSTRING:
        return key[0], 0
    if not _is_word_char(key[0]):
        return None
    if mode == MatchMode.PREFIX:
        first = _WORD_RUN.match(key)
        return first.group()[:PREFIX_ANCHOR], 0
    # The longest word: "where is my order" is looked for only where "order" is.
    best = max(_WORD_RUN.finditer(key), key=lambda m: len(m.group()))
    return best.group(), best.start()


def _alternation(keys: list[str], mode: str, lead: bool) -> re.Pattern[str]:
    # Longest first, so that at one position "money back" wins over "money".
    keys = sorted(keys, key=lambda k: (-len(k), k))
    return re.compile("|".join(_pattern(k, mode, lead) for k in keys))


# Extra whitespace a buyer may put between the words before an anchor ("where  is my order").
_SLACK = 16


class CompiledSet:
    """One keyword set, compiled: per match mode, one regular expression per anchor word. ``find`` takes
    the anchors that are words of the message (one set intersection with the message's word index, built
    once per message and shared by every set: a set that cannot match costs a microsecond or two), then
    tries the expression only where those words are. Substring keywords are searched for (their
    expressions start with a literal, which Python's re finds like str.find)."""

    def __init__(self, name: str, groups: tuple[_Group, ...], size: int) -> None:
        self.name = name
        self.groups = groups
        self.size = size

    def __repr__(self) -> str:
        return f"<CompiledSet {self.name}: {self.size} keywords>"

    def find(self, text: PreparedText) -> list[Hit]:
        hits: list[Hit] = []
        for group in self.groups:
            mode = group.mode
            if mode == MatchMode.WORD:
                common = group.anchors.intersection(text.match_tokens)
            elif mode == MatchMode.PREFIX:
                common = group.anchors.intersection(text.match_prefixes)
            else:
                common = group.anchors.intersection(text.match_chars)
            if common:
                haystack = text.match_text
                seen: set[int] = set()
                for anchor in sorted(common):  # the same hits in every process (set order follows the hash seed)
                    for offset, regex in group.by_anchor[anchor]:
                        if mode == MatchMode.SUBSTRING:
                            self._search(group, regex, haystack, text, hits)
                            continue
                        for start in self._starts(text, mode, anchor, offset):
                            if start in seen:
                                continue
                            m = regex.match(haystack, start)
                            if m is not None:
                                seen.add(start)
                                self._hit(group, m, text, hits)
            if group.unanchored is not None:
                self._search(group, group.unanchored, text.match_text, text, hits)
        if len(hits) > 1:
            hits.sort(key=lambda h: (h.field != "subject", h.start, h.start - h.end))
        return hits

    @staticmethod
    def _starts(text: PreparedText, mode: str, anchor: str, offset: int) -> list[int]:
        """Where keywords with this anchor may start: at the anchor's word, or a word start shortly before."""
        positions = text.token_positions
        if mode == MatchMode.WORD:
            at = positions[anchor]
        else:
            at = [p for token, starts in positions.items() if token.startswith(anchor) for p in starts]
        if not offset:
            return at
        token_starts = text.token_starts
        found = []
        for p in at:
            lo = bisect_left(token_starts, p - offset - _SLACK)
            hi = bisect_right(token_starts, p - offset)
            found.extend(token_starts[lo:hi])
        return found

    def _search(self, group: _Group, regex: re.Pattern[str], haystack: str, text: PreparedText, hits) -> None:
        for m in regex.finditer(haystack):
            self._hit(group, m, text, hits)

    @staticmethod
    def _hit(group: _Group, m: re.Match[str], text: PreparedText, hits: list[Hit]) -> None:
        start, end = m.span()
        matched = m.group()
        keyword, lang = group.lookup.get(
            _SPACES.sub(" ", matched) if " " in matched or "\n" in matched else matched, (matched, "")
        )
        subject_end = len(text.norm_subject)
        if start < subject_end:
            field = "subject"
        else:
            field = "body"
            start -= subject_end + len(FIELD_SEPARATOR)
            end -= subject_end + len(FIELD_SEPARATOR)
        negated = negated_in(text, field, start, end, text.language or lang)
        reply = field == "subject" and text.reply_subject
        hits.append(Hit(keyword, lang, group.mode, field, start, end, negated, reply))


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
        anchored: dict[str, dict[int, list[str]]] = {}
        loose: list[str] = []
        for key in lookup:
            found = _anchor(key, mode)
            if found is None:
                loose.append(key)
            else:
                anchor, offset = found
                anchored.setdefault(anchor, {}).setdefault(offset, []).append(key)
        by_anchor = {
            anchor: tuple((offset, _alternation(keys, mode, lead=False)) for offset, keys in sorted(offsets.items()))
            for anchor, offsets in anchored.items()
        }
        groups.append(
            _Group(
                mode=str(mode),
                lookup=lookup,
                by_anchor=by_anchor,
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
