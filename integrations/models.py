"""What platforms sent (kept so nothing is lost and failures can be replayed), and the heartbeats of
workers, beat and each queue that /healthz reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.scoping import scoped_manager


class PayloadStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class RawPayload(models.Model):
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="raw_payloads")
    stream = models.CharField(_("stream"), max_length=32, help_text=_("orders, returns, messages, disputes, webhook"))
    external_id = models.CharField(_("platform id"), max_length=191, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    payload = models.JSONField(_("payload"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=PayloadStatus.choices, default=PayloadStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("raw payload")
        verbose_name_plural = _("raw payloads")
        constraints = [
            # The same bytes for the same record are stored once, however often they arrive.
            models.UniqueConstraint(fields=["store", "stream", "external_id", "sha256"], name="rawpayload_once"),
            models.CheckConstraint(condition=models.Q(status__in=PayloadStatus.values), name="rawpayload_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.stream}/{self.external_id or self.pk}"


class WorkerHeartbeat(models.Model):
    """Each Celery worker writes its row every few seconds; /healthz reads the newest."""

    hostname = models.CharField(max_length=191, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.beat_at:%H:%M:%S}"


class QueueHeartbeat(models.Model):
    """The last canary that ran on a queue: when beat sent it and when a worker ran it.

    A live worker process says nothing about a queue nobody consumes; this row does. The gap
    between sent and ran is the queue's lag at that moment.
    """

    queue = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    ran_at = models.DateTimeField()
    worker = models.CharField(max_length=191, blank=True)

    class Meta:
        verbose_name = _("queue heartbeat")
        verbose_name_plural = _("queue heartbeats")

    def __str__(self) -> str:
        return f"{self.queue} @ {self.ran_at:%H:%M:%S}"

    @property
    def lag_seconds(self) -> float:
        return (self.ran_at - self.sent_at).total_seconds()


class BeatHeartbeat(models.Model):
    """Celery beat's scheduler writes its row every few seconds while it ticks; /healthz reads the newest."""

    hostname = models.CharField(max_length=191, unique=True)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("beat heartbeat")
        verbose_name_plural = _("beat heartbeats")

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.beat_at:%H:%M:%S}"
