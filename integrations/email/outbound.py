"""Replies to buyers by SMTP (Django's email backend): From the store's sender name and support
address, threaded with Message-ID / In-Reply-To / References, signed, with attachments.

Idempotent as far as SMTP allows: the reply's Message-ID is stored on the message before it is
sent, so a retry reuses it (a buyer's mail client shows a duplicate once), and a message already
marked sent is not sent again.
"""

from __future__ import annotations

import html
import re
import secrets
import smtplib
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _

from tickets.models import Direction, Mailbox, MailboxKind, Message, SendStatus

from ..base import PermanentError, PushResult, RetryableError
from .parse import normalize_message_id

# Addresses that are robots: a reply to them is at best lost and at worst starts a mail loop.
_ROBOT_LOCAL_PARTS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|auto-?reply|autoresponder)([+.\-_].*)?$"
)
MAX_REFERENCES = 20


def is_robot_address(address: str) -> bool:
    local = address.strip().lower().split("@", 1)[0]
    return bool(_ROBOT_LOCAL_PARTS.match(local))


def sender_address(store) -> str:
    """The store's support mailbox (else any of its mailboxes, else DEFAULT_FROM_EMAIL)."""
    mailboxes = list(Mailbox.objects.filter(store=store).order_by("pk"))
    support = next((m for m in mailboxes if m.kind == MailboxKind.SUPPORT), None)
    chosen = support or (mailboxes[0] if mailboxes else None)
    return chosen.address if chosen else settings.DEFAULT_FROM_EMAIL


def _inbound(message: Message):
    return Message.objects.filter(ticket_id=message.ticket_id, direction=Direction.INBOUND).order_by(
        "-created_at", "-id"
    )


def recipient(message: Message) -> str:
    """The buyer: the ticket's customer email, else the last inbound message's sender. Never a
    robot, an automated message's sender, or one of our own mailboxes (a loop)."""
    ticket = message.ticket
    address = (ticket.customer.email if ticket.customer_id and ticket.customer else "").strip().lower()
    last = _inbound(message).exclude(sender_address="").first()
    if not address and last is not None:
        if last.automated:
            raise PermanentError(_("The last message was automated (an auto-reply or bounce): no reply is sent."))
        address = last.sender_address.strip().lower()
    if not address or "@" not in address:
        raise PermanentError(_("The buyer has no email address to reply to."))
    if is_robot_address(address):
        raise PermanentError(_("%(address)s is an automated address: no reply is sent.") % {"address": address})
    if Mailbox.objects.filter(address=address).exists():
        raise PermanentError(_("%(address)s is one of our own mailboxes: no reply is sent.") % {"address": address})
    return address


def subject_for(ticket) -> str:
    subject = " ".join((ticket.subject or "").split())
    marker = f"[#{ticket.number}]"
    if not re.match(r"(?i)^(re|aw|sv|vs|antw)\s*:", subject):
        subject = f"Re: {subject}" if subject else "Re:"
    return subject if marker in subject else f"{subject} {marker}"


def html_to_text(body: str) -> str:
    """A plain-text alternative of sanitized HTML: breaks and paragraphs kept, tags dropped."""
    text = re.sub(r"(?i)<br\s*/?>", "\n", body)
    text = re.sub(r"(?i)</(p|div|li|h[1-6]|tr|blockquote)>", "\n\n", text)
    text = re.sub(r"(?i)<li[^>]*>", "- ", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _thread_ids(message: Message) -> tuple[str, list[str]]:
    """(In-Reply-To, References): the last inbound message's id, and the thread's ids in order."""
    last = _inbound(message).exclude(platform_message_id="").first()
    in_reply_to = normalize_message_id(last.platform_message_id) if last else ""
    ids: list[str] = []
    rows = (
        Message.objects.filter(ticket_id=message.ticket_id)
        .exclude(pk=message.pk)
        .exclude(platform_message_id="")
        .exclude(direction=Direction.NOTE)
        .order_by("created_at", "id")
        .values_list("platform_message_id", flat=True)
    )
    for value in rows:
        normal = normalize_message_id(value)
        if normal.startswith("<") and "@" in normal and normal not in ids:
            ids.append(normal)
    if in_reply_to and in_reply_to in ids:
        ids.remove(in_reply_to)
        ids.append(in_reply_to)  # RFC 5322: References ends with the message replied to
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1) :]  # keep the thread's root
    return in_reply_to, ids


def _own_message_id(message: Message, from_address: str) -> str:
    """The reply's Message-ID, created and stored once (before sending) and reused on a retry."""
    if message.platform_message_id:
        return message.platform_message_id
    domain = from_address.rsplit("@", 1)[-1] or "aftersales.localhost"
    value = f"<aftersales.{message.pk}.{secrets.token_hex(8)}@{domain}>"
    # Only a message that has none yet gets one, so two racing retries agree on the same id.
    Message.objects.filter(pk=message.pk, platform_message_id="").update(platform_message_id=value)
    message.refresh_from_db(fields=["platform_message_id"])
    return message.platform_message_id


def build_reply(message: Message, *, auto_acknowledgement: bool = False) -> EmailMultiAlternatives:
    """The email for an outbound message (without sending it)."""
    ticket = message.ticket
    store = ticket.store
    to_address = recipient(message)
    from_address = sender_address(store)
    message_id = _own_message_id(message, from_address)
    in_reply_to, references = _thread_ids(message)
    signature = (store.email_signature or "").strip()
    body_html = message.body
    body_text = html_to_text(message.body)
    if signature:
        body_html += '<div class="signature"><br>-- <br>' + html.escape(signature).replace("\n", "<br>") + "</div>"
        body_text += "\n\n-- \n" + signature
    headers = {"Message-ID": message_id}
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = " ".join(references)
    if auto_acknowledgement:
        # RFC 3834: marks our automatic answer so the buyer's auto-responder does not answer it.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMultiAlternatives(
        subject=subject_for(ticket),
        body=body_text,
        from_email=formataddr((store.email_sender_name or store.name, from_address)),
        to=[to_address],
        headers=headers,
    )
    email.attach_alternative(body_html, "text/html")
    for attachment in message.attachments.all().order_by("pk"):
        with attachment.file.open("rb") as handle:
            email.attach(attachment.original_name, handle.read(), attachment.content_type)
    return email


def send_reply(message: Message, *, auto_acknowledgement: bool = False) -> PushResult:
    """Send an outbound message of an email ticket to the buyer. ``auto_acknowledgement`` is for
    automatic answers only (they carry ``Auto-Submitted: auto-replied``); never for an agent."""
    if message.direction != Direction.OUTBOUND:
        raise PermanentError(_("Only outbound messages are sent."))
    if message.send_status == SendStatus.SENT and message.platform_message_id:
        return PushResult(done=True, reference=message.platform_message_id, details={"skipped": "already sent"})
    email = build_reply(message, auto_acknowledgement=auto_acknowledgement)
    reference = email.extra_headers["Message-ID"]
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPResponseException as error:
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error)
        if 500 <= error.smtp_code < 600:
            raise PermanentError(_("The mail server refused the reply."), platform_message=text) from error
        raise RetryableError(_("The mail server deferred the reply."), platform_message=text) from error
    except smtplib.SMTPRecipientsRefused as error:
        raise PermanentError(_("The mail server refused the recipient."), platform_message=str(error)) from error
    except (smtplib.SMTPException, OSError) as error:
        raise RetryableError(_("Cannot reach the mail server: %(error)s") % {"error": error}) from error
    Message.objects.filter(pk=message.pk).update(send_status=SendStatus.SENT, send_error="")
    message.send_status = SendStatus.SENT
    return PushResult(done=True, reference=reference)
