"""Reconciliation: platform refunds (stored by the ingest service) matched to ours by id, then by
order + amount + time, never guessed; finance's four lists, their totals and who sees them."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from tests import factories
from tickets.models import AuditEvent, PlatformRefund, Refund
from tickets.records import PlatformAmount, RefundRecord
from tickets.selectors import reconciliation as rec
from tickets.selectors.periods import shift
from tickets.services import reconciliation
from tickets.services.ingest import ingest_records, record_platform_refund
from tickets.states import RefundStatus

pytestmark = pytest.mark.django_db

# A month safely in the past, whatever day the suite runs: "after N days" has long passed.
MONTH = shift(timezone.now().date().replace(day=1), -2)
T = datetime(MONTH.year, MONTH.month, 10, 12, 0, tzinfo=UTC)
S = RefundStatus.SUCCEEDED


def order_of(store, ext="O1", number="#1001"):
    return factories.OrderFactory(store=store, external_id=ext, number=number, placed_at=T - timedelta(days=5))


def ours(order, amount="30.00", *, at=T, status=S, method="original_payment", **kw) -> Refund:
    ticket = kw.pop("ticket", None) or factories.TicketFactory(store=order.store, order=order)
    stamps = {"approved_at": at, "executing_at": at}
    if status == S:
        stamps["succeeded_at"] = at
    return Refund.objects.create(
        ticket=ticket,
        order=order,
        store=order.store,
        amount=Decimal(amount),
        currency=order.currency,
        kind="partial",
        method=method,
        reason="damaged",
        status=status,
        **{**stamps, **kw},
    )


def platform(store, ext="RF1", order_ext="O1", amount="30.00", *, at=T, currency=None, **kw):
    record = RefundRecord(
        external_id=ext,
        order_external_id=order_ext,
        amount=PlatformAmount.parse(amount, currency or store.currency),
        created_at=at,
        **kw,
    )
    record_platform_refund(record, store=store)
    return PlatformRefund.objects.get(store=store, external_id=ext)


def scope(user):
    return rec.scope(user, MONTH)


# --- matching ------------------------------------------------------------------------------------
def test_a_record_naming_our_key_is_matched_by_id(shopify_store):
    refund = ours(order_of(shopify_store))
    record = platform(shopify_store, reference=str(refund.idempotency_key))
    assert (record.refund_id, record.matched_by) == (refund.pk, "id")


def test_a_record_on_the_same_order_amount_and_time_is_matched_by_order(shopify_store):
    refund = ours(order_of(shopify_store), "45.50", at=T)
    record = platform(shopify_store, amount="45.50", at=T + timedelta(days=2))
    assert (record.refund_id, record.matched_by) == (refund.pk, "order")
    event = AuditEvent.objects.get(action="platform_refund.matched", object_id=record.pk)
    assert event.after == {"refund": refund.pk, "matched_by": "order"}


def test_a_record_outside_the_window_or_of_another_amount_is_not_matched(shopify_store):
    order = order_of(shopify_store)
    ours(order, "30.00", at=T)
    late = platform(shopify_store, "RF1", amount="30.00", at=T + timedelta(days=4))
    other = platform(shopify_store, "RF2", amount="29.99", at=T)
    assert late.refund_id is None and other.refund_id is None


def test_our_platform_id_recorded_after_the_ingest_is_linked_by_the_periodic_run(shopify_store):
    refund = ours(order_of(shopify_store), "30.00", at=T)
    record = platform(shopify_store, "RF9", amount="12.00", at=T)  # no order match: amounts differ
    assert record.refund_id is None
    Refund.objects.filter(pk=refund.pk).update(platform_refund_id="RF9")

    result = reconciliation.match_all()

    record.refresh_from_db()
    assert (record.refund_id, record.matched_by, result.by_id) == (refund.pk, "id", 1)


def test_equally_near_candidates_are_left_unmatched(shopify_store):
    order = order_of(shopify_store)
    ours(order, "20.00", at=T - timedelta(days=1))
    ours(order, "20.00", at=T + timedelta(days=1))
    record = platform(shopify_store, amount="20.00", at=T)

    assert record.refund_id is None
    assert reconciliation.match(store=shopify_store).ambiguous == 1


def test_two_equally_near_platform_records_do_not_share_one_refund(shopify_store):
    order = order_of(shopify_store)
    ours(order, "20.00", at=T)
    ingest_records(
        shopify_store,
        [
            RefundRecord("RF1", "O1", PlatformAmount.parse("20.00", "USD"), T - timedelta(hours=5)),
            RefundRecord("RF2", "O1", PlatformAmount.parse("20.00", "USD"), T + timedelta(hours=5)),
        ],
    )
    assert not PlatformRefund.objects.filter(refund__isnull=False).exists()


def test_the_unique_nearest_candidate_is_matched_and_each_side_only_once(shopify_store):
    order = order_of(shopify_store)
    near = ours(order, "20.00", at=T - timedelta(hours=2))
    far = ours(order, "20.00", at=T - timedelta(days=2))
    first = platform(shopify_store, "RF1", amount="20.00", at=T)
    assert first.refund_id == near.pk
    second = platform(shopify_store, "RF2", amount="20.00", at=T)  # only `far` is left for it
    assert second.refund_id == far.pk
    third = platform(shopify_store, "RF3", amount="20.00", at=T)  # nothing left: never a second link
    assert third.refund_id is None
    assert {r.pk: r.platform_records.count() for r in (near, far)} == {near.pk: 1, far.pk: 1}


def test_a_record_like_an_executing_refund_waits_until_ours_settles(shopify_store):
    """The outbox reads a record linked to another refund as not its own: a guess must never take
    the record an executing refund of ours is looking for."""
    order = order_of(shopify_store)
    executing = ours(order, "20.00", at=T, status=RefundStatus.EXECUTING)
    ours(order, "20.00", at=T - timedelta(days=2))  # succeeded, and a candidate too
    record = platform(shopify_store, amount="20.00", at=T)
    assert record.refund_id is None
    assert reconciliation.match(store=shopify_store).waiting == 1

    Refund.objects.filter(pk=executing.pk).update(status=S, succeeded_at=T)
    reconciliation.match_all()

    record.refresh_from_db()
    assert (record.refund_id, record.matched_by) == (executing.pk, "order")


def test_manual_and_unsent_refunds_are_not_candidates(shopify_store):
    order = order_of(shopify_store)
    ours(order, "20.00", method="paypal", manual_reference="PP-1")
    ours(order, "20.00", status=RefundStatus.APPROVED)
    assert platform(shopify_store, amount="20.00").refund_id is None


def test_a_failed_platform_record_is_not_matched_by_order(shopify_store):
    ours(order_of(shopify_store), "20.00")
    assert platform(shopify_store, amount="20.00", status="failed").refund_id is None


def test_matching_again_changes_nothing(shopify_store):
    order = order_of(shopify_store)
    ours(order, "20.00", at=T)
    ours(order, "35.00", at=T)
    platform(shopify_store, "RF1", amount="20.00", at=T)
    platform(shopify_store, "RF2", amount="35.00", at=T)
    links = sorted(PlatformRefund.objects.values_list("external_id", "refund_id", "matched_by"))
    events = AuditEvent.objects.count()

    again = reconciliation.match(store=shopify_store)
    record_platform_refund(RefundRecord("RF1", "O1", PlatformAmount.parse("20.00", "USD"), T), store=shopify_store)

    assert (again.by_id, again.by_order, again.released) == (0, 0, 0)
    assert sorted(PlatformRefund.objects.values_list("external_id", "refund_id", "matched_by")) == links
    assert AuditEvent.objects.count() == events
    assert all(refund_id for _e, refund_id, _m in links)


def test_an_id_match_undoes_an_order_match_of_the_same_refund(shopify_store):
    refund = ours(order_of(shopify_store), "20.00", at=T)
    guessed = platform(shopify_store, "RF1", amount="20.00", at=T)
    assert guessed.matched_by == "order"

    named = platform(shopify_store, "RF2", amount="20.00", at=T, reference=str(refund.idempotency_key))

    guessed.refresh_from_db()
    assert (named.refund_id, named.matched_by) == (refund.pk, "id")
    assert (guessed.refund_id, guessed.matched_by) == (None, "")


def test_another_stores_refund_is_never_a_candidate(shopify_store):
    other = factories.StoreFactory(platform="shopify", currency="USD")
    ours(order_of(other), "20.00", at=T)
    order_of(shopify_store)
    assert platform(shopify_store, amount="20.00").refund_id is None


# --- the four lists -----------------------------------------------------------------------------
def test_each_list_holds_its_refunds_with_counts_and_totals(shopify_store, finance):
    order = order_of(shopify_store)
    a = ours(order, "20.00", at=T)
    platform(shopify_store, "RF-A", amount="20.00", at=T, reference=str(a.idempotency_key))
    b = ours(order, "150.00", at=T)
    platform(shopify_store, "RF-B", amount="130.00", at=T, reference=str(b.idempotency_key))
    platform(shopify_store, "RF-C", amount="12.00", at=T)  # made in the platform's back office
    d = ours(order, "40.00", at=T)  # the platform never reported it
    ours(order, "55.00", at=T, method="paypal", manual_reference="PP-9")  # never expected there
    platform(shopify_store, "RF-F", amount="99.00", at=T, status="failed")  # moved no money

    s = scope(finance)
    summary = rec.summary(s)

    assert [r.refund.pk for r in rec.page(s, rec.MATCHED).rows] == [a.pk]
    assert [r.refund.pk for r in rec.page(s, rec.MISMATCH).rows] == [b.pk]
    assert [r.external_id for r in rec.page(s, rec.PLATFORM_ONLY).rows] == ["RF-C"]
    assert [r.pk for r in rec.page(s, rec.OURS_ONLY).rows] == [d.pk]
    assert {name: section.count for name, section in summary.items()} == dict.fromkeys(rec.LISTS, 1)
    (mismatch,) = summary[rec.MISMATCH].totals
    assert (mismatch.currency, mismatch.ours, mismatch.platform) == ("USD", Decimal("150"), Decimal("130"))
    assert mismatch.difference.amount == Decimal("20.00")
    assert summary[rec.PLATFORM_ONLY].totals[0].platform == Decimal("12")
    assert summary[rec.OURS_ONLY].totals[0].ours == Decimal("40")


def test_a_mismatch_row_shows_both_amounts_and_the_difference(shopify_store, finance):
    b = ours(order_of(shopify_store), "150.00", at=T)
    platform(shopify_store, "RF-B", amount="130.00", at=T, reference=str(b.idempotency_key))

    (row,) = rec.page(scope(finance), rec.MISMATCH).rows

    assert (str(row.ours), str(row.platform), str(row.difference)) == ("150.00 USD", "130.00 USD", "20.00 USD")
    assert [r.external_id for r in row.records] == ["RF-B"]


def test_a_platform_refund_in_another_currency_is_a_mismatch(shopify_store, finance):
    b = ours(order_of(shopify_store), "100.00", at=T)
    platform(shopify_store, "RF-B", amount="100.00", currency="EUR", reference=str(b.idempotency_key))
    (row,) = rec.page(scope(finance), rec.MISMATCH).rows
    assert row.refund.other_currency


def test_a_platform_refund_of_our_failed_refund_is_a_mismatch(shopify_store, finance):
    failed = ours(order_of(shopify_store), "60.00", at=T, status=RefundStatus.FAILED, failure_reason="timeout")
    platform(shopify_store, "RF-X", amount="60.00", at=T, reference=str(failed.idempotency_key))

    (row,) = rec.page(scope(finance), rec.MISMATCH).rows

    assert (row.ours.amount, row.platform.amount, row.difference.amount) == (0, Decimal("60"), Decimal("-60"))


def test_ours_is_missing_on_the_platform_only_after_the_stores_waiting_time(shopify_store, finance):
    refund = ours(order_of(shopify_store), "40.00", at=T)
    executing = ours(order_of(shopify_store, "O2", "#1002"), "41.00", at=T, status=RefundStatus.EXECUTING)
    s = scope(finance)

    assert rec.ours_only(s, now=T + timedelta(days=6)).count() == 0
    assert set(rec.ours_only(s, now=T + timedelta(days=8)).values_list("pk", flat=True)) == {refund.pk, executing.pk}
    shopify_store.reconcile_after_days = 10
    shopify_store.save(update_fields=["reconcile_after_days"])
    assert rec.ours_only(scope(finance), now=T + timedelta(days=8)).count() == 0


def test_months_are_bounded_in_the_stores_time_zone(shopify_store, finance):
    shopify_store.time_zone = "Europe/Berlin"
    shopify_store.save(update_fields=["time_zone"])
    first = datetime(MONTH.year, MONTH.month, 1, tzinfo=UTC)
    platform(shopify_store, "RF-LATE", amount="5.00", at=first - timedelta(minutes=30))  # 00:30 in Berlin
    assert [r.external_id for r in rec.page(scope(finance), rec.PLATFORM_ONLY).rows] == ["RF-LATE"]


def test_totals_are_per_currency(shopify_store, finance):
    platform(shopify_store, "RF1", amount="10.00")
    platform(shopify_store, "RF2", amount="15.50")
    platform(shopify_store, "RF3", amount="1000", currency="JPY")
    totals = rec.summary(scope(finance))[rec.PLATFORM_ONLY].totals
    assert [(t.currency, t.count, t.platform) for t in totals] == [
        ("JPY", 1, Decimal("1000")),
        ("USD", 2, Decimal("25.5")),
    ]


def test_lists_come_a_page_at_a_time(shopify_store, finance):
    for i in range(5):
        platform(shopify_store, f"RF{i}", amount="10.00", at=T + timedelta(hours=i))
    s = scope(finance)
    first = rec.page(s, rec.PLATFORM_ONLY, size=2)
    second = rec.page(s, rec.PLATFORM_ONLY, size=2, cursor=first.next_cursor)
    third = rec.page(s, rec.PLATFORM_ONLY, size=2, cursor=second.next_cursor)
    seen = [r.external_id for p in (first, second, third) for r in p.rows]
    assert seen == ["RF4", "RF3", "RF2", "RF1", "RF0"]
    assert third.next_cursor is None and not second.first


def test_a_member_of_one_store_never_sees_anothers(shopify_store, ebay_store, agent):
    a_user = factories.user_with_role("fin_a", factories.FINANCE, stores=[shopify_store])
    b_order = order_of(ebay_store, "E1", "#E1")
    b = ours(b_order, "150.00", at=T)
    platform(ebay_store, "EB-1", "E1", amount="130.00", reference=str(b.idempotency_key))
    platform(ebay_store, "EB-2", "E1", amount="7.00")
    ours(b_order, "40.00", at=T)

    s = scope(a_user)
    assert all(section.count == 0 for section in rec.summary(s).values())
    assert all(not rec.page(s, name).rows for name in rec.LISTS)
    # Naming the other store in the URL shows nothing of it either.
    client = _client(a_user)
    body = client.get(f"/reports/reconciliation/?month={MONTH:%Y-%m}&store={ebay_store.pk}&list=mismatch")
    assert body.status_code == 200
    assert b"EB-1" not in body.content and b"#E1" not in body.content


# --- the page -------------------------------------------------------------------------------------
def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_an_agent_is_refused_the_page(agent):
    assert _client(agent).get("/reports/reconciliation/").status_code == 403


@pytest.mark.parametrize("tab", rec.LISTS)
def test_finance_reads_each_list_with_no_button_that_changes_a_refund(shopify_store, finance, tab):
    b = ours(order_of(shopify_store), "150.00", at=T)
    platform(shopify_store, "RF-B", amount="130.00", at=T, reference=str(b.idempotency_key))
    platform(shopify_store, "RF-C", amount="12.00", at=T)
    ours(order_of(shopify_store, "O2", "#1002"), "40.00", at=T)

    response = _client(finance).get(f"/reports/reconciliation/?month={MONTH:%Y-%m}&list={tab}")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' not in html.split('id="main"')[1]
    if tab == rec.MISMATCH:
        assert "RF-B" in html and f"/tickets/{b.ticket.number}/" in html
        assert "$150.00" in html and "$130.00" in html and "$20.00" in html
    if tab == rec.PLATFORM_ONLY:
        assert "RF-C" in html


def test_a_supervisor_reads_the_page(supervisor):
    assert _client(supervisor).get("/reports/reconciliation/?list=ours_only").status_code == 200


def test_a_bad_month_says_so(finance):
    response = _client(finance).get("/reports/reconciliation/?month=2026-13")
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()


# --- PostgreSQL: two matchers at once ---------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_matching_never_links_twice(shopify_store):
    order = order_of(shopify_store)
    mine = [ours(order, f"{10 + i}.00", at=T) for i in range(20)]
    for i in range(20):  # stored unlinked, as if before our refunds existed
        PlatformRefund.objects.create(
            store=shopify_store,
            order_external_id="O1",
            external_id=f"RF{i}",
            amount=Decimal(f"{10 + i}.00"),
            currency="USD",
            refunded_at=T,
        )
    start = threading.Barrier(4)
    results: list = []
    guard = threading.Lock()

    def run() -> None:
        try:
            start.wait()
            outcome = reconciliation.match(store=shopify_store)
        except BaseException as exc:  # anything else fails the test below
            outcome = exc
        finally:
            connection.close()
        with guard:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, reconciliation.MatchResult) for r in results), results
    assert sum(r.by_order for r in results) == 20
    linked = PlatformRefund.objects.filter(refund__isnull=False)
    assert linked.count() == 20
    assert linked.values("refund_id").distinct().count() == 20
    assert {r.pk for r in mine} == set(linked.values_list("refund_id", flat=True))
    assert AuditEvent.objects.filter(action="platform_refund.matched").count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_records_ingested_at_once_never_share_one_refund(shopify_store):
    refund = ours(order_of(shopify_store), "20.00", at=T)
    start = threading.Barrier(8)
    errors: list = []

    def ingest(i: int) -> None:
        try:
            start.wait()
            # Each alone would be the refund's unique nearest record: only one may have it.
            record = RefundRecord(f"RF{i}", "O1", PlatformAmount.parse("20.00", "USD"), T + timedelta(minutes=i))
            with transaction.atomic():
                ingest_records(shopify_store, [record])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ingest, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert PlatformRefund.objects.count() == 8
    assert PlatformRefund.objects.filter(refund=refund).count() == 1
