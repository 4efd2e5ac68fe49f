"""The Shopify webhook endpoint: HMAC checked on the raw bytes before anything else, unknown shops
and bad signatures refused alike with nothing written, each delivery stored once, malformed bodies
kept as failed, oversized ones refused, and the processing task sent after commit."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from integrations.models import PayloadStatus, RawPayload, StoreConnection
from integrations.shopify.adapter import ShopifyAdapter
from integrations.shopify.webhooks import signature
from integrations.webhooks import MAX_BODY_BYTES
from tests.factories import StoreFactory
from tickets.models import Order, Ticket
from tickets.records import ReturnRecord

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces" / "shopify"
SECRET = "test-webhook-secret"
URL = "/integrations/webhooks/shopify/"


def fixture_headers() -> dict[str, str]:
    lines = (FIXTURES / "webhook.headers.txt").read_text().splitlines()[1:]
    return dict(line.split(": ", 1) for line in lines if ": " in line and line.startswith("X-Shopify-"))


HEADERS = fixture_headers()
SHOP = HEADERS["X-Shopify-Shop-Domain"]


def signed(name: str) -> tuple[bytes, str]:
    body = (FIXTURES / f"{name}.body.json").read_bytes()
    header = next(
        line.split(": ", 1)[1]
        for line in (FIXTURES / f"{name}.hmac.txt").read_text().splitlines()
        if line.startswith("X-Shopify-Hmac-Sha256")
    )
    return body, header


@pytest.fixture
def store(db):
    store = StoreFactory(platform="shopify", marketplace=SHOP)
    StoreConnection.objects.create(store=store, credentials={"webhook_secret": SECRET, "access_token": "shpat_x"})
    return store


def post(client, body: bytes, hmac_header: str, *, topic: str = "orders/create", webhook_id: str | None = None):
    headers = {
        "HTTP_X_SHOPIFY_TOPIC": topic,
        "HTTP_X_SHOPIFY_HMAC_SHA256": hmac_header,
        "HTTP_X_SHOPIFY_SHOP_DOMAIN": SHOP,
        "HTTP_X_SHOPIFY_API_VERSION": HEADERS["X-Shopify-API-Version"],
        "HTTP_X_SHOPIFY_WEBHOOK_ID": webhook_id or HEADERS["X-Shopify-Webhook-Id"],
        "HTTP_X_SHOPIFY_TRIGGERED_AT": HEADERS["X-Shopify-Triggered-At"],
    }
    return client.generic("POST", URL, body, content_type="application/json", **headers)


def counts() -> tuple[int, int, int]:
    return RawPayload.objects.count(), Order.objects.count(), Ticket.objects.count()


def test_url_is_named_in_the_integrations_namespace():
    assert reverse("integrations:shopify_webhook") == URL


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("webhook.orders-create", "orders/create"),
        ("webhook.orders-create.docs-2026-04", "orders/updated"),
        ("webhook.refunds-create", "refunds/create"),
        ("webhook.returns-request", "returns/request"),
    ],
)
def test_signed_fixture_is_stored_pending_and_its_task_sent_after_commit(
    client, store, django_capture_on_commit_callbacks, name, topic
):
    body, header = signed(name)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(client, body, header, topic=topic)
    assert response.status_code == 200
    raw = RawPayload.objects.get(store=store)
    assert (raw.stream, raw.status, raw.delivery_id) == (f"webhook:{topic}", "pending", HEADERS["X-Shopify-Webhook-Id"])
    assert raw.sha256 == hashlib.sha256(body).hexdigest()
    assert raw.payload["_delivery"]["topic"] == topic
    assert len(callbacks) == 1


def test_task_is_sent_to_the_broker_on_commit(client, store, django_capture_on_commit_callbacks):
    body, header = signed("webhook.orders-create")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, body, header)
    assert response.status_code == 200 and len(callbacks) == 1


def test_bad_hmac_gets_401_and_writes_nothing(client, store, django_capture_on_commit_callbacks):
    body, _ = signed("webhook.orders-create")
    before = counts()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, body, signature(body, "not-the-secret"))
    assert response.status_code == 401
    assert counts() == before and callbacks == []


def test_missing_hmac_gets_401(client, store):
    body, _ = signed("webhook.orders-create")
    assert post(client, body, "").status_code == 401
    assert RawPayload.objects.count() == 0


def test_body_changed_after_signing_gets_401(client, store):
    body, header = signed("webhook.orders-create")
    assert post(client, body.replace(b"409.94", b"0.01"), header).status_code == 401
    assert RawPayload.objects.count() == 0


def test_unknown_shop_gets_the_same_401_and_writes_nothing(client, store):
    body, header = signed("webhook.orders-create")
    response = client.generic(
        "POST",
        URL,
        body,
        content_type="application/json",
        HTTP_X_SHOPIFY_HMAC_SHA256=header,
        HTTP_X_SHOPIFY_SHOP_DOMAIN="someone-else.myshopify.com",
        HTTP_X_SHOPIFY_TOPIC="orders/create",
    )
    bad = post(client, body, signature(body, "nope"))
    assert response.status_code == bad.status_code == 401
    assert response.content == bad.content
    assert RawPayload.objects.count() == 0


def test_previous_secret_is_accepted_during_rotation(client, store):
    store.connection.credentials = {"webhook_secret": "new-secret", "webhook_secret_previous": SECRET}
    store.connection.save()
    body, header = signed("webhook.orders-create")
    assert post(client, body, header).status_code == 200
    assert RawPayload.objects.count() == 1


def test_duplicate_delivery_gets_200_and_writes_nothing(client, store, django_capture_on_commit_callbacks):
    body, header = signed("webhook.orders-create")
    assert post(client, body, header).status_code == 200
    before = counts()
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, body, header)
    assert response.status_code == 200
    assert counts() == before and callbacks == []


def test_malformed_json_with_valid_hmac_is_stored_failed_with_the_error(
    client, store, django_capture_on_commit_callbacks
):
    body = b'{"id": 1, "name": "#1001", '
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, body, signature(body, SECRET))
    assert response.status_code == 200
    raw = RawPayload.objects.get()
    assert raw.status == PayloadStatus.FAILED and raw.error.startswith("malformed JSON")
    assert raw.payload == {"text": body.decode()}
    assert callbacks == []


def test_non_utf8_body_with_valid_hmac_gets_400_and_writes_nothing(client, store):
    body = '{"name": "Müller"}'.encode("latin-1")
    assert post(client, body, signature(body, SECRET)).status_code == 400
    assert RawPayload.objects.count() == 0


def test_body_over_the_cap_gets_413_and_writes_nothing(client, store):
    body = b'{"pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert post(client, body, signature(body, SECRET)).status_code == 413
    assert RawPayload.objects.count() == 0


def test_get_is_not_allowed(client, store):
    assert client.get(URL).status_code == 405


def test_unsupported_topic_is_kept_as_failed_and_not_processed(client, store, django_capture_on_commit_callbacks):
    body = b'{"id": 5}'
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, body, signature(body, SECRET), topic="carts/create")
    assert response.status_code == 200
    raw = RawPayload.objects.get()
    assert (raw.stream, raw.status) == ("webhook:unsupported", PayloadStatus.FAILED)
    assert "carts/create" in raw.error and callbacks == []


def test_stored_returns_request_parses_with_the_delivery_time(client, store):
    body, header = signed("webhook.returns-request")
    post(client, body, header, topic="returns/request")
    raw = RawPayload.objects.get()
    records, failures = ShopifyAdapter(store, store.connection).parse(raw.stream, raw.payload)
    assert failures == ()
    (ret,) = records
    assert isinstance(ret, ReturnRecord)
    assert ret.requested_at == datetime(2026, 10, 2, 14, 5, 11, 123456, tzinfo=UTC)
    assert json.loads(body)["admin_graphql_api_id"] == raw.external_id == ret.external_id


def test_a_delivery_for_a_store_with_sync_disabled_is_kept_but_not_processed(
    client, store, django_capture_on_commit_callbacks
):
    StoreConnection.objects.filter(store=store).update(enabled=False)
    body, header = signed("webhook.orders-create")
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, body, header)
    assert response.status_code == 200  # anything else makes Shopify resend for hours
    raw = RawPayload.objects.get()
    assert raw.status == PayloadStatus.FAILED and "disabled" in raw.error
    assert callbacks == [] and Order.objects.count() == 0
