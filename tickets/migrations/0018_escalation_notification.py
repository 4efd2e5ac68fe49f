# The ESCALATED notification kind (a triage rule's "escalate"); after the default triage (0017).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0017_default_triage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="notification",
            name="notification_kind_valid",
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("assigned", "Assigned to you"),
                    ("mentioned", "Mentioned in a note"),
                    ("refund_decided", "Your refund was decided"),
                    ("approval_requested", "A refund waits for your approval"),
                    ("sla_at_risk", "SLA at risk"),
                    ("sla_breached", "SLA breached"),
                    ("qc_failed", "A returned item failed QC"),
                    ("escalated", "A ticket was escalated to you"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "assigned",
                            "mentioned",
                            "refund_decided",
                            "approval_requested",
                            "sla_at_risk",
                            "sla_breached",
                            "qc_failed",
                            "escalated",
                        ],
                    )
                ),
                name="notification_kind_valid",
            ),
        ),
    ]
