"""Which adapter serves a store, and which parser reads a stream: the one dict of platforms.

``ADAPTERS`` maps a platform to its adapter class. A platform sub-package that is missing (while
the three are being built side by side) is left out rather than breaking every import of the
registry; an adapter module that exists but fails to import still raises.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from tickets.models import Mailbox, Store

from .base import Adapter, PermanentError

logger = logging.getLogger("integrations.registry")

_CLASSES = {"shopify": "ShopifyAdapter", "amazon": "AmazonAdapter", "ebay": "EbayAdapter"}
EMAIL_STREAM = "email"
MAILBOX_PREFIX = "mailbox:"


def _load() -> dict[str, type]:
    found: dict[str, type] = {}
    for platform, class_name in _CLASSES.items():
        module_name = f"integrations.{platform}.adapter"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name not in (module_name, f"integrations.{platform}"):
                raise
            logger.warning("no adapter for %s yet", platform)
            continue
        found[platform] = getattr(module, class_name)
    return found


ADAPTERS: dict[str, type] = _load()


def adapter_for(store: Store) -> Adapter:
    """The store's adapter over its connection; PermanentError when it cannot sync."""
    connection = getattr(store, "connection", None) if _has_connection(store) else None
    if connection is None or not connection.enabled:
        raise PermanentError(_("%(store)s has no enabled connection.") % {"store": store})
    cls = ADAPTERS.get(store.platform)
    if cls is None:
        raise PermanentError(_("No adapter for platform %(platform)s.") % {"platform": store.platform})
    return cls(store, connection)


def _has_connection(store: Store) -> bool:
    from .models import StoreConnection

    try:
        store.connection  # noqa: B018 - a reverse one-to-one raises when absent
    except StoreConnection.DoesNotExist:
        return False
    return True


def mailbox_stream(mailbox: Mailbox) -> str:
    return f"{MAILBOX_PREFIX}{mailbox.pk}"


def mailbox_of(store: Store, stream: str) -> Mailbox:
    if not stream.startswith(MAILBOX_PREFIX):
        raise PermanentError(_("%(stream)s is not a mailbox stream.") % {"stream": stream})
    try:
        return Mailbox.objects.select_related("imap").get(store=store, pk=int(stream[len(MAILBOX_PREFIX) :]))
    except (ValueError, Mailbox.DoesNotExist) as error:
        raise PermanentError(_("No mailbox for stream %(stream)s.") % {"stream": stream}) from error


def platform_streams(store: Store) -> list[str]:
    cls = ADAPTERS.get(store.platform)
    return list(cls.streams) if cls is not None else []


def streams_for(store: Store) -> list[str]:
    """The adapter's streams plus ``mailbox:<id>`` for each mailbox with an enabled IMAP connection."""
    streams = platform_streams(store) if _has_connection(store) and store.connection.enabled else []
    mailboxes = Mailbox.objects.filter(store=store, imap__enabled=True).order_by("pk")
    return streams + [mailbox_stream(mailbox) for mailbox in mailboxes]


def email_adapter_for(mailbox: Mailbox) -> Any:
    from .email.adapter import EmailAdapter

    return EmailAdapter(mailbox, mailbox.imap)


def adapter_for_stream(store: Store, stream: str) -> Any:
    """The adapter that pulls ``stream``: the mailbox's for ``mailbox:<id>``, else the store's."""
    if stream.startswith(MAILBOX_PREFIX):
        return email_adapter_for(mailbox_of(store, stream))
    return adapter_for(store)


def is_email_stream(stream: str) -> bool:
    return stream == EMAIL_STREAM or stream.startswith(MAILBOX_PREFIX)


def parser_for(store: Store, stream: str) -> Callable[[Any], tuple[tuple, tuple]]:
    """A callable body → (records, failures) for one stream of one store.

    Email streams read ``{"base64": ...}`` (or ``{"text": ...}``) with the email parser; the rest
    go through the platform adapter's ``parse``, which needs no network."""
    if is_email_stream(stream):
        return _parse_email_body
    adapter = adapter_for_parsing(store)
    return lambda body: adapter.parse(stream, body)


def adapter_for_parsing(store: Store) -> Adapter:
    """An adapter good enough to parse: a disabled or missing connection still parses saved files."""
    from .models import StoreConnection

    cls = ADAPTERS.get(store.platform)
    if cls is None:
        raise PermanentError(_("No adapter for platform %(platform)s.") % {"platform": store.platform})
    connection = store.connection if _has_connection(store) else StoreConnection(store=store, credentials={})
    return cls(store, connection)


def _parse_email_body(body: Any) -> tuple[tuple, tuple]:
    import base64

    from .email.parse import parse_email

    if isinstance(body, dict) and "base64" in body:
        raw = base64.b64decode(body["base64"])
    elif isinstance(body, dict) and "text" in body:
        raw = body["text"].encode()
    else:
        return (), ((body, _("An email payload holds base64 or text.")),)
    try:
        return (parse_email(raw),), ()
    except ValueError as error:
        return (), ((body, str(error) or type(error).__name__),)
