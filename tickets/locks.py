"""Every row lock of the domain, in one place, so their order stays the same everywhere
(an order's row before its refunds', lower pk first) and no two paths can deadlock.
Call these inside ``transaction.atomic()``."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def lock(model: type[M], pk: object) -> M:
    """The row, locked until the transaction ends (SELECT … FOR UPDATE)."""
    return model._default_manager.select_for_update().get(pk=pk)


def lock_sequence(name: str):
    from .models import Sequence

    Sequence.objects.get_or_create(name=name, defaults={"value": 0})
    return lock(Sequence, name)
