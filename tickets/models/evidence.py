"""Evidence files attached to a ticket or one of its messages. Stored privately."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import scoped_manager


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    UNBOXING_VIDEO = "unboxing_video", _("Unboxing video")
    SHIPPING_PROOF = "shipping_proof", _("Shipping proof")
    TRACKING_SCREENSHOT = "tracking_screenshot", _("Tracking screenshot")
    DELIVERY_SIGNATURE = "delivery_signature", _("Delivery signature")
    QC_PHOTO = "qc_photo", _("QC photo")
    OTHER = "other", _("Other")


def evidence_path(instance: "Attachment", filename: str) -> str:
    # The stored name is the content hash: nothing a buyer typed reaches the filesystem.
    return f"evidence/{instance.store_id}/{instance.sha256[:2]}/{instance.sha256}"


def thumbnail_path(instance: "Attachment", filename: str) -> str:
    # Beside the file: our own re-encoded JPEG, the only bytes ever shown inline.
    return f"evidence/{instance.store_id}/{instance.sha256[:2]}/{instance.sha256}-thumb.jpg"


class Attachment(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    store = models.ForeignKey("tickets.Store", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to=thumbnail_path, max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EvidenceKind.choices, default=EvidenceKind.OTHER)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "sha256"], name="attachment_unique_per_ticket"),
            models.CheckConstraint(condition=models.Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_hex"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def media(self) -> str:
        """image, video, pdf or file: how the page offers it (a thumbnail, a link)."""
        if self.content_type.startswith("image/"):
            return "image"
        if self.content_type.startswith("video/"):
            return "video"
        return "pdf" if self.content_type == "application/pdf" else "file"
