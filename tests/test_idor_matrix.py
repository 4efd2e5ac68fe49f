"""IDOR matrix (figure F14): every object endpoint × role × an object of a store the user is not
a member of. Each answer is a refusal, and none contains the other store's data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories

pytestmark = pytest.mark.django_db
MARKER = "SECRET-OF-STORE-B"
ROLES = [factories.AGENT, factories.SUPERVISOR, factories.FINANCE, factories.ADMIN]


@pytest.fixture
def store_b_objects():
    store_b = factories.StoreFactory(name="Store B")
    ticket = factories.TicketFactory(store=store_b, subject=MARKER)
    factories.MessageFactory(ticket=ticket, body=f"<p>{MARKER}</p>")
    refund = factories.RefundFactory(ticket=ticket, reason=MARKER)
    rma = factories.RmaFactory(ticket=ticket, qc_note=MARKER)
    return {"store": store_b, "ticket": ticket, "order": ticket.order, "refund": refund, "rma": rma}


@pytest.fixture(params=ROLES)
def outsider(request, shopify_store):
    user = factories.user_with_role(f"outsider-{request.param.lower()}", request.param, stores=[shopify_store])
    User.objects.filter(pk=user.pk).update(is_staff=True)  # the admin pages too
    return User.objects.get(pk=user.pk)


def web_requests(objects):
    number = objects["ticket"].number
    return [
        ("get", reverse("ticket", args=[number]), {}),
        ("post", reverse("ticket-status", args=[number]), {"status": "open"}),
        ("post", reverse("ticket-assign", args=[number]), {"assignee": "me"}),
        ("post", reverse("ticket-note", args=[number]), {"body": "hello"}),
        ("get", reverse("inbox") + f"?view=all&q=%23{number}", {}),
        ("get", reverse("inbox") + f"?view=all&store={objects['store'].pk}", {}),
    ]


def api_paths(objects):
    return [
        f"/api/tickets/{objects['ticket'].number}/",
        f"/api/orders/{objects['order'].pk}/",
        f"/api/refunds/{objects['refund'].pk}/",
        f"/api/stores/{objects['store'].pk}/",
        f"/api/tickets/?store={objects['store'].pk}",
        "/api/tickets/",
        "/api/orders/",
        "/api/refunds/",
    ]


def admin_paths(objects):
    return [
        reverse("admin:tickets_ticket_change", args=[objects["ticket"].pk]),
        reverse("admin:tickets_order_change", args=[objects["order"].pk]),
        reverse("admin:tickets_refund_change", args=[objects["refund"].pk]),
        reverse("admin:tickets_returnauthorization_change", args=[objects["rma"].pk]),
        reverse("admin:tickets_store_change", args=[objects["store"].pk]),
        reverse("admin:tickets_ticket_changelist"),
        reverse("admin:tickets_message_changelist") + f"?q={objects['ticket'].number}",
    ]


def test_web_pages_refuse_another_stores_ticket(client, outsider, store_b_objects):
    client.force_login(outsider)
    for method, url, data in web_requests(store_b_objects):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 403, 404), url
        assert MARKER not in response.content.decode(), url
    ticket = store_b_objects["ticket"]
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id, ticket.messages.count()) == ("new", None, 1)


def test_api_refuses_another_stores_objects(outsider, store_b_objects):
    client = APIClient()
    client.force_authenticate(outsider)
    for path in api_paths(store_b_objects):
        response = client.get(path)
        assert response.status_code in (200, 400, 403, 404), path
        assert MARKER not in response.content.decode(), path
        if path.rstrip("/").split("/")[-1].isdigit():
            assert response.status_code in (403, 404), path


def test_admin_refuses_another_stores_objects(client, outsider, store_b_objects):
    client.force_login(outsider)
    for path in admin_paths(store_b_objects):
        response = client.get(path, follow=True)
        assert MARKER not in response.content.decode(), path
