"""The default triage: keyword sets, macros, the Returns team, the VIP SLA policy and the default
rules (tickets/rules/defaults.py). Reversing removes the default rules, keyword sets and macros.
Skipped when settings.AFTERSALES_TRIAGE_DEFAULTS is off (the test suite: each test starts empty)."""

from django.conf import settings
from django.db import migrations


def install(apps, schema_editor):
    from tickets.rules import defaults

    if not getattr(settings, "AFTERSALES_TRIAGE_DEFAULTS", True):
        return
    defaults.install(apps, schema_editor)


def uninstall(apps, schema_editor):
    from tickets.rules import defaults

    defaults.uninstall(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0016_triage")]

    operations = [migrations.RunPython(install, uninstall)]
