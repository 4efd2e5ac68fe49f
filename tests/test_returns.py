"""Returns an agent creates from the order's lines, the parcel's arrival and QC, from the ticket page."""

import pytest
from django.urls import reverse

from tests import factories
from tickets.errors import DomainError, PermissionDenied
from tickets.models import AuditEvent, Notification, ReturnAuthorization, RmaLine, Ticket
from tickets.services.rma import create_rma, record_arrival, record_inspection, returnable
from tickets.states import RmaStatus, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(shopify_store):
    shopify_store.return_address = "Acme Returns\n1 Dock Rd\nReno NV"
    shopify_store.save()
    made = factories.TicketFactory(store=shopify_store)
    factories.OrderLineFactory(order=made.order, title="Linen shirt", quantity=2)
    factories.OrderLineFactory(order=made.order, title="Socks", quantity=1)
    return made


def lines_of(ticket):
    return list(ticket.order.lines.order_by("pk"))


def test_an_agent_creates_an_authorized_return_for_one_line(ticket, agent):
    shirt, _socks = lines_of(ticket)
    rma = create_rma(ticket, {shirt.pk: 1}, actor=agent)
    assert rma.status == RmaStatus.AUTHORIZED and rma.number.startswith("RMA-")
    assert rma.return_address.startswith("Acme Returns")
    assert list(RmaLine.objects.filter(rma=rma).values_list("order_line_id", "quantity")) == [(shirt.pk, 1)]
    assert AuditEvent.objects.filter(action="rma.created", object_id=rma.pk).exists()
    assert returnable(ticket.order_id)[shirt.pk] == 1


@pytest.mark.parametrize(
    "wanted",
    [
        {},  # nothing chosen
        "shirt:3",  # more than bought
        "other-order",  # a line of another order
    ],
)
def test_a_bad_return_is_refused_and_writes_nothing(ticket, agent, wanted):
    shirt, _socks = lines_of(ticket)
    if wanted == "shirt:3":
        wanted = {shirt.pk: 3}
    elif wanted == "other-order":
        wanted = {factories.OrderLineFactory().pk: 1}
    with pytest.raises(DomainError):
        create_rma(ticket, wanted, actor=agent)
    assert not ReturnAuthorization.objects.exists() and not AuditEvent.objects.exists()


def test_pieces_already_in_a_return_cannot_go_back_twice(ticket, agent):
    shirt, _socks = lines_of(ticket)
    create_rma(ticket, {shirt.pk: 2}, actor=agent)
    with pytest.raises(DomainError):
        create_rma(ticket, {shirt.pk: 1}, actor=agent)


def test_finance_and_other_stores_cannot_create_returns(ticket, finance, other_agent):
    shirt, _socks = lines_of(ticket)
    with pytest.raises(PermissionDenied):
        create_rma(ticket, {shirt.pk: 1}, actor=finance)
    with pytest.raises(DomainError):
        create_rma(ticket, {shirt.pk: 1}, actor=other_agent)


def test_arrival_then_qc_pass_restocks(ticket, agent):
    shirt, _socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent), actor=agent)
    assert rma.status == RmaStatus.RECEIVED
    done = record_inspection(rma, actor=agent, passed=True, restock=True)
    assert (done.status, done.qc_result, done.restock) == (RmaStatus.INSPECTED, "pass", True)


def test_qc_fail_goes_to_a_supervisor(ticket, agent, supervisor):
    shirt, _socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent), actor=agent)
    with pytest.raises(DomainError):
        record_inspection(rma, actor=agent, passed=False, note="  ")  # a failure says why
    record_inspection(rma, actor=agent, passed=False, note="Worn, stains on the collar")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_APPROVAL and ticket.priority == "high"
    assert Notification.objects.filter(user=supervisor, kind="qc_failed", ticket=ticket).count() == 1


def test_the_ticket_page_creates_and_inspects_a_return(client, agent, ticket):
    client.force_login(agent)
    shirt, socks = lines_of(ticket)
    form = client.get(reverse("ticket-return-new", args=[ticket.number])).content.decode()
    assert f'name="qty-{shirt.pk}"' in form and 'max="2"' in form and "Acme Returns" in form
    client.post(reverse("ticket-return-create", args=[ticket.number]), {f"qty-{shirt.pk}": "1", f"qty-{socks.pk}": "0"})
    rma = ReturnAuthorization.objects.get(ticket=ticket)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert rma.number in page and "Parcel arrived" in page
    client.post(reverse("ticket-return-arrived", args=[ticket.number]), {"rma": rma.pk})
    client.post(reverse("ticket-return-inspect", args=[ticket.number]), {"rma": rma.pk, "qc": "pass", "restock": "on"})
    rma.refresh_from_db()
    assert rma.status == RmaStatus.INSPECTED and rma.restock
    bad = client.post(reverse("ticket-return-create", args=[ticket.number]), {f"qty-{shirt.pk}": "²"}, follow=True)
    assert "whole numbers" in bad.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).rmas.count() == 1


@pytest.mark.parametrize("state", ["resolved", "closed"])
def test_a_failed_qc_is_recorded_after_the_ticket_was_solved(ticket, agent, supervisor, state):
    from django.utils import timezone

    shirt, _socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent), actor=agent)
    stamps = {"resolved_at": timezone.now()} | ({"closed_at": timezone.now()} if state == "closed" else {})
    Ticket.objects.filter(pk=ticket.pk).update(status=state, **stamps)
    done = record_inspection(rma, actor=agent, passed=False, note="Torn seam")
    assert (done.status, done.qc_result) == (RmaStatus.INSPECTED, "fail")
    ticket.refresh_from_db()
    assert ticket.status == (TicketStatus.WAITING_APPROVAL if state == "resolved" else TicketStatus.CLOSED)
    assert Notification.objects.filter(user=supervisor, kind="qc_failed").count() == 1
