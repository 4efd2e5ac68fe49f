"""What the IDOR matrix and the URL sweep share: a store whose every object carries a marker,
users of another store in each role, and the comparison of the answer for one of those objects
with the answer for an id that does not exist (the two must be the same, so ids tell nothing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from rest_framework.test import APIClient

from integrations.models import MailboxConnection, RawPayload, StoreConnection, SyncCursor
from tests import factories
from tickets import models as m

MARKER = "SECRET-OF-STORE-B"
# An id no row has. Long and odd enough that it is echoed only where the page echoes the id.
MISSING_ID = 987_654_321
ROLES = [factories.AGENT, factories.SUPERVISOR, factories.FINANCE, factories.ADMIN]

# Parts of a page that change from one request to the next whatever was asked: masked CSRF
# tokens (64 characters, new each render) and the per-response script nonce.
_VOLATILE = [
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])"), "<csrf-token>"),
    (re.compile(r'nonce="[^"]*"'), 'nonce="<nonce>"'),
    (re.compile(r"nonce-[A-Za-z0-9+/=_-]+"), "nonce-<nonce>"),
]


def store_b_objects() -> dict[type[models.Model], models.Model]:
    """One object of each store-owned model, all in a store nobody of the test's store belongs
    to, each with the marker in a field a page would show."""
    store = factories.StoreFactory(name=f"{MARKER} store", marketplace=f"{MARKER.lower()}.example")
    member = factories.user_with_role(f"{MARKER}-member", factories.SUPERVISOR, stores=[store], approval_limit="50")
    customer = factories.CustomerFactory(store=store, name=f"{MARKER} buyer")
    order = factories.OrderFactory(store=store, customer=customer, number=f"#{MARKER}")
    ticket = factories.TicketFactory(store=store, customer=customer, order=order, subject=MARKER)
    message = factories.MessageFactory(ticket=ticket, body=f"<p>{MARKER}</p>")
    rule = m.Rule.objects.create(name=f"{MARKER} rule", store=store, event=m.RuleEvent.TICKET_CREATED, actions=[])
    macro = m.Macro.objects.create(name=f"{MARKER} macro", store=store)
    mailbox = m.Mailbox.objects.create(store=store, address="secret-of-store-b@mail.example")
    objects = [
        store,
        member,
        store.memberships.get(user=member),
        customer,
        order,
        factories.OrderLineFactory(order=order, title=MARKER),
        ticket,
        message,
        m.Attachment.objects.create(
            ticket=ticket,
            message=message,
            store=store,
            file="evidence/b/photo",
            original_name=f"{MARKER}.jpg",
            sha256="b" * 64,
            content_type="image/jpeg",
            size=10,
        ),
        factories.RmaFactory(ticket=ticket, qc_note=MARKER),
        factories.RefundFactory(ticket=ticket, reason=MARKER, requested_by=member),
        rule,
        m.RuleRun.objects.create(rule=rule, ticket=ticket, event_id=MARKER, matched=True),
        m.KeywordSet.objects.create(name="marker-words", label=f"{MARKER} words", store=store),
        macro,
        m.MacroVariant.objects.create(macro=macro, language="en", body=MARKER),
        m.SlaPolicy.objects.create(
            name=f"{MARKER} SLA", store=store, first_response_minutes=1, next_response_minutes=1, resolution_minutes=1
        ),
        m.AuditEvent.objects.create(
            actor=member,
            actor_kind="user",
            action=MARKER,
            object_type="ticket",
            object_id=ticket.pk,
            store=store,
            ticket=ticket,
            note=MARKER,
        ),
        m.OutboxAction.objects.create(
            kind=m.OutboxKind.SEND_REPLY, store=store, payload={"body": MARKER}, idempotency_key=MARKER
        ),
        RawPayload.objects.create(
            store=store, stream="orders", external_id=MARKER, payload={"note": MARKER}, sha256="c" * 64
        ),
        StoreConnection.objects.create(
            store=store, base_url="https://secret-of-store-b.example", credentials={"access_token": MARKER}
        ),
        SyncCursor.objects.create(store=store, stream="orders", last_error=MARKER),
        mailbox,
        MailboxConnection.objects.create(
            mailbox=mailbox, host="imap.secret-of-store-b.example", username=MARKER, credentials={"password": MARKER}
        ),
        m.Dispute.objects.create(
            store=store, ticket=ticket, order=order, external_id=MARKER, kind="case", opened_at=timezone.now()
        ),
        m.PlatformRefund.objects.create(
            store=store,
            order=order,
            order_external_id=MARKER,
            external_id=MARKER,
            amount="1.00",
            currency="USD",
            reason=MARKER,
            refunded_at=timezone.now(),
        ),
        m.BlockedSender.objects.create(store=store, address=f"{MARKER.lower()}@spam.example", blocked_by=member),
        # A private saved view belongs to its owner, not a store: nobody else lists or edits it.
        m.SavedView.objects.create(owner=member, name=f"{MARKER} view", query=f"view=all&q={MARKER}"),
    ]
    return {type(obj): obj for obj in objects}


def outsider(store: m.Store, *roles: str) -> User:
    """A staff user holding ``roles`` (none: no role at all) who is a member of ``store`` only;
    staff, so the admin pages answer too."""
    name = "outsider-" + ("-".join(role.lower() for role in roles) or "no-role")
    user = User.objects.create_user(username=name, password=factories.PASSWORD, is_staff=True)
    user.groups.add(*(factories.role_group(role) for role in roles))
    m.StoreMembership.objects.create(store=store, user=user, refund_approval_limit=1000)
    return User.objects.get(pk=user.pk)  # fresh, so the permission cache is empty


def client_of(user: User | None) -> APIClient:
    """One client for pages, admin and API: a session for Django views, and DRF authentication
    forced so API writes are judged by permissions, not refused for a missing CSRF token."""
    client = APIClient()
    if user is not None:
        client.force_login(user)
        client.force_authenticate(user)
    return client


@dataclass(frozen=True)
class Answer:
    status: int
    redirects: tuple[str, ...]
    content_type: str
    body: str

    def echoing(self, asked: object, instead: object) -> Answer:
        """This answer as if ``instead`` had been asked where ``asked`` was: an id the page
        merely repeats back is no leak."""
        old, new = str(asked), str(instead)
        return replace(
            self,
            redirects=tuple(url.replace(old, new) for url in self.redirects),
            body=self.body.replace(old, new),
        )


def answer(client: APIClient, method: str, url: str, data: dict | None = None, **headers: str) -> Answer:
    response = getattr(client, method)(url, data or {}, follow=True, headers=headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    body = content.decode("utf-8", errors="replace")
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    return Answer(
        status=response.status_code,
        redirects=tuple(url for url, _ in response.redirect_chain),
        content_type=response.get("Content-Type", ""),
        body=body,
    )


def assert_foreign_answers_as_missing(
    client: APIClient, method: str, url_for, foreign_id: object, *, data: dict | None = None, label: str = ""
) -> Answer:
    """``url_for(id)`` builds the request; the foreign object's answer must be the missing one's."""
    foreign = answer(client, method, url_for(foreign_id), data)
    missing = answer(client, method, url_for(MISSING_ID), data).echoing(MISSING_ID, foreign_id)
    where = f"{method.upper()} {url_for(foreign_id)} {label}".strip()
    assert (foreign.status, foreign.redirects) == (missing.status, missing.redirects), where
    assert foreign == missing, f"{where}: the body differs from the missing object's"
    assert MARKER not in foreign.body, where
    return foreign
