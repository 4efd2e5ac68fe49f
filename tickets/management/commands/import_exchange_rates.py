"""Load dated exchange rates from a CSV file (date,base,quote,rate), e.g. the ECB's reference rates.

All or nothing: a bad line names its number and why, and no rate of the file is stored."""

from __future__ import annotations

import csv
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tickets.errors import DomainError
from tickets.services import exchange_rates

HEADER = ["date", "base", "quote", "rate"]


class Command(BaseCommand):
    help = "Store dated exchange rates from a CSV file with the columns date,base,quote,rate."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: date (YYYY-MM-DD), base, quote, rate (1 base = rate quote)")
        parser.add_argument("--source", default="import", help="Where the rates come from, e.g. ECB")

    def handle(self, *args, file: str, source: str, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.reader(handle))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        if not rows or [cell.strip().lower() for cell in rows[0]] != HEADER:
            raise CommandError(f"{file}: the first line must be {','.join(HEADER)}")
        stored = 0
        with transaction.atomic():
            for number, row in enumerate(rows[1:], start=2):
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != 4:
                    raise CommandError(f"line {number}: four values expected, got {len(row)}")
                day, base, quote, rate = (cell.strip() for cell in row)
                try:
                    valid_on = date.fromisoformat(day)
                    exchange_rates.record_rate(base, quote, rate, valid_on, actor=None, source=source)
                except (ValueError, DomainError) as error:
                    raise CommandError(f"line {number}: {error}") from error
                stored += 1
        self.stdout.write(f"{stored} exchange rates stored from {file}")
