"""``manage.py connect_sandbox``: connect the demo stores to the local sandbox marketplace."""

from django.core.management.base import BaseCommand

from integrations.demo import connect_demo_stores, sandbox_url


class Command(BaseCommand):
    help = "Connect the demo stores (load_demo) to the sandbox marketplace (manage.py sandbox). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=20, help="Seconds between syncs of each stream.")

    def handle(self, *args, **options) -> None:
        for line in connect_demo_stores(interval_seconds=options["interval"]):
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  Sandbox marketplace: {sandbox_url()}/_sandbox/state")
