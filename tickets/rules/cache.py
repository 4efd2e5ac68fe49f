"""The per-process cache of enabled rules and keyword sets, and the version that invalidates it.

Every process keeps what it loaded (rules by event, compiled keyword sets) under a version
number kept in Django's cache. A write to a rule or keyword set bumps the version (the services
do, and so do the receivers below for admin edits, data migrations and direct ORM writes); a
process looks at the shared version at most once a second, so a change reaches every worker
within a second without a cache round trip per message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache as shared_cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

KEY = "triage:rules:version"
CHECK_EVERY = 1.0  # seconds between two looks at the shared version

T = TypeVar("T")

_lock = threading.Lock()
_state: dict[str, Any] = {"version": None, "checked": 0.0, "local": 0}
_store: dict[Any, Any] = {}


def _shared_version() -> int:
    try:
        value = shared_cache.get(KEY)
    except Exception:  # the cache is down: keep serving what we have, look again next second
        return _state["version"] or 0
    if value is None:
        value = 0
    return int(value)


def version() -> tuple[int, int]:
    """The version the cached values belong to: (shared, local) — local moves at once in this process."""
    now = time.monotonic()
    if _state["version"] is None or now - _state["checked"] >= CHECK_EVERY:
        shared = _shared_version()
        with _lock:
            if shared != _state["version"]:
                _store.clear()
            _state["version"], _state["checked"] = shared, now
    return _state["version"], _state["local"]


def get(key: Any, load: Callable[[], T]) -> T:
    """The value cached under ``key`` for the current version, loaded once per version."""
    version()
    try:
        return _store[key]
    except KeyError:
        value = load()
        _store[key] = value
        return value


def clear_local() -> None:
    """Forget what this process loaded (its next read reloads). Tests call it between tests."""
    with _lock:
        _store.clear()
        _state["local"] += 1
        _state["version"] = None


def _bump_shared() -> None:
    try:
        try:
            shared_cache.incr(KEY)
        except ValueError:  # no key yet
            shared_cache.add(KEY, 1, timeout=None)
            shared_cache.incr(KEY)
    except Exception:  # the cache is down: other processes catch up when it is back
        logger.warning("could not bump the triage rules version", exc_info=True)


def bump() -> None:
    """Rules or keyword sets changed: this process reloads at once, the others within a second
    of the commit (bumped after it, so none reloads the rows before they are visible)."""
    clear_local()
    transaction.on_commit(_bump_shared)


def _changed(sender, **kwargs) -> None:
    bump()


def connect() -> None:
    """Bump on every save and delete of a rule or keyword set, whoever writes it, and of what
    the cached rules show by name (macros and their texts, teams, SLA policies)."""
    from ..models import KeywordSet, Macro, MacroVariant, Rule, SlaPolicy, Team

    for model in (Rule, KeywordSet, Macro, MacroVariant, Team, SlaPolicy):
        post_save.connect(_changed, sender=model, dispatch_uid=f"triage-cache-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"triage-cache-delete-{model.__name__}")
