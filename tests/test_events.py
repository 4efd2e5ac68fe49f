"""Domain events: delivered after commit, once per new message/return/dispute, never breaking ingest."""

import pytest

from tests.ingest_records import dispute, message, order, return_
from tickets import events
from tickets.models import Message
from tickets.services.ingest import (
    ingest_records,
    receive_platform_message,
    upsert_dispute,
    upsert_order,
    upsert_return,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    got: list[events.Event] = []
    events.listen("*", got.append)
    yield got
    events.unlisten("*", got.append)


def test_new_message_emits_message_received_once(shopify_store, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = receive_platform_message(message(), store=shopify_store)
    with django_capture_on_commit_callbacks(execute=True):
        receive_platform_message(message(), store=shopify_store)
    assert [(e.name, e.ticket_id, e.store_id) for e in heard] == [
        ("message_received", result.ticket_id, shopify_store.pk)
    ]
    assert heard[0].data["message_id"] == Message.objects.get().pk


def test_events_wait_for_the_commit(shopify_store, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receive_platform_message(message(), store=shopify_store)
    assert heard == [] and len(callbacks) == 1


def test_automated_message_emits_nothing(shopify_store, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        receive_platform_message(message(), store=shopify_store)
        receive_platform_message(message("<auto>", in_reply_to="<m1@example.com>", automated=True), store=shopify_store)
    assert [e.name for e in heard] == ["message_received"]


def test_return_and_dispute_emit_their_events_once(shopify_store, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upsert_order(order(), store=shopify_store)
        upsert_return(return_(), store=shopify_store)
        upsert_return(return_(), store=shopify_store)
        upsert_dispute(dispute(), store=shopify_store)
        upsert_dispute(dispute(), store=shopify_store)
    assert [e.name for e in heard] == ["return_requested", "dispute_opened"]


def test_listener_for_one_name_hears_only_that_name(shopify_store, django_capture_on_commit_callbacks):
    got = []
    events.listen("dispute_opened", got.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            receive_platform_message(message(), store=shopify_store)
            upsert_dispute(dispute(), store=shopify_store)
    finally:
        events.unlisten("dispute_opened", got.append)
    assert [e.name for e in got] == ["dispute_opened"]


def test_failing_listener_never_breaks_ingest(shopify_store, heard, django_capture_on_commit_callbacks):
    def broken(event):
        raise RuntimeError("rules engine down")

    events.listen("message_received", broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            results = ingest_records(shopify_store, [message(), message("<m2>", sender_address="bo@example.com")])
    finally:
        events.unlisten("message_received", broken)
    assert all(r.created for r in results)
    assert len(heard) == 2
