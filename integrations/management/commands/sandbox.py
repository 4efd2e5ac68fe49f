"""``manage.py sandbox``: run the sandbox marketplace (Shopify, Amazon, eBay APIs and a mail server)
on 127.0.0.1 until interrupted. ``make run`` starts it beside web, worker and beat."""

from __future__ import annotations

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from integrations.sandbox.core import Rates, World
from integrations.sandbox.mail import MailServer
from integrations.sandbox.server import Sandbox


class Command(BaseCommand):
    help = "Run the local sandbox marketplace: the three platforms' APIs, IMAP and SMTP, and a scenario clock."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.SANDBOX_HOST)
        parser.add_argument("--port", type=int, default=settings.SANDBOX_PORT)
        parser.add_argument("--imap-port", type=int, default=settings.SANDBOX_IMAP_PORT)
        parser.add_argument("--smtp-port", type=int, default=settings.SANDBOX_SMTP_PORT)
        parser.add_argument(
            "--speed", type=float, default=settings.SANDBOX_SPEED, help="Scenario time per real second (limits scale)."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--orders-per-hour", type=float, default=Rates.orders)
        parser.add_argument("--messages-per-hour", type=float, default=Rates.messages)
        parser.add_argument(
            "--no-scenario",
            action="store_true",
            help="Create nothing by itself (benchmarks seed through /_sandbox/seed).",
        )
        parser.add_argument(
            "--limit-scale", type=float, default=1.0, help="Multiply every platform limit (benchmarks)."
        )

    def handle(self, *args, **options) -> None:
        if options["no_scenario"]:
            rates = Rates(orders=0, messages=0, returns=0, disputes=0)
        else:
            rates = Rates(orders=options["orders_per_hour"], messages=options["messages_per_hour"])
        world = World(speed=options["speed"], seed=options["seed"], rates=rates, limit_scale=options["limit_scale"])
        mail = MailServer(world, host=options["host"], imap_port=options["imap_port"], smtp_port=options["smtp_port"])
        sandbox = Sandbox(world, options["host"], options["port"])
        mail.start()
        sandbox.start()
        self.stdout.write(
            f"Sandbox marketplace at {sandbox.base_url} (speed ×{world.clock.speed:g}); "
            f"IMAP {options['host']}:{options['imap_port']}, SMTP {options['host']}:{options['smtp_port']}",
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        stop.wait()
        sandbox.stop()
        mail.stop()
