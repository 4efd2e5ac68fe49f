"""Exchange and reship: a free replacement order and its outbox action in one transaction, audited;
restock noted on the order's lines; the drain says honestly where the platform cannot create it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tickets.errors import DomainError, PermissionDenied
from tickets.models import AuditEvent, Order, OrderLine, OutboxAction, ReturnAuthorization
from tickets.models.outbox import OutboxKind, OutboxStatus
from tickets.services.replacements import create_replacement, replaceable
from tickets.services.rma import create_rma, record_arrival, record_inspection
from tickets.states import RmaStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(shopify_store):
    shopify_store.return_address = "Acme Returns\n1 Dock Rd\nReno NV"
    shopify_store.save()
    made = factories.TicketFactory(store=shopify_store)
    Order.objects.filter(pk=made.order_id).update(currency="EUR")
    factories.OrderLineFactory(order=made.order, title="Linen shirt", sku="SHIRT-M", quantity=2)
    factories.OrderLineFactory(order=made.order, title="Socks", sku="SOCKS", quantity=1)
    made.order.refresh_from_db()
    return made


def lines_of(ticket):
    return list(ticket.order.lines.order_by("pk"))


def test_a_reship_creates_a_free_replacement_order_in_the_orders_currency(ticket, agent):
    shirt, _socks = lines_of(ticket)
    order = create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="reship", note="Lost in transit")
    assert order.replacement_of_id == ticket.order_id and order.replacement_ticket_id == ticket.pk
    assert (order.replacement_kind, order.replacement_state, order.currency) == ("reship", "queued", "EUR")
    assert order.total_amount == Decimal(0) and order.number.startswith(f"{ticket.order.number}-R")
    assert list(order.lines.values_list("sku", "quantity", "unit_price", "replaces_id")) == [
        ("SHIRT-M", 1, Decimal(0), shirt.pk)
    ]


def test_the_replacement_queues_one_outbox_action_and_an_audit_event(ticket, agent):
    shirt, _socks = lines_of(ticket)
    order = create_replacement(ticket, {shirt.pk: 2}, actor=agent, kind="reship")
    action = OutboxAction.objects.get()
    assert (action.kind, action.payload, action.status) == (
        OutboxKind.CREATE_REPLACEMENT,
        {"order_id": order.pk},
        OutboxStatus.PENDING,
    )
    event = AuditEvent.objects.get(action="order.replacement_created")
    assert event.ticket_id == ticket.pk and event.actor_id == agent.pk
    assert event.after["number"] == order.number and event.after["lines"] == {str(shirt.pk): 2}


@pytest.mark.postgres
def test_when_the_outbox_row_cannot_be_written_no_replacement_order_is_left(ticket, agent):
    from django.db import DatabaseError, connection

    shirt, _socks = lines_of(ticket)
    with connection.cursor() as cursor:  # the database itself refuses the outbox row (rolled back with the test)
        cursor.execute(
            "CREATE FUNCTION refuse_outbox() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'outbox down'; END $$ "
            "LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_outbox BEFORE INSERT ON tickets_outboxaction "
            "FOR EACH ROW EXECUTE FUNCTION refuse_outbox()"
        )
    with pytest.raises(DatabaseError):
        create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="reship")
    assert not Order.objects.filter(replacement_of__isnull=False).exists()
    assert not OrderLine.objects.filter(replaces__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="order.replacement_created").exists()


@pytest.mark.parametrize(
    "wanted",
    ["nothing", "zero", "negative", "more-than-bought", "other-order", "bad-kind"],
)
def test_a_bad_replacement_is_refused_and_writes_nothing(ticket, agent, wanted):
    shirt, _socks = lines_of(ticket)
    kind = "reship"
    lines = {
        "nothing": {},
        "zero": {shirt.pk: 0},
        "negative": {shirt.pk: -1},
        "more-than-bought": {shirt.pk: 3},
        "other-order": {factories.OrderLineFactory().pk: 1},
        "bad-kind": {shirt.pk: 1},
    }[wanted]
    if wanted == "bad-kind":
        kind = "gift"
    with pytest.raises(DomainError):
        create_replacement(ticket, lines, actor=agent, kind=kind)
    assert not Order.objects.filter(replacement_of__isnull=False).exists()
    assert not OutboxAction.objects.exists() and not AuditEvent.objects.filter(action__startswith="order.").exists()


def test_pieces_already_replaced_cannot_be_replaced_twice(ticket, agent):
    shirt, _socks = lines_of(ticket)
    create_replacement(ticket, {shirt.pk: 2}, actor=agent, kind="reship")
    assert replaceable(ticket.order_id)[shirt.pk] == 0
    with pytest.raises(DomainError):
        create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="reship")


def test_an_exchange_takes_at_most_what_the_return_holds_and_closes_an_inspected_return(ticket, agent):
    shirt, _socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent), actor=agent)
    record_inspection(rma, actor=agent, passed=True)
    with pytest.raises(DomainError):
        create_replacement(ticket, {shirt.pk: 2}, actor=agent, kind="exchange", rma=rma)
    create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="exchange", rma=rma)
    assert ReturnAuthorization.objects.get(pk=rma.pk).status == RmaStatus.CLOSED


def test_a_returned_piece_is_exchanged_once_while_the_return_is_still_open(ticket, agent):
    shirt, _socks = lines_of(ticket)
    rma = create_rma(ticket, {shirt.pk: 1}, actor=agent)  # authorized: an exchange leaves it open
    create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="exchange", rma=rma)
    with pytest.raises(DomainError, match="0 of"):
        create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="exchange", rma=rma)
    assert Order.objects.filter(replacement_rma=rma).count() == 1


def test_a_return_that_failed_qc_is_not_exchanged(ticket, agent, supervisor):
    shirt, _socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent), actor=agent)
    record_inspection(rma, actor=agent, passed=False, note="Worn")
    with pytest.raises(DomainError):
        create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="exchange", rma=rma)


def test_another_tickets_return_is_refused(ticket, agent, shopify_store):
    other = factories.TicketFactory(store=shopify_store)
    other_line = factories.OrderLineFactory(order=other.order, quantity=1)
    rma = create_rma(other, {other_line.pk: 1}, actor=agent)
    shirt, _socks = lines_of(ticket)
    with pytest.raises(DomainError):
        create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="exchange", rma=rma)


def test_finance_and_other_stores_cannot_create_replacements(ticket, finance, other_agent):
    shirt, _socks = lines_of(ticket)
    with pytest.raises(PermissionDenied):
        create_replacement(ticket, {shirt.pk: 1}, actor=finance, kind="reship")
    with pytest.raises(DomainError):
        create_replacement(ticket, {shirt.pk: 1}, actor=other_agent, kind="reship")
    assert not OutboxAction.objects.exists()


def test_a_qc_pass_with_restock_notes_the_pieces_on_the_orders_line(ticket, agent):
    shirt, socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 2, socks.pk: 1}, actor=agent), actor=agent)
    record_inspection(rma, actor=agent, passed=True, restock=True)
    assert dict(ticket.order.lines.values_list("pk", "restocked_quantity")) == {shirt.pk: 2, socks.pk: 1}
    event = AuditEvent.objects.get(action="rma.restocked")
    assert event.ticket_id == ticket.pk and event.after["lines"] == {str(shirt.pk): 2, str(socks.pk): 1}


def test_a_qc_pass_without_restock_leaves_the_stock_alone(ticket, agent):
    shirt, _socks = lines_of(ticket)
    rma = record_arrival(create_rma(ticket, {shirt.pk: 1}, actor=agent), actor=agent)
    record_inspection(rma, actor=agent, passed=True, restock=False)
    assert OrderLine.objects.get(pk=shirt.pk).restocked_quantity == 0
    assert not AuditEvent.objects.filter(action="rma.restocked").exists()


def connected(store):
    from integrations.models import StoreConnection

    # Nothing listens there: the Shopify adapter refuses a replacement before any HTTP call.
    StoreConnection.objects.create(
        store=store, base_url="http://127.0.0.1:9/shopify/acme", credentials={"access_token": "shpat_x"}
    )
    return store


def test_the_drain_marks_a_replacement_shopify_cannot_create_for_a_person(ticket, agent):
    from integrations import outbox as drain

    connected(ticket.store)
    shirt, _socks = lines_of(ticket)
    order = create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="reship")
    drain.drain()
    order.refresh_from_db()
    action = OutboxAction.objects.get(kind=OutboxKind.CREATE_REPLACEMENT)
    assert action.status == OutboxStatus.DEAD and "Shopify admin" in action.last_error
    assert order.replacement_state == "manual" and "Shopify admin" in order.replacement_note
    assert AuditEvent.objects.filter(action="order.replacement_needs_manual", ticket=ticket).exists()


def test_the_drain_records_a_replacement_the_platform_created(ticket, agent, monkeypatch):
    from integrations import outbox as drain
    from integrations import registry
    from integrations.base import PushResult

    pushed = []

    class CreatesReplacements:  # a platform whose adapter can create orders
        def __init__(self, store, connection):
            self.store = store

        def push(self, kind, payload, *, idempotency_key):
            pushed.append((kind, payload))
            return PushResult(done=True, reference="gid://shopify/Order/77")

        def lookup(self, kind, payload, *, idempotency_key):
            return None

    shirt, _socks = lines_of(ticket)
    order = create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="exchange")
    connected(ticket.store)
    monkeypatch.setitem(registry.ADAPTERS, "shopify", CreatesReplacements)
    drain.drain()
    order.refresh_from_db()
    assert (order.replacement_state, order.replacement_note) == ("created", "gid://shopify/Order/77")
    kind, payload = pushed[0]
    assert kind == "create_replacement" and payload["original_order_external_id"] == ticket.order.external_id
    assert payload["lines"] == [
        {"sku": "SHIRT-M", "title": "Linen shirt", "quantity": 1, "original_line_external_id": shirt.external_id}
    ]


def test_the_ticket_page_creates_an_exchange_and_shows_it(client, agent, ticket):
    client.force_login(agent)
    shirt, socks = lines_of(ticket)
    form = client.get(reverse("ticket-replacement-new", args=[ticket.number])).content.decode()
    assert f'name="qty-{shirt.pk}"' in form and 'value="reship"' in form
    client.post(
        reverse("ticket-replacement-create", args=[ticket.number]),
        {"kind": "reship", f"qty-{shirt.pk}": "1", f"qty-{socks.pk}": "0", "note": "Size L"},
    )
    order = Order.objects.get(replacement_ticket=ticket)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert order.number in page and "Size L" in page and "Queued for the platform" in page


def test_a_bad_quantity_on_the_page_is_refused_inline(client, agent, ticket):
    client.force_login(agent)
    shirt, _socks = lines_of(ticket)
    answer = client.post(
        reverse("ticket-replacement-create", args=[ticket.number]),
        {"kind": "reship", f"qty-{shirt.pk}": "-1"},
        follow=True,
    )
    assert "whole numbers" in answer.content.decode()
    too_many = client.post(
        reverse("ticket-replacement-create", args=[ticket.number]),
        {"kind": "reship", f"qty-{shirt.pk}": "5"},
        follow=True,
    )
    assert "can still be replaced" in too_many.content.decode()
    assert not Order.objects.filter(replacement_ticket=ticket).exists()


def test_another_stores_agent_gets_404_on_the_replacement_routes(client, other_agent, ticket):
    client.force_login(other_agent)
    shirt, _socks = lines_of(ticket)
    assert client.get(reverse("ticket-replacement-new", args=[ticket.number])).status_code == 404
    answer = client.post(
        reverse("ticket-replacement-create", args=[ticket.number]), {"kind": "reship", f"qty-{shirt.pk}": "1"}
    )
    assert answer.status_code == 404 and not Order.objects.filter(replacement_ticket=ticket).exists()


def test_the_ticket_page_with_replacements_stays_within_the_query_budget(client, agent, ticket):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(agent)
    shirt, socks = lines_of(ticket)
    url = reverse("ticket", args=[ticket.number])
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    create_replacement(ticket, {shirt.pk: 1}, actor=agent, kind="reship")
    create_replacement(ticket, {shirt.pk: 1, socks.pk: 1}, actor=agent, kind="reship")
    with CaptureQueriesContext(connection) as seen:
        page = client.get(url).content.decode()
    assert page.count('class="replacement"') == 2
    assert len(seen.captured_queries) == len(without.captured_queries) <= 12  # read with the order's lines
