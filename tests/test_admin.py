"""Admin pages: useful for staff, and scoped to their stores unless they are superusers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_agent(agent):
    User.objects.filter(pk=agent.pk).update(is_staff=True)
    return User.objects.get(pk=agent.pk)


def test_staff_sees_only_their_stores_tickets_in_admin(client, staff_agent, shopify_store, ebay_store):
    mine = factories.TicketFactory(store=shopify_store, subject="Mine to see")
    factories.TicketFactory(store=ebay_store, subject="Not for you")
    client.force_login(staff_agent)
    content = client.get(reverse("admin:tickets_ticket_changelist")).content.decode()
    assert "Mine to see" in content and "Not for you" not in content
    assert client.get(reverse("admin:tickets_ticket_change", args=[mine.pk])).status_code == 200


def test_staff_cannot_open_another_stores_ticket_in_admin(client, staff_agent, ebay_store):
    other = factories.TicketFactory(store=ebay_store)
    client.force_login(staff_agent)
    response = client.get(reverse("admin:tickets_ticket_change", args=[other.pk]), follow=True)
    assert "Not for you" not in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")


def test_superuser_sees_every_store_in_admin(client, shopify_store, ebay_store):
    factories.TicketFactory(store=shopify_store, subject="Shopify one")
    factories.TicketFactory(store=ebay_store, subject="eBay one")
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    content = client.get(reverse("admin:tickets_ticket_changelist")).content.decode()
    assert "Shopify one" in content and "eBay one" in content


@pytest.mark.parametrize(
    "name",
    [
        "tickets_store",
        "tickets_storemembership",
        "tickets_customer",
        "tickets_order",
        "tickets_ticket",
        "tickets_message",
        "tickets_attachment",
        "tickets_returnauthorization",
        "tickets_refund",
        "tickets_macro",
        "tickets_rule",
        "tickets_rulerun",
        "tickets_slapolicy",
        "tickets_tag",
        "tickets_team",
        "tickets_auditevent",
        "tickets_outboxaction",
        "integrations_rawpayload",
        "integrations_workerheartbeat",
    ],
)
def test_every_admin_list_renders_with_search_and_filters(client, name, shopify_store):
    factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store))
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    response = client.get(reverse(f"admin:{name}_changelist"), {"q": "x"})
    assert response.status_code == 200


def test_audit_trail_is_read_only_in_admin(client, shopify_store):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    assert client.get(reverse("admin:tickets_auditevent_add")).status_code == 403
