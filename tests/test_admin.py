"""Admin pages: useful for staff, and scoped to their stores unless they are superusers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from tests import factories, idor
from tickets import models as m

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


# --- list filters and approval limits (issue 10, item 11) ------------------------------------------

OTHER_STORE = "Store-B-Secret-Name"


@pytest.fixture
def all_roles_staff(shopify_store):
    """A staff member of the Shopify store holding every role: every changelist any role opens."""
    user = User.objects.create_user("allroles", password=factories.PASSWORD, is_staff=True)
    user.groups.add(*(factories.role_group(role) for role in idor.ROLES))
    m.StoreMembership.objects.create(store=shopify_store, user=user)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def other_store():
    store = factories.StoreFactory(name=OTHER_STORE)
    factories.RefundFactory(ticket=factories.TicketFactory(store=store))
    return store


@pytest.mark.parametrize(
    "model",
    [pytest.param(model, id=model._meta.label_lower) for model in admin.site._registry],
)
def test_no_admin_list_filter_names_another_store(client, model, all_roles_staff, other_store, shopify_store):
    factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store))
    client.force_login(all_roles_staff)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    if response.status_code == 403:
        pytest.skip("no role opens this list")
    assert response.status_code == 200
    assert OTHER_STORE not in response.content.decode()
    sidebar = response.context["cl"].filter_specs
    choices = [str(choice["display"]) for spec in sidebar for choice in spec.choices(response.context["cl"])]
    assert not [choice for choice in choices if OTHER_STORE in choice]


def test_the_store_filter_still_offers_ones_own_stores(client, all_roles_staff, other_store, ebay_store):
    m.StoreMembership.objects.create(store=ebay_store, user=all_roles_staff)  # a filter of one choice is hidden
    client.force_login(all_roles_staff)
    response = client.get(reverse("admin:tickets_ticket_changelist"))
    sidebar = response.content.decode().split('id="changelist-filter"')[1]
    assert "Acme Shopify" in sidebar and "Acme eBay DE" in sidebar and OTHER_STORE not in sidebar


@pytest.fixture
def store_admin_and_agent(shopify_store):
    """An Admin of the Shopify store (staff) and an agent there whose limit is 100."""
    manager = factories.user_with_role("manager", factories.ADMIN, stores=[shopify_store])
    User.objects.filter(pk=manager.pk).update(is_staff=True)
    agent = factories.user_with_role("limited", factories.AGENT, stores=[shopify_store], approval_limit="100")
    return User.objects.get(pk=manager.pk), m.StoreMembership.objects.get(user=agent, store=shopify_store)


def _membership_post(client, membership, limit):
    url = reverse("admin:tickets_storemembership_change", args=[membership.pk])
    data = {"store": membership.store_id, "user": membership.user_id, "refund_approval_limit": limit, "_save": "Save"}
    return client.post(url, data)


def test_editing_an_approval_limit_in_the_admin_writes_one_audit_event(client, store_admin_and_agent):
    manager, membership = store_admin_and_agent
    client.force_login(manager)

    response = _membership_post(client, membership, "250.50")

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.refund_approval_limit == Decimal("250.50")
    event = m.AuditEvent.objects.get(action="membership.approval_limit_changed")
    assert (event.actor, event.object_type, event.object_id, event.store_id) == (
        manager,
        "storemembership",
        membership.pk,
        membership.store_id,
    )
    assert event.before == {"refund_approval_limit": "100.00", "currency": "USD"}
    assert event.after == {"refund_approval_limit": "250.50", "currency": "USD"}


def test_saving_a_membership_without_changing_its_limit_writes_no_audit_event(client, store_admin_and_agent):
    manager, membership = store_admin_and_agent
    client.force_login(manager)

    assert _membership_post(client, membership, "100.00").status_code == 302

    assert not m.AuditEvent.objects.filter(action="membership.approval_limit_changed").exists()


def test_editing_a_limit_in_the_stores_member_list_writes_one_audit_event(client, store_admin_and_agent):
    manager, membership = store_admin_and_agent
    client.force_login(manager)
    url = reverse("admin:tickets_store_change", args=[membership.store_id])
    data = _change_form_data(client.get(url))
    row = next(key for key, value in data.items() if key.endswith("-id") and value == str(membership.pk))
    data[row.replace("-id", "-refund_approval_limit")] = ""  # no limit any more

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    membership.refresh_from_db()
    assert membership.refund_approval_limit is None
    event = m.AuditEvent.objects.get(action="membership.approval_limit_changed")
    assert (event.before["refund_approval_limit"], event.after["refund_approval_limit"]) == ("100.00", None)


@pytest.mark.parametrize(("currency", "limit"), [("USD", "12.345"), ("JPY", "1000.5"), ("USD", "-1")])
def test_an_invalid_approval_limit_is_refused_beside_the_field(client, store_admin_and_agent, currency, limit):
    manager, membership = store_admin_and_agent
    m.Store.objects.filter(pk=membership.store_id).update(currency=currency)
    client.force_login(manager)

    response = _membership_post(client, membership, limit)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["refund_approval_limit"]
    membership.refresh_from_db()
    assert membership.refund_approval_limit == Decimal("100")
    assert not m.AuditEvent.objects.exists()


def test_nobody_sets_their_own_approval_limit_in_the_admin(client, store_admin_and_agent):
    manager, _ = store_admin_and_agent
    own = m.StoreMembership.objects.get(user=manager)
    client.force_login(manager)

    response = _membership_post(client, own, "99999")

    assert response.status_code == 200
    assert "own" in str(response.context["adminform"].form.errors["refund_approval_limit"])
    own.refresh_from_db()
    assert own.refund_approval_limit is None


def test_a_store_admin_cannot_open_a_user_of_another_store_only(client, store_admin, other_store):
    outsider = factories.user_with_role("elsewhere", factories.AGENT, stores=[other_store])
    newcomer = User.objects.create_user("newcomer")  # of no store yet: to be made a member
    client.force_login(store_admin)

    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    response = client.get(reverse("admin:auth_user_change", args=[outsider.pk]), follow=True)

    assert "elsewhere" not in listing and "newcomer" in listing
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert client.get(reverse("admin:auth_user_password_change", args=[outsider.pk])).status_code == 404
    assert client.get(reverse("admin:auth_user_change", args=[newcomer.pk])).status_code == 200


def test_a_store_admin_cannot_add_a_user_of_another_store_by_posting_their_id(client, store_admin, other_store):
    outsider = factories.user_with_role("elsewhere", factories.AGENT, stores=[other_store])
    store = m.StoreMembership.objects.get(user=store_admin).store
    client.force_login(store_admin)

    response = client.post(
        reverse("admin:tickets_storemembership_add"), {"store": store.pk, "user": outsider.pk, "_save": "Save"}
    )

    assert response.status_code == 200 and response.context["adminform"].form.errors["user"]
    assert not m.StoreMembership.objects.filter(user=outsider, store=store).exists()


def test_editing_a_team_keeps_the_members_the_editor_cannot_see(client, supervisor, other_store):
    outsider = factories.user_with_role("elsewhere", factories.AGENT, stores=[other_store])
    team = m.Team.objects.create(name="Returns desk")
    team.members.add(outsider, supervisor)
    User.objects.filter(pk=supervisor.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=supervisor.pk))
    url = reverse("admin:tickets_team_change", args=[team.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"name": "Returns desk", "members": [], "_save": "Save"})

    assert "elsewhere" not in page
    assert response.status_code == 302
    assert set(team.members.all()) == {outsider}


def _change_form_data(response) -> dict[str, str]:
    """What the browser would post back unchanged: the main form and every inline formset."""
    data: dict[str, str] = {"_save": "Save"}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else str(getattr(value, "pk", value))
    return data


# --- review: a membership never changes hands; currency; who edits whom ----------------------------


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", "x" * 16)


@pytest.fixture
def bobs_membership(shopify_store):
    bob = factories.user_with_role("bob", factories.SUPERVISOR, stores=[shopify_store], approval_limit="5000")
    return m.StoreMembership.objects.get(user=bob)


def test_moving_a_membership_to_oneself_in_the_admin_changes_nothing(client, root, bobs_membership):
    client.force_login(root)
    url = reverse("admin:tickets_storemembership_change", args=[bobs_membership.pk])
    data = {"store": bobs_membership.store_id, "user": root.pk, "refund_approval_limit": "5000", "_save": "Save"}

    client.post(url, data)

    bobs_membership.refresh_from_db()
    assert (bobs_membership.user.username, bobs_membership.refund_approval_limit) == ("bob", Decimal("5000"))
    assert not m.StoreMembership.objects.filter(user=root).exists()


def test_moving_a_membership_to_another_store_in_the_admin_changes_nothing(client, root, bobs_membership, ebay_store):
    client.force_login(root)
    url = reverse("admin:tickets_storemembership_change", args=[bobs_membership.pk])

    client.post(url, {"store": ebay_store.pk, "user": bobs_membership.user_id, "refund_approval_limit": "5000"})

    bobs_membership.refresh_from_db()
    assert bobs_membership.store_id != ebay_store.pk


def test_moving_a_membership_in_the_stores_member_list_changes_nothing(client, root, bobs_membership):
    client.force_login(root)
    url = reverse("admin:tickets_store_change", args=[bobs_membership.store_id])
    data = _change_form_data(client.get(url))
    row = next(key for key, value in data.items() if key.endswith("-id") and value == str(bobs_membership.pk))
    data[row.replace("-id", "-user")] = str(root.pk)

    client.post(url, data)

    bobs_membership.refresh_from_db()
    assert bobs_membership.user.username == "bob"
    assert not m.StoreMembership.objects.filter(user=root).exists()
    assert not m.AuditEvent.objects.exists()


def test_a_new_membership_with_ones_own_limit_is_refused_and_not_created(client, root, shopify_store):
    client.force_login(root)
    data = {"store": shopify_store.pk, "user": root.pk, "refund_approval_limit": "5000", "_save": "Save"}

    response = client.post(reverse("admin:tickets_storemembership_add"), data)

    assert response.status_code == 200
    assert "own" in str(response.context["adminform"].form.errors["refund_approval_limit"])
    assert not m.StoreMembership.objects.filter(user=root).exists()


def test_a_new_member_with_ones_own_limit_in_the_stores_member_list_is_refused(client, root, shopify_store):
    client.force_login(root)
    url = reverse("admin:tickets_store_change", args=[shopify_store.pk])
    data = _change_form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    row = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(row + 1)
    data.update({f"{prefix}-{row}-user": str(root.pk), f"{prefix}-{row}-refund_approval_limit": "5000"})

    response = client.post(url, data)

    assert response.status_code == 200
    assert not m.StoreMembership.objects.filter(user=root).exists()


def test_a_new_membership_with_a_limit_in_the_admin_is_audited(client, store_admin_and_agent):
    manager, membership = store_admin_and_agent
    newcomer = User.objects.create_user("newcomer")
    client.force_login(manager)
    data = {"store": membership.store_id, "user": newcomer.pk, "refund_approval_limit": "300", "_save": "Save"}

    response = client.post(reverse("admin:tickets_storemembership_add"), data)

    assert response.status_code == 302
    created = m.StoreMembership.objects.get(user=newcomer)
    assert created.refund_approval_limit == Decimal("300")
    event = m.AuditEvent.objects.get(action="membership.approval_limit_changed")
    assert (event.actor, event.object_id, event.after["refund_approval_limit"]) == (manager, created.pk, "300.00")


def _store_post(client, store, **changes):
    url = reverse("admin:tickets_store_change", args=[store.pk])
    data = _change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


@pytest.mark.parametrize("holds", ["order", "refund", "limit"])
def test_a_stores_currency_does_not_change_under_its_money(client, root, shopify_store, holds):
    # Limits, orders and refunds are amounts of the store's currency: 100000 JPY is not 100000 USD.
    if holds == "order":
        factories.OrderFactory(store=shopify_store)
    elif holds == "refund":
        factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store))
    else:
        factories.user_with_role("limited", factories.AGENT, stores=[shopify_store], approval_limit="100")
    client.force_login(root)

    response = _store_post(client, shopify_store, currency="JPY")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["currency"]
    shopify_store.refresh_from_db()
    assert shopify_store.currency == "USD"


def test_a_new_stores_currency_may_still_be_corrected(client, root, shopify_store):
    factories.user_with_role("member", factories.AGENT, stores=[shopify_store])  # a member with no limit
    client.force_login(root)

    response = _store_post(client, shopify_store, currency="JPY")

    assert response.status_code == 302
    shopify_store.refresh_from_db()
    assert shopify_store.currency == "JPY"


@pytest.fixture
def shared_user(shopify_store, other_store):
    """A colleague of the store Admin's store who also works for a store the Admin is not in."""
    return factories.user_with_role("shared", factories.AGENT, stores=[shopify_store, other_store])


def test_a_store_admin_sees_a_user_of_other_stores_too_read_only(client, store_admin, shared_user):
    client.force_login(store_admin)
    url = reverse("admin:auth_user_change", args=[shared_user.pk])

    page = client.get(url)
    response = client.post(url, {"username": "taken-over", "email": "me@evil.example", "_save": "Save"})

    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert response.status_code == 403
    assert User.objects.get(pk=shared_user.pk).username == "shared"


def test_a_store_admin_cannot_reset_the_password_of_a_user_of_other_stores_too(client, store_admin, shared_user):
    client.force_login(store_admin)
    url = reverse("admin:auth_user_password_change", args=[shared_user.pk])
    data = {"password1": "Taken-0ver-pass!", "password2": "Taken-0ver-pass!", "set_usable_password": "true"}

    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert User.objects.get(pk=shared_user.pk).check_password(factories.PASSWORD)


def test_a_store_admin_still_resets_the_password_of_their_stores_own_users(client, store_admin, agent):
    client.force_login(store_admin)
    url = reverse("admin:auth_user_password_change", args=[agent.pk])
    data = {"password1": "New-agent-pass-1!", "password2": "New-agent-pass-1!", "set_usable_password": "true"}

    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    assert User.objects.get(pk=agent.pk).check_password("New-agent-pass-1!")


def test_a_store_admin_cannot_give_themselves_a_role(client, store_admin):
    client.force_login(store_admin)
    url = reverse("admin:auth_user_change", args=[store_admin.pk])
    data = _change_form_data(client.get(url))
    data["groups"] = [factories.role_group(factories.SUPERVISOR).pk, factories.role_group(factories.ADMIN).pk]

    client.post(url, data)

    assert list(User.objects.get(pk=store_admin.pk).groups.values_list("name", flat=True)) == [factories.ADMIN]


def test_a_store_admin_still_gives_their_stores_agent_a_role(client, store_admin, agent):
    client.force_login(store_admin)
    url = reverse("admin:auth_user_change", args=[agent.pk])
    data = _change_form_data(client.get(url))
    data["groups"] = [factories.role_group(factories.SUPERVISOR).pk]

    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert list(User.objects.get(pk=agent.pk).groups.values_list("name", flat=True)) == [factories.SUPERVISOR]
