"""The four roles the data migration creates, and what each may do."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests import factories
from tickets.roles import ADMIN, AGENT, FINANCE, ROLE_PERMISSIONS, SUPERVISOR

pytestmark = pytest.mark.django_db


def group_permissions(name: str) -> set[str]:
    perms = Group.objects.get(name=name).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in perms}


def test_migration_created_the_four_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {AGENT, SUPERVISOR, FINANCE, ADMIN}


@pytest.mark.parametrize("role", [AGENT, SUPERVISOR, FINANCE, ADMIN])
def test_role_group_holds_exactly_the_listed_permissions(role):
    assert group_permissions(role) == set(ROLE_PERMISSIONS[role])


def test_finance_writes_only_exchange_rates_and_closes_months():
    """Finance reads the domain and changes nothing of it: it keeps the exchange rates the approval
    policy converts with, and closes months of its report."""
    writes = {p for p in group_permissions(FINANCE) if p.split(".")[1].split("_")[0] in {"add", "change", "delete"}}

    assert writes == {"tickets.add_exchangerate", "tickets.change_exchangerate"}
    others = group_permissions(FINANCE) - writes - {"tickets.close_refund_month"}
    assert all(perm.split(".")[1].startswith("view_") for perm in others)


def test_finance_reads_tickets_orders_and_refunds_for_reports():
    assert {"tickets.view_ticket", "tickets.view_order", "tickets.view_refund"} <= group_permissions(FINANCE)


def test_only_supervisor_has_approve_refund():
    approve = Permission.objects.get(content_type__app_label="tickets", codename="approve_refund")

    assert set(approve.group_set.values_list("name", flat=True)) == {SUPERVISOR}


def test_agent_works_tickets_but_does_not_change_refunds_or_rules():
    perms = group_permissions(AGENT)

    assert {"tickets.change_ticket", "tickets.add_refund", "tickets.change_returnauthorization"} <= perms
    assert "tickets.change_refund" not in perms
    assert "tickets.change_rule" not in perms


def test_nobody_may_delete_tickets_refunds_or_the_audit_trail():
    deletes = {"tickets.delete_ticket", "tickets.delete_refund", "tickets.delete_auditevent", "tickets.delete_message"}

    for role in ROLE_PERMISSIONS:
        assert not deletes & group_permissions(role), role


def test_admin_manages_stores_and_members_but_cannot_approve_refunds():
    perms = group_permissions(ADMIN)

    assert {"tickets.change_store", "tickets.add_storemembership"} <= perms
    assert "tickets.approve_refund" not in perms
    assert "tickets.change_ticket" not in perms


def test_a_user_in_the_supervisor_group_has_approve_refund(settings, shopify_store):
    supervisor = factories.user_with_role("sup", SUPERVISOR, stores=[shopify_store])
    finance = factories.user_with_role("fin", FINANCE, stores=[shopify_store])

    assert supervisor.has_perm("tickets.approve_refund")
    assert not finance.has_perm("tickets.approve_refund")
    assert not finance.has_perm("tickets.change_ticket")
