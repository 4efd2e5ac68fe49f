"""Refund requests (lines, suggestion, why approval is needed), the approval policy's store and buyer
fields, exchange rates, closed months, report exports, and the roles' report permissions."""

from django.contrib.auth.management import create_permissions

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


# Frozen here, as a migration must be (tickets/roles.py says what the roles hold now).
GRANTS = {
    "Finance": [
        "view_refund_report",
        "view_platformrefund",
        "view_exchangerate",
        "close_refund_month",
        "add_exchangerate",
        "change_exchangerate",
        "view_closedmonth",
    ],
    "Supervisor": ["view_refund_report", "view_platformrefund", "view_exchangerate"],
    "Admin": ["view_refund_report", "view_exchangerate"],
}


def grant_reports(apps, schema_editor):
    # Permissions are normally made after all migrations; make these now so the groups can hold them.
    app_config = apps.get_app_config("tickets")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(GRANTS)):
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="tickets", codename__in=GRANTS[group.name])
        )


def revoke_reports(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=list(GRANTS)):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="tickets", codename__in=GRANTS[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0014_replacement_rma"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ClosedMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(help_text="First day of the month.", unique=True, verbose_name="month")),
                ("closed_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "closed month",
                "verbose_name_plural": "closed months",
                "ordering": ["-month"],
            },
        ),
        migrations.CreateModel(
            name="ExchangeRate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("base", models.CharField(max_length=3, verbose_name="from")),
                ("quote", models.CharField(max_length=3, verbose_name="to")),
                ("rate", models.DecimalField(decimal_places=10, max_digits=24, verbose_name="rate")),
                ("valid_on", models.DateField(verbose_name="valid on")),
                ("source", models.CharField(blank=True, max_length=64, verbose_name="source")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "exchange rate",
                "verbose_name_plural": "exchange rates",
                "ordering": ["-valid_on", "base", "quote"],
            },
        ),
        migrations.CreateModel(
            name="RefundExport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="month")),
                ("format", models.CharField(max_length=4, verbose_name="format")),
                ("store_ids", models.JSONField(blank=True, default=list, verbose_name="stores")),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                        default="queued",
                        max_length=8,
                        verbose_name="status",
                    ),
                ),
                ("rows_total", models.PositiveBigIntegerField(default=0)),
                ("rows_done", models.PositiveBigIntegerField(default=0)),
                ("file", models.CharField(blank=True, max_length=255)),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "refund export",
                "verbose_name_plural": "refund exports",
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="RefundLine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                ("amount", models.DecimalField(decimal_places=4, max_digits=18, verbose_name="amount")),
            ],
            options={
                "verbose_name": "refund line",
                "verbose_name_plural": "refund lines",
            },
        ),
        migrations.AlterModelOptions(
            name="refund",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("approve_refund", "Can approve refunds above the requester's limit"),
                    ("view_refund_report", "Can see refund reports and reconciliation"),
                    ("close_refund_month", "Can close a month of the refund report"),
                ],
                "verbose_name": "refund",
                "verbose_name_plural": "refunds",
            },
        ),
        migrations.AddField(
            model_name="customer",
            name="period_orders",
            field=models.PositiveIntegerField(default=0, verbose_name="orders in period"),
        ),
        migrations.AddField(
            model_name="customer",
            name="period_returns",
            field=models.PositiveIntegerField(default=0, verbose_name="returns in period"),
        ),
        migrations.AddField(
            model_name="customer",
            name="return_risk",
            field=models.BooleanField(default=False, verbose_name="return risk"),
        ),
        migrations.AddField(
            model_name="customer",
            name="return_risk_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="return risk since"),
        ),
        migrations.AddField(
            model_name="platformrefund",
            name="matched_by",
            field=models.CharField(blank=True, max_length=8, verbose_name="matched by"),
        ),
        migrations.AddField(
            model_name="refund",
            name="approval_reasons",
            field=models.JSONField(blank=True, default=list, verbose_name="why it needs approval"),
        ),
        migrations.AddField(
            model_name="refund",
            name="corrects",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="tickets.refund",
            ),
        ),
        migrations.AddField(
            model_name="refund",
            name="decision_note",
            field=models.TextField(blank=True, verbose_name="decision comment"),
        ),
        migrations.AddField(
            model_name="refund",
            name="shipping_amount",
            field=models.DecimalField(decimal_places=4, default=0, max_digits=18, verbose_name="shipping refunded"),
        ),
        migrations.AddField(
            model_name="refund",
            name="suggested_amount",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=18, null=True, verbose_name="suggested amount"
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="high_value_categories",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text='Product categories whose refunds always need a supervisor, e.g. ["Electronics"].',
                verbose_name="high-value categories",
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="reconcile_after_days",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="A refund of ours the platform has not reported after this many days is listed as missing there.",
                verbose_name="reconcile after (days)",
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="refund_without_return_limit",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                help_text="A refund without a return above this amount (store currency) always needs a supervisor. Empty: no such rule.",
                max_digits=18,
                null=True,
                verbose_name="refund without return: approval above",
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="return_risk_min_returns",
            field=models.PositiveSmallIntegerField(
                default=3,
                help_text="…and who returned at least this many times.",
                verbose_name="return-risk minimum returns",
            ),
        ),
        migrations.AddField(
            model_name="store",
            name="return_risk_period_days",
            field=models.PositiveSmallIntegerField(default=180, verbose_name="return-risk period (days)"),
        ),
        migrations.AddField(
            model_name="store",
            name="return_risk_rate",
            field=models.DecimalField(
                decimal_places=4,
                default=Decimal("0.3000"),
                help_text="A buyer whose returns ÷ orders in the period is above this (0.30 = 30%) is flagged as a return risk.",
                max_digits=5,
                verbose_name="return-risk rate",
            ),
        ),
        migrations.AlterField(
            model_name="refund",
            name="attribution_month",
            field=models.DateField(
                blank=True,
                help_text="First day of the month it counts in.",
                null=True,
                verbose_name="attribution month",
            ),
        ),
        migrations.AlterField(
            model_name="refund",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="requested_refunds",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="refund",
            index=models.Index(fields=["attribution_month", "status"], name="refund_report_month"),
        ),
        migrations.AddField(
            model_name="closedmonth",
            name="closed_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddConstraint(
            model_name="exchangerate",
            constraint=models.UniqueConstraint(fields=("base", "quote", "valid_on"), name="exchangerate_unique_day"),
        ),
        migrations.AddConstraint(
            model_name="exchangerate",
            constraint=models.CheckConstraint(condition=models.Q(("rate__gt", 0)), name="exchangerate_positive"),
        ),
        migrations.AddConstraint(
            model_name="exchangerate",
            constraint=models.CheckConstraint(
                condition=models.Q(("base", models.F("quote")), _negated=True), name="exchangerate_two_currencies"
            ),
        ),
        migrations.AddField(
            model_name="refundexport",
            name="requested_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="refundline",
            name="order_line",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="refund_lines", to="tickets.orderline"
            ),
        ),
        migrations.AddField(
            model_name="refundline",
            name="refund",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="lines", to="tickets.refund"
            ),
        ),
        migrations.AddConstraint(
            model_name="refundexport",
            constraint=models.CheckConstraint(
                condition=models.Q(("format__in", ["csv", "xlsx"])), name="refundexport_format_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="refundexport",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["queued", "running", "done", "failed"])),
                name="refundexport_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="refundline",
            constraint=models.UniqueConstraint(fields=("refund", "order_line"), name="refundline_unique"),
        ),
        migrations.AddConstraint(
            model_name="refundline",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gt", 0)), name="refundline_quantity_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="refundline",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gte", 0)), name="refundline_amount_not_negative"
            ),
        ),
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
                        ],
                    )
                ),
                name="notification_kind_valid",
            ),
        ),
        migrations.RunPython(grant_reports, revoke_reports),
    ]
