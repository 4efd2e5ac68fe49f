"""Allocating human-facing numbers from named counters, safely under concurrency."""

from django.db import transaction

from ..models import Sequence


def next_value(name: str, *, start: int = 1000) -> int:
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name, defaults={"value": start})
        seq = Sequence.objects.select_for_update().get(name=name)
        seq.value += 1
        seq.save(update_fields=["value"])
        return seq.value
