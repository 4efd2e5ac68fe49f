"""Named counters for human-facing numbers (ticket #, RMA number)."""

from django.db import models


class Sequence(models.Model):
    name = models.CharField(max_length=32, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
