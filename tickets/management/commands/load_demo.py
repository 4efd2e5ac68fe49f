"""``manage.py load_demo``: load the demo stores, staff, orders and tickets; safe to run again."""

from __future__ import annotations

import time

from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from tickets.demo.builder import load_demo
from tickets.demo.cast import PASSWORD, STAFF, STORES


class Command(BaseCommand):
    help = "Load demo data (3 stores, 5 users, ~300 orders, ~80 tickets in 6 languages). Idempotent."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        try:
            summary = load_demo()
        except Group.DoesNotExist as exc:
            raise CommandError("The role groups are missing: run `manage.py migrate` first.") from exc
        elapsed = time.monotonic() - started
        created = {name: count for name, count in summary.created.items() if count}
        if created:
            made = ", ".join(f"{count} {name}" for name, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s: created {made}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data already complete; nothing written ({elapsed:.1f} s)."))
        self.stdout.write("  " + ", ".join(f"{name}: {count}" for name, count in summary.totals.items()))
        self.stdout.write("  Stores: " + "; ".join(f"{spec.name} ({spec.currency})" for spec in STORES))
        # The integrations app connects the demo stores to the sandbox marketplace. Called by name:
        # tickets never imports integrations.
        if "connect_sandbox" in get_commands():
            call_command("connect_sandbox", stdout=self.stdout)
        self.stdout.write(f"  Demo logins (password: {PASSWORD}):")
        for staff in STAFF:
            where = ", ".join(staff.stores) if staff.stores else "all stores (superuser)"
            self.stdout.write(f"    {staff.username:<11} {staff.role:<11} {where}")
