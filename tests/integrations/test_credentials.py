"""Credentials encrypted at rest (integrations.crypto), the rotate_credentials command, and the
admin's write-only credentials field."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from integrations.crypto import ENV
from integrations.models import MailboxConnection, StoreConnection
from tickets.models import Mailbox

SECRET = "shpat_very_secret_token_1234"


def raw_column(model) -> list[str]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credentials FROM {table}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def old_key(monkeypatch) -> str:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(ENV, key)
    return key


def test_credentials_round_trip_and_no_plaintext_reaches_the_table(shopify_store, old_key):
    StoreConnection.objects.create(store=shopify_store, credentials={"access_token": SECRET})
    stored = raw_column(StoreConnection)
    assert len(stored) == 1 and SECRET not in stored[0] and "access_token" not in stored[0]
    assert StoreConnection.objects.get().credentials == {"access_token": SECRET}


def test_a_key_that_is_not_configured_cannot_read_the_credentials(shopify_store, old_key, monkeypatch):
    StoreConnection.objects.create(store=shopify_store, credentials={"access_token": SECRET})
    monkeypatch.setenv(ENV, Fernet.generate_key().decode())
    with pytest.raises(ImproperlyConfigured, match="dropped too early"):
        StoreConnection.objects.get()


def test_rotate_credentials_re_encrypts_every_row_under_the_first_key(shopify_store, old_key, monkeypatch):
    StoreConnection.objects.create(store=shopify_store, credentials={"access_token": SECRET})
    mailbox = Mailbox.objects.create(store=shopify_store, address="support@shop.example")
    MailboxConnection.objects.create(
        mailbox=mailbox, host="imap.example", username="support", credentials={"password": "hunter2-imap"}
    )
    before = raw_column(StoreConnection) + raw_column(MailboxConnection)
    new_key = Fernet.generate_key().decode()
    monkeypatch.setenv(ENV, f"{new_key},{old_key}")
    call_command("rotate_credentials", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = raw_column(StoreConnection) + raw_column(MailboxConnection)
    assert set(before).isdisjoint(after)
    assert all(SECRET not in token and "hunter2" not in token for token in after)
    # The old key can be dropped: the new key alone reads every row...
    monkeypatch.setenv(ENV, new_key)
    assert StoreConnection.objects.get().credentials == {"access_token": SECRET}
    assert MailboxConnection.objects.get().credentials == {"password": "hunter2-imap"}
    # ...and the old key alone no longer can.
    monkeypatch.setenv(ENV, old_key)
    with pytest.raises(ImproperlyConfigured):
        StoreConnection.objects.get()


def test_rotate_credentials_changes_nothing_when_a_row_cannot_be_read(shopify_store, ebay_store, monkeypatch):
    lost_key = Fernet.generate_key().decode()
    monkeypatch.setenv(ENV, lost_key)
    StoreConnection.objects.create(store=ebay_store, credentials={"refresh_token": "lost"})
    kept_key = Fernet.generate_key().decode()
    monkeypatch.setenv(ENV, kept_key)
    StoreConnection.objects.create(store=shopify_store, credentials={"access_token": SECRET})
    before = raw_column(StoreConnection)
    monkeypatch.setenv(ENV, f"{Fernet.generate_key().decode()},{kept_key}")
    with pytest.raises(Exception):  # noqa: B017, PT011 - InvalidToken from the row no key reads
        call_command("rotate_credentials", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(raw_column(StoreConnection)) == sorted(before)


def test_production_without_the_key_variable_refuses_to_encrypt(settings, monkeypatch):
    from integrations.crypto import encrypt

    monkeypatch.delenv(ENV, raising=False)
    settings.LOCAL_HTTP = False
    with pytest.raises(ImproperlyConfigured, match=ENV):
        encrypt({"a": 1})


def test_the_admin_form_never_shows_stored_credentials_and_keeps_them_when_left_empty(shopify_store, old_key):
    from integrations.admin import StoreConnectionForm

    conn = StoreConnection.objects.create(store=shopify_store, credentials={"access_token": SECRET})
    form = StoreConnectionForm(instance=conn)
    assert SECRET not in str(form) and "credentials" not in form.fields
    data = {"store": shopify_store.pk, "base_url": "", "enabled": "on", "sync_interval_seconds": 60, "quota_scale": 1}
    form = StoreConnectionForm(data={**data, "new_credentials": ""}, instance=conn)
    assert form.is_valid(), form.errors
    form.save()
    assert StoreConnection.objects.get().credentials == {"access_token": SECRET}
    form = StoreConnectionForm(data={**data, "new_credentials": '{"access_token": "new"}'}, instance=conn)
    assert form.is_valid(), form.errors
    form.save()
    assert StoreConnection.objects.get().credentials == {"access_token": "new"}
