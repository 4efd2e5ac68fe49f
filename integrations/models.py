"""Store connections (encrypted credentials), sync cursors, what platforms sent (kept so nothing
is lost and failures can be replayed), quarantined mail, and the heartbeats /healthz reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.scoping import scoped_manager

from .crypto import EncryptedJSONField


class PayloadStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSED = "processed", _("Processed")
    FAILED = "failed", _("Failed")


class RawPayload(models.Model):
    # No index of its own: rawpayload_once leads with it.
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="raw_payloads", db_index=False)
    stream = models.CharField(_("stream"), max_length=32, help_text=_("orders, returns, messages, disputes, webhook"))
    external_id = models.CharField(_("platform id"), max_length=191, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    payload = models.JSONField(_("payload"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=PayloadStatus.choices, default=PayloadStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    # A webhook's delivery id (X-Shopify-Webhook-Id, an SQS notification id): stored once.
    delivery_id = models.CharField(_("delivery id"), max_length=191, blank=True)
    records = models.PositiveIntegerField(_("records"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("raw payload")
        verbose_name_plural = _("raw payloads")
        constraints = [
            # The same bytes for the same record are stored once, however often they arrive.
            models.UniqueConstraint(fields=["store", "stream", "external_id", "sha256"], name="rawpayload_once"),
            models.UniqueConstraint(
                fields=["store", "delivery_id"], condition=~models.Q(delivery_id=""), name="rawpayload_delivery_once"
            ),
            models.CheckConstraint(condition=models.Q(status__in=PayloadStatus.values), name="rawpayload_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["store", "status", "-received_at"], name="rawpayload_store_status"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.stream}/{self.external_id or self.pk}"


class StoreConnection(models.Model):
    """How to reach a store's platform: its host, its credentials (encrypted), its sync interval."""

    store = models.OneToOneField("tickets.Store", on_delete=models.CASCADE, related_name="connection")
    base_url = models.URLField(
        _("API base URL"), blank=True, help_text=_("Empty: the platform's real host. The sandbox sets its own.")
    )
    credentials = EncryptedJSONField(_("credentials"), blank=True)
    enabled = models.BooleanField(_("sync enabled"), default=True)
    sync_interval_seconds = models.PositiveIntegerField(_("sync interval (seconds)"), default=300)
    # The sandbox runs its scenario faster than real time and scales its limits with it; our
    # quotas for it scale the same. Real platforms: 1.
    quota_scale = models.PositiveIntegerField(_("quota scale"), default=1)
    last_tested_at = models.DateTimeField(_("last tested"), null=True, blank=True)
    last_test_result = models.CharField(_("last test result"), max_length=300, blank=True)
    last_test_ok = models.BooleanField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        verbose_name = _("store connection")
        verbose_name_plural = _("store connections")
        constraints = [
            models.CheckConstraint(condition=models.Q(sync_interval_seconds__gte=10), name="connection_interval_min"),
        ]

    def __str__(self) -> str:
        return f"{self.store} → {self.base_url or 'platform'}"


class SyncCursor(models.Model):
    """Where one stream of one store stands: the position to pull from, when to run next, and
    what the last runs did. Only one run holds the row at a time (SELECT … FOR UPDATE SKIP LOCKED);
    the position moves in the transaction that commits the page it covers."""

    store = models.ForeignKey("tickets.Store", on_delete=models.CASCADE, related_name="sync_cursors")
    stream = models.CharField(_("stream"), max_length=64)
    position = models.JSONField(_("position"), default=dict, blank=True)
    high_water_mark = models.DateTimeField(_("synced up to"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    records_total = models.PositiveBigIntegerField(_("records"), default=0)
    failed_total = models.PositiveBigIntegerField(_("failed records"), default=0)
    calls_total = models.PositiveBigIntegerField(_("platform calls"), default=0)
    backfill_done = models.PositiveIntegerField(default=0)
    backfill_total = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["store_id", "stream"]
        verbose_name = _("sync cursor")
        verbose_name_plural = _("sync cursors")
        constraints = [models.UniqueConstraint(fields=["store", "stream"], name="synccursor_unique_stream")]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.stream}"

    @property
    def backfill_percent(self) -> int | None:
        if not self.backfill_total:
            return None
        return min(100, round(100 * self.backfill_done / self.backfill_total))


class MailboxConnection(models.Model):
    """IMAP polling of one mailbox; its UID cursor is the SyncCursor stream ``mailbox:<id>``."""

    mailbox = models.OneToOneField("tickets.Mailbox", on_delete=models.CASCADE, related_name="imap")
    host = models.CharField(_("IMAP host"), max_length=255)
    port = models.PositiveIntegerField(_("IMAP port"), default=993)
    use_ssl = models.BooleanField(_("TLS"), default=True)
    username = models.CharField(_("user name"), max_length=255)
    credentials = EncryptedJSONField(_("credentials"), blank=True)  # {"password": …}
    folder = models.CharField(_("folder"), max_length=120, default="INBOX")
    enabled = models.BooleanField(_("enabled"), default=True)

    objects = scoped_manager("mailbox__store")

    class Meta:
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


class QuarantinedEmail(models.Model):
    """Mail that matched no store's mailbox: kept for an admin to assign or drop, never put in
    another store's inbox."""

    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    sender = models.CharField(_("from"), max_length=254, blank=True)
    recipients = models.TextField(_("to"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    raw = models.BinaryField(_("message"))
    reason = models.CharField(_("reason"), max_length=200)
    released_to = models.ForeignKey("tickets.Store", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("quarantined email")
        verbose_name_plural = _("quarantined emails")

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


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
