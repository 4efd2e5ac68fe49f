"""The membership service: a refund approval limit is set checked and on the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests import factories
from tickets import models as m
from tickets.errors import MoneyError, NotFound, PermissionDenied
from tickets.services.memberships import save_membership, set_approval_limit

pytestmark = pytest.mark.django_db
ACTION = "membership.approval_limit_changed"


@pytest.fixture
def manager(shopify_store):
    return factories.user_with_role("manager", factories.ADMIN, stores=[shopify_store])


@pytest.fixture
def membership(shopify_store):
    agent = factories.user_with_role("limited", factories.AGENT, stores=[shopify_store], approval_limit="100")
    return m.StoreMembership.objects.get(user=agent)


def test_setting_a_limit_records_it_before_and_after(manager, membership):
    set_approval_limit(membership, Decimal("75.5"), actor=manager)

    membership.refresh_from_db()
    assert membership.refund_approval_limit == Decimal("75.50")
    event = m.AuditEvent.objects.get(action=ACTION)
    assert (event.actor, event.store_id, event.object_id) == (manager, membership.store_id, membership.pk)
    assert (event.before, event.after) == (
        {"refund_approval_limit": "100.00", "currency": "USD"},
        {"refund_approval_limit": "75.50", "currency": "USD"},
    )


def test_setting_the_same_limit_writes_nothing(manager, membership):
    set_approval_limit(membership, Decimal("100.00"), actor=manager)

    assert not m.AuditEvent.objects.filter(action=ACTION).exists()


@pytest.mark.parametrize("limit", [Decimal("10.001"), Decimal("-5"), Decimal("1E+20")])
def test_a_limit_the_currency_cannot_hold_is_refused_and_nothing_changes(manager, membership, limit):
    with pytest.raises(MoneyError):
        set_approval_limit(membership, limit, actor=manager)

    membership.refresh_from_db()
    assert membership.refund_approval_limit == Decimal("100")
    assert not m.AuditEvent.objects.exists()


def test_a_yen_limit_has_no_decimals(manager, membership):
    m.Store.objects.filter(pk=membership.store_id).update(currency="JPY")
    membership.refresh_from_db()

    with pytest.raises(MoneyError):
        set_approval_limit(membership, Decimal("5000.5"), actor=manager)
    set_approval_limit(membership, Decimal("5000"), actor=manager)

    assert m.AuditEvent.objects.get(action=ACTION).after == {"refund_approval_limit": "5000", "currency": "JPY"}


def test_nobody_sets_their_own_limit(manager):
    own = m.StoreMembership.objects.get(user=manager)

    with pytest.raises(PermissionDenied):
        set_approval_limit(own, Decimal("99999"), actor=manager)

    own.refresh_from_db()
    assert own.refund_approval_limit is None


def test_a_role_without_the_permission_is_refused(membership, shopify_store):
    agent = factories.user_with_role("peer", factories.AGENT, stores=[shopify_store])

    with pytest.raises(PermissionDenied):
        set_approval_limit(membership, Decimal("1"), actor=agent)


@pytest.mark.parametrize("role", [factories.ADMIN, factories.AGENT, factories.FINANCE])
def test_another_stores_membership_is_as_missing_whatever_the_role(membership, ebay_store, role):
    # Membership is checked before the role: a 403 here would tell that the membership exists.
    outsider = factories.user_with_role(f"outsider-{role}", role, stores=[ebay_store])

    with pytest.raises(NotFound):
        set_approval_limit(membership, Decimal("1"), actor=outsider)

    membership.refresh_from_db()
    assert membership.refund_approval_limit == Decimal("100")


# --- a membership never changes hands; a new one's limit is checked before it exists --------------


@pytest.fixture
def root(db):
    from django.contrib.auth.models import User

    return User.objects.create_superuser("root", "root@example.com", "x" * 16)


def test_a_membership_does_not_change_hands(root, membership):
    # Moving Bob's membership to oneself would hand oneself Bob's limit without the own-limit check.
    moved = m.StoreMembership.objects.get(pk=membership.pk)
    moved.user = root

    with pytest.raises(PermissionDenied):
        save_membership(moved, actor=root)

    membership.refresh_from_db()
    assert (membership.user.username, membership.refund_approval_limit) == ("limited", Decimal("100"))
    assert not m.AuditEvent.objects.exists()


def test_a_membership_does_not_move_to_another_store(manager, membership, ebay_store):
    m.StoreMembership.objects.create(store=ebay_store, user=manager)
    moved = m.StoreMembership.objects.get(pk=membership.pk)
    moved.store = ebay_store

    with pytest.raises(PermissionDenied):
        save_membership(moved, actor=manager)

    membership.refresh_from_db()
    assert membership.store_id != ebay_store.pk


def test_a_new_membership_with_ones_own_limit_is_not_created(root, shopify_store):
    with pytest.raises(PermissionDenied):
        save_membership(
            m.StoreMembership(store=shopify_store, user=root, refund_approval_limit=Decimal("5000")), actor=root
        )

    assert not m.StoreMembership.objects.filter(user=root).exists()
    assert not m.AuditEvent.objects.exists()


def test_a_new_membership_with_a_limit_is_audited(manager, shopify_store):
    newcomer = factories.user_with_role("newcomer", factories.AGENT)

    created = save_membership(
        m.StoreMembership(store=shopify_store, user=newcomer, refund_approval_limit=Decimal("300")), actor=manager
    )

    assert m.StoreMembership.objects.get(pk=created.pk).refund_approval_limit == Decimal("300")
    event = m.AuditEvent.objects.get(action=ACTION)
    assert (event.actor, event.object_id) == (manager, created.pk)
    assert (event.before["refund_approval_limit"], event.after["refund_approval_limit"]) == (None, "300.00")


def test_a_new_membership_in_a_store_one_is_not_a_member_of_is_as_missing(manager, ebay_store):
    newcomer = factories.user_with_role("newcomer", factories.AGENT)

    with pytest.raises(NotFound):
        save_membership(m.StoreMembership(store=ebay_store, user=newcomer), actor=manager)

    assert not m.StoreMembership.objects.filter(user=newcomer).exists()
