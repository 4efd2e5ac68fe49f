"""The adapter that polls one mailbox over IMAP: stream ``mailbox:<id>``, cursor
``{"uidvalidity": n, "last_uid": n}``, one RawPage (``{"base64": ...}``) per message.

When the folder's UIDVALIDITY changes, its UIDs mean other messages: the cursor restarts from 0.
That re-reads the folder, which is safe because messages are stored once per Message-ID.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from tickets.records import Record

from ..base import Page, PermanentError, PushResult, RawPage
from .imap import MAX_MESSAGE_BYTES, open_mailbox
from .parse import EmailParseError, parse_email

# A page is one IMAP session and one database transaction: 200 messages spread their fixed cost
# (login, search, the commit) thin; the byte budget keeps a page of large mails within memory.
PAGE_SIZE = 200
PAGE_BYTES = 64 * 2**20


def decode_body(body: Any) -> bytes:
    if isinstance(body, dict) and isinstance(body.get("base64"), str):
        return base64.b64decode(body["base64"])
    if isinstance(body, dict) and isinstance(body.get("text"), str):
        return body["text"].encode("utf-8", "surrogateescape")
    raise EmailParseError(_("An email payload holds base64 or text."))


def encode_body(raw: bytes, **extra: Any) -> dict[str, Any]:
    return {"base64": base64.b64encode(raw).decode("ascii"), **extra}


def _within_budget(batch: list[int], sizes: dict[int, int]) -> list[int]:
    """The first messages of ``batch`` whose bytes fit PAGE_BYTES (always at least one)."""
    total = 0
    for index, uid in enumerate(batch):
        size = sizes.get(uid, 0)
        total += size if size <= MAX_MESSAGE_BYTES else 0  # an oversized one is not fetched
        if total > PAGE_BYTES and index:
            return batch[:index]
    return batch


class EmailAdapter:
    platform = "email"

    def __init__(self, mailbox, imap_connection, *, page_size: int = PAGE_SIZE) -> None:
        self.mailbox = mailbox
        self.connection = imap_connection
        self.page_size = page_size
        self.streams = (f"mailbox:{mailbox.pk}",)

    def pull(self, stream: str, cursor: dict[str, Any], *, now: datetime) -> Page:
        if stream not in self.streams:
            raise PermanentError(_("%(stream)s is not this mailbox's stream.") % {"stream": stream})
        with open_mailbox(self.connection) as box:
            uidvalidity = box.folder.uidvalidity
            last_uid = int(cursor.get("last_uid") or 0) if cursor.get("uidvalidity") == uidvalidity else 0
            pending = box.uids_after(last_uid)
            batch = pending[: self.page_size]
            sizes = box.sizes(batch)
            batch = _within_budget(batch, sizes)
            wanted = [uid for uid in batch if sizes.get(uid, 0) <= MAX_MESSAGE_BYTES]
            bodies = box.bodies(wanted)
            calls = box.calls
        raw_pages: list[RawPage] = []
        records: list[Record] = []
        failures: list[tuple[Any, str]] = []
        for uid in batch:
            element = {"mailbox": self.mailbox.address, "uid": uid, "uidvalidity": uidvalidity}
            if uid not in bodies:
                reason = (
                    _("The message is larger than %(mb)d MB.") % {"mb": MAX_MESSAGE_BYTES // 2**20}
                    if uid not in wanted
                    else _("The server returned no body for this message.")
                )
                failures.append(({**element, "size": sizes.get(uid)}, reason))
                continue
            raw = bodies[uid]
            try:
                record = parse_email(raw)
            except EmailParseError as error:
                failures.append((encode_body(raw, **element), str(error)))
                continue
            records.append(record)
            raw_pages.append(RawPage(body=encode_body(raw, uid=uid), external_id=record.external_id or f"uid:{uid}"))
        next_cursor = {"uidvalidity": uidvalidity, "last_uid": batch[-1] if batch else last_uid}
        return Page(
            raw=tuple(raw_pages),
            records=tuple(records),
            cursor=next_cursor,
            has_more=len(pending) > len(batch),
            failures=tuple(failures),
            calls=calls,
        )

    def parse(self, stream: str, body: Any) -> tuple[tuple[Record, ...], tuple[tuple[Any, str], ...]]:
        try:
            return (parse_email(decode_body(body)),), ()
        except (EmailParseError, ValueError) as error:
            return (), ((body, str(error) or type(error).__name__),)

    def push(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult:
        if kind != "send_reply":
            raise PermanentError(_("An email mailbox cannot %(kind)s.") % {"kind": kind})
        from tickets.models import Message

        from .outbound import send_reply

        return send_reply(Message.objects.select_related("ticket__store").get(pk=payload["message_id"]))

    def lookup(self, kind: str, payload: dict[str, Any], *, idempotency_key: str) -> PushResult | None:
        return None  # SMTP cannot be asked what it delivered; send_reply itself skips a sent message

    def test_connection(self) -> str:
        with open_mailbox(self.connection) as box:
            return _("%(folder)s: %(count)d messages") % {"folder": self.connection.folder, "count": box.folder.exists}
