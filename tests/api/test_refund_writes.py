"""Refund writes through the API: POST /api/refunds/ and the decisions on a refund follow the same
rules as the ticket page and the approvals queue (they call the same services), refuse bad input
with a stable code and write nothing then, and honour an Idempotency-Key."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests import factories
from tickets.api.views import RefundWriteThrottle
from tickets.models import AuditEvent, ClosedMonth, OutboxAction, Refund, RefundKind, RefundMethod
from tickets.services.refund_policy import Reason
from tickets.services.refunds import request_refund, transition_refund
from tickets.states import ActorKind, RefundStatus, TicketStatus

F = RefundStatus
pytestmark = pytest.mark.django_db


# --- fixtures ---------------------------------------------------------------------------------------
@pytest.fixture
def limited(shopify_store):
    """An agent who may approve up to 50.00 alone."""
    return factories.user_with_role("limited", factories.AGENT, stores=[shopify_store], approval_limit="50")


@pytest.fixture
def admin(shopify_store):
    return factories.user_with_role("adm", factories.ADMIN, stores=[shopify_store])


@pytest.fixture
def elsewhere(db):
    """A store none of the role fixtures is a member of, with a ticket and a pending refund."""
    store = factories.StoreFactory(name="Elsewhere", currency="USD")
    order = factories.OrderFactory(store=store, total_amount=Decimal("500.00"), paid_amount=Decimal("500.00"))
    ticket = factories.TicketFactory(store=store, order=order, customer=order.customer, status=TicketStatus.OPEN)
    local = factories.user_with_role("local", factories.AGENT, stores=[store])
    refund = request_refund(
        ticket, actor=local, kind=RefundKind.PARTIAL, method=RefundMethod.ORIGINAL_PAYMENT, reason="x", amount="80.00"
    )
    assert refund.status == F.PENDING_APPROVAL
    return {"store": store, "ticket": ticket, "refund": refund}


def body(ticket, amount="30.00", **fields) -> dict:
    data = {
        "ticket": ticket.number,
        "amount": amount,
        "currency": "USD",
        "kind": "partial",
        "method": "original_payment",
        "reason": "Arrived damaged",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post(client, url, data=None, **headers):
    return client.post(url, data if data is not None else {}, format="json", headers=headers or None)


def pending_of(ticket, requester, amount="80.00") -> Refund:
    return request_refund(
        ticket,
        actor=requester,
        kind=RefundKind.PARTIAL,
        method=RefundMethod.ORIGINAL_PAYMENT,
        reason="Arrived damaged",
        amount=amount,
    )


def written() -> tuple:
    """Everything a refund request or decision writes, to compare before and after."""
    return (
        list(Refund.objects.order_by("pk").values("pk", "status", "amount", "approved_by", "decision_note")),
        AuditEvent.objects.count(),
        OutboxAction.objects.count(),
    )


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    payload = response.json()
    assert payload["code"] == code, payload
    assert payload["detail"]
    return payload


# --- requesting ---------------------------------------------------------------------------------------
def test_within_the_limit_is_approved_at_once_and_sent_to_the_platform(client_for, ticket, order, limited):
    shirt = order.lines.get(sku="SHIRT")
    data = body(ticket, "44.00", lines=[{"line": shirt.pk, "quantity": 1}], include_shipping=True)

    response = post(client_for(limited), "/api/refunds/", data)

    assert response.status_code == 201, response.json()
    refund = response.json()
    assert (refund["status"], refund["self_approved"], refund["approved_by"]) == ("approved", True, "limited")
    assert refund["approval_reasons"] == []
    assert refund["amount"] == {"amount": "44.00", "currency": "USD"}
    assert refund["suggested_amount"] == {"amount": "44.00", "currency": "USD"}
    assert refund["lines"] == [
        {"line": shirt.pk, "sku": "SHIRT", "quantity": 1, "amount": {"amount": "40.00", "currency": "USD"}}
    ]
    assert (refund["ticket"], refund["order"], refund["requested_by"]) == (ticket.number, order.number, "limited")
    stored = Refund.objects.get(pk=refund["id"])
    assert OutboxAction.objects.filter(idempotency_key=f"refund:{stored.idempotency_key}").count() == 1


def test_above_the_limit_waits_for_a_supervisor_with_its_reasons(client_for, ticket, limited):
    response = post(client_for(limited), "/api/refunds/", body(ticket, "80.00"))

    assert response.status_code == 201
    refund = response.json()
    assert (refund["status"], refund["approved_by"], refund["self_approved"]) == ("pending_approval", None, False)
    assert refund["approval_reasons"] == [Reason.ABOVE_LIMIT]
    assert not OutboxAction.objects.exists()


def test_an_amount_left_out_asks_for_the_suggestion(client_for, ticket, order, limited):
    cap = order.lines.get(sku="CAP")
    data = body(ticket, None, lines=[{"line": cap.pk, "quantity": 1}])

    refund = post(client_for(limited), "/api/refunds/", data).json()

    assert refund["amount"] == {"amount": "20.00", "currency": "USD"}
    assert refund["status"] == "approved"


def test_attribution_month_is_kept(client_for, ticket, limited):
    month = timezone.localdate().replace(day=1)
    refund = post(client_for(limited), "/api/refunds/", body(ticket, attribution_month=month.strftime("%Y-%m"))).json()
    assert refund["attribution_month"] == month.isoformat()


def test_more_than_is_left_is_a_409_and_writes_nothing(client_for, ticket, supervisor, limited):
    assert post(client_for(supervisor), "/api/refunds/", body(ticket, "100.00")).json()["status"] == "approved"
    before = written()

    refused(post(client_for(limited), "/api/refunds/", body(ticket, "10.01")), 409, "refund_exceeds_refundable")

    assert written() == before


@pytest.mark.parametrize("amount", [12.5, 30, 1e3, 0.1])
def test_a_json_number_for_the_amount_is_refused_with_its_own_code(client_for, ticket, limited, amount):
    payload = refused(post(client_for(limited), "/api/refunds/", body(ticket, amount)), 400, "amount_not_a_string")
    assert "string" in payload["detail"]
    assert not Refund.objects.exists()


# (change to the body, status, code, the field named for a 400 that breaks the schema)
BAD_INPUT = {
    "unknown ticket": ({"ticket": 99_999_999}, 422, "unknown_ticket", None),
    "ticket as a string": ({"ticket": "PLACEHOLDER"}, 400, "invalid", "ticket"),
    "three decimals for USD": ({"amount": "12.345"}, 422, "invalid_refund_amount", None),
    "exponent": ({"amount": "1e3"}, 400, "invalid", "amount"),
    "negative": ({"amount": "-5.00"}, 400, "invalid", "amount"),
    "zero": ({"amount": "0.00"}, 422, "invalid_refund_amount", None),
    "comma": ({"amount": "1,50"}, 400, "invalid", "amount"),
    "too large": ({"amount": "999999999999999"}, 422, "invalid_refund_amount", None),
    "not the order's currency": ({"currency": "EUR"}, 422, "refund_currency_mismatch", None),
    "not a currency code": ({"currency": "US"}, 400, "invalid", "currency"),
    "unknown kind": ({"kind": "bogus"}, 400, "invalid", "kind"),
    "unknown method": ({"method": "cash"}, 400, "invalid", "method"),
    "store credit to the card": ({"kind": "store_credit"}, 422, "invalid_refund", None),
    "missing reason": ({"reason": None}, 400, "invalid", "reason"),
    "blank reason": ({"reason": "   "}, 400, "invalid", "reason"),
    "reason too long": ({"reason": "x" * 301}, 400, "invalid", "reason"),
    "missing currency": ({"currency": None}, 400, "invalid", "currency"),
    "month 13": ({"attribution_month": "2026-13"}, 400, "invalid", "attribution_month"),
    "shipping as text": ({"include_shipping": "yes"}, 400, "invalid", "include_shipping"),
    "lines not a list": ({"lines": {"line": 1}}, 400, "invalid", "lines"),
    "line quantity as text": ({"lines": "QUANTITY_TEXT"}, 400, "invalid", "lines.0.quantity"),
    "lines of another order": ({"lines": "OTHER_ORDER"}, 422, "invalid_refund_lines", None),
    "more of a line than was ordered": ({"lines": "TOO_MANY"}, 422, "invalid_refund_lines", None),
}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
def test_bad_input_is_refused_with_a_stable_code_and_writes_nothing(client_for, ticket, order, limited, case):
    change, status, code, field = BAD_INPUT[case]
    shirt = order.lines.get(sku="SHIRT")
    placeholders = {
        "PLACEHOLDER": str(ticket.number),
        "QUANTITY_TEXT": [{"line": shirt.pk, "quantity": "1"}],
        "OTHER_ORDER": [{"line": factories.OrderLineFactory().pk, "quantity": 1}],
        "TOO_MANY": [{"line": shirt.pk, "quantity": 3}],
    }
    change = {k: placeholders.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    data = {k: v for k, v in {**body(ticket), **change}.items() if v is not None}
    before = written()

    payload = refused(post(client_for(limited), "/api/refunds/", data), status, code)

    if field:
        assert any(name == field or name.startswith(f"{field}.") for name in payload["fields"]), payload
    assert written() == before


def test_a_ticket_of_another_store_reads_as_unknown(client_for, limited, elsewhere):
    before = written()
    refused(post(client_for(limited), "/api/refunds/", body(elsewhere["ticket"])), 422, "unknown_ticket")
    assert written() == before


def test_a_ticket_without_an_order_is_a_409(client_for, limited, shopify_store):
    orderless = factories.TicketFactory(store=shopify_store, order=None)
    refused(post(client_for(limited), "/api/refunds/", body(orderless)), 409, "refund_needs_order")
    assert not Refund.objects.exists()


def test_a_closed_month_is_a_409(client_for, ticket, limited, supervisor):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    ClosedMonth.objects.create(month=last_month, closed_by=supervisor)
    data = body(ticket, attribution_month=last_month.strftime("%Y-%m"))
    refused(post(client_for(limited), "/api/refunds/", data), 409, "month_closed")
    assert not Refund.objects.exists()


def test_a_form_body_is_a_415(client_for, ticket, limited):
    response = client_for(limited).post("/api/refunds/", body(ticket))  # multipart
    refused(response, 415, "unsupported_media_type")
    assert not Refund.objects.exists()


def test_a_body_that_is_not_an_object_is_a_400(client_for, limited):
    refused(post(client_for(limited), "/api/refunds/", [1, 2]), 400, "invalid")


# --- Idempotency-Key ----------------------------------------------------------------------------------
def test_the_same_idempotency_key_answers_200_with_the_same_refund(client_for, ticket, limited):
    key = str(uuid.uuid4())
    client = client_for(limited)

    first = post(client, "/api/refunds/", body(ticket), **{"Idempotency-Key": key})
    again = post(client, "/api/refunds/", body(ticket), **{"Idempotency-Key": key})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Refund.objects.count() == 1
    assert str(Refund.objects.get().idempotency_key) == key  # the platform sees the same key
    assert OutboxAction.objects.count() == 1


def test_without_a_key_each_post_is_a_new_refund(client_for, ticket, limited):
    client = client_for(limited)
    assert post(client, "/api/refunds/", body(ticket, "10.00")).status_code == 201
    assert post(client, "/api/refunds/", body(ticket, "10.00")).status_code == 201
    assert Refund.objects.count() == 2


@pytest.mark.parametrize("change", [{"amount": "31.00"}, {"kind": "without_return"}, {"method": "paypal"}])
def test_the_same_key_with_another_request_is_refused(client_for, ticket, limited, change):
    key = str(uuid.uuid4())
    client = client_for(limited)
    assert post(client, "/api/refunds/", body(ticket), **{"Idempotency-Key": key}).status_code == 201
    before = written()

    refused(
        post(client, "/api/refunds/", body(ticket, **change), **{"Idempotency-Key": key}), 422, "idempotency_key_reused"
    )

    assert written() == before


def test_the_same_key_on_another_ticket_or_by_another_user_is_refused(client_for, ticket, order, limited, supervisor):
    key = str(uuid.uuid4())
    assert post(client_for(limited), "/api/refunds/", body(ticket), **{"Idempotency-Key": key}).status_code == 201
    other_ticket = factories.TicketFactory(store=ticket.store, order=order, customer=order.customer)

    response = post(client_for(limited), "/api/refunds/", body(other_ticket), **{"Idempotency-Key": key})
    refused(response, 422, "idempotency_key_reused")
    refused(
        post(client_for(supervisor), "/api/refunds/", body(ticket), **{"Idempotency-Key": key}),
        422,
        "idempotency_key_reused",
    )
    assert Refund.objects.count() == 1


@pytest.mark.parametrize("key", ["not-a-uuid", "", "{12345678-1234-1234-1234-123456789012}", "1" * 32])
def test_an_idempotency_key_that_is_not_a_uuid_is_a_400(client_for, ticket, limited, key):
    refused(
        post(client_for(limited), "/api/refunds/", body(ticket), **{"Idempotency-Key": key}),
        400,
        "invalid_idempotency_key",
    )
    assert not Refund.objects.exists()


# --- deciding -------------------------------------------------------------------------------------------
def test_a_supervisor_approves_a_pending_refund_with_a_comment(client_for, ticket, limited, supervisor):
    refund = pending_of(ticket, limited)

    response = post(client_for(supervisor), f"/api/refunds/{refund.pk}/approve/", {"comment": "Photos show the tear"})

    assert response.status_code == 200, response.json()
    shown = response.json()
    assert (shown["status"], shown["approved_by"], shown["decision_note"]) == (
        "approved",
        "super",
        "Photos show the tear",
    )
    assert OutboxAction.objects.filter(payload__refund_id=refund.pk).count() == 1


def test_approve_takes_no_comment_too(client_for, ticket, limited, supervisor):
    refund = pending_of(ticket, limited)
    assert post(client_for(supervisor), f"/api/refunds/{refund.pk}/approve/").json()["status"] == "approved"


def test_reject_needs_a_comment(client_for, ticket, limited, supervisor):
    refund = pending_of(ticket, limited)
    client = client_for(supervisor)
    before = written()

    payload = refused(post(client, f"/api/refunds/{refund.pk}/reject/", {}), 400, "invalid")
    assert "comment" in payload["fields"]
    refused(post(client, f"/api/refunds/{refund.pk}/reject/", {"comment": "  "}), 400, "invalid")
    assert written() == before

    shown = post(client, f"/api/refunds/{refund.pk}/reject/", {"comment": "Offer 40.00 instead"}).json()
    assert (shown["status"], shown["decision_note"]) == ("rejected", "Offer 40.00 instead")


def test_approving_twice_is_a_409(client_for, ticket, limited, supervisor):
    refund = pending_of(ticket, limited)
    client = client_for(supervisor)
    assert post(client, f"/api/refunds/{refund.pk}/approve/").status_code == 200
    before = written()
    refused(post(client, f"/api/refunds/{refund.pk}/approve/"), 409, "illegal_transition")
    refused(post(client, f"/api/refunds/{refund.pk}/reject/", {"comment": "late"}), 409, "illegal_transition")
    assert written() == before


def test_approving_more_than_is_left_is_a_409(client_for, ticket, limited, supervisor):
    first, second = pending_of(ticket, limited, "60.00"), pending_of(ticket, limited, "55.00")
    client = client_for(supervisor)
    assert post(client, f"/api/refunds/{first.pk}/approve/").status_code == 200
    before = written()
    refused(post(client, f"/api/refunds/{second.pk}/approve/"), 409, "refund_exceeds_refundable")
    assert written() == before


def test_a_supervisor_cannot_approve_their_own_request(client_for, ticket, shopify_store):
    boss = factories.user_with_role("boss", factories.SUPERVISOR, stores=[shopify_store], approval_limit="10")
    client = client_for(boss)
    refund = post(client, "/api/refunds/", body(ticket, "80.00")).json()
    assert refund["status"] == "pending_approval"
    before = written()

    refused(post(client, f"/api/refunds/{refund['id']}/approve/"), 403, "self_approval_forbidden")
    refused(post(client, f"/api/refunds/{refund['id']}/reject/", {"comment": "mine"}), 403, "self_approval_forbidden")

    assert written() == before


def test_an_agent_cannot_approve_above_their_limit_nor_their_own_request(client_for, ticket, limited, shopify_store):
    rich = factories.user_with_role("rich", factories.AGENT, stores=[shopify_store], approval_limit="100000")
    own = post(client_for(limited), "/api/refunds/", body(ticket, "80.00")).json()
    assert own["status"] == "pending_approval"
    before = written()

    # Their own request above their limit, and a colleague's well within the colleague's own limit.
    refused(post(client_for(limited), f"/api/refunds/{own['id']}/approve/"), 403, "permission_denied")
    refused(post(client_for(rich), f"/api/refunds/{own['id']}/approve/"), 403, "permission_denied")

    assert written() == before
    assert Refund.objects.get(pk=own["id"]).status == F.PENDING_APPROVAL


def test_retry_of_a_failed_refund_is_a_supervisors(client_for, ticket, limited, supervisor):
    refund = pending_of(ticket, limited, "20.00")  # within the limit: approved and queued
    transition_refund(refund, F.EXECUTING, actor=None, actor_kind=ActorKind.SYSTEM)
    transition_refund(refund, F.FAILED, actor=None, actor_kind=ActorKind.SYSTEM, failure_reason="card expired")
    refused(post(client_for(limited), f"/api/refunds/{refund.pk}/retry/"), 403, "permission_denied")

    shown = post(client_for(supervisor), f"/api/refunds/{refund.pk}/retry/").json()

    assert shown["status"] == "executing"
    assert OutboxAction.objects.filter(payload__refund_id=refund.pk).count() == 1
    refused(post(client_for(supervisor), f"/api/refunds/{refund.pk}/retry/"), 409, "illegal_transition")


def test_the_requester_cancels_a_pending_refund_a_colleague_cannot(client_for, ticket, limited, shopify_store):
    colleague = factories.user_with_role("colleague", factories.AGENT, stores=[shopify_store])
    refund = pending_of(ticket, limited)
    refused(post(client_for(colleague), f"/api/refunds/{refund.pk}/cancel/"), 403, "permission_denied")

    shown = post(client_for(limited), f"/api/refunds/{refund.pk}/cancel/", {"comment": "Buyer kept it"}).json()

    assert shown["status"] == "cancelled"


def test_a_decision_on_a_missing_refund_is_a_404(client_for, supervisor):
    for action in ("approve", "reject", "retry", "cancel"):
        refused(post(client_for(supervisor), f"/api/refunds/99999999/{action}/", {"comment": "x"}), 404, "not_found")


# --- roles x stores ------------------------------------------------------------------------------------
ROLES = ["agent", "supervisor", "finance", "admin"]
# What each role gets when it requests a refund on its own store's ticket and on another store's.
REQUEST = {
    "agent": {"own": (201, None), "other": (422, "unknown_ticket")},
    "supervisor": {"own": (201, None), "other": (422, "unknown_ticket")},
    "finance": {"own": (403, "permission_denied"), "other": (403, "permission_denied")},
    "admin": {"own": (403, "permission_denied"), "other": (403, "permission_denied")},
}
# ... and when it approves a pending refund (someone else's) of its own store and of another store.
APPROVE = {
    "agent": {"own": (403, "permission_denied"), "other": (403, "permission_denied")},
    "supervisor": {"own": (200, None), "other": (404, "not_found")},
    "finance": {"own": (403, "permission_denied"), "other": (403, "permission_denied")},
    "admin": {"own": (403, "permission_denied"), "other": (403, "permission_denied")},
}


@pytest.fixture
def role_users(agent, supervisor, finance, admin):
    return {"agent": agent, "supervisor": supervisor, "finance": finance, "admin": admin}


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_request_by_role_and_store(client_for, role_users, ticket, elsewhere, role, where):
    target = ticket if where == "own" else elsewhere["ticket"]
    status, code = REQUEST[role][where]
    before = written()

    response = post(client_for(role_users[role]), "/api/refunds/", body(target, "10.00"))

    if code is None:
        assert response.status_code == status, response.json()
        assert Refund.objects.filter(pk=response.json()["id"], ticket=target).exists()
    else:
        refused(response, status, code)
        assert written() == before


@pytest.mark.parametrize("where", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_approval_by_role_and_store(client_for, role_users, ticket, limited, elsewhere, role, where):
    refund = pending_of(ticket, limited) if where == "own" else elsewhere["refund"]
    status, code = APPROVE[role][where]
    before = written()

    response = post(client_for(role_users[role]), f"/api/refunds/{refund.pk}/approve/", {"comment": "ok"})

    if code is None:
        assert response.status_code == status, response.json()
        assert Refund.objects.get(pk=refund.pk).status == F.APPROVED
    else:
        refused(response, status, code)
        assert written() == before


@pytest.mark.parametrize("action", ["approve", "reject", "retry", "cancel"])
def test_finance_is_refused_every_decision(client_for, finance, ticket, limited, action):
    refund = pending_of(ticket, limited)
    before = written()
    refused(
        post(client_for(finance), f"/api/refunds/{refund.pk}/{action}/", {"comment": "x"}), 403, "permission_denied"
    )
    assert written() == before


def test_finance_still_reads_the_refund_with_its_new_fields(client_for, finance, ticket, limited):
    refund = pending_of(ticket, limited)
    shown = client_for(finance).get(f"/api/refunds/{refund.pk}/").json()
    assert shown["approval_reasons"] == [Reason.ABOVE_LIMIT]
    assert shown["suggested_amount"] is None  # an amount alone: nothing to suggest from
    assert (shown["decision_note"], shown["lines"]) == ("", [])


# --- auth and throttling --------------------------------------------------------------------------------
def test_a_token_client_requests_a_refund(ticket, limited):
    client = APIClient()
    token = client.post(
        "/api/auth/token/", {"username": "limited", "password": factories.PASSWORD}, format="json"
    ).json()["token"]

    response = client.post("/api/refunds/", body(ticket), format="json", headers={"Authorization": f"Token {token}"})

    assert response.status_code == 201, response.json()


def test_a_session_client_needs_the_csrf_token(ticket, limited):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(limited)

    response = client.post("/api/refunds/", body(ticket), format="json")

    refused(response, 403, "permission_denied")
    assert "CSRF" in response.json()["detail"]
    assert not Refund.objects.exists()


def test_anonymous_is_a_401(anon, ticket):
    refused(anon.post("/api/refunds/", body(ticket), format="json"), 401, "not_authenticated")
    assert not Refund.objects.exists()


def test_writes_are_throttled_per_user(client_for, ticket, limited, supervisor, monkeypatch):
    monkeypatch.setattr(RefundWriteThrottle, "THROTTLE_RATES", {"refund_writes": "2/min"})
    client = client_for(limited)
    assert post(client, "/api/refunds/", body(ticket, "1.00")).status_code == 201
    assert post(client, "/api/refunds/", body(ticket, "1.00")).status_code == 201

    response = post(client, "/api/refunds/", body(ticket, "1.00"))

    refused(response, 429, "throttled")
    assert "Retry-After" in response.headers
    assert Refund.objects.count() == 2
    assert client.get("/api/refunds/").status_code == 200  # reads are not counted
    assert post(client_for(supervisor), "/api/refunds/", body(ticket, "1.00")).status_code == 201


# --- the schema ---------------------------------------------------------------------------------------------
@pytest.fixture
def schema(anon):
    return anon.get("/api/schema/?format=json").json()


def test_the_schema_documents_the_refund_writes(schema):
    create = schema["paths"]["/api/refunds/"]["post"]
    assert {"200", "201", "400", "401", "403", "409", "415", "422", "429"} <= set(create["responses"])
    assert list(create["requestBody"]["content"]) == ["application/json"]
    [key] = [p for p in create["parameters"] if p["name"] == "Idempotency-Key"]
    assert (key["in"], key["schema"]["format"]) == ("header", "uuid")
    request = schema["components"]["schemas"]["RefundCreate"]
    assert request["properties"]["amount"]["type"] == "string"
    assert set(request["required"]) == {"ticket", "currency", "kind", "method", "reason"}
    for action in ("approve", "reject", "retry", "cancel"):
        operation = schema["paths"][f"/api/refunds/{{id}}/{action}/"]["post"]
        assert {"200", "403", "404", "409", "422"} <= set(operation["responses"]), action
    assert schema["components"]["schemas"]["RefundRejection"]["required"] == ["comment"]
    refund = schema["components"]["schemas"]["Refund"]["properties"]
    assert {"approval_reasons", "suggested_amount", "decision_note", "lines"} <= set(refund)


def test_refund_kinds_and_methods_in_the_schema_come_from_the_domain(schema):
    request = schema["components"]["schemas"]["RefundCreate"]["properties"]
    enums = schema["components"]["schemas"]
    assert set(enums[request["kind"]["$ref"].split("/")[-1]]["enum"]) == set(RefundKind.values)
    assert set(enums[request["method"]["$ref"].split("/")[-1]]["enum"]) == set(RefundMethod.values)
