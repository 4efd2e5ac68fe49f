"""Allocating human-facing numbers from named counters, safely under concurrency."""

from django.db import transaction

from ..locks import lock_sequence


def next_value(name: str, *, start: int = 1000) -> int:
    """The next number of the named counter; the first is ``start + 1``."""
    with transaction.atomic():
        seq = lock_sequence(name)
        seq.value = max(seq.value, start) + 1
        seq.save(update_fields=["value"])
        return seq.value
