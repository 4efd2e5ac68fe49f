"""integrations.registry: one adapter class per platform, the streams of a store, the parser of a stream."""

from __future__ import annotations

import base64

import pytest

from integrations import registry
from integrations.amazon.adapter import AmazonAdapter
from integrations.base import PermanentError
from integrations.ebay.adapter import EbayAdapter
from integrations.models import MailboxConnection, StoreConnection
from integrations.shopify.adapter import ShopifyAdapter
from tickets.models import Mailbox

pytestmark = pytest.mark.django_db


def test_every_platform_has_its_adapter_class():
    assert {"shopify": ShopifyAdapter, "amazon": AmazonAdapter, "ebay": EbayAdapter} == registry.ADAPTERS


def test_adapter_for_builds_the_platforms_adapter_over_the_connection(shopify_store):
    StoreConnection.objects.create(store=shopify_store, credentials={"access_token": "shpat_x"})
    adapter = registry.adapter_for(shopify_store)
    assert isinstance(adapter, ShopifyAdapter) and hasattr(adapter, "http")


def test_adapter_for_refuses_a_store_without_an_enabled_connection(shopify_store):
    with pytest.raises(PermanentError):
        registry.adapter_for(shopify_store)
    StoreConnection.objects.create(store=shopify_store, enabled=False)
    shopify_store.refresh_from_db()
    with pytest.raises(PermanentError):
        registry.adapter_for(shopify_store)


def test_streams_for_lists_the_adapters_streams_and_each_polled_mailbox(ebay_store):
    StoreConnection.objects.create(store=ebay_store, credentials={})
    polled = Mailbox.objects.create(store=ebay_store, address="support@ebay-shop.example")
    MailboxConnection.objects.create(mailbox=polled, host="imap.example", username="support")
    off = Mailbox.objects.create(store=ebay_store, address="old@ebay-shop.example")
    MailboxConnection.objects.create(mailbox=off, host="imap.example", username="old", enabled=False)
    Mailbox.objects.create(store=ebay_store, address="piped@ebay-shop.example")  # fed by ingest_email, not polled
    assert registry.streams_for(ebay_store) == [*EbayAdapter.streams, f"mailbox:{polled.pk}"]


def test_a_store_without_a_connection_still_polls_its_mailboxes(shopify_store):
    polled = Mailbox.objects.create(store=shopify_store, address="help@shop.example")
    MailboxConnection.objects.create(mailbox=polled, host="imap.example", username="help")
    assert registry.streams_for(shopify_store) == [f"mailbox:{polled.pk}"]


def test_a_mailbox_stream_is_pulled_by_the_email_adapter(shopify_store):
    from integrations.email.adapter import EmailAdapter

    polled = Mailbox.objects.create(store=shopify_store, address="help@shop.example")
    MailboxConnection.objects.create(mailbox=polled, host="imap.example", username="help")
    assert isinstance(registry.adapter_for_stream(shopify_store, f"mailbox:{polled.pk}"), EmailAdapter)
    with pytest.raises(PermanentError):
        registry.adapter_for_stream(shopify_store, "mailbox:999999")


def test_the_email_parser_reads_email_streams_and_reports_unreadable_mail(shopify_store):
    raw = b"From: a@example.com\r\nTo: help@shop.example\r\nSubject: Hi\r\nMessage-ID: <m1@example.com>\r\n\r\nHello"
    records, failures = registry.parser_for(shopify_store, "email")({"base64": base64.b64encode(raw).decode()})
    assert len(records) == 1 and failures == ()
    records, failures = registry.parser_for(shopify_store, "email")({"nothing": 1})
    assert records == () and failures


def test_other_streams_parse_with_the_platform_adapter_even_without_a_connection(shopify_store):
    records, failures = registry.parser_for(shopify_store, "orders")({"data": {"orders": {"edges": []}}})
    assert records == () and failures == ()
