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


@pytest.fixture
def store_admin(shopify_store):
    user = factories.user_with_role("storeadmin", factories.ADMIN, stores=[shopify_store])
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def test_admin_role_cannot_make_itself_superuser(client, store_admin):
    client.force_login(store_admin)
    url = reverse("admin:auth_user_change", args=[store_admin.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        username=store_admin.username,
        is_superuser="on",
        is_staff="on",
        is_active="on",
        date_joined_0="2026-01-01",
        date_joined_1="00:00:00",
    )
    client.post(url, data)
    assert User.objects.get(pk=store_admin.pk).is_superuser is False


def test_admin_role_cannot_see_or_edit_superusers(client, store_admin):
    root = User.objects.create_superuser("root", "root@example.com", "x" * 16)
    client.force_login(store_admin)
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:auth_user_password_change", args=[root.pk])).status_code == 404


@pytest.mark.parametrize("name", ["tickets_ticket", "tickets_message", "tickets_refund", "tickets_returnauthorization"])
def test_the_work_is_read_only_in_admin_even_for_superusers(client, name, shopify_store):
    refund = factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store))
    objects = {
        "tickets_ticket": refund.ticket,
        "tickets_message": factories.MessageFactory(ticket=refund.ticket),
        "tickets_refund": refund,
        "tickets_returnauthorization": factories.RmaFactory(ticket=refund.ticket),
    }
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x" * 16))
    assert client.get(reverse(f"admin:{name}_add")).status_code == 403
    change = reverse(f"admin:{name}_change", args=[objects[name].pk])
    assert client.post(change, {"subject": "hacked", "amount": "9999", "body": "x"}).status_code == 403


def test_rules_of_another_store_are_hidden_and_global_rules_read_only(client, supervisor, shopify_store):
    from tickets.models import Rule

    other = factories.StoreFactory(name="Not mine")
    Rule.objects.create(name="Other store rule", store=other, event="ticket_created", actions=[])
    mine = Rule.objects.create(name="My rule", store=shopify_store, event="ticket_created", actions=[])
    everywhere = Rule.objects.create(name="Global rule", store=None, event="ticket_created", actions=[])
    User.objects.filter(pk=supervisor.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=supervisor.pk))
    listing = client.get(reverse("admin:tickets_rule_changelist")).content.decode()
    assert "My rule" in listing and "Global rule" in listing and "Other store rule" not in listing
    assert client.post(reverse("admin:tickets_rule_delete", args=[everywhere.pk]), {"post": "yes"}).status_code == 403
    assert Rule.objects.filter(pk=everywhere.pk).exists()
    assert client.get(reverse("admin:tickets_rule_change", args=[mine.pk])).status_code == 200
