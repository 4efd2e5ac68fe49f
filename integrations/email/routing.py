"""Which store an email belongs to, by the addresses it was sent to, and the quarantine for mail
that belongs to none (kept for an admin; never put in another store's inbox)."""

from __future__ import annotations

from collections.abc import Iterable

from tickets.models import Mailbox, Store

from ..models import QuarantinedEmail
from .parse import EmailParseError, header_text, message_id, parse_message, recipient_candidates, sender


def recipients(raw: bytes) -> list[str]:
    """Lower-case recipient addresses, most telling first (Delivered-To, X-Original-To, To, Cc)."""
    return recipient_candidates(parse_message(raw))


def without_tag(address: str) -> str:
    """``support+tag@shop.test`` → ``support@shop.test`` (plus-addressing)."""
    local, at, domain = address.strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}"


def mailbox_for_recipients(addresses: Iterable[str]) -> Mailbox | None:
    """The first of ``addresses`` that is a known mailbox: exactly, or without its +tag."""
    wanted: list[str] = []
    for address in addresses:
        for candidate in (address.strip().lower(), without_tag(address)):
            if candidate and candidate not in wanted:
                wanted.append(candidate)
    if not wanted:
        return None
    found = {m.address: m for m in Mailbox.objects.select_related("store").filter(address__in=wanted)}
    return next((found[address] for address in wanted if address in found), None)


def store_for_recipients(addresses: Iterable[str]) -> Store | None:
    mailbox = mailbox_for_recipients(addresses)
    return mailbox.store if mailbox is not None else None


def quarantine(raw: bytes, reason: str) -> QuarantinedEmail:
    """Keep ``raw`` for an admin to assign or drop, with what its headers say (when readable)."""
    fields = {"sender": "", "recipients": "", "subject": "", "message_id": ""}
    try:
        message = parse_message(raw)
    except EmailParseError:
        message = None
    if message is not None:
        name, address = sender(message)
        fields = {
            "sender": (f"{name} <{address}>" if name else address)[:254],
            "recipients": ", ".join(recipient_candidates(message)),
            "subject": " ".join(header_text(message, "Subject").split())[:300],
            "message_id": message_id(message, raw)[:255],
        }
    return QuarantinedEmail.objects.create(raw=bytes(raw), reason=reason[:200], **fields)
