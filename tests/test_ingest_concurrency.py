"""Ingest under concurrency on PostgreSQL: the same record delivered twice at once is stored once."""

import threading

import pytest
from django.db import connection, transaction

from tests.ingest_records import message, order, return_
from tickets.models import Message, ReturnAuthorization, Ticket
from tickets.services.ingest import ingest_records, upsert_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _together(store, records, workers: int = 2) -> list[BaseException]:
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                ingest_records(store, records)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_same_message_ingested_concurrently_is_stored_once_on_one_ticket(shopify_store):
    assert _together(shopify_store, [message()]) == []
    assert Message.objects.filter(store=shopify_store).count() == 1
    assert Ticket.objects.filter(store=shopify_store).count() == 1


def test_same_return_ingested_concurrently_is_one_rma(shopify_store):
    upsert_order(order(), store=shopify_store)
    assert _together(shopify_store, [return_()]) == []
    assert ReturnAuthorization.objects.filter(store=shopify_store).count() == 1
    assert Ticket.objects.filter(store=shopify_store).count() == 1


def test_same_orders_ingested_concurrently_are_stored_once(shopify_store):
    page = [order(f"O{i}", f"#{3000 + i}") for i in range(50)]
    assert _together(shopify_store, page) == []
    assert shopify_store.orders.count() == 50
