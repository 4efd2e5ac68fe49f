"""In-app notifications: who hears of what (the bell in the top bar lists them, newest first), and
the e-mail copy for the kinds a user chose in their settings.

``notify`` is the one entry point: assignments, mentions in notes, SLA sweeps, QC failures and
refund decisions all come through it."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Message, Notification, Refund, Store, StoreMembership, Ticket
from ..models.notifications import NotificationKind
from ..roles import SUPERVISOR
from ..sanitize import plain_text, truncate

log = logging.getLogger("tickets.notifications")
EMAIL_TASK = "tickets.email_notifications"
# The bell shows an exact count up to this, then "99+": the count never walks more rows.
BELL_CAP = 99
# "@name" in a note: Django usernames are letters, digits and @.+-_; an e-mail address (a letter
# before the @) is not a mention. A trailing dot or dash is the sentence's, not the name's.
MENTION = re.compile(r"(?<![\w.@+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20


def notify(users: Iterable, kind: str, *, ticket: Ticket, detail: str = "", actor=None) -> int:
    """One notification per user (members of the ticket's store only; a user named twice hears
    once; the actor never hears of their own deed). Users who chose this kind by e-mail get it by
    e-mail too, after the transaction commits."""
    NotificationKind(kind)
    ids = {getattr(user, "pk", user) for user in users if user is not None}
    ids.discard(getattr(actor, "pk", None))
    if not ids:
        return 0
    members = set(
        StoreMembership.objects.filter(store_id=ticket.store_id, user_id__in=ids, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )
    if not members:
        return 0
    by_email = _wanting_email(members, kind)
    rows = [
        Notification(
            user_id=pk,
            kind=kind,
            ticket=ticket,
            store_id=ticket.store_id,
            detail=detail[:200],
            email_due=pk in by_email,
        )
        for pk in sorted(members)
    ]
    Notification.objects.bulk_create(rows)
    due = [row.pk for row in rows if row.email_due]
    if due:
        transaction.on_commit(lambda: queue_emails(due))
    return len(rows)


def _wanting_email(user_ids: set[int], kind: str) -> set[int]:
    """Those of ``user_ids`` with an address who chose ``kind`` by e-mail (read in Python: SQLite
    has no JSON containment)."""
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids, profile__isnull=False)
        .exclude(email="")
        .values_list("pk", "profile__email_kinds")
    )
    return {pk for pk, kinds in rows if kind in (kinds or ())}


def queue_emails(ids: list[int]) -> None:
    from celery import current_app

    try:
        current_app.send_task(EMAIL_TASK, args=[ids])
    except Exception:  # noqa: BLE001 - beat's sweep sends whatever a lost task left
        log.warning("could not queue notification e-mails", exc_info=True)


def send_emails(ids: Iterable[int] | None = None, *, limit: int = 500) -> int:
    """Send the due e-mails of notifications ``ids`` (all pending ones when None): each at most
    once, claimed before it is sent, released again if the mail server refuses it."""
    pending = Notification.objects.filter(email_due=True, emailed_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    sent = 0
    for pk in pending.order_by("pk").values_list("pk", flat=True)[:limit]:
        claimed_at = timezone.now()
        if not Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=claimed_at):
            continue  # another worker has it
        row = Notification.objects.select_related("user__profile", "ticket", "store").get(pk=pk)
        try:
            if not _send_one(row):
                continue
        except Exception:  # noqa: BLE001 - released for the next sweep; the others still go
            Notification.objects.filter(pk=pk, emailed_at=claimed_at).update(emailed_at=None)
            log.warning("notification e-mail %s not sent", pk, exc_info=True)
            continue
        sent += 1
    return sent


def _send_one(row: Notification) -> bool:
    user = row.user
    if not user.is_active or not seen_by(user).filter(pk=row.pk).exists():
        return False  # left the store (or the team) since: claimed, never sent
    profile = getattr(user, "profile", None)
    language = (profile.language if profile else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        what = str(NotificationKind(row.kind).label)
        if row.ticket_id:
            subject = f"{what}: #{row.ticket.number} {row.ticket.subject}"[:200]
            link = settings.SITE_URL + reverse("ticket", args=[row.ticket.number])
        else:
            subject, link = what, settings.SITE_URL + reverse("notifications")
        footer = _("You get this e-mail because you chose it in your settings.")
        body = "\n".join([what, row.detail, "", link, "", footer])
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


# --- The emitters: one per thing that happens ----------------------------------------------------


def mentioned_usernames(text: str) -> list[str]:
    names = []
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".-")
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    return names[:MAX_MENTIONS]


def notify_mentions(message: Message, *, actor) -> int:
    """Each colleague named as @username in an internal note hears of it, if they can see the
    ticket (members of its store; notify drops the others)."""
    names = mentioned_usernames(plain_text(message.body))
    if not names:
        return 0
    named = Q()
    for name in names:
        named |= Q(username__iexact=name)
    users = get_user_model().objects.filter(named).values_list("pk", flat=True)
    return notify(
        users,
        NotificationKind.MENTIONED,
        ticket=message.ticket,
        detail=truncate(plain_text(message.body), 160),
        actor=actor,
    )


def notify_refund_decided(refund: Refund, *, actor=None) -> int:
    """The refund's requester hears that it was approved, rejected, or went through or failed on
    the platform (for the refunds service to call at each decision)."""
    if refund.requested_by_id is None:  # asked for by automation: nobody to tell
        return 0
    detail = f"{refund.money.format()} · {refund.get_status_display()}"
    return notify(
        [refund.requested_by_id],
        NotificationKind.REFUND_DECIDED,
        ticket=Ticket.objects.get(pk=refund.ticket_id),
        detail=detail,
        actor=actor,
    )


def supervisors_of(store_id: int) -> list[int]:
    return list(
        get_user_model()
        .objects.filter(store_memberships__store_id=store_id, groups__name=SUPERVISOR, is_active=True)
        .values_list("pk", flat=True)
        .distinct()
    )


def escalate(ticket: Ticket, *, detail: str = "", actor=None, actor_kind: str | None = None, note: str = "") -> int:
    """Tell the store's supervisors a ticket needs them (a triage rule's "escalate"), audited
    (``note``: the audit note, "Rule ‹name›"); returns how many heard of it."""
    from . import audit

    told = notify(
        supervisors_of(ticket.store_id), NotificationKind.ESCALATED, ticket=ticket, detail=detail or note, actor=actor
    )
    audit.record(
        actor=actor,
        actor_kind=actor_kind,
        action="ticket.escalated",
        obj=ticket,
        after={"supervisors": told, **({"detail": detail[:200]} if detail else {})},
        note=note,
    )
    return told


# --- The bell ------------------------------------------------------------------------------------


def seen_by(user):
    """The user's notifications of stores they are still a member of: one removed from a store
    no longer reads what happens there, in the bell or by e-mail."""
    return Notification.objects.filter(user=user).filter(
        Q(store__isnull=True) | Q(store__in=Store.objects.visible_to(user).values("pk"))
    )


def unread_count(user) -> int:
    """Unread notifications, counted up to BELL_CAP + 1 (the index on user + read_at answers it)."""
    return seen_by(user).filter(read_at__isnull=True)[: BELL_CAP + 1].count()


def badge(count: int) -> str:
    return f"{BELL_CAP}+" if count > BELL_CAP else str(count)


def latest(user, *, limit: int = 20) -> list[Notification]:
    return list(seen_by(user).select_related("ticket")[:limit])


def mark_read(user, *, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (``ids``, or all). Someone else's ids match nothing."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
