"""The refund request form on the ticket page, end to end through the test client: what it
suggests as lines change, what a submit does, errors that change nothing, the refund's state and
the buttons that follow it, and finance's refusal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import AuditEvent, OutboxAction, Refund, RefundKind, RefundMethod
from tickets.models.outbox import OutboxStatus
from tickets.services import refund_decisions
from tickets.services.outbox import refund_action_key
from tickets.services.refunds import request_refund, transition_refund
from tickets.states import ActorKind, RefundStatus

F = RefundStatus
HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def limited_agent(shopify_store):
    return factories.user_with_role("limited", factories.AGENT, stores=[shopify_store], approval_limit="50")


def line(order, sku):
    return order.lines.get(sku=sku)


def form_url(ticket, **params):
    url = reverse("ticket-refund-new", args=[ticket.number])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def page(client, ticket) -> str:
    response = client.get(reverse("ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def submit(client, ticket, htmx=False, **fields):
    data = {"kind": RefundKind.PARTIAL, "method": RefundMethod.ORIGINAL_PAYMENT, "reason": "Arrived torn", **fields}
    return client.post(reverse("ticket-refund-create", args=[ticket.number]), data, **(HX if htmx else {}))


# --- the form --------------------------------------------------------------------------------------
def test_the_form_lists_each_line_with_what_can_still_be_refunded(client, ticket, order, limited_agent):
    request_refund(
        ticket,
        actor=limited_agent,
        kind=RefundKind.PARTIAL,
        method=RefundMethod.ORIGINAL_PAYMENT,
        reason="One shirt torn",
        lines=[(line(order, "SHIRT").pk, 1)],
    )
    client.force_login(limited_agent)

    html = client.get(form_url(ticket), **HX).content.decode()

    shirt, cap = line(order, "SHIRT"), line(order, "CAP")
    assert f'name="qty-{shirt.pk}" min="0" max="1"' in html and "1 already refunded or asked for" in html
    assert f'name="qty-{cap.pk}" min="0" max="1"' in html
    assert "Left to refund" in html and "$70.00" in html  # 110.00 - 40.00 approved within the limit
    assert 'name="key"' in html


def test_the_suggestion_follows_the_lines_and_quantities_chosen(client, ticket, order, limited_agent):
    client.force_login(limited_agent)
    shirt = line(order, "SHIRT")

    html = client.get(
        form_url(ticket, part="figures", kind="partial", include_shipping="on", **{f"qty-{shirt.pk}": 2}), **HX
    ).content.decode()

    # 2 × 40.00 + the shipping share 10.00 × 80 / 100
    assert 'id="refund-figures"' in html and 'value="88.00"' in html and "$88.00" in html
    assert "$8.00" in html and "$110.00" in html
    assert "Needs a supervisor" in html and "Above the requester&#x27;s approval limit" in html

    full = client.get(form_url(ticket, part="figures", kind="full"), **HX).content.decode()
    assert 'value="110.00"' in full


def test_an_amount_typed_by_hand_is_kept_when_the_lines_change(client, ticket, order, limited_agent):
    client.force_login(limited_agent)
    cap = line(order, "CAP")

    typed = client.get(
        form_url(ticket, part="figures", amount="15.00", suggested="80.00", **{f"qty-{cap.pk}": 1}), **HX
    ).content.decode()
    following = client.get(
        form_url(ticket, part="figures", amount="80.00", suggested="80.00", **{f"qty-{cap.pk}": 1}), **HX
    ).content.decode()

    assert 'value="15.00"' in typed and "Within your limit" in typed
    assert 'value="20.00"' in following


def test_the_check_of_a_typed_amount_says_what_follows(client, ticket, limited_agent):
    client.force_login(limited_agent)

    assert "Within your limit" in client.get(form_url(ticket, part="check", amount="30.00"), **HX).content.decode()
    over = client.get(form_url(ticket, part="check", amount="500.00"), **HX).content.decode()
    assert "More than is left to refund ($110.00)" in over
    bad = client.get(form_url(ticket, part="check", amount="12,5"), **HX).content.decode()
    assert "Not an amount in USD" in bad


def test_a_quantity_the_line_cannot_give_says_so_in_place(client, ticket, order, limited_agent):
    client.force_login(limited_agent)
    cap = line(order, "CAP")

    html = client.get(form_url(ticket, part="figures", **{f"qty-{cap.pk}": 3}), **HX).content.decode()

    assert "CAP: 1 of 1 can still be refunded, not 3." in html


# --- submitting -----------------------------------------------------------------------------------
def test_within_the_limit_it_is_approved_at_once_and_the_panel_says_so(client, ticket, order, limited_agent):
    client.force_login(limited_agent)

    response = submit(client, ticket, **{f"qty-{line(order, 'CAP').pk}": 1, "amount": ""})

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert (refund.status, refund.amount, refund.self_approved) == (F.APPROVED, Decimal("20.00"), True)
    assert refund.lines.get().quantity == 1
    html = page(client, ticket)
    assert "Approved (within your limit)" in html and "being sent to the platform" in html


def test_above_the_limit_it_waits_for_approval_with_the_reasons(client, ticket, limited_agent):
    client.force_login(limited_agent)

    response = submit(client, ticket, htmx=True, amount="80.00")

    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    refund = Refund.objects.get()
    assert refund.status == F.PENDING_APPROVAL
    html = page(client, ticket)
    assert "Waiting for approval" in html and "Above the requester&#x27;s approval limit" in html


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"amount": "500.00"}, 409, "Only $110.00 is left to refund"),
        ({"amount": "30.00", "reason": "  "}, 400, "Say why the buyer gets this refund."),
        ({"amount": "30.005"}, 400, "more decimal places"),
        ({"amount": "30.00", "kind": "store_credit"}, 400, "Store credit is both the kind and the method"),
        ({"amount": "30.00", "attribution_month": "2026-13"}, 400, "Choose the attribution month"),
        ({"qty-999999": "1"}, 400, "is not a line of order"),
    ],
)
def test_an_error_shows_next_to_the_form_and_nothing_is_saved(client, ticket, limited_agent, fields, status, words):
    client.force_login(limited_agent)
    events = AuditEvent.objects.count()

    response = submit(client, ticket, htmx=True, **fields)

    assert response.status_code == status
    html = response.content.decode()
    assert 'id="refund-error"' in html and words in html
    assert 'id="refund-form"' in html  # the form comes back with what was typed
    assert not Refund.objects.exists() and AuditEvent.objects.count() == events


def test_without_htmx_the_ticket_page_comes_back_with_the_form_open_and_the_error(client, ticket, limited_agent):
    client.force_login(limited_agent)

    response = submit(client, ticket, amount="500.00", reason="Keep this reason")

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="new-refund" open' in html and "Only $110.00 is left to refund" in html
    assert 'value="Keep this reason"' in html and 'value="500.00"' in html
    assert not Refund.objects.exists()


def test_a_double_submit_makes_one_refund(client, ticket, limited_agent):
    client.force_login(limited_agent)
    key = "6f0c1b1e-8a55-4b0b-9f4e-1f2b3c4d5e6f"

    submit(client, ticket, amount="30.00", key=key)
    submit(client, ticket, amount="30.00", key=key)

    assert Refund.objects.count() == 1


def test_finance_sees_no_form_and_is_refused(client, ticket, limited_agent, finance):
    request_refund(
        ticket, actor=limited_agent, kind="partial", method="original_payment", reason="Torn", amount="80.00"
    )
    client.force_login(finance)

    html = page(client, ticket)
    assert "Request a refund" not in html and "Waiting for approval" in html
    assert "Cancel refund" not in html
    assert client.get(form_url(ticket), **HX).status_code == 403
    assert submit(client, ticket, amount="10.00").status_code == 403
    assert Refund.objects.count() == 1


def test_another_stores_ticket_is_not_found(client, ebay_store, limited_agent):
    foreign = factories.TicketFactory(store=ebay_store)
    client.force_login(limited_agent)

    assert client.get(form_url(foreign), **HX).status_code == 404
    assert submit(client, foreign, amount="10.00").status_code == 404


# --- what follows a request -------------------------------------------------------------------------
def ask(ticket, actor, amount, **kw):
    kw.setdefault("kind", RefundKind.PARTIAL)
    kw.setdefault("method", RefundMethod.ORIGINAL_PAYMENT)
    return request_refund(ticket, actor=actor, reason="Torn", amount=amount, **kw)


def test_the_requester_cancels_before_execution(client, ticket, limited_agent):
    refund = ask(ticket, limited_agent, "80.00")
    client.force_login(limited_agent)
    assert "Cancel refund" in page(client, ticket)

    response = client.post(reverse("ticket-refund-cancel", args=[ticket.number]), {"refund": refund.pk})

    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.status == F.CANCELLED
    assert "Cancel refund" not in page(client, ticket)


def test_a_colleague_agent_may_not_cancel(client, ticket, limited_agent, shopify_store):
    refund = ask(ticket, limited_agent, "80.00")
    colleague = factories.user_with_role("colleague", factories.AGENT, stores=[shopify_store], approval_limit="50")
    client.force_login(colleague)
    assert "Cancel refund" not in page(client, ticket)

    response = client.post(reverse("ticket-refund-cancel", args=[ticket.number]), {"refund": refund.pk})

    assert response.status_code == 403
    refund.refresh_from_db()
    assert refund.status == F.PENDING_APPROVAL


def test_a_manual_paypal_refund_is_recorded_with_its_reference(client, ticket, limited_agent):
    refund = ask(ticket, limited_agent, "30.00", method=RefundMethod.PAYPAL)
    client.force_login(limited_agent)
    assert "PayPal payment reference" in page(client, ticket)

    empty = client.post(reverse("ticket-refund-record", args=[ticket.number]), {"refund": refund.pk, "reference": ""})
    refund.refresh_from_db()
    assert empty.status_code == 302 and refund.status == F.APPROVED

    client.post(reverse("ticket-refund-record", args=[ticket.number]), {"refund": refund.pk, "reference": "PP-7781"})

    refund.refresh_from_db()
    assert refund.status == F.SUCCEEDED and refund.manual_reference == "PP-7781"
    html = page(client, ticket)
    assert "Succeeded" in html and "PP-7781" in html


def test_a_rejected_refund_shows_the_comment(client, ticket, limited_agent, supervisor):
    refund = ask(ticket, limited_agent, "80.00")
    refund_decisions.reject_refund(refund, actor=supervisor, note="Offer 40.00 instead")
    client.force_login(limited_agent)

    html = page(client, ticket)

    assert "Rejected by super" in html and "Offer 40.00 instead" in html


def failed(refund, why="Card expired (code 402)"):
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(refund, F.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason=why)
    OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).update(status="dead", attempts=1)


def test_a_failed_refund_shows_the_platforms_words_and_a_supervisor_retries(client, ticket, limited_agent, supervisor):
    refund = ask(ticket, limited_agent, "30.00")
    failed(refund)
    client.force_login(limited_agent)
    html = page(client, ticket)
    assert "Failed on the platform" in html and "Card expired (code 402)" in html
    assert "Retry on the platform" not in html
    retry = reverse("ticket-refund-retry", args=[ticket.number])
    assert client.post(retry, {"refund": refund.pk}).status_code == 403

    client.force_login(supervisor)
    assert "Retry on the platform" in page(client, ticket)
    client.post(retry, {"refund": refund.pk})

    refund.refresh_from_db()
    assert refund.status == F.EXECUTING
    assert OutboxAction.objects.get(idempotency_key=refund_action_key(refund)).status == OutboxStatus.PENDING
    assert "Sending to the platform" in page(client, ticket)


def test_an_executing_refund_the_outbox_gave_up_on_needs_reconciliation(client, ticket, limited_agent):
    refund = ask(ticket, limited_agent, "30.00")
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    OutboxAction.objects.filter(idempotency_key=refund_action_key(refund)).update(
        status=OutboxStatus.DEAD, last_error="Needs reconciliation on the platform: timed out after 30 s"
    )
    client.force_login(limited_agent)

    html = page(client, ticket)

    assert "Needs reconciliation" in html and "timed out after 30 s" in html
    assert "Cancel refund" not in html


def test_another_tickets_refund_id_is_not_found(client, ticket, limited_agent, shopify_store):
    other = factories.TicketFactory(store=shopify_store)
    refund = ask(other, limited_agent, "80.00")
    client.force_login(limited_agent)

    response = client.post(reverse("ticket-refund-cancel", args=[ticket.number]), {"refund": refund.pk})

    assert response.status_code == 404
    refund.refresh_from_db()
    assert refund.status == F.PENDING_APPROVAL
