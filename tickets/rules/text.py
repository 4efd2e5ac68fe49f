"""Text that real buyers write, made ready for keyword matching: normalised, without quoted history,
signatures and legal footers, with its language, negation near a keyword and statutory withdrawals."""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext

if TYPE_CHECKING:
    from .keywords import Hit

# The languages we serve (ISO 639-1), the order the editor lists them in.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "ja", "zh", "ko", "th")

# Joins the subject and the body into one string to match: no keyword can match it (keywords have no
# control characters and their spaces match \s, which \x00 is not), so no match straddles the two.
FIELD_SEPARATOR = "\x00"


@dataclass(frozen=True)
class Removed:
    kind: str  # "quoted_reply" | "signature" | "footer"
    text: str


@dataclass(frozen=True)
class PreparedText:
    subject: str  # as given (NFKC), not casefolded
    body: str  # quoted history, signatures and footers removed, NFKC
    norm_subject: str  # NFKC + casefold (what keywords match)
    norm_body: str
    removed: tuple[Removed, ...]
    steps: tuple[tuple[str, str], ...]
    language: str  # ISO 639-1, "" when unknown
    withdrawal: bool  # a statutory withdrawal (German Widerruf, the EU model withdrawal form …)

    # What keywords.CompiledSet.find reads, computed once per message and shared by every keyword set
    # (cached_property writes to the instance dict, which a frozen dataclass allows).
    @cached_property
    def match_text(self) -> str:
        """Subject and body, accent-folded (same length as the norm_ texts), joined by FIELD_SEPARATOR."""
        return fold(self.norm_subject) + FIELD_SEPARATOR + fold(self.norm_body)

    @cached_property
    def reply_subject(self) -> bool:
        """A reply's or a forward's subject ("Re:", "AW:", "Fwd:", "回复：" …): the thread's words, not the
        buyer's latest, so main_request reads it after the body."""
        return bool(_REPLY_SUBJECT.match(self.subject))

    @cached_property
    def token_positions(self) -> dict[str, list[int]]:
        """Each word of match_text → where it starts."""
        positions: dict[str, list[int]] = {}
        for m in _WORD_RUN.finditer(self.match_text):
            positions.setdefault(m.group(), []).append(m.start())
        return positions

    @cached_property
    def token_starts(self) -> list[int]:
        return sorted(p for starts in self.token_positions.values() for p in starts)

    @cached_property
    def match_tokens(self) -> frozenset[str]:
        return frozenset(self.token_positions)

    @cached_property
    def match_prefixes(self) -> frozenset[str]:
        # The first one to PREFIX_ANCHOR characters of every word: word-start keywords check these first.
        return frozenset([t[:i] for t in self.match_tokens for i in range(1, min(len(t), PREFIX_ANCHOR) + 1)])

    @cached_property
    def negations(self) -> dict[tuple[str, int, int, str], bool]:
        """is_negated answers for this message, shared by the keyword sets that hit the same words."""
        return {}

    @cached_property
    def match_chars(self) -> frozenset[str]:
        return frozenset(self.match_text)


PREFIX_ANCHOR = 4
_REPLY_SUBJECT = re.compile(
    r"^\s*(?:re|aw|fwd?|wg|tr|rv|r|sv|vs|antw|odp|res|enc|doorst|回复|回覆|答复|転送|返信|회신|전달|ตอบกลับ)"
    r"\s*(?:\[\d+\])?\s*[:：]",
    re.IGNORECASE,
)
_WORD_RUN = re.compile(r"\w+")


# ---------------------------------------------------------------------------------------------------
# Normalising and folding

_FOLD_EXTRA = {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "ı": "i", "’": "'", "‘": "'"}
_FOLD_EXTRA["ʼ"] = "'"


def _fold_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[ch] = base
    table.update(_FOLD_EXTRA)
    return table


_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(re.escape(c) for c in sorted(_FOLD)) + "]")


def _fold_one(m: re.Match[str]) -> str:
    return _FOLD[m.group()]


def fold(text: str) -> str:
    """Latin letters without their accents ("remboursé" → "rembourse", "łódź" → "lodz"), typographic
    apostrophes as "'"; one character for one, so positions stay those of the input. CJK, Hangul and Thai
    are left as they are."""
    if text.isascii():
        return text
    return _FOLDABLE.sub(_fold_one, text)


def normalise(text: str) -> str:
    """NFKC, Unix line ends, no NUL (our field separator)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace(FIELD_SEPARATOR, " ")
    return unicodedata.normalize("NFKC", text)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def norm(text: str) -> str:
    """What keywords match: NFKC + casefold."""
    return normalise(text).casefold()


# ---------------------------------------------------------------------------------------------------
# HTML (stored message bodies are sanitized HTML)

_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "hr",
    "table",
    "ul",
    "ol",
    "blockquote",
}


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, list[str]]] = [(0, [])]
        self.quote = 0
        self.skip = 0

    def _newline(self) -> None:
        if self.lines[-1][1]:
            self.lines.append((self.quote, []))
        else:
            self.lines[-1] = (self.quote, [])

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "blockquote":
            self._newline()
            self.quote += 1
            self.lines[-1] = (self.quote, self.lines[-1][1])
        elif tag == "br":
            self.lines.append((self.quote, []))
        elif tag in _BLOCK_TAGS:
            self._newline()
        elif tag in ("td", "th") and self.lines[-1][1]:
            self.lines[-1][1].append(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag == "blockquote":
            self._newline()
            self.quote = max(0, self.quote - 1)
            self.lines[-1] = (self.quote, self.lines[-1][1])
        elif tag in _BLOCK_TAGS and tag != "br":
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        data = re.sub(r"[ \t\r\n]+", " ", data)
        if data.strip() or self.lines[-1][1]:
            self.lines[-1][1].append(data)


def html_to_text(value: str) -> str:
    """Sanitized HTML → plain text: block tags end lines, <blockquote> becomes "> " lines, entities unescaped."""
    if not value:
        return ""
    if "<" not in value:
        return html.unescape(value)
    parser = _TextParser()
    parser.feed(value)
    parser.close()
    out: list[str] = []
    for depth, parts in parser.lines:
        line = "".join(parts).strip()
        out.append(("> " * depth + line) if depth else line)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------------------------------------------
# Quoted replies, footers and signatures

# A reply header ends its line with a colon; Gmail wraps long ones, so a line and the next are tried together.
_REPLY_HEADER = re.compile(
    r"""^\s*(?:
        on\s.{1,200}\swrote\s*:                                   # en
      | am\s.{1,200}\sschrieb\b.{0,200}:                          # de
      | le\s.{1,200}\sa\s+écrit\s*:                               # fr
      | el\s.{1,200}\sescribió\s*:                                # es
      | il\s.{1,200}\sha\s+scritto\s*:                            # it ("Il giorno … ha scritto:")
      | op\s.{1,200}\sschreef\b.{0,200}:                          # nl
      | em\s.{1,200}\sescreveu\s*:                                # pt
      | w\s+dniu\s.{1,200}\snapisał(?:\(a\)|a)?\s*:               # pl
      | den\s.{1,200}\sskrev\b.{0,200}:                           # sv
      | .{1,200}写道\s*[:：]                                       # zh
      | .{1,200}(?:のメッセージ|は書きました|が書きました)\s*[:：]?   # ja
      | \d{4}年\d{1,2}月\d{1,2}日.{0,200}<[^<>\s]+@[^<>\s]+>\s*[:：]  # ja (Gmail)
      | .{1,200}님이\s*작성\s*[:：]?                                # ko
      | .{1,200}เขียนว่า\s*[:：]?                                  # th
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

_SEPARATOR_NAMES = (
    "original message|forwarded message|ursprüngliche nachricht|ursprungliche nachricht|originalnachricht"
    "|weitergeleitete nachricht|message d'origine|message transféré|mensaje original|mensaje reenviado"
    "|messaggio originale|messaggio inoltrato|oorspronkelijk bericht|oorspronkelijk e-mailbericht"
    "|doorgestuurd bericht|mensagem original|mensagem encaminhada|wiadomość oryginalna|oryginalna wiadomość"
    "|ursprungligt meddelande|vidarebefordrat meddelande|原始邮件|原始郵件|转发邮件|元のメッセージ"
    "|転送されたメッセージ|원본 메시지|전달된 메시지|ข้อความต้นฉบับ"
)
_SEPARATOR = re.compile(
    rf"^\s*(?:[-_=*]{{2,}}\s*(?:{_SEPARATOR_NAMES})\s*:?\s*[-_=*]{{2,}}|begin forwarded message\s*:|"
    rf"(?:{_SEPARATOR_NAMES})\s*:)\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(
    r"^\s*\*?(?:from|von|de|da|van|od|från|fra|发件人|寄件者|差出人|보낸\s*사람)\s*\*?\s*[:：]", re.IGNORECASE
)
_OUTLOOK_FIELD = re.compile(
    r"^\s*\*?(?:sent|date|gesendet|datum|envoyé|date d'envoi|enviado|fecha|inviato|data|verzonden|wysłano|"
    r"skickat|发送时间|發送時間|日期|送信日時|日時|보낸\s*날짜|to|an|à|para|a|aan|do|till|til|收件人|宛先|받는\s*사람|"
    r"subject|betreff|objet|asunto|oggetto|onderwerp|temat|ämne|assunto|主题|件名|제목)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_RULE_CHARS = frozenset("-_=*")
_UNDERSCORES = re.compile(r"^\s*_{8,}\s*$")
_QUOTE_LINE = re.compile(r"^\s*>")

# Amazon's relay wraps the buyer's words in its own text and appends its own history and notes.
_RELAY_BEGIN = re.compile(
    r"^\s*-{3,}\s*(?:begin message|beginn der nachricht|début du message|inicio del mensaje|inizio messaggio|"
    r"begin bericht|początek wiadomości|början av meddelandet)\s*-{3,}\s*$",
    re.IGNORECASE,
)
_RELAY_END = re.compile(
    r"^\s*-{3,}\s*(?:end message|ende der nachricht|fin du message|fin del mensaje|fine messaggio|einde bericht|"
    r"koniec wiadomości|slut på meddelandet)\s*-{3,}\s*$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"""(?:
        was\s+this\s+(?:e-?mail|message)\s+helpful
      | war\s+diese\s+e-?mail\s+hilfreich | cet\s+e-?mail\s+vous\s+a-t-il\s+été\s+utile
      | for\s+your\s+information\s*:\s*to\s+help\s+arbitrate | we\s+hope\s+to\s+see\s+you\s+again\s+soon
      | copyright\s+(?:©\s*)?\d{4}\s+amazon | ©\s*\d{4}\s+amazon
      | this\s+(?:e-?mail|message|communication)\b.{0,80}\b(?:confidential|privileged|intended\s+(?:solely|only)\s+for)
      | confidentiality\s+(?:notice|note) | disclaimer\s*:
      | (?:diese|die)\s+(?:e-?mail|nachricht)\b.{0,80}\bvertraulich | vertraulichkeitshinweis
      | (?:ce|le\s+présent)\s+(?:message|e-?mail|courriel)\b.{0,80}\bconfidenti
      | (?:este|el\s+presente)\s+(?:mensaje|correo)\b.{0,80}\bconfidencial
      | (?:questo|il\s+presente)\s+(?:messaggio|e-?mail)\b.{0,80}\briservat
      | (?:dit|deze)\s+(?:bericht|e-?mail)\b.{0,80}\bvertrouwelijk
      | (?:esta|a\s+presente)\s+(?:mensagem|e-?mail)\b.{0,80}\bconfidencia
      | (?:ta|niniejsza)\s+wiadomość\b.{0,80}\bpoufn
      | (?:detta|denna)\s+(?:e-?post|meddelande)\b.{0,80}\bkonfidentiell
      | (?:to|click\s+here\s+to|you\s+can)\s+unsubscribe | unsubscribe\s*:?\s*(?:https?://|<)
      | if\s+you\s+no\s+longer\s+wish\s+to\s+receive | newsletter\s+abbestellen | vom\s+newsletter\s+abmelden
      | se\s+désinscrire | se\s+désabonner | darse\s+de\s+baja | cancelar\s+(?:a\s+)?subscrição
      | annulla(?:re)?\s+l'iscrizione | uitschrijven | afmelden\s+voor | wypisz\s+się | avsluta\s+prenumeration
      | please\s+consider\s+the\s+environment\s+before\s+printing
      | 退订 | 取消订阅 | 配信停止 | 수신\s*거부
      | (?:geschäftsführer|amtsgericht|registergericht)\s*: | ust-?idnr | \bhrb\s*\d
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Words one of _FOOTER's alternatives contains: most messages have none, and then _FOOTER is not run.
_FOOTER_MARKERS = (
    "helpful",
    "hilfreich",
    "utile",
    "arbitrate",
    "see you again",
    "copyright",
    "©",
    "confiden",
    "privileged",
    "intended",
    "disclaimer",
    "vertraulich",
    "riservat",
    "vertrouwelijk",
    "poufn",
    "konfidentiell",
    "subscri",
    "no longer wish",
    "newsletter",
    "baja",
    "iscrizione",
    "uitschrijven",
    "afmelden",
    "wypisz",
    "prenumeration",
    "environment",
    "退订",
    "订阅",
    "配信停止",
    "수신",
    "geschäftsführer",
    "amtsgericht",
    "registergericht",
    "ust-id",
    "ustid",
    "hrb",
)
_MOBILE_SIGNATURE = re.compile(
    r"""^\s*(?:
        sent\s+from\s+(?:my\s+)?(?:iphone|ipad|android|samsung|galaxy|huawei|xiaomi|mobile|phone|smartphone|outlook|mail|yahoo|gmail|aol|blackberry)
      | sent\s+from\s+(?:outlook|mail)\s+for | get\s+outlook\s+for
      | sent\s+via\s+\w+
      | gesendet\s+(?:von|mit|vom)\s+(?:meinem\s+)?\w+ | von\s+meinem\s+\w+\s+gesendet
      | envoyé\s+(?:de|depuis)\s+(?:mon\s+)?\w+
      | enviado\s+(?:desde|do|de)\s+(?:mi|meu|o\s+meu)?\s*\w+
      | inviato\s+da\s+(?:il\s+mio\s+)?\w+
      | verzonden\s+(?:vanaf|met|van)\s+(?:mijn\s+)?\w+
      | wysłane\s+z | wysłano\s+z
      | skickat\s+från\s+(?:min\s+)?\w+
      | 从我的\s*\w+\s*发送 | 發自我的 | 发自我的 | \w+\s*から送信 | 나의\s*\w+에서\s*보냄 | \w+에서\s*보냄
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# After a closing, on its line, at most a name: "Best regards, John Smith" (capitalised words), never
# "Thanks, please refund me".
_NAME_AFTER = r"[\s,.!！。~-]*(?:(?-i:[A-ZÀ-ÞŁŚŻŹĆŃ][\w.'-]*)(?:[ \t]+(?-i:[A-ZÀ-ÞŁŚŻŹĆŃ][\w.'-]*)){0,2}[\s.!]*)?$"
_CLOSING = re.compile(
    r"""^\s*(?:
        mit\s+freundlichen\s+grüßen | mit\s+freundlichen\s+grüssen | freundliche\s+grüße | mfg | viele\s+grüße
      | liebe\s+grüße | beste\s+grüße | herzliche\s+grüße | lg | vg | grüße | gruß
      | best\s+regards | kind\s+regards | warm\s+regards | regards | best\s+wishes | best | cheers | sincerely
      | yours\s+sincerely | yours\s+faithfully
      | cordialement | bien\s+cordialement | bien\s+à\s+vous | salutations | sincères\s+salutations
      | saludos | saludos\s+cordiales | un\s+saludo | atentamente
      | cordiali\s+saluti | distinti\s+saluti | saluti
      | met\s+vriendelijke\s+groet(?:en)? | vriendelijke\s+groet(?:en)? | groeten | groetjes | mvg
      | atenciosamente | cumprimentos | abraços
      | pozdrawiam | z\s+poważaniem | pozdrowienia
      | med\s+vänliga\s+hälsningar | vänliga\s+hälsningar | hälsningar | mvh
      | よろしくお願いします | よろしくお願いいたします | よろしくお願い致します | 敬具
      | 此致敬礼 | 此致 | 祝好 | 顺祝商祺
    )"""
    + _NAME_AFTER,
    re.IGNORECASE | re.VERBOSE,
)
# Thanks end many messages too, but buyers also write "Thanks" above the question that matters: a thanks
# line is a signature only with at most two name-like lines after it.
_THANKS = re.compile(
    r"""^\s*(?:
        many\s+thanks | thanks(?:\s+a\s+lot)? | thank\s+you | thx | danke(?:\s+schön)? | vielen\s+dank
      | merci(?:\s+beaucoup)? | muchas\s+gracias | gracias | grazie(?:\s+mille)? | bedankt | dank\s+je(?:\s+wel)?
      | obrigad[oa] | dziękuję | tack | 谢谢 | 謝謝 | ありがとうございます | 감사합니다 | 고맙습니다
      | ขอบคุณครับ | ขอบคุณค่ะ | ขอบคุณ
    )"""
    + _NAME_AFTER,
    re.IGNORECASE | re.VERBOSE,
)
_RULE_LINE = re.compile(r"^\s*[-_=*~―—–─━＝＿・]{3,}\s*$")
_TAIL_LINES = 6  # a closing is a signature when at most this many short lines follow it
_SHORT_LINE = 60


def _head(lines: Sequence[str]) -> str:
    first = next((line.strip() for line in lines if line.strip()), "")
    return first if len(first) <= 60 else first[:59] + "…"


def _has_content(lines: Sequence[str]) -> bool:
    return any(line.strip() and not _QUOTE_LINE.match(line) for line in lines)


_HEADER_ENDS = (":", "：", "のメッセージ", "작성", "เขียนว่า")


def _header_at(lines: list[str], i: int) -> int:
    """How many lines the reply header starting at line i spans (0: none)."""
    line = lines[i].rstrip()
    if not line:
        return 0
    if line.endswith(_HEADER_ENDS) and _REPLY_HEADER.match(line):
        return 1
    if i + 1 < len(lines) and len(line) < 200:
        nxt = lines[i + 1].strip()
        if nxt.endswith(_HEADER_ENDS) and len(nxt) < 200 and _REPLY_HEADER.match(line + " " + nxt):
            return 2
    return 0


def _find_quoted(lines: list[str]) -> tuple[int, int, int] | None:
    """The earliest quoted history: (start, end, kind) where kind 1 = a header followed by "> " lines
    only (text after it stays), 0 = everything from start on."""
    for i, line in enumerate(lines):
        lead = line.lstrip()[:1]
        if (lead in _RULE_CHARS or line.rstrip().endswith(":")) and (_SEPARATOR.match(line) or _RELAY_END.match(line)):
            return i, len(lines), 0
        if (":" in line[:40] or "：" in line[:40]) and _OUTLOOK_FROM.match(line):
            following = [x for x in lines[i + 1 : i + 6] if x.strip()]
            if sum(1 for x in following[:4] if _OUTLOOK_FIELD.match(x)) >= 1:
                start = i
                prev = i - 1
                while prev >= 0 and not lines[prev].strip():
                    prev -= 1
                if prev >= 0 and _UNDERSCORES.match(lines[prev]):
                    start = prev
                return start, len(lines), 0
        span = _header_at(lines, i)
        if span:
            j = i + span
            while j < len(lines) and not lines[j].strip():
                j += 1
            k = j
            while k < len(lines) and (_QUOTE_LINE.match(lines[k]) or not lines[k].strip()):
                k += 1
            if k > j and _has_content(lines[k:]):
                return i, k, 1
            return i, len(lines), 0
    return None


@dataclass
class _Cleaner:
    lines: list[str]
    removed: list[Removed]
    steps: list[tuple[str, str]]

    def cut(self, kind: str, start: int, end: int, label: str | None = None) -> bool:
        if start >= end or not _has_content(self.lines[:start]) and not _has_content(self.lines[end:]):
            return False  # never remove everything the buyer wrote
        part = self.lines[start:end]
        n = sum(1 for x in part if x.strip())
        if not n:
            del self.lines[start:end]
            return True
        self.removed.append(Removed(kind, "\n".join(part).strip("\n")))
        head = label or _head(part)
        self.steps.append(
            (
                kind,
                ngettext("removed %(n)d line: %(head)s", "removed %(n)d lines: %(head)s", n) % {"n": n, "head": head},
            )
        )
        del self.lines[start:end]
        return True

    def relay(self) -> None:
        lines = self.lines
        begin = next((i for i, x in enumerate(lines) if _RELAY_BEGIN.match(x)), None)
        if begin is None:
            return
        end = next((i for i in range(begin + 1, len(lines)) if _RELAY_END.match(lines[i])), len(lines))
        if not _has_content(lines[begin + 1 : end]):
            return
        self.cut("footer", end, len(lines))
        self.cut("footer", 0, begin + 1)

    def quoted(self) -> None:
        for _ in range(20):
            found = _find_quoted(self.lines)
            if found is None:
                break
            start, end, _kind = found
            if not self.cut("quoted_reply", start, end):
                break
        # Inline "> " lines left between the buyer's own (bottom or interleaved replies).
        i = 0
        while i < len(self.lines):
            if _QUOTE_LINE.match(self.lines[i]):
                j = i
                while j < len(self.lines) and _QUOTE_LINE.match(self.lines[j]):
                    j += 1
                if self.cut("quoted_reply", i, j):
                    continue
                i = j
            else:
                i += 1

    def footers(self) -> None:
        lines = self.lines
        for i, line in enumerate(lines):
            low = line.casefold()
            if any(marker in low for marker in _FOOTER_MARKERS) and _FOOTER.search(line):
                start = i
                while start > 0 and lines[start - 1].strip() and not _is_tail_start(lines[start - 1]):
                    # a footer is a paragraph: start where it starts, unless it is long body text
                    if len(lines[start - 1]) > 200:
                        break
                    start -= 1
                if start < i and _has_content(lines[:start]) is False:
                    start = i
                self.cut("footer", start, len(lines))
                return

    def signatures(self) -> None:
        lines = self.lines
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped in ("--", "—", "__") or (_MOBILE_SIGNATURE.match(line) and len(stripped) < 80):
                self.cut("signature", i, len(lines))
                break
            if _RULE_LINE.match(line):
                # a ruled line over a short block at the end: "――――――\n佐藤 健一\n株式会社…"
                rest = [x.strip() for x in lines[i + 1 :] if x.strip()]
                if (
                    rest
                    and len(rest) <= 8
                    and all(len(x) <= _SHORT_LINE for x in rest)
                    and _looks_like_name(rest[0])
                    and not any(c.isdigit() or c in ":：" for c in rest[0])
                ):
                    self.cut("signature", i, len(lines))
                    break
        # A closing ("Mit freundlichen Grüßen", "Best regards" …) followed by a name, an address: the tail.
        for i, line in enumerate(lines):
            strong = _CLOSING.match(line)
            if not strong and not _THANKS.match(line):
                continue
            rest = [x.strip() for x in lines[i + 1 :] if x.strip()]
            if any(x.endswith(("?", "？")) or len(x) > _SHORT_LINE for x in rest):
                continue
            if strong and len(rest) <= _TAIL_LINES or len(rest) <= 2 and all(_looks_like_name(x) for x in rest):
                self.cut("signature", i, len(lines))
                return


def _looks_like_name(line: str) -> bool:
    return len(line) <= 40 and not line.endswith((".", "!", "。", "！")) and len(line.split()) <= 4


def _is_tail_start(line: str) -> bool:
    return bool(_CLOSING.match(line) or _THANKS.match(line) or _MOBILE_SIGNATURE.match(line))


def strip_history(body: str) -> tuple[str, tuple[Removed, ...], tuple[tuple[str, str], ...]]:
    """The buyer's own words: quoted replies, relay boilerplate, legal footers and signatures removed."""
    cleaner = _Cleaner(body.split("\n"), [], [])
    cleaner.relay()
    cleaner.quoted()
    cleaner.footers()
    cleaner.signatures()
    text = "\n".join(line.rstrip() for line in cleaner.lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, tuple(cleaner.removed), tuple(cleaner.steps)


# ---------------------------------------------------------------------------------------------------
# Negation

# Latin-script negators of every language we serve, accent-folded: mixed-language buyers ("Ich will kein
# refund") negate in one language and name the thing in another, and these words do not collide.
_NEGATORS = _words(
    "not no never without nor dont don't doesnt doesn't didnt didn't wont won't cannot nicht nichts rien "
    "nix nothing nada niente nulla niets nic kein keine keinen keinem keiner keines nie niemals ohne ne "
    "pas sans jamais aucun aucune sin nunca ningun ninguna ninguno tampoco non senza nessun nessuno "
    "nessuna nao sem nenhum nenhuma niet geen nooit zonder bez zaden zadnego zadnej zadnych nigdy inte "
    "ingen inget inga utan aldrig ej icke"
)
# Words that negate in one language and mean something else in another: only in that language.
# Swedish "ni" is "you", Dutch "pas" "only": these negate only in their own language.
_NEGATORS_BY_LANG = {"it": frozenset({"mai"}), "fr": frozenset({"plus", "ni"}), "es": frozenset({"ni"})}
# Words of the list above that do not negate in a language: Portuguese "no" is "in the", Italian "ne" "of it".
_NOT_NEGATORS_BY_LANG = {"pt": frozenset({"no"}), "it": frozenset({"ne"}), "nl": frozenset({"pas"})}
# Clause boundaries ("but", "and"): a negator before them does not reach a keyword after them.
_BOUNDARY_WORDS = _words("but and aber sondern und mais et pero sino y maar och ale lecz oraz jednak porem tylko")
_BOUNDARY_WORDS_BY_LANG = {
    "it": frozenset({"ma", "pero", "e", "ed"}),
    "pt": frozenset({"mas", "e", "porem"}),
    "sv": frozenset({"men"}),
    "nl": frozenset({"en"}),
    "pl": frozenset({"i", "a"}),
    "es": frozenset({"e"}),
}


# Between a negator and the keyword it negates there are only articles, pronouns for the thing, and
# verbs of wanting or asking: "I do NOT want a refund", "Nunca pedí una devolución". Any other word means
# the negator is about something else: "non ho pagato i dazi" (did not pay the customs duties), "I have
# not received my refund" (still wants it).
_FILLERS = _words(
    # en
    "a an the any my your our this that these those it them to for of get getting have be really "
    "actually even at all want wanted wanting need needed ask asked asking request requested like would "
    "wish expect receive accept going gonna planning plan intend intending trying try anymore more "
    # the action asked for, in the form a request or a refusal takes ("please don't send a replacement")
    "send ship process issue give offer make do start open create initiate "
    "schicken senden machen veranlassen envoyer enviar mandar inviare mandare sturen doen skicka "
    # de
    "ein eine einen einem einer eines den die das der dem des mein meine meinen meinem ihr ihre es sie "
    "mehr mal bitte wirklich eigentlich auch gar um zu haben bekommen erhalten will wollen wollte mochte "
    "mochten moechte brauche brauchen brauchte benotige wunsche gerne unbedingt so "
    # fr
    "de d un une le la les l du des mon ma mes notre nos ce cette en y vraiment veux voulons voudrais "
    "souhaite souhaitons souhaiterais demande demandons ai avons etre avoir recevoir obtenir faire besoin "
    # es
    "un una unos unas el los las lo mi mis su sus del al me te se le quiero queremos quisiera necesito "
    "pedi pido solicito solicite deseo realmente tener recibir hacer ningun ninguna "
    # it
    "uno il gli i di della dello mio mia voglio vogliamo vorrei ho abbiamo chiesto chiedo bisogno "
    "serve davvero piu avere ricevere fare alcun alcuna "
    # pt
    "um uma o os as meu minha do da dos das quero queremos gostaria preciso pedi solicitei mais ter "
    "receber fazer nenhum nenhuma "
    # nl
    "een het mijn wil willen wilde hoef hoeven heb nodig gevraagd meer krijgen ontvangen graag "
    # pl
    "chce chcemy potrzebuje prosze prosilem prosilam zadnego zadnej wcale juz zadne "
    # sv
    "ett mitt vill ha behover bad om langre fa nagon nagot"
)


_COORDINATORS = _words("or nor oder noch ou o ni of lub albo ani eller")


def _is_filler(token: str, negators: frozenset[str]) -> bool:
    if token in _FILLERS or token in negators:
        return True
    # "d'un", "l'article": an elided article and its word
    return "'" in token and all(part in _FILLERS or part in negators for part in token.split("'"))


_NEGATORS_FOR = {
    lang: (_NEGATORS | _NEGATORS_BY_LANG.get(lang, frozenset())) - _NOT_NEGATORS_BY_LANG.get(lang, frozenset())
    for lang in LANGUAGES
}
_BOUNDARIES_FOR = {lang: _BOUNDARY_WORDS | _BOUNDARY_WORDS_BY_LANG.get(lang, frozenset()) for lang in LANGUAGES}
_CLAUSE_PUNCT = re.compile(r"[.!?;,:\n\x00。！？；，、：｡､…\"«»“”()]|\s-\s")
_NEG_TOKEN = re.compile(r"\w+(?:'\w+)*")
_WINDOW_WORDS = 6  # a negator at most this many words before the keyword
_WINDOW_CHARS = 80
_NOT_NEGATING_NEXT = frozenset({"only", "nur", "seulement", "solo", "solamente", "apenas", "alleen", "tylko", "bara"})
# "Rückerstattung brauche ich nicht.", "refund is not necessary": a negator closing the clause right after
# the keyword, or before a word for "needed".
_NEEDED = _words(
    "needed necessary required wanted notig notwendig erforderlich gewunscht necessaire necessaires voulu "
    "necesario necesaria necessario necessaria nodig gewenst potrzebny potrzebna potrzebne konieczny "
    "nodvandig nodvandigt behovs behovlig"
)
# Between a keyword and a negator closing its clause, only these: the negator is then about wanting it.
_WANT_WORDS = _words(
    "i we ich wir je nous yo io ik wij jag vi eu ja my is are it ist es want wanted need needed möchte "
    "mochte möchten mochten will wollen brauche brauchen benötige benotige wünsche wunsche veux voulons "
    "quiero queremos voglio vogliamo quero queremos wil willen hoef vill behöver behover chce chcę "
    "potrzebuję potrzebuje"
)
# CJK and Thai: negation before the keyword (zh, th) or after it (ja, ko), within the clause.
_ZH_BEFORE = re.compile(
    r"(?:不要|不想|不用|不需要|不必|没有|沒有|无需|無需|无须|無須|毋须|别|別|不願意|不愿意|不打算|不会|不會|不是)$|不$"
)
_TH_BEFORE = re.compile(r"ไม่")
_JA_AFTER = re.compile(
    r"^.{0,6}?(?:ない|不要|いらない|要らない|結構です|しません|致しません|いたしません|なし|無し|やめ|必要ありません"
    r"|ではなく|じゃなく|でなく)"  # "返金ではなく、交換を": not a refund but an exchange
)
_KO_AFTER = re.compile(r"^.{0,6}?(?:(?:^|\s)안(?:\s|[해하돼되받])|않|필요\s*없|원하지|싫|말고|아니라|아니고)")
_CJK_CLAUSE = re.compile(r"[。！？；，、：!?;,.\n\x00]|但是|但|可是|不过|けど|が、|しかし|하지만|그런데|แต่")
_CJK = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\u0e00-\u0e7f]"
)


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - _WINDOW_CHARS) : start]
    last = None
    for last in _CLAUSE_PUNCT.finditer(window):  # noqa: B007 - the last boundary is what counts
        pass
    return window[last.end() :] if last else window


def negated_in(text: PreparedText, field: str, start: int, end: int, lang: str) -> bool:
    """is_negated for a hit in one of the message's fields, answered once per message."""
    key = (field, start, end, lang)
    cache = text.negations
    found = cache.get(key)
    if found is None:
        source = text.norm_subject if field == "subject" else text.norm_body
        found = cache[key] = is_negated(source, start, lang, end)
    return found


def is_negated(norm_text: str, start: int, lang: str, end: int | None = None) -> bool:
    """Is the keyword at norm_text[start:end] negated? A negator within six words before it in the same
    clause ("I do NOT want a refund", "kein Umtausch", "je ne veux pas de remboursement", "不要退款",
    "ไม่ต้องการคืนเงิน"), or after it where the language puts it ("返品はいらない", "환불 안 해요",
    "refund is not necessary", "Umtausch möchte ich nicht."). Clauses end at . ! ? ; , and at "but"/"and"
    in each language. ``end`` defaults to the end of the word at ``start``."""
    if end is None:
        m = _WORD_RUN.match(norm_text, start)
        end = m.end() if m else start + 1
    lang = (lang or "").lower()
    before = fold(_clause_before(norm_text, start))
    tokens = _NEG_TOKEN.findall(before)
    boundaries = _BOUNDARIES_FOR.get(lang, _BOUNDARY_WORDS)
    cut = max((i + 1 for i, t in enumerate(tokens) if t in boundaries), default=0)
    tokens = tokens[cut:][-_WINDOW_WORDS:]
    negators = _NEGATORS_FOR.get(lang, _NEGATORS)
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in negators or token.endswith("n't") or token.startswith("n'"):
            if token == "no" and (nxt[:1].isdigit() or before.rstrip().endswith(("no.", "no#"))):
                continue  # "order no 12345"
            if nxt in _NOT_NEGATING_NEXT:
                continue  # "not only", "nicht nur"
            between = tokens[i + 1 :]
            # "not asking for a refund or a return": a negation runs on over "or"
            last_or = max((k for k, t in enumerate(between) if t in _COORDINATORS), default=-1)
            if all(_is_filler(t, negators) for t in between[last_or + 1 :]):
                return True
    # CJK and Thai, by script: whatever the language given, these do not collide with Latin words.
    cjk_before = norm_text[max(0, start - 12) : start]
    clauses = _CJK_CLAUSE.split(cjk_before)
    cjk_before = clauses[-1] if clauses else ""
    if cjk_before and (_ZH_BEFORE.search(cjk_before) or _TH_BEFORE.search(cjk_before[-15:])):
        return True
    after_raw = norm_text[end : end + 16]
    after_clause = _CJK_CLAUSE.split(after_raw)[0] if after_raw else ""
    if after_clause and (_JA_AFTER.search(after_clause) or _KO_AFTER.search(after_clause)):
        return True
    # After the keyword, in its clause: "…, refund not needed", "Rückerstattung brauche ich nicht."
    if end > start and not _CJK.match(norm_text, end - 1):
        m = _WORD_RUN.match(norm_text, end)  # the rest of a compound ("…santrag")
        if m:
            end = m.end()
    after = fold(norm_text[end : end + _WINDOW_CHARS])
    m = _CLAUSE_PUNCT.search(after)
    clause = after[: m.start()] if m else after
    closed = m is not None or end + _WINDOW_CHARS >= len(norm_text)
    words = _NEG_TOKEN.findall(clause)
    if any(w in boundaries for w in words):
        words = words[: next(i for i, w in enumerate(words) if w in boundaries)]
        closed = True
    for i, word in enumerate(words[:5]):
        if word in negators or word.endswith("n't"):
            rest = words[i + 1 :]
            if closed and all(w in _WANT_WORDS for w in words[:i]) and (not rest or rest == ["haben"]):
                # "Umtausch möchte ich nicht.", but "Die Größe passt nicht" is a complaint about the size
                return True
            if rest and (rest[0] in _NEEDED or (len(rest) > 1 and rest[1] in _NEEDED)):
                return True
    return False


# ---------------------------------------------------------------------------------------------------
# Statutory withdrawal (German Widerruf, the EU model withdrawal form in each language)

_WITHDRAWAL = re.compile(
    r"""(?:
        \bwiderruf(?:e|en|t|s?erklarung|sformular)?\b | \bhiermit\s+widerrufe
      | \b(?:i|we)\s+hereby\s+give\s+notice\s+that\s+(?:i|we)\s+withdraw | \bhereby\s+withdraw\b
      | \bwithdraw(?:al)?\s+from\s+(?:the|my|our|this)\s+(?:contract|purchase|sale)
      | \bexercis\w*\s+(?:my|our|the)\s+right\s+(?:of|to)\s+withdraw | \bmodel\s+withdrawal\s+form
      | \bpar\s+la\s+presente\b.{0,60}\bretractation | \b(?:ma|notre)\s+retractation\b
      | \bexer\w*\s+(?:mon|notre|le)\s+droit\s+de\s+retractation | \bje\s+me\s+retracte | \bnous\s+nous\s+retractons
      | \bretractation\s+du\s+contrat | \bformulaire\s+de\s+retractation
      | \bdesisto\s+de | \bdesistimos\s+de | \bmi\s+desistimiento | \bnuestro\s+desistimiento
      | \bejer\w*\s+(?:mi|el|nuestro)\s+derecho\s+de\s+desistimiento | \bformulario\s+de\s+desistimiento
      | \b(?:notifico|notifichiamo|comunico|comunichiamo)\b.{0,40}\brecesso | \brecesso\s+dal\s+(?:mio|nostro|presente)?\s*contratto
      | \beserc\w*\s+(?:il\s+)?(?:mio\s+|nostro\s+)?diritto\s+di\s+recesso | \bmodulo\s+(?:di|per\s+il)\s+recesso
      | \bherroep(?:en|ing)?\b | \bgebruik\s+van\s+(?:mijn|ons|het)\s+herroepingsrecht | \bformulier\s+voor\s+herroeping
      | \bodstapieni\w*\s+od\s+umowy | \bodstepuje\s+od\s+umowy | \bodstepujemy\s+od\s+umowy | \bodstapic\s+od\s+umowy
      | \bangrar\s+(?:mitt|vart|kopet|kop)\b | \bfrantrader\s+(?:mitt|vart|avtalet) | \bangerblankett
      | \butnyttja\w*\s+(?:min|var)\s+angerratt
      | \b(?:resolvo|resolvemos)\s+o\s+(?:meu|nosso)\s+contrato | \blivre\s+resolucao\b
      | \bexer\w*\s+(?:o\s+)?(?:meu\s+|nosso\s+)?direito\s+de\s+(?:arrependimento|livre\s+resolucao)
      | \bpela\s+presente\b.{0,60}\b(?:resolv|desist|arrepend)
      | 청약\s*철회 | 七天无理由退货 | 七天無理由退貨 | 七日无理由退货 | クーリング・?オフ
    )""",
    re.VERBOSE,
)


# One of these is in every text _WITHDRAWAL matches: most messages have none, and then it is not run.
_WITHDRAWAL_MARKERS = (
    "widerruf",
    "withdraw",
    "retract",
    "desist",
    "recesso",
    "herroep",
    "odst",
    "angr",
    "anger",
    "frantrad",
    "resolv",
    "resoluc",
    "arrepend",
    "철회",
    "无理由",
    "無理由",
    "クーリング",
)


def find_withdrawal(norm_text: str) -> re.Match[str] | None:
    """The first statutory withdrawal wording in norm_text (NFKC + casefold) that is not negated."""
    folded = fold(norm_text)
    if not any(marker in folded for marker in _WITHDRAWAL_MARKERS):
        return None
    for m in _WITHDRAWAL.finditer(folded):
        if not is_negated(norm_text, m.start(), "", m.end()):
            return m
    return None


# ---------------------------------------------------------------------------------------------------
# Language

_LINGUA_LANGUAGES = {
    "en": "ENGLISH",
    "de": "GERMAN",
    "fr": "FRENCH",
    "es": "SPANISH",
    "it": "ITALIAN",
    "pt": "PORTUGUESE",
    "nl": "DUTCH",
    "pl": "POLISH",
    "sv": "SWEDISH",
    "ja": "JAPANESE",
    "zh": "CHINESE",
    "ko": "KOREAN",
    "th": "THAI",
}
# Below this relative distance between the best and the second-best language lingua answers None: "unsure".
MIN_RELATIVE_DISTANCE = 0.1
DETECT_CHARS = 300
# Below this many letters the best language must beat the second by this much confidence.
SHORT_TEXT_LETTERS = 25
SHORT_TEXT_MARGIN = 0.2
# From this many letters on, lingua's low-accuracy mode (trigrams only) decides: on the labelled corpus
# (13 languages) it names the same language as the full models from 60 letters on, at a third of the
# cost; below, the full models and the short-text margin decide.
LONG_TEXT_LETTERS = 60
_detector_lock = threading.Lock()
_detectors: dict[bool, object] = {}

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LETTER = re.compile(r"[^\W\d_]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[#\d][\w./-]*")


def language_detector(*, low_accuracy: bool = False):
    """lingua limited to the languages we serve, built once per process on first use (the models of a
    language load the first time it is considered); ``low_accuracy``: the trigram-only detector."""
    detector = _detectors.get(low_accuracy)
    if detector is None:
        with _detector_lock:
            detector = _detectors.get(low_accuracy)
            if detector is None:
                from lingua import Language, LanguageDetectorBuilder

                languages = [getattr(Language, name) for name in _LINGUA_LANGUAGES.values()]
                builder = LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(
                    MIN_RELATIVE_DISTANCE
                )
                if low_accuracy:
                    builder = builder.with_low_accuracy_mode()
                detector = _detectors[low_accuracy] = builder.build()
    return detector


def warm_up() -> None:
    """Build the detector and load its Latin-script models now (a worker calls this at start, so the
    first messages do not wait the seconds the models take to load)."""
    for low_accuracy in (False, True):
        language_detector(low_accuracy=low_accuracy).detect_language_of(
            "Hello, where is my order? Hallo, wo ist meine Bestellung?"
        )


def detect_language(text: str) -> str:
    """ISO 639-1 code of one of LANGUAGES, or "" when unsure. Scripts that name their language decide
    first (Hangul → ko, kana → ja, Han without kana → zh, Thai → th); lingua decides the rest."""
    text = _NOISE.sub(" ", text[: DETECT_CHARS * 2])[:DETECT_CHARS]
    letters = len(_LETTER.findall(text))
    if letters < 3:
        return ""
    hangul = len(_HANGUL.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    thai = len(_THAI.findall(text))
    share = 0.2 * letters
    if hangul and hangul >= share:
        return "ko"
    if kana and kana + han >= share:
        return "ja"
    if han and han >= share:
        return "zh"
    if thai and thai >= share:
        return "th"
    detector = language_detector()
    if letters < SHORT_TEXT_LETTERS:
        # A few words ("Bedankt", "Order refund") are often plausible in several languages: be sure or say "".
        values = detector.compute_language_confidence_values(text)
        if not values or len(values) > 1 and values[0].value - values[1].value < SHORT_TEXT_MARGIN:
            return ""
        found = values[0].language
    else:
        if letters >= LONG_TEXT_LETTERS:
            detector = language_detector(low_accuracy=True)
        found = detector.detect_language_of(text)
        if found is None:
            return ""
    code = found.iso_code_639_1.name.lower()
    return code if code in _LINGUA_LANGUAGES else ""


# ---------------------------------------------------------------------------------------------------
# Putting it together


def prepare(subject: str, body: str) -> PreparedText:
    """The message as the rules see it; ``steps`` says what was done, for "try it"."""
    subject = normalise(subject).strip()
    body_text = normalise(body)
    cleaned, removed, removal_steps = strip_history(body_text)
    norm_subject = subject.casefold()
    norm_body = cleaned.casefold()
    language = detect_language(cleaned + "\n" + subject)
    steps: list[tuple[str, str]] = [("normalise", gettext("NFKC + casefold"))]
    steps.extend(removal_steps)
    steps.append(("language", language or gettext("unknown")))
    withdrawal = find_withdrawal(norm_subject + FIELD_SEPARATOR + norm_body)
    if withdrawal:
        steps.append(
            ("withdrawal", gettext("statutory withdrawal: “%(words)s”") % {"words": withdrawal.group().strip()})
        )
    return PreparedText(
        subject=subject,
        body=cleaned,
        norm_subject=norm_subject,
        norm_body=norm_body,
        removed=removed,
        steps=tuple(steps),
        language=language,
        withdrawal=withdrawal is not None,
    )


def main_request(hits: dict[str, list[Hit]], candidates: Sequence[str]) -> str | None:
    """Which of the candidate keyword sets is the message's main request, when it asks for several things.

    The rule: the candidate whose first non-negated hit comes first, reading the subject before the body
    (so a subject "Return request" outweighs a refund mentioned in the body), except a reply's or a
    forward's subject ("RE: RMA for tablet"), which is the thread's and is read after the body. That is
    the first intent of the first sentence carrying any: people state what they want first and add
    alternatives and consequences after ("Please send a new one; if that is not possible, a refund"). At
    the same position the longer keyword wins ("money back" over "money"), then the earlier candidate.
    None: no candidate has a non-negated hit."""
    best: tuple[int, int, int, int] | None = None
    winner = None
    for order, name in enumerate(candidates):
        for hit in hits.get(name, ()):
            if hit.negated:
                continue
            place = 1 if hit.field == "body" else 2 if hit.reply_subject else 0
            key = (place, hit.start, -(hit.end - hit.start), order)
            if best is None or key < best:
                best, winner = key, name
    return winner
