"""Parse one RFC 822 email (bytes) into a ``MessageRecord``: charsets, RFC 2047 headers, the HTML
or plain text body, attachments, threading headers, and whether it is an automated message.

Pure: no database, no network. The body is not sanitized here (ingest runs tickets/sanitize.py);
plain text is only escaped and given paragraphs so every body is HTML.
"""

from __future__ import annotations

import binascii
import hashlib
import html
import re
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.quoprimime import header_decode
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from tickets.records import AttachmentRecord, BuyerRecord, MessageRecord

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_ID_LENGTH = 191  # Message.platform_message_id
MAX_REFERENCES = 30
# A Date this far ahead of now is a broken clock (or spam) and would sort above everything.
MAX_FUTURE = timedelta(days=1)

AMAZON_ORDER_NUMBER = re.compile(r"(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])")
_ID_TOKEN = re.compile(r"<([^<>\s]+)>")
_AUTOMATED_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
_DAEMON_LOCAL_PARTS = {"mailer-daemon", "postmaster"}
_REPORT_TYPES = {"delivery-status", "disposition-notification"}
# An RFC 2047 encoded word (as email.header reads it); whitespace between two of them is dropped.
_ENCODED_WORD = re.compile(r"=\?([^?]*?)\?([qQbB])\?(.*?)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
# compat32 keeps every header as the text that came (8-bit bytes as surrogates) and parses none
# of them: about five times faster than the default policy's header objects, and what we need of
# a header (its decoded text, its addresses) is done below.
_PARSER = BytesParser(policy=policy.compat32)

# Labels mail clients write that Python knows by another name, or whose superset decodes what
# real clients send (Outlook's "iso-8859-1" is windows-1252; "gb2312" mail is usually GBK).
_CHARSET_ALIASES = {
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}


class EmailParseError(ValueError):
    """The bytes are not an email we can read (empty, or no header at all)."""


def parse_message(raw: bytes) -> Message:
    """The ``email`` package's view of ``raw``; EmailParseError when it is not a message."""
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise EmailParseError("The email is empty.")
    message = _PARSER.parsebytes(bytes(raw))
    if not message.keys():
        raise EmailParseError("This is not an email: it has no headers.")
    return message


def parse_email(raw: bytes) -> MessageRecord:
    """One email as the record ingest takes (channel ``email``)."""
    message = parse_message(raw)
    sender_name, sender_address = sender(message)
    subject = _collapse(header_text(message, "Subject"))
    candidates = recipient_candidates(message)
    language = _language(header_text(message, "Content-Language"))
    order = AMAZON_ORDER_NUMBER.search(subject)
    return MessageRecord(
        external_id=message_id(message, raw),
        channel="email",
        sent_at=sent_at(message),
        body_html=body_html(message),
        subject=subject,
        sender_name=sender_name,
        sender_address=sender_address,
        recipient_address=candidates[0] if candidates else "",
        order_number=order.group(0) if order else "",
        in_reply_to=next(iter(message_ids(header_text(message, "In-Reply-To"))), ""),
        references=tuple(message_ids(header_text(message, "References")))[-MAX_REFERENCES:],
        language=language,
        automated=is_automated(message, sender_address),
        attachments=tuple(attachments(message)),
        buyer=BuyerRecord(email=sender_address, name=sender_name, language=language)
        if sender_address or sender_name
        else None,
    )


# --- headers ---------------------------------------------------------------------------------


def header_text(message: Message, name: str) -> str:
    """A header's decoded text ("" when absent), unfolded. RFC 2047 words in any charset are
    decoded; raw 8-bit bytes (which some mailers put in headers) are read as UTF-8, else windows-1252."""
    value = _raw_header(message, name)
    if value is None:
        return ""
    return _decode_words(_fix_surrogates(_unfold(value)))


def _raw_header(message: Message, name: str) -> str | None:
    """The first ``name`` header as it came (compat32 keeps it so: folded, 8-bit bytes as surrogates)."""
    name = name.lower()
    for key, value in message.raw_items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


def _raw_headers(message: Message, name: str) -> list[str]:
    name = name.lower()
    return [
        value if isinstance(value, str) else str(value) for key, value in message.raw_items() if key.lower() == name
    ]


def _unfold(value: str) -> str:
    return _FOLD.sub("", value).rstrip("\r\n")


def _decode_words(text: str) -> str:
    """``text`` with its RFC 2047 encoded words decoded. Adjacent words in one charset are joined
    before decoding (a character may be split between two); a word that cannot be decoded stays
    as it came."""
    if "=?" not in text:
        return text
    out: list[str] = []
    pending = b""
    pending_charset: str | None = None
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[pos : match.start()]
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 allows a language: utf-8*en
        try:
            data = _word_bytes(match.group(2), match.group(3))
        except (binascii.Error, ValueError):
            data = None
        if data is None:
            out.append(decode_bytes(pending, pending_charset) if pending_charset is not None else "")
            pending, pending_charset = b"", None
            out.append(between + match.group(0))
        else:
            if pending_charset is not None and (not between or between.isspace()):
                if charset.lower() != pending_charset.lower():
                    out.append(decode_bytes(pending, pending_charset))
                    pending = b""
                pending += data
            else:
                if pending_charset is not None:
                    out.append(decode_bytes(pending, pending_charset))
                out.append(between)
                pending = data
            pending_charset = charset
        pos = match.end()
    if pending_charset is not None:
        out.append(decode_bytes(pending, pending_charset))
    out.append(text[pos:])
    return "".join(out)


def _word_bytes(encoding: str, encoded: str) -> bytes:
    if encoding in "qQ":
        return header_decode(encoded).encode("latin-1")
    encoded = encoded + "==="[: (4 - len(encoded) % 4) % 4]
    return binascii.a2b_base64(encoded.encode("ascii"))


def _fix_surrogates(text: str) -> str:
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"), None)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(decoded display name, address) of an address header. The list is split before the names
    are decoded: a decoded name may hold a comma or a quote."""
    raw = _raw_header(message, name)
    if raw is None:
        return []
    found = []
    for display, address in getaddresses([_unfold(raw)]):
        if "@" in address:
            found.append((_decode_words(_fix_surrogates(display)), address))
    return found


def sender(message: Message) -> tuple[str, str]:
    """(display name, lower-case address) of From (Sender when From is unreadable)."""
    for name in ("From", "Sender"):
        found = _addresses(message, name)
        if found:
            display, address = found[0]
            return _collapse(display), _fix_surrogates(address).strip().lower()
    display, address = parseaddr(header_text(message, "From"))
    return _collapse(display), address.strip().lower()


def recipient_candidates(message: Message) -> list[str]:
    """Lower-case addresses the mail was sent to, most telling first: Delivered-To and
    X-Original-To (what the mail server delivered to, after aliases), then To and Cc."""
    seen: list[str] = []
    for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
        for value in _raw_headers(message, name):
            raw = _fix_surrogates(_unfold(value))
            for _display, address in getaddresses([raw]):
                address = address.strip().lower()
                if "@" in address and address not in seen:
                    seen.append(address)
    return seen


def normalize_message_id(value: str) -> str:
    """The one form we store a Message-ID in: ``<local@domain>``. An id longer than the column is
    replaced by a stable hash of itself, the same wherever it appears (its own header, or a
    reply's In-Reply-To / References)."""
    value = value.strip()
    if not value:
        return ""
    match = _ID_TOKEN.search(value)
    core = match.group(1) if match else value.strip("<> \t")
    if not core:
        return ""
    normal = f"<{core}>"
    if len(normal) > MAX_ID_LENGTH:
        normal = f"<sha256.{hashlib.sha256(core.encode('utf-8', 'surrogateescape')).hexdigest()}@long-id.invalid>"
    return normal


def message_ids(text: str) -> list[str]:
    """The Message-IDs in an In-Reply-To or References header, in order, normalized."""
    found = _ID_TOKEN.findall(text)
    if not found and text.strip() and " " not in text.strip():
        found = [text.strip()]  # a bare id without brackets, as a few mailers write
    out: list[str] = []
    for core in found:
        normal = normalize_message_id(core)
        if normal and normal not in out:
            out.append(normal)
    return out


def message_id(message: Message, raw: bytes) -> str:
    """The Message-ID, normalized; for mail without one, an id derived from its bytes, so the
    same mail fetched twice is still stored once."""
    normal = normalize_message_id(header_text(message, "Message-ID"))
    if normal:
        return normal
    return f"<sha256.{hashlib.sha256(bytes(raw)).hexdigest()}@no-message-id.invalid>"


def sent_at(message: Message, *, now: datetime | None = None) -> datetime:
    """Date as aware UTC; now when it is missing, unreadable, or implausibly far in the future."""
    now = now or datetime.now(UTC)
    text = header_text(message, "Date")
    if not text:
        return now
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return now
    if when is None:
        return now
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return now if when > now + MAX_FUTURE else when


def _language(text: str) -> str:
    first = text.split(",")[0].strip()
    return first[:16] if re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", first) else ""


# --- automated mail ----------------------------------------------------------------------------


def is_automated(message: Message, sender_address: str = "") -> bool:
    """An auto-reply, a bounce, a read receipt, a list or bulk mail, a mailer daemon: stored,
    but it opens no ticket and is never answered (that is how mail loops start)."""
    auto_submitted = header_text(message, "Auto-Submitted").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    if _raw_header(message, "X-Autoreply") is not None or _raw_header(message, "X-Autorespond") is not None:
        return True
    if header_text(message, "Precedence").strip().lower() in _AUTOMATED_PRECEDENCE:
        return True
    return_path = header_text(message, "Return-Path").strip()
    if _raw_header(message, "Return-Path") is not None and return_path.strip("<> \t") == "":
        return True
    local = (sender_address or sender(message)[1]).split("@", 1)[0]
    if local in _DAEMON_LOCAL_PARTS:
        return True
    if message.get_content_type() == "multipart/report":
        return (message.get_param("report-type") or "").lower() in _REPORT_TYPES
    return False


# --- body and attachments ----------------------------------------------------------------------


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in a declared charset as text. Labels map to what real mailers mean by them; an
    unknown label or a missing one tries UTF-8, then windows-1252; undecodable bytes become U+FFFD."""
    label = (charset or "").strip().strip('"').lower()
    codec = _CHARSET_ALIASES.get(label, label)
    if codec:
        try:
            return data.decode(codec, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


def part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = str(part.get_payload() or "").encode("utf-8", "surrogateescape")
    return decode_bytes(payload, part.get_content_charset())


def text_to_html(text: str) -> str:
    """Plain text as simple HTML: escaped, blank lines make paragraphs, line breaks stay."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def body_html(message: Message) -> str:
    """The HTML body if there is one, else the plain text converted; "" when neither exists."""
    try:
        part = _body_part(message)
    except Exception:
        part = None
    if part is None:
        part = next(
            (p for p in message.walk() if p.get_content_maintype() == "text" and not p.is_multipart()),
            None,
        )
    if part is None:
        return ""
    text = part_text(part)
    if part.get_content_subtype() == "html":
        return text
    return text_to_html(text)


def _body_part(message: Message) -> Message | None:
    """The part ``EmailMessage.get_body(preferencelist=("html", "plain"))`` picks: the first HTML
    part, else the first plain one, outside attachments, following only a multipart/related's root."""
    best: Message | None = None
    for part in _text_parts(message):
        if part.get_content_subtype() == "html":
            return part
        if best is None:
            best = part
    return best


def _text_parts(part: Message):
    if part.get_content_disposition() == "attachment":
        return
    maintype = part.get_content_maintype()
    if maintype == "text":
        if part.get_content_subtype() in ("html", "plain"):
            yield part
        return
    if maintype != "multipart" or not part.is_multipart():
        return
    subparts = part.get_payload()
    if part.get_content_subtype() != "related":
        for subpart in subparts:
            yield from _text_parts(subpart)
        return
    start = part.get_param("start")
    root = next((p for p in subparts if start and p.get("Content-ID") == start), None)
    if root is None and subparts:
        root = subparts[0]
    if root is not None:
        yield from _text_parts(root)


def _safe_filename(name: str) -> str:
    name = _fix_surrogates(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch >= " " and ch != "\x7f").strip()
    return name[:255] or "attachment"


def attachments(message: Message) -> list[AttachmentRecord]:
    """Parts with a file name, except inline parts with a Content-ID (images the HTML shows: logos,
    signatures) and parts over 20 MB. Inline photos without a Content-ID (as phones send them)
    are the buyer's evidence and are kept."""
    found: list[AttachmentRecord] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        try:
            filename = part.get_filename()
        except Exception:
            filename = None
        if not filename:
            continue
        filename = _decode_words(_fix_surrogates(filename))  # Outlook and Gmail encode names as RFC 2047 words
        if part.get_content_disposition() == "inline" and part.get("Content-ID"):
            continue
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes) or len(content) > MAX_ATTACHMENT_BYTES:
            continue
        found.append(
            AttachmentRecord(filename=_safe_filename(filename), content_type=part.get_content_type(), content=content)
        )
    return found
