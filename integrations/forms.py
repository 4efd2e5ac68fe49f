"""Forms of the store connection settings: one per platform, secrets write-only, and the mailboxes
(with their optional IMAP polling) a store's buyers write to."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Mailbox, MailboxKind, Platform

from .models import MailboxConnection, StoreConnection

MASK = "••••"
MIN_INTERVAL = 10

ORDERS_API_CHOICES = [("2026-01-01", _("Orders API 2026-01-01")), ("v0", _("Orders API v0 (not yet migrated)"))]
_SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$")
_EBAY_MARKETPLACE = re.compile(r"^EBAY_[A-Z_]{2,10}$")
_AMAZON_MARKETPLACE = re.compile(r"^[A-Z0-9]{8,20}$")


def _stored_placeholder() -> str:
    return str(_("•••• stored — leave empty to keep"))


class SecretField(forms.CharField):
    """Write-only: never rendered with a value; empty means 'keep what is stored'."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", True)
        kwargs.setdefault(
            "widget",
            forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)


class ConnectionForm(forms.Form):
    """The fields every platform shares. Subclasses list their credential keys in ``CREDENTIALS``
    (form field name = credentials key) and which of those are secrets in ``SECRETS``."""

    CREDENTIALS: tuple[str, ...] = ()
    SECRETS: tuple[str, ...] = ()
    REQUIRED_SECRETS: tuple[str, ...] = ()

    base_url = forms.URLField(
        label=_("API base URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty: the platform's real host."),
        widget=forms.URLInput(attrs={"placeholder": "https://", "spellcheck": "false"}),
    )
    sync_interval_seconds = forms.IntegerField(
        label=_("Sync interval (seconds)"),
        min_value=MIN_INTERVAL,
        max_value=7 * 24 * 3600,
        help_text=_("How often each stream is pulled; at least 10 seconds."),
    )
    enabled = forms.BooleanField(label=_("Sync enabled"), required=False)

    def __init__(self, *args: Any, connection: StoreConnection, store, **kwargs: Any) -> None:
        self.connection = connection
        self.store = store
        stored = connection.credentials or {}
        initial = {
            "base_url": connection.base_url,
            "sync_interval_seconds": connection.sync_interval_seconds,
            "enabled": connection.enabled,
            **{key: self._initial_of(key, stored.get(key)) for key in self.CREDENTIALS if key not in self.SECRETS},
        }
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, initial=initial, **kwargs)
        for key in self.SECRETS:
            field = self.fields[key]
            if stored.get(key):
                field.widget.attrs["placeholder"] = _stored_placeholder()
                field.help_text = _("Stored. Type a new value to replace it.")
            elif key in self.REQUIRED_SECRETS:
                field.widget.attrs["required"] = True

    def _initial_of(self, key: str, value: Any) -> Any:
        return value

    def credential_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in self.CREDENTIALS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        stored = self.connection.credentials or {}
        for key in self.REQUIRED_SECRETS:
            if not data.get(key) and not stored.get(key) and key not in self.errors:
                self.add_error(key, _("Required: nothing is stored yet."))
        return data

    def credentials(self) -> dict[str, Any]:
        """The credentials to store: typed values, stored secrets kept where the field was left empty."""
        merged = dict(self.connection.credentials or {})
        for key in self.CREDENTIALS:
            value = self.cleaned_data.get(key)
            if key in self.SECRETS and not value:
                continue
            if value in ("", None, []):
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged

    def changed_secrets(self) -> list[str]:
        return [key for key in self.SECRETS if self.cleaned_data.get(key)]


class ShopifyConnectionForm(ConnectionForm):
    CREDENTIALS = ("shop_domain", "access_token", "webhook_secret")
    SECRETS = ("access_token", "webhook_secret")
    REQUIRED_SECRETS = ("access_token",)

    shop_domain = forms.CharField(
        label=_("Shop domain"),
        max_length=255,
        help_text=_("e.g. acme-outdoor.myshopify.com"),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "none"}),
    )
    access_token = SecretField(label=_("Admin API access token"))
    webhook_secret = SecretField(label=_("Webhook secret"), help_text=_("Signs the webhooks Shopify sends."))
    field_order = ["shop_domain", "access_token", "webhook_secret"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.initial.get("shop_domain"):
            self.initial["shop_domain"] = self.store.marketplace

    def clean_shop_domain(self) -> str:
        value = self.cleaned_data["shop_domain"].strip().lower()
        value = re.sub(r"^https?://", "", value).rstrip("/")
        if not _SHOP_DOMAIN.match(value):
            raise forms.ValidationError(_("Enter the shop's domain, e.g. acme-outdoor.myshopify.com."))
        return value


class AmazonConnectionForm(ConnectionForm):
    CREDENTIALS = ("client_id", "client_secret", "refresh_token", "marketplace_ids", "orders_api")
    SECRETS = ("client_secret", "refresh_token")
    REQUIRED_SECRETS = ("client_secret", "refresh_token")

    client_id = forms.CharField(
        label=_("LWA client id"), max_length=255, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    client_secret = SecretField(label=_("LWA client secret"))
    refresh_token = SecretField(label=_("Refresh token"))
    marketplace_ids = forms.CharField(
        label=_("Marketplace ids"),
        max_length=500,
        help_text=_("One or more, separated by commas, e.g. A1PA6795UKMFR9, A13V1IB3VIYZZH"),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    orders_api = forms.ChoiceField(label=_("Orders API version"), choices=ORDERS_API_CHOICES, initial="2026-01-01")
    field_order = ["client_id", "client_secret", "refresh_token", "marketplace_ids", "orders_api"]

    def _initial_of(self, key: str, value: Any) -> Any:
        if key == "marketplace_ids" and isinstance(value, list | tuple):
            return ", ".join(value)
        if key == "orders_api" and not value:
            return "2026-01-01"
        return value

    def clean_marketplace_ids(self) -> list[str]:
        ids = [
            part.strip().upper() for part in re.split(r"[,\s]+", self.cleaned_data["marketplace_ids"]) if part.strip()
        ]
        bad = [value for value in ids if not _AMAZON_MARKETPLACE.match(value)]
        if not ids or bad:
            raise forms.ValidationError(
                _("Not a marketplace id: %(ids)s") % {"ids": ", ".join(bad) or "—"}
                if bad
                else _("Enter at least one marketplace id.")
            )
        return list(dict.fromkeys(ids))


class EbayConnectionForm(ConnectionForm):
    CREDENTIALS = ("client_id", "client_secret", "refresh_token", "marketplace_id")
    SECRETS = ("client_secret", "refresh_token")
    REQUIRED_SECRETS = ("client_secret", "refresh_token")

    client_id = forms.CharField(
        label=_("Client id (App ID)"), max_length=255, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    client_secret = SecretField(label=_("Client secret (Cert ID)"))
    refresh_token = SecretField(label=_("Refresh token"))
    marketplace_id = forms.CharField(
        label=_("Marketplace id"),
        max_length=20,
        help_text=_("e.g. EBAY_DE, EBAY_GB, EBAY_US"),
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    field_order = ["client_id", "client_secret", "refresh_token", "marketplace_id"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.initial.get("marketplace_id") and self.store.marketplace.startswith("EBAY_"):
            self.initial["marketplace_id"] = self.store.marketplace

    def clean_marketplace_id(self) -> str:
        value = self.cleaned_data["marketplace_id"].strip().upper()
        if not _EBAY_MARKETPLACE.match(value):
            raise forms.ValidationError(_("Enter an eBay marketplace id such as EBAY_DE."))
        return value


class EmailConnectionForm(ConnectionForm):
    """An email-only store has no platform credentials: its mailboxes are below the form."""


FORMS: dict[str, type[ConnectionForm]] = {
    Platform.SHOPIFY: ShopifyConnectionForm,
    Platform.AMAZON: AmazonConnectionForm,
    Platform.EBAY: EbayConnectionForm,
    Platform.EMAIL: EmailConnectionForm,
}


def connection_form_for(store, connection: StoreConnection, data=None) -> ConnectionForm:
    return FORMS[store.platform](data, connection=connection, store=store, prefix="conn")


class MailboxForm(forms.Form):
    """One address of the store, and optionally the IMAP mailbox polled for it. With no IMAP host
    the mail reaches us through the mail server's pipe (``manage.py ingest_email``)."""

    address = forms.EmailField(label=_("Address"), required=False, max_length=254)
    kind = forms.ChoiceField(label=_("Kind"), choices=MailboxKind.choices, initial=MailboxKind.SUPPORT)
    host = forms.CharField(label=_("IMAP host"), required=False, max_length=255)
    port = forms.IntegerField(label=_("IMAP port"), min_value=1, max_value=65535, initial=993, required=False)
    use_ssl = forms.BooleanField(label=_("TLS"), required=False, initial=True)
    username = forms.CharField(label=_("User name"), required=False, max_length=255)
    password = SecretField(label=_("Password"))
    folder = forms.CharField(label=_("Folder"), required=False, max_length=120, initial="INBOX")
    imap_enabled = forms.BooleanField(label=_("Poll this mailbox"), required=False, initial=True)
    delete = forms.BooleanField(label=_("Remove this address"), required=False)

    def __init__(self, *args: Any, mailbox: Mailbox | None = None, **kwargs: Any) -> None:
        self.mailbox = mailbox
        self.imap: MailboxConnection | None = getattr(mailbox, "imap", None) if mailbox else None
        initial = {}
        if mailbox is not None:
            initial = {"address": mailbox.address, "kind": mailbox.kind}
            if self.imap is not None:
                initial.update(
                    host=self.imap.host,
                    port=self.imap.port,
                    use_ssl=self.imap.use_ssl,
                    username=self.imap.username,
                    folder=self.imap.folder,
                    imap_enabled=self.imap.enabled,
                )
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, initial=initial or None, **kwargs)
        if self.imap is not None and (self.imap.credentials or {}).get("password"):
            self.fields["password"].widget.attrs["placeholder"] = _stored_placeholder()
        if mailbox is None:
            del self.fields["delete"]

    @property
    def is_blank_new(self) -> bool:
        return self.mailbox is None and not (self.cleaned_data.get("address") or self.cleaned_data.get("host"))

    def clean_address(self) -> str:
        return (self.cleaned_data.get("address") or "").strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("delete"):
            return data
        address, host = data.get("address"), (data.get("host") or "").strip()
        if self.mailbox is not None and not address and "address" not in self.errors:
            self.add_error("address", _("Enter the address, or tick “Remove this address”."))
        if host and not address and "address" not in self.errors and self.mailbox is None:
            self.add_error("address", _("Enter the address this mailbox receives."))
        if address:
            taken = Mailbox.objects.filter(address=address)
            if self.mailbox is not None:
                taken = taken.exclude(pk=self.mailbox.pk)
            if taken.exists():
                self.add_error("address", _("This address is already in use."))
        if host:
            if not data.get("username"):
                self.add_error("username", _("Required with an IMAP host."))
            stored = (self.imap.credentials or {}).get("password") if self.imap else None
            if not data.get("password") and not stored:
                self.add_error("password", _("Required: nothing is stored yet."))
            if not data.get("port"):
                data["port"] = 993
            if not data.get("folder"):
                data["folder"] = "INBOX"
        data["host"] = host
        return data
