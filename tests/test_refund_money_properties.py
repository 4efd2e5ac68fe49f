"""Property-based tests (Hypothesis) of the refund money rules: rounding to each currency's minor
units (JPY 0, USD 2, KWD 3) half-even, by Money.rounded and in the suggestion; the suggestion never
more than what is left to refund; totals kept per currency, never mixed.

Each example that touches the database runs in a savepoint rolled back at its end, so examples do
not see each other's rows (the ``db`` fixture is function-scoped, hence the suppressed health
check: the rollback is what keeps the examples apart)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tickets.errors import CurrencyMismatch, RefundAmountInvalid, RefundExceedsRefundable
from tickets.models import Refund, RefundKind, RefundMethod
from tickets.money import Money, currency_exponent, total
from tickets.services import refund_suggestion
from tickets.services.refunds import refundable_left, request_refund
from tickets.states import REFUND_COMMITTED, RefundStatus

CURRENCIES = ["JPY", "USD", "KWD"]
PLACES = {"JPY": 0, "USD": 2, "KWD": 3}
FAST = settings(max_examples=100, deadline=None)
WITH_DB = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_the_currencies_have_the_minor_units_the_properties_assume():
    assert {code: currency_exponent(code) for code in CURRENCIES} == PLACES


def in_currency(currency: str, *, low: int = 0, high: int = 10**6) -> st.SearchStrategy[Decimal]:
    """An amount at the currency's precision, as a platform would send it."""
    places = PLACES[currency]
    return st.integers(low * 10**places, high * 10**places).map(lambda units: Decimal(units).scaleb(-places))


def is_at_precision(money: Money) -> bool:
    return money.amount.as_tuple().exponent == -PLACES[money.currency]


# --- Money.rounded -------------------------------------------------------------------------------------
@FAST
@given(
    currency=st.sampled_from(CURRENCIES),
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
)
def test_rounded_is_the_nearest_amount_at_the_currencys_precision_ties_to_even(currency, amount):
    rounded = Money.rounded(amount, currency)
    quantum = Decimal(1).scaleb(-PLACES[currency])

    assert rounded.currency == currency
    assert is_at_precision(rounded)
    error = abs(rounded.amount - amount)
    assert error <= quantum / 2  # the nearest
    if error == quantum / 2:  # a tie goes to the even minor unit (banker's rounding)
        assert rounded.minor_units % 2 == 0
    assert Money.rounded(rounded.amount, currency) == rounded  # rounding twice changes nothing
    assert Money.from_minor(rounded.minor_units, currency) == rounded  # minor units round-trip exactly
    assert Money.of(format(rounded.amount, "f"), currency) == rounded  # and so does the text


@FAST
@given(currency=st.sampled_from(CURRENCIES), units=st.integers(-(10**12), 10**12))
def test_an_amount_already_at_precision_is_kept_and_one_digit_more_is_refused(currency, units):
    exact = Decimal(units).scaleb(-PLACES[currency])
    assert Money.rounded(exact, currency).amount == exact
    assert Money.of(exact, currency).amount == exact
    finer = exact + Decimal(1).scaleb(-PLACES[currency] - 1)  # e.g. 12.345 USD, 1.5 JPY
    with pytest.raises(Exception, match="decimal places"):
        Money.of(finer, currency)


# --- sums per currency -----------------------------------------------------------------------------------
money_lists = st.lists(
    st.sampled_from(CURRENCIES).flatmap(lambda c: in_currency(c, high=10**5).map(lambda a: Money(a, c))),
    max_size=30,
)


@FAST
@given(amounts=money_lists)
def test_totals_are_kept_per_currency_and_never_mixed(amounts):
    by_currency = defaultdict(list)
    for money in amounts:
        by_currency[money.currency].append(money)

    for currency, group in by_currency.items():
        summed = total(group, currency)
        assert summed == Money(sum((m.amount for m in group), Decimal(0)), currency)
        assert is_at_precision(summed)
    if len(by_currency) > 1:
        with pytest.raises(CurrencyMismatch):
            total(amounts, amounts[0].currency)
    # Every currency's total is the sum of its own amounts: together they account for every amount.
    assert sum(len(group) for group in by_currency.values()) == len(amounts)


@pytest.fixture
def stores(db):
    return {currency: factories.StoreFactory(name=f"Shop {currency}", currency=currency) for currency in CURRENCIES}


@WITH_DB
@given(
    refunds=st.lists(
        st.tuples(
            st.sampled_from(CURRENCIES).flatmap(lambda c: st.tuples(st.just(c), in_currency(c, low=1, high=10**5))),
            st.sampled_from(list(RefundStatus.values)),
        ),
        max_size=25,
    )
)
def test_a_report_total_over_refunds_in_several_currencies_is_the_per_currency_sum(stores, refunds):
    with transaction.atomic():
        tickets = {c: factories.TicketFactory(store=store) for c, store in stores.items()}
        Refund.objects.bulk_create(
            Refund(
                ticket=tickets[currency],
                order=tickets[currency].order,
                store=stores[currency],
                amount=amount,
                currency=currency,
                kind=RefundKind.PARTIAL,
                method=RefundMethod.ORIGINAL_PAYMENT,
                reason="property",
                status=status,
            )
            for (currency, amount), status in refunds
        )
        # What a report shows: committed refunds, one total per currency, summed by the database.
        rows = (
            Refund.objects.filter(store__in=stores.values(), status__in=REFUND_COMMITTED)
            .values("currency")
            .annotate(total=Sum("amount"))
            .order_by("currency")
        )
        report = {row["currency"]: Money.stored(row["total"], row["currency"]) for row in rows}
        transaction.set_rollback(True)

    expected = defaultdict(list)
    for (currency, amount), status in refunds:
        if status in REFUND_COMMITTED:
            expected[currency].append(Money(amount, currency))
    assert report == {currency: total(group, currency) for currency, group in expected.items()}


# --- the suggestion --------------------------------------------------------------------------------------
@st.composite
def orders(draw):
    """An order in one of the currencies: 1-4 lines, shipping on top, some of it already refunded."""
    currency = draw(st.sampled_from(CURRENCIES))
    lines = draw(
        st.lists(st.tuples(in_currency(currency, low=1, high=5000), st.integers(1, 5)), min_size=1, max_size=4)
    )
    charges = draw(in_currency(currency, high=50))
    value = sum((price * qty for price, qty in lines), Decimal(0))
    paid = value + charges
    committed = draw(st.lists(in_currency(currency, low=1, high=2000), max_size=3))
    chosen = [draw(st.integers(0, qty)) for _, qty in lines]
    return {
        "currency": currency,
        "lines": lines,
        "charges": charges,
        "paid": paid,
        "committed": committed,
        "chosen": chosen,
        "kind": draw(st.sampled_from([RefundKind.PARTIAL, RefundKind.WITHOUT_RETURN, RefundKind.FULL])),
        "include_shipping": draw(st.booleans()),
    }


def make_order(stores, spec):
    store = stores[spec["currency"]]
    order = factories.OrderFactory(
        store=store, currency=spec["currency"], total_amount=spec["paid"], paid_amount=spec["paid"]
    )
    lines = [
        factories.OrderLineFactory(order=order, unit_price=price, quantity=qty, category="Apparel")
        for price, qty in spec["lines"]
    ]
    ticket = factories.TicketFactory(store=store, order=order, customer=order.customer, status="open")
    budget = spec["paid"]
    for amount in spec["committed"]:  # earlier refunds, as far as the order covers them
        if amount <= budget:
            factories.RefundFactory(ticket=ticket, amount=amount, status=RefundStatus.SUCCEEDED)
            budget -= amount
    return order, lines, ticket


@WITH_DB
@given(spec=orders())
def test_the_suggestion_is_at_the_currencys_precision_and_never_more_than_is_left(stores, spec):
    with transaction.atomic():
        order, lines, _ticket = make_order(stores, spec)
        chosen = [(line, qty) for line, qty in zip(lines, spec["chosen"], strict=True) if qty]
        left = refundable_left(order)
        suggestion = refund_suggestion.suggest(
            order, kind=spec["kind"], lines=chosen, include_shipping=spec["include_shipping"], left=left
        )
        transaction.set_rollback(True)

    currency = spec["currency"]
    for money in (suggestion.amount, suggestion.shipping, suggestion.lines_total, suggestion.left):
        assert money.currency == currency and is_at_precision(money)
    assert Money.zero(currency) <= suggestion.amount <= left
    assert suggestion.shipping <= Money(spec["charges"], currency)
    asked = sum((price * qty for (price, _), qty in zip(spec["lines"], spec["chosen"], strict=True)), Decimal(0))
    assert suggestion.lines_total == Money(asked, currency)  # unit prices are exact: nothing to round
    if spec["kind"] == RefundKind.FULL:
        assert suggestion.amount == left
    else:
        proposed = suggestion.lines_total + suggestion.shipping
        assert suggestion.amount == (proposed if proposed <= left else left)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=orders())
def test_a_request_for_the_suggested_amount_stays_within_what_is_left(stores, spec):
    with transaction.atomic():
        order, lines, ticket = make_order(stores, spec)
        requester = factories.user_with_role("prop", factories.AGENT, stores=[ticket.store])
        left_before = refundable_left(order)
        try:
            refund = request_refund(
                ticket,
                actor=requester,
                kind=spec["kind"],
                method=RefundMethod.ORIGINAL_PAYMENT,
                reason="property",
                lines=[(line.pk, qty) for line, qty in zip(lines, spec["chosen"], strict=True)],
                include_shipping=spec["include_shipping"],
            )
        except RefundAmountInvalid:  # nothing to suggest: no lines chosen, or nothing left
            refund = None
        except RefundExceedsRefundable:  # only when nothing at all is left: the suggestion is at most that
            if left_before.amount > 0:
                pytest.fail("a request for the suggestion was refused as more than is left")
            refund = None
        if refund is not None:
            # The suggestion is recorded; pending, so nothing is committed yet: approve it as a
            # supervisor would, and what is left never goes below zero.
            assert refund.money == Money.stored(refund.suggested_amount, refund.currency)
            assert Money.zero(refund.currency) < refund.money <= left_before
            assert is_at_precision(refund.money)
            Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.APPROVED)
            assert refundable_left(order) >= Money.zero(refund.currency)
        transaction.set_rollback(True)
