"""Blocking senders: members with ticket rights only, audited, idempotent."""

import pytest

from tickets.errors import NotFound, PermissionDenied
from tickets.models import AuditEvent, BlockedSender
from tickets.services.senders import block_sender, unblock_sender

pytestmark = pytest.mark.django_db


def test_agent_blocks_a_sender_once_with_one_audit_event(shopify_store, agent):
    block_sender(store=shopify_store, address=" Spam@Example.com ", actor=agent)
    block_sender(store=shopify_store, address="spam@example.com", actor=agent)
    assert list(BlockedSender.objects.values_list("address", flat=True)) == ["spam@example.com"]
    assert AuditEvent.objects.filter(action="sender.blocked").count() == 1


def test_unblock_lifts_the_block_and_is_audited(shopify_store, agent):
    block_sender(store=shopify_store, address="spam@example.com", actor=agent)
    assert unblock_sender(store=shopify_store, address="SPAM@example.com", actor=agent)
    assert not unblock_sender(store=shopify_store, address="spam@example.com", actor=agent)
    assert not BlockedSender.objects.exists()
    assert AuditEvent.objects.filter(action="sender.unblocked").count() == 1


def test_member_of_another_store_cannot_block(shopify_store, other_agent):
    with pytest.raises(NotFound):
        block_sender(store=shopify_store, address="spam@example.com", actor=other_agent)


def test_finance_cannot_block(shopify_store, finance):
    with pytest.raises(PermissionDenied):
        block_sender(store=shopify_store, address="spam@example.com", actor=finance)
