"""IDOR matrix (figure F14): each role × each web page, API endpoint and admin page that takes an
object, asked for an object of a store the user is not a member of. The answer must EQUAL the
answer for an object that does not exist (status, redirects and body, with the echoed id set
aside): a 403 where a missing object gets 404 would tell that the object exists.

tests/test_url_sweep.py asks the same of every URL pattern; this matrix adds the query-string
filters, the HTMX variants and the write methods of the pages that matter most, for each role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories, idor
from tickets import models as m
from tickets.errors import NotFound
from tickets.models import AuditEvent
from tickets.services import memberships, refunds, rma, tickets

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def world():
    return idor.store_b_objects()


@pytest.fixture(params=idor.ROLES)
def outsider(request, shopify_store):
    return idor.outsider(shopify_store, request.param)


def objects_of(world):
    return {
        "store": world[m.Store],
        "ticket": world[m.Ticket],
        "order": world[m.Order],
        "refund": world[m.Refund],
        "rma": world[m.ReturnAuthorization],
        "customer": world[m.Customer],
        "message": world[m.Message],
        "membership": world[m.StoreMembership],
        "member": world[type(world[m.StoreMembership].user)],
    }


# (method, url for an id, data, headers, which object's id) -------------------------------------

WEB = [
    ("get", lambda n: reverse("ticket", args=[n]), None, {}, "ticket.number"),
    ("post", lambda n: reverse("ticket-status", args=[n]), {"status": "open"}, {}, "ticket.number"),
    ("post", lambda n: reverse("ticket-status", args=[n]), {"status": "open"}, HTMX, "ticket.number"),
    ("post", lambda n: reverse("ticket-status", args=[n]), {"status": "closed"}, HTMX, "ticket.number"),
    ("post", lambda n: reverse("ticket-assign", args=[n]), {"assignee": "me"}, {}, "ticket.number"),
    ("post", lambda n: reverse("ticket-assign", args=[n]), {"assignee": "me"}, HTMX, "ticket.number"),
    ("post", lambda n: reverse("ticket-note", args=[n]), {"body": "hello"}, {}, "ticket.number"),
    ("post", lambda n: reverse("ticket-note", args=[n]), {"body": ""}, {}, "ticket.number"),
    ("get", lambda n: reverse("inbox") + f"?view=all&q=%23{n}", None, {}, "ticket.number"),
    ("get", lambda n: reverse("inbox") + f"?view=all&q={n}", None, HTMX, "ticket.number"),
    ("get", lambda pk: reverse("inbox") + f"?view=all&store={pk}", None, {}, "store.pk"),
    ("get", lambda pk: reverse("inbox") + f"?view=all&store={pk}", None, HTMX, "store.pk"),
]

API = [
    *[
        (method, lambda n: f"/api/tickets/{n}/", data, {}, "ticket.number")
        for method, data in [("get", None), ("post", {}), ("put", {}), ("patch", {}), ("delete", None)]
    ],
    *[
        (method, lambda pk, kind=kind: f"/api/{kind}s/{pk}/", data, {}, f"{kind}.pk")
        for kind in ("order", "refund", "store")
        for method, data in [("get", None), ("post", {}), ("patch", {}), ("delete", None)]
    ],
    *[
        ("get", lambda pk, kind=kind: f"/api/{kind}/?store={pk}", None, {}, "store.pk")
        for kind in ("tickets", "orders", "refunds")
    ],
    ("get", lambda n: f"/api/tickets/?q={n}", None, {}, "ticket.number"),
]

ADMIN_CHANGE = {
    "ticket": "admin:tickets_ticket_change",
    "order": "admin:tickets_order_change",
    "refund": "admin:tickets_refund_change",
    "rma": "admin:tickets_returnauthorization_change",
    "store": "admin:tickets_store_change",
    "customer": "admin:tickets_customer_change",
    "message": "admin:tickets_message_change",
    "membership": "admin:tickets_storemembership_change",
    "member": "admin:auth_user_change",
}
ADMIN = [
    *[
        (method, lambda pk, name=name: reverse(name, args=[pk]), data, {}, f"{kind}.pk")
        for kind, name in ADMIN_CHANGE.items()
        for method, data in [("get", None), ("post", {"refund_approval_limit": "99999", "_save": "Save"})]
    ],
    ("get", lambda pk: reverse("admin:auth_user_password_change", args=[pk]), None, {}, "member.pk"),
    ("post", lambda pk: reverse("admin:tickets_ticket_delete", args=[pk]), {"post": "yes"}, {}, "ticket.pk"),
    ("post", lambda pk: reverse("admin:tickets_store_delete", args=[pk]), {"post": "yes"}, {}, "store.pk"),
    *[
        ("get", lambda pk, name=name: reverse(name) + f"?store__id__exact={pk}", None, {}, "store.pk")
        for name in ("admin:tickets_ticket_changelist", "admin:tickets_refund_changelist")
    ],
    ("get", lambda n: reverse("admin:tickets_message_changelist") + f"?q={n}", None, {}, "ticket.number"),
]


def _id(objects, path: str):
    name, field = path.split(".")
    return getattr(objects[name], field)


def _ask_all(client, requests, objects):
    for method, url_for, data, headers, target in requests:
        foreign_id = _id(objects, target)
        foreign = idor.answer(client, method, url_for(foreign_id), data, **headers)
        missing = idor.answer(client, method, url_for(idor.MISSING_ID), data, **headers).echoing(
            idor.MISSING_ID, foreign_id
        )
        where = f"{method.upper()} {url_for(foreign_id)} {headers or ''}"
        assert (foreign.status, foreign.redirects) == (missing.status, missing.redirects), where
        assert foreign == missing, f"{where}: the body differs from the missing object's"
        assert idor.MARKER not in foreign.body, where


def _untouched(objects):
    ticket, refund, store = objects["ticket"], objects["refund"], objects["store"]
    ticket.refresh_from_db()
    refund.refresh_from_db()
    store.refresh_from_db()
    membership = type(objects["membership"]).objects.get(pk=objects["membership"].pk)
    assert (ticket.status, ticket.assignee_id, ticket.messages.count()) == ("new", None, 1)
    assert refund.status == "requested"
    assert str(membership.refund_approval_limit) == "50.0000"


def test_web_pages_answer_another_stores_ticket_as_missing(outsider, world):
    objects = objects_of(world)
    _ask_all(idor.client_of(outsider), WEB, objects)
    _untouched(objects)


def test_api_answers_another_stores_objects_as_missing(outsider, world):
    objects = objects_of(world)
    _ask_all(idor.client_of(outsider), API, objects)
    _untouched(objects)


def test_admin_answers_another_stores_objects_as_missing(outsider, world):
    objects = objects_of(world)
    _ask_all(idor.client_of(outsider), ADMIN, objects)
    _untouched(objects)


def test_the_matrix_sees_a_difference_where_there_is_one(world, shopify_store):
    """The comparison is not blind: the same store's ticket answers otherwise than a missing one."""
    client = idor.client_of(idor.outsider(shopify_store, idor.ROLES[0]))
    own = factories.TicketFactory(store=shopify_store)
    seen = idor.answer(client, "get", reverse("ticket", args=[own.number]))
    missing = idor.answer(client, "get", reverse("ticket", args=[idor.MISSING_ID])).echoing(idor.MISSING_ID, own.number)
    assert (seen.status, missing.status) == (200, 404)
    assert seen != missing


# --- the services themselves: rules, tasks and later screens call them with objects they hold ------

SERVICE_CALLS = {
    "create_ticket": lambda o, actor: tickets.create_ticket(store=o["store"], subject="probe", actor=actor),
    "change_status": lambda o, actor: tickets.change_status(o["ticket"], "open", actor=actor),
    "assign_to_self": lambda o, actor: tickets.assign(o["ticket"], actor, actor=actor),
    "unassign": lambda o, actor: tickets.assign(o["ticket"], None, actor=actor),
    "add_internal_note": lambda o, actor: tickets.add_internal_note(o["ticket"], "probe", actor=actor),
    **{
        f"refund_to_{status}": lambda o, actor, status=status: refunds.transition_refund(
            o["refund"], status, actor=actor, reference="probe"
        )
        for status in ("pending_approval", "approved", "rejected", "cancelled", "executing")
    },
    **{
        f"rma_to_{status}": lambda o, actor, status=status: rma.transition_rma(o["rma"], status, actor=actor)
        for status in ("authorized", "rejected", "cancelled")
    },
    "set_approval_limit": lambda o, actor: memberships.set_approval_limit(o["membership"], Decimal("1"), actor=actor),
}


@pytest.mark.parametrize("call", list(SERVICE_CALLS))
def test_every_service_answers_another_stores_object_as_missing(call, outsider, world):
    """Membership before role: whatever the role lacks, another store's object is NotFound (404),
    never PermissionDenied (403), and nothing changes."""
    objects = objects_of(world)

    with pytest.raises(NotFound):
        SERVICE_CALLS[call](objects, outsider)

    _untouched(objects)
    assert not AuditEvent.objects.filter(actor=outsider).exists()
