"""``manage.py ingest_payload``: saved platform answers through the sync path, --dry-run writing nothing."""

from __future__ import annotations

import gzip
import io
import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import call_command

from integrations.models import RawPayload
from tests import factories

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "marketplaces"
AMAZON_FLAT = FIXTURES / "amazon" / "returns.GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE.captured.tsv"
AMAZON_FBA = FIXTURES / "amazon" / "fba_customer_returns.report.tsv"
SHOPIFY_PAGE = FIXTURES / "shopify" / "graphql.orders.page.assembled.json"


def run(*args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = 0
    try:
        call_command("ingest_payload", *args, stdout=out)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, [line for line in out.getvalue().splitlines() if line.strip()]


@pytest.fixture
def amazon_store(db):
    return factories.StoreFactory(platform="amazon", name="Acme Amazon US", currency="USD", marketplace="ATVPDKIKX0DER")


def eml(tmp_path: Path, *, body: str = "Wo ist meine Bestellung? Grüße") -> Path:
    message = EmailMessage()
    message["From"] = "Jürgen Käufer <juergen@example.de>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Bestellung #1042"
    message["Message-ID"] = "<abc-123@example.de>"
    message["Date"] = "Tue, 06 Oct 2026 10:15:00 +0200"
    message.set_content(body)
    path = tmp_path / "buyer.eml"
    path.write_bytes(bytes(message))
    return path


def test_fixtures_directory_resolves():
    assert AMAZON_FLAT.is_file() and AMAZON_FBA.is_file()


def test_dry_run_prints_amazon_returns_as_json_lines_and_writes_nothing(amazon_store):
    code, lines = run("--store", str(amazon_store.pk), "--stream", "returns", "--dry-run", str(AMAZON_FLAT))
    assert code == 0
    records = [json.loads(line) for line in lines]
    assert records and all(record["type"] == "return" for record in records)
    first = records[0]
    assert first["order_external_id"] == "114-7720001-1234567"
    assert first["requested_at"].endswith("Z")
    assert RawPayload.objects.count() == 0


def test_dry_run_reads_a_report_type_for_fba_returns(amazon_store):
    code, lines = run(
        "--store",
        str(amazon_store.pk),
        "--stream",
        "returns",
        "--dry-run",
        "--report-type",
        "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
        str(AMAZON_FBA),
    )
    records = [json.loads(line) for line in lines]
    assert any(r.get("reason_code") == "APPAREL_TOO_SMALL" for r in records if r["type"] == "return")


def test_dry_run_detects_gzip_by_its_magic_bytes(amazon_store, tmp_path):
    packed = tmp_path / "report.tsv.gz"
    packed.write_bytes(gzip.compress(AMAZON_FLAT.read_bytes()))
    code, lines = run("--store", str(amazon_store.pk), "--stream", "returns", "--dry-run", str(packed))
    _code, plain = run("--store", str(amazon_store.pk), "--stream", "returns", "--dry-run", str(AMAZON_FLAT))
    assert code == 0 and lines == plain


def test_dry_run_prints_money_as_amount_and_currency_strings(amazon_store):
    orders = FIXTURES / "amazon" / "orders2026.searchOrders.example.json"
    code, lines = run("--store", str(amazon_store.pk), "--stream", "orders", "--dry-run", str(orders))
    records = [json.loads(line) for line in lines]
    totals = [record["total"] for record in records if record["type"] == "order" and record["total"]]
    assert code == 0 and totals
    assert all(set(total) >= {"amount", "currency"} and isinstance(total["amount"], str) for total in totals)
    assert all("." in total["amount"] or total["currency"] == "JPY" for total in totals)


def test_dry_run_reads_an_eml_file_as_an_email(shopify_store, tmp_path):
    code, lines = run("--store", str(shopify_store.pk), "--stream", "email", "--dry-run", str(eml(tmp_path)))
    assert code == 0
    (record,) = [json.loads(line) for line in lines]
    assert record["type"] == "message"
    assert record["external_id"].strip("<>") == "abc-123@example.de"
    assert record["sender_address"] == "juergen@example.de"
    assert record["sent_at"] == "2026-10-06T08:15:00Z"
    assert RawPayload.objects.count() == 0


def test_dry_run_prints_failures_and_exits_1(amazon_store, tmp_path):
    broken = tmp_path / "orders.json"
    broken.write_text(json.dumps({"orders": "not a list"}))
    code, lines = run("--store", str(amazon_store.pk), "--stream", "orders", "--dry-run", str(broken))
    assert code == 1
    failures = [json.loads(line) for line in lines if json.loads(line)["type"] == "failure"]
    assert failures and failures[0]["error"]
    assert RawPayload.objects.count() == 0


def test_without_dry_run_the_body_is_stored_and_processed_once(amazon_store):
    pytest.importorskip("tickets.services.ingest")
    code, lines = run("--store", str(amazon_store.pk), "--stream", "returns", str(AMAZON_FLAT))
    assert code == 0 and len(lines) == 1 and "processed" in lines[0]
    run("--store", str(amazon_store.pk), "--stream", "returns", str(AMAZON_FLAT))
    row = RawPayload.objects.get()
    assert row.status == "processed" and row.records > 0
    assert row.payload["text"].startswith("Order ID")


def test_without_dry_run_an_unreadable_email_is_kept_failed(shopify_store, tmp_path):
    pytest.importorskip("tickets.services.ingest")
    junk = tmp_path / "junk.eml"
    junk.write_bytes(b"")
    code, _lines = run("--store", str(shopify_store.pk), "--stream", "email", str(junk))
    row = RawPayload.objects.get()
    assert code == 1 and row.status == "failed" and row.error


def test_dry_run_prints_a_shopify_orders_page_with_iso_utc_times(shopify_store):
    code, lines = run("--store", str(shopify_store.pk), "--stream", "orders", "--dry-run", str(SHOPIFY_PAGE))
    records = [json.loads(line) for line in lines]
    orders = [record for record in records if record["type"] == "order"]
    assert code == 0 and orders
    assert all(order["placed_at"].endswith("Z") for order in orders)
    assert all(isinstance(order["total"]["amount"], str) for order in orders if order["total"])
    assert RawPayload.objects.count() == 0
