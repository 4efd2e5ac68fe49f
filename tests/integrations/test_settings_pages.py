"""The admins' store connection pages: who reaches them, secrets never shown and kept when left
empty, validation that changes nothing, the audit trail, the status panel, failed payloads and
replay, the mail quarantine, and the ticket page's "Block sender"."""

from __future__ import annotations

import base64
import importlib.util
import json
from pathlib import Path

import pytest
from celery.signals import before_task_publish
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from integrations.models import PayloadStatus, QuarantinedEmail, RawPayload, StoreConnection, SyncCursor
from tests import factories
from tickets.models import AuditEvent, BlockedSender, Mailbox, Order

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces"
TOKEN = "shpat_TOPSECRET_0123456789"
WEBHOOK_SECRET = "whsec_ALSO_SECRET_987654"


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture
def connection(shopify_store):
    shopify_store.marketplace = "acme.myshopify.com"
    shopify_store.save()
    return StoreConnection.objects.create(
        store=shopify_store,
        base_url="http://127.0.0.1:9/shopify/acme",
        credentials={"shop_domain": "acme.myshopify.com", "access_token": TOKEN, "webhook_secret": WEBHOOK_SECRET},
        sync_interval_seconds=300,
    )


@pytest.fixture
def admin(shopify_store):
    return factories.user_with_role("admin_a", factories.ADMIN, stores=[shopify_store])


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def shopify_post(**overrides) -> dict:
    data = {
        "conn-shop_domain": "acme.myshopify.com",
        "conn-access_token": "",
        "conn-webhook_secret": "",
        "conn-base_url": "http://127.0.0.1:9/shopify/acme",
        "conn-sync_interval_seconds": "600",
        "conn-enabled": "on",
        "mb-new-kind": "support",
    }
    data.update(overrides)
    return data


def urls_for(store_id: int, payload_id: int, email_id: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("store-list")),
        ("get", reverse("store-connection", args=[store_id])),
        ("post", reverse("store-connection", args=[store_id])),
        ("post", reverse("store-test", args=[store_id])),
        ("post", reverse("store-toggle", args=[store_id])),
        ("post", reverse("store-sync", args=[store_id])),
        ("get", reverse("store-status", args=[store_id])),
        ("post", reverse("payload-replay", args=[payload_id])),
        ("get", reverse("quarantine")),
        ("post", reverse("quarantine-assign", args=[email_id])),
        ("post", reverse("quarantine-drop", args=[email_id])),
    ]


def failed_payload(store, **fields) -> RawPayload:
    defaults = {
        "stream": "orders",
        "external_id": "gid://shopify/Order/1",
        "payload": {"note": "<script>alert(1)</script>", "total": "x"},
        "sha256": "d" * 64,
        "status": PayloadStatus.FAILED,
        "error": "total: 'x' is not an amount",
    }
    return RawPayload.objects.create(store=store, **{**defaults, **fields})


def quarantined(**fields) -> QuarantinedEmail:
    raw = (
        b"From: buyer@example.com\r\nTo: nobody@acme.example\r\nSubject: Wo ist mein Paket?\r\n"
        b"Message-ID: <q1@example.com>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n\r\nHallo, wo ist es?\r\n"
    )
    defaults = {
        "sender": "buyer@example.com",
        "recipients": "nobody@acme.example",
        "subject": "Wo ist mein Paket?",
        "message_id": "<q1@example.com>",
        "raw": raw,
        "reason": "no mailbox for nobody@acme.example",
    }
    return QuarantinedEmail.objects.create(**{**defaults, **fields})


# --- who ----------------------------------------------------------------------------------------


def test_admin_sees_their_store_in_the_list(admin_client, connection, shopify_store):
    response = admin_client.get(reverse("store-list"))
    assert response.status_code == 200
    assert shopify_store.name in response.content.decode()
    assert reverse("store-connection", args=[shopify_store.pk]) in response.content.decode()


def test_admin_of_another_store_sees_only_their_stores(client, connection, shopify_store, ebay_store):
    other = factories.user_with_role("admin_b", factories.ADMIN, stores=[ebay_store])
    client.force_login(other)
    body = client.get(reverse("store-list")).content.decode()
    assert ebay_store.name in body
    assert shopify_store.name not in body
    assert client.get(reverse("store-connection", args=[shopify_store.pk])).status_code == 404


def test_superuser_sees_every_store(client, shopify_store, ebay_store):
    boss = User.objects.create_superuser("boss", "boss@example.com", factories.PASSWORD)
    client.force_login(boss)
    body = client.get(reverse("store-list")).content.decode()
    assert shopify_store.name in body and ebay_store.name in body


@pytest.mark.parametrize("role", [factories.AGENT, factories.SUPERVISOR, factories.FINANCE])
def test_other_roles_get_404_on_every_settings_url(client, role, connection, shopify_store):
    user = factories.user_with_role(f"user_{role}", role, stores=[shopify_store])
    client.force_login(user)
    payload = failed_payload(shopify_store)
    email = quarantined()
    for method, url in urls_for(shopify_store.pk, payload.pk, email.pk):
        assert getattr(client, method)(url).status_code == 404, f"{method} {url} as {role}"
    assert QuarantinedEmail.objects.filter(pk=email.pk).exists()
    assert StoreConnection.objects.get(pk=connection.pk).enabled is True


def test_nav_link_shows_for_admins_only(client, admin_client, agent, connection):
    assert reverse("store-list") in admin_client.get(reverse("inbox")).content.decode()
    client.force_login(agent)
    assert reverse("store-list") not in client.get(reverse("inbox")).content.decode()


# --- the form -----------------------------------------------------------------------------------


def test_connection_page_never_renders_a_stored_secret(admin_client, connection, shopify_store):
    body = admin_client.get(reverse("store-connection", args=[shopify_store.pk])).content.decode()
    assert TOKEN not in body
    assert WEBHOOK_SECRET not in body
    assert "stored — leave empty to keep" in body


def test_saving_with_empty_secrets_keeps_the_stored_ones(admin_client, connection, shopify_store):
    response = admin_client.post(reverse("store-connection", args=[shopify_store.pk]), shopify_post())
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.credentials["access_token"] == TOKEN
    assert connection.credentials["webhook_secret"] == WEBHOOK_SECRET
    assert connection.sync_interval_seconds == 600


def test_a_new_secret_replaces_the_stored_one(admin_client, connection, shopify_store):
    admin_client.post(
        reverse("store-connection", args=[shopify_store.pk]), shopify_post(**{"conn-access_token": "shpat_new"})
    )
    connection.refresh_from_db()
    assert connection.credentials["access_token"] == "shpat_new"


def test_invalid_interval_is_a_field_error_and_nothing_changes(admin_client, connection, shopify_store):
    response = admin_client.post(
        reverse("store-connection", args=[shopify_store.pk]),
        shopify_post(**{"conn-sync_interval_seconds": "5", "conn-access_token": "shpat_changed"}),
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert "errorlist" in response.content.decode()
    connection.refresh_from_db()
    assert connection.sync_interval_seconds == 300
    assert connection.credentials["access_token"] == TOKEN
    assert not AuditEvent.objects.filter(object_type="storeconnection").exists()


def test_bad_shop_domain_is_a_field_error(admin_client, connection, shopify_store):
    response = admin_client.post(
        reverse("store-connection", args=[shopify_store.pk]), shopify_post(**{"conn-shop_domain": "not a domain"})
    )
    assert response.status_code == 400
    assert "acme-outdoor.myshopify.com" in response.content.decode()


def test_first_connection_requires_the_token(admin_client, shopify_store):
    response = admin_client.post(reverse("store-connection", args=[shopify_store.pk]), shopify_post())
    assert response.status_code == 400
    assert not StoreConnection.objects.filter(store=shopify_store).exists()


def test_saving_writes_an_audit_event_with_secrets_masked(admin_client, connection, shopify_store):
    admin_client.post(
        reverse("store-connection", args=[shopify_store.pk]),
        shopify_post(**{"conn-access_token": "shpat_rotated_secret"}),
    )
    event = AuditEvent.objects.get(object_type="storeconnection", action="store.connection_changed")
    dumped = repr(event.before) + repr(event.after) + event.note
    assert TOKEN not in dumped and WEBHOOK_SECRET not in dumped and "shpat_rotated_secret" not in dumped
    assert event.after["credentials"]["access_token"].startswith("••••")
    assert event.after["sync_interval_seconds"] == 600
    assert event.before["sync_interval_seconds"] == 300
    assert event.store_id == shopify_store.pk


def test_amazon_form_stores_marketplace_ids_as_a_list(client, db):
    store = factories.StoreFactory(platform="amazon", name="Acme DE", currency="EUR", marketplace="A1PA6795UKMFR9")
    admin = factories.user_with_role("admin_amz", factories.ADMIN, stores=[store])
    client.force_login(admin)
    response = client.post(
        reverse("store-connection", args=[store.pk]),
        {
            "conn-client_id": "amzn1.application-oa2-client.x",
            "conn-client_secret": "s3cret-client",
            "conn-refresh_token": "Atzr|refresh",
            "conn-marketplace_ids": "A1PA6795UKMFR9, a13v1ib3viyzzh",
            "conn-orders_api": "v0",
            "conn-sync_interval_seconds": "120",
            "mb-new-kind": "amazon_relay",
            "mb-new-address": "Relay@Acme.example",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    connection = StoreConnection.objects.get(store=store)
    assert connection.credentials["marketplace_ids"] == ["A1PA6795UKMFR9", "A13V1IB3VIYZZH"]
    assert connection.credentials["orders_api"] == "v0"
    assert Mailbox.objects.get(store=store).address == "relay@acme.example"


def test_mailbox_with_imap_keeps_its_password_when_left_empty(client, db):
    store = factories.StoreFactory(platform="email", name="Acme Mail", currency="EUR")
    admin = factories.user_with_role("admin_mail", factories.ADMIN, stores=[store])
    client.force_login(admin)
    url = reverse("store-connection", args=[store.pk])
    first = {
        "conn-sync_interval_seconds": "60",
        "conn-enabled": "on",
        "mb-new-address": "support@acme.example",
        "mb-new-kind": "support",
        "mb-new-host": "imap.acme.example",
        "mb-new-port": "993",
        "mb-new-use_ssl": "on",
        "mb-new-username": "support@acme.example",
        "mb-new-password": "imap-pass-123",
        "mb-new-folder": "INBOX",
        "mb-new-imap_enabled": "on",
    }
    assert client.post(url, first).status_code == 302
    mailbox = Mailbox.objects.get(store=store)
    assert "imap-pass-123" not in client.get(url).content.decode()
    again = {
        "conn-sync_interval_seconds": "60",
        f"mb-{mailbox.pk}-address": "support@acme.example",
        f"mb-{mailbox.pk}-kind": "support",
        f"mb-{mailbox.pk}-host": "imap2.acme.example",
        f"mb-{mailbox.pk}-port": "993",
        f"mb-{mailbox.pk}-username": "support@acme.example",
        f"mb-{mailbox.pk}-password": "",
        f"mb-{mailbox.pk}-folder": "Support",
        "mb-new-kind": "support",
    }
    assert client.post(url, again).status_code == 302
    mailbox.imap.refresh_from_db()
    assert mailbox.imap.host == "imap2.acme.example"
    assert mailbox.imap.credentials["password"] == "imap-pass-123"


# --- actions ------------------------------------------------------------------------------------


def test_toggle_disables_sync_and_is_audited(admin_client, connection, shopify_store):
    admin_client.post(reverse("store-toggle", args=[shopify_store.pk]))
    connection.refresh_from_db()
    assert connection.enabled is False
    assert AuditEvent.objects.filter(action="store.sync_disabled", store=shopify_store).exists()


def test_sync_now_sends_one_task_per_stream(admin_client, connection, shopify_store):
    for stream in ("orders", "returns"):
        SyncCursor.objects.create(store=shopify_store, stream=stream)
    sent = []

    def capture(sender=None, headers=None, body=None, **kwargs):
        sent.append((sender, tuple(body[0])))

    before_task_publish.connect(capture, weak=False)
    try:
        response = admin_client.post(reverse("store-sync", args=[shopify_store.pk]))
    finally:
        before_task_publish.disconnect(capture)
    assert response.status_code == 302
    tasks = {args for name, args in sent if name == "integrations.sync_stream"}
    assert {(shopify_store.pk, "orders"), (shopify_store.pk, "returns")} <= tasks


@pytest.mark.skipif(not has_module("integrations.registry"), reason="the registry has not landed")
def test_connection_test_against_nothing_listening_shows_a_clear_failure(admin_client, connection, shopify_store):
    response = admin_client.post(reverse("store-test", args=[shopify_store.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="test-result"' in body
    assert "Connection failed" in body
    assert "Traceback" not in body and TOKEN not in body
    connection.refresh_from_db()
    assert connection.last_test_ok is False
    assert connection.last_tested_at is not None
    assert connection.last_test_result


# --- status panel and failed payloads ----------------------------------------------------------


def test_status_panel_shows_backfill_progress_and_refreshes(admin_client, connection, shopify_store):
    SyncCursor.objects.create(store=shopify_store, stream="orders", backfill_done=250, backfill_total=1000)
    body = admin_client.get(reverse("store-status", args=[shopify_store.pk])).content.decode()
    assert '<progress max="100" value="25"' in body
    assert "25%" in body
    assert 'hx-trigger="every 10s"' in body


def test_status_panel_stops_refreshing_when_no_backfill_runs(admin_client, connection, shopify_store):
    SyncCursor.objects.create(store=shopify_store, stream="orders", backfill_done=1000, backfill_total=1000)
    body = admin_client.get(reverse("store-status", args=[shopify_store.pk])).content.decode()
    assert "hx-trigger" not in body


def test_status_panel_shows_the_full_last_error(admin_client, connection, shopify_store):
    error = "RateLimited: " + "Übergrößenträgerverschlüsselung " * 20 + "END-OF-ERROR"
    SyncCursor.objects.create(
        store=shopify_store, stream="orders", last_error=error, last_error_at=timezone.now(), records_total=1234
    )
    body = admin_client.get(reverse("store-connection", args=[shopify_store.pk])).content.decode()
    assert "END-OF-ERROR" in body
    assert "1,234" in body or "1234" in body


def test_store_list_counts_errors_and_shows_last_sync(admin_client, connection, shopify_store):
    SyncCursor.objects.create(store=shopify_store, stream="orders", last_error="boom", last_success_at=timezone.now())
    failed_payload(shopify_store)
    failed_payload(shopify_store, external_id="2", sha256="e" * 64)
    body = admin_client.get(reverse("store-list")).content.decode()
    assert 'class="errors-count"' in body
    assert ">3</a>" in body
    assert "Connected" in body


def test_failed_payload_is_shown_as_escaped_json(admin_client, connection, shopify_store):
    failed_payload(shopify_store)
    body = admin_client.get(reverse("store-connection", args=[shopify_store.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
    assert "is not an amount" in body


@pytest.mark.skipif(
    not all(
        has_module(name) for name in ("integrations.sync", "integrations.amazon.adapter", "tickets.services.ingest")
    ),
    reason="the pipe's replay, the Amazon parser or ingest has not landed",
)
def test_replay_of_a_failed_payload_ingests_it(client, db):
    store = factories.StoreFactory(platform="amazon", name="Acme DE", currency="EUR", marketplace="A1PA6795UKMFR9")
    client.force_login(factories.user_with_role("admin_replay", factories.ADMIN, stores=[store]))
    body = json.loads((FIXTURES / "amazon" / "orders2026.searchOrders.example.json").read_text())
    raw = failed_payload(store, payload=body, external_id="page-1", error="database was down")
    response = client.post(reverse("payload-replay", args=[raw.pk]))
    assert response.status_code == 302
    raw.refresh_from_db()
    assert raw.status == PayloadStatus.PROCESSED
    assert Order.objects.filter(store=store).count() == 1


def test_replay_of_another_stores_payload_is_404(admin_client, connection, ebay_store):
    raw = failed_payload(ebay_store)
    assert admin_client.post(reverse("payload-replay", args=[raw.pk])).status_code == 404


# --- quarantine ---------------------------------------------------------------------------------


def test_quarantine_lists_mail_for_admins(admin_client):
    quarantined()
    body = admin_client.get(reverse("quarantine")).content.decode()
    assert "Wo ist mein Paket?" in body and "buyer@example.com" in body


def test_quarantine_drop_deletes_the_mail(admin_client):
    email = quarantined()
    assert admin_client.post(reverse("quarantine-drop", args=[email.pk])).status_code == 302
    assert not QuarantinedEmail.objects.filter(pk=email.pk).exists()


def test_quarantine_assign_to_a_store_the_admin_may_not_see_is_refused(admin_client, ebay_store):
    email = quarantined()
    admin_client.post(reverse("quarantine-assign", args=[email.pk]), {"store": ebay_store.pk})
    email.refresh_from_db()
    assert email.released_at is None


@pytest.mark.skipif(not has_module("integrations.sync"), reason="the pipe's ingest_raw has not landed")
def test_quarantine_assign_ingests_the_mail_into_the_store(admin_client, shopify_store):
    email = quarantined()
    response = admin_client.post(reverse("quarantine-assign", args=[email.pk]), {"store": shopify_store.pk})
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.released_to_id == shopify_store.pk and email.released_at is not None
    raw = RawPayload.objects.get(store=shopify_store, stream="email")
    assert base64.b64decode(raw.payload["base64"]) == bytes(email.raw)
    assert email.pk not in [e.pk for e in QuarantinedEmail.objects.filter(released_at__isnull=True)]


# --- block sender -------------------------------------------------------------------------------


@pytest.mark.skipif(not has_module("tickets.services.senders"), reason="block_sender has not landed")
def test_block_sender_blocks_the_tickets_sender_for_its_store(client, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=ticket, direction="inbound", sender_address="Spammer@Example.com")
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "Block sender" in page
    response = client.post(reverse("ticket-block-sender", args=[ticket.number]))
    assert response.status_code == 302
    assert BlockedSender.objects.filter(store=shopify_store, address="spammer@example.com").exists()


def test_block_sender_on_another_stores_ticket_is_404(client, other_agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    client.force_login(other_agent)
    assert client.post(reverse("ticket-block-sender", args=[ticket.number])).status_code == 404
    assert not BlockedSender.objects.exists()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_settings_pages_render_in_each_language(admin_client, connection, shopify_store, language):
    SyncCursor.objects.create(store=shopify_store, stream="orders", backfill_done=1, backfill_total=4)
    quarantined()
    headers = {"Accept-Language": language}
    for url in (
        reverse("store-list"),
        reverse("store-connection", args=[shopify_store.pk]),
        reverse("quarantine"),
    ):
        response = admin_client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
