"""Dated exchange rates: lookups (the day, the week before, the inverse), conversion, import."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tickets.models import AuditEvent, ExchangeRate
from tickets.money import Money
from tickets.services import exchange_rates

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


def test_the_rate_of_the_day_the_week_before_or_the_inverse_serves_and_an_older_one_does_not():
    ExchangeRate.objects.create(base="EUR", quote="USD", rate=Decimal("1.2"), valid_on=DAY - timedelta(days=3))

    assert exchange_rates.rate_on("EUR", "USD", DAY) == Decimal("1.2")
    assert exchange_rates.convert(Money.of("10.00", "USD"), "EUR", on=DAY) == Money.of("8.33", "EUR")
    assert exchange_rates.convert(Money.of("1000", "JPY"), "EUR", on=DAY) is None
    assert exchange_rates.rate_on("EUR", "USD", DAY + timedelta(days=8)) is None
    assert exchange_rates.rate_on("EUR", "USD", DAY - timedelta(days=4)) is None  # no rate from the future


def test_conversion_rounds_half_even_to_the_target_currency():
    ExchangeRate.objects.create(base="USD", quote="JPY", rate=Decimal("150.5"), valid_on=DAY)
    ExchangeRate.objects.create(base="USD", quote="KWD", rate=Decimal("0.30745"), valid_on=DAY)

    assert exchange_rates.convert(Money.of("1.00", "USD"), "JPY", on=DAY) == Money.of("150", "JPY")  # 150.5 → 150
    assert exchange_rates.convert(Money.of("3.00", "USD"), "JPY", on=DAY) == Money.of("452", "JPY")  # 451.5 → 452
    assert exchange_rates.convert(Money.of("10.00", "USD"), "KWD", on=DAY) == Money.of("3.074", "KWD")  # 3.0745


def test_import_is_all_or_nothing_and_names_the_bad_line(tmp_path):
    good = tmp_path / "rates.csv"
    good.write_text("date,base,quote,rate\n2026-11-30,EUR,USD,1.0512\n2026-11-30,GBP,EUR,1.19\n")
    call_command("import_exchange_rates", str(good), source="ECB")
    assert ExchangeRate.objects.count() == 2
    assert AuditEvent.objects.filter(action="exchange_rate.recorded").count() == 2

    bad = tmp_path / "bad.csv"
    bad.write_text("date,base,quote,rate\n2026-12-01,EUR,USD,1.06\n2026-12-01,EUR,XXX,1.1\n")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import_exchange_rates", str(bad))
    assert ExchangeRate.objects.count() == 2

    for text in [
        "date,base,quote,rate\n2026-12-01,EUR,EUR,1\n",
        "date,base,quote,rate\n2026-12-01,EUR,USD,-1\n",
        "date,base,quote,rate\n2026-13-01,EUR,USD,1\n",
        "date,base,quote,rate\n2026-12-01,EUR,USD,abc\n",
        "x,y\n",
    ]:
        bad.write_text(text)
        with pytest.raises(CommandError):
            call_command("import_exchange_rates", str(bad))
    assert ExchangeRate.objects.count() == 2
