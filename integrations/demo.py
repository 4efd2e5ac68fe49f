"""Connect the demo stores to the sandbox marketplace, so ``make run`` shows tickets arriving.

Called by ``manage.py connect_sandbox`` (which ``load_demo`` runs by name): each demo store gets a
connection to its sandbox tenant, and the stores buyers write to by email get their mailboxes,
polled over IMAP from the sandbox's mail server. Idempotent; a store already connected to a real
host is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from tickets.models import Mailbox, MailboxKind, Store

from .models import MailboxConnection, StoreConnection
from .sandbox import modules
from .sandbox.core import support_address


@dataclass(frozen=True)
class DemoTenant:
    marketplace: str  # the demo store's Store.marketplace
    platform: str
    tenant: str
    mailbox_kind: str | None  # buyers write by email to this store (Shopify: support; Amazon: the relay)


DEMO_TENANTS = (
    DemoTenant("acme-outdoor.myshopify.com", "shopify", "acme-outdoor", MailboxKind.SUPPORT),
    DemoTenant("A1PA6795UKMFR9", "amazon", "acme-de", MailboxKind.AMAZON_RELAY),
    DemoTenant("EBAY_GB", "ebay", "acme-uk", None),
)


def sandbox_url() -> str:
    return f"http://{settings.SANDBOX_HOST}:{settings.SANDBOX_PORT}"


@transaction.atomic
def connect_demo_stores(*, interval_seconds: int = 20) -> list[str]:
    """Connect every demo store that exists and is not connected elsewhere; return what was done."""
    done = []
    for spec in DEMO_TENANTS:
        store = Store.objects.filter(platform=spec.platform, marketplace=spec.marketplace).first()
        if store is None:
            continue
        base_url = f"{sandbox_url()}/{spec.platform}/{spec.tenant}"
        connection = StoreConnection.objects.filter(store=store).first()
        if connection is not None and connection.base_url != base_url:
            done.append(f"{store.name}: connected to {connection.base_url or 'the platform'}, left alone")
            continue
        StoreConnection.objects.update_or_create(
            store=store,
            defaults={
                "base_url": base_url,
                "credentials": modules.ALL[spec.platform].credentials(spec.tenant),
                "enabled": True,
                "sync_interval_seconds": interval_seconds,
                "quota_scale": settings.SANDBOX_SPEED,
            },
        )
        done.append(f"{store.name} → sandbox {spec.platform}/{spec.tenant}")
        if spec.mailbox_kind:
            address = support_address(spec.platform, spec.tenant)
            mailbox, _ = Mailbox.objects.update_or_create(
                address=address, defaults={"store": store, "kind": spec.mailbox_kind}
            )
            MailboxConnection.objects.update_or_create(
                mailbox=mailbox,
                defaults={
                    "host": settings.SANDBOX_HOST,
                    "port": settings.SANDBOX_IMAP_PORT,
                    "use_ssl": False,
                    "username": address,
                    "credentials": {"password": "sandbox"},
                    "folder": "INBOX",
                    "enabled": True,
                },
            )
            done.append(f"{store.name}: mailbox {address}")
    return done
