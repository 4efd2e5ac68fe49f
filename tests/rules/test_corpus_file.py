"""The labelled triage corpus (tests/fixtures/triage/corpus.jsonl) stays well formed.

bench/triage_eval.py and the default rules are measured against this file, so a broken line, an unknown label or a
duplicated id would silently skew the accuracy it reports.
"""

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tickets.models import TicketReason, TicketType, TrackingStatus

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "triage" / "corpus.jsonl"

LANGUAGES = {"en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "ja", "zh", "ko", "th"}
TAGS = {"rma-request", "refund-eligible", "needs-review", "return-risk", "vip", "customs", "withdrawal", "damaged"}
CONTEXT_KEYS = {
    "platform",
    "fulfilment",
    "order_total",
    "currency",
    "category",
    "delivered_days_ago",
    "tracking_status",
    "buyer_tier",
    "return_risk",
    "store_return_window_days",
}


def _lines():
    with CORPUS.open(encoding="utf-8") as fh:
        return [line for line in fh.read().splitlines() if line.strip()]


def _entries():
    return [json.loads(line) for line in _lines()]


def test_every_line_of_the_corpus_is_a_json_object():
    for number, line in enumerate(_lines(), start=1):
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"line {number} is not JSON: {exc}")
        assert isinstance(entry, dict), f"line {number} is not an object"


def test_the_corpus_holds_at_least_200_messages_in_at_least_10_languages():
    entries = _entries()
    assert len(entries) >= 200
    assert len({entry["language"] for entry in entries}) >= 10


def test_corpus_ids_are_unique():
    counts = Counter(entry["id"] for entry in _entries())
    assert [id_ for id_, n in counts.items() if n > 1] == []


def test_every_message_has_its_text_context_and_expected_labels():
    for entry in _entries():
        where = entry.get("id")
        assert set(entry) >= {"id", "language", "subject", "body", "context", "expected"}, where
        assert entry["language"] in LANGUAGES, where
        assert entry["id"].startswith(entry["language"] + "-"), where
        assert isinstance(entry["subject"], str), where
        assert isinstance(entry["body"], str) and entry["body"].strip(), where
        assert set(entry["context"]) == CONTEXT_KEYS, where
        assert set(entry["expected"]) == {"type", "reason", "tags"}, where


def test_expected_type_and_reason_are_ticket_choices():
    types, reasons = set(TicketType.values), set(TicketReason.values) | {""}
    for entry in _entries():
        assert entry["expected"]["type"] in types, entry["id"]
        assert entry["expected"]["reason"] in reasons, entry["id"]


def test_expected_tags_are_sorted_default_slugs():
    for entry in _entries():
        tags = entry["expected"]["tags"]
        assert tags == sorted(set(tags)), entry["id"]
        assert set(tags) <= TAGS, entry["id"]


def test_context_values_are_what_facts_can_be_built_from():
    for entry in _entries():
        ctx, where = entry["context"], entry["id"]
        assert ctx["platform"] in {"amazon", "shopify", "ebay"}, where
        assert ctx["fulfilment"] in {"fba", "mfn", "merchant"}, where
        assert Decimal(ctx["order_total"]) >= 0, where
        assert len(ctx["currency"]) == 3 and ctx["currency"].isupper(), where
        assert ctx["tracking_status"] in set(TrackingStatus.values), where
        assert ctx["buyer_tier"] in {"regular", "vip"}, where
        assert isinstance(ctx["return_risk"], bool), where
        assert isinstance(ctx["store_return_window_days"], int), where
        days = ctx["delivered_days_ago"]
        assert days is None or (isinstance(days, int) and days >= 0), where
        assert (days is not None) == (ctx["tracking_status"] == "delivered"), where


def test_context_dependent_tags_agree_with_the_context():
    for entry in _entries():
        ctx, tags, where = entry["context"], set(entry["expected"]["tags"]), entry["id"]
        assert ("vip" in tags) == (ctx["buyer_tier"] == "vip"), where
        assert ("return-risk" in tags) == ctx["return_risk"], where
        delivered = ctx["delivered_days_ago"] is not None
        if "damaged" in tags:
            assert delivered, where
        if "refund-eligible" in tags:
            assert delivered and ctx["delivered_days_ago"] <= ctx["store_return_window_days"], where
        if "needs-review" in tags:
            assert ctx["category"] == "electronics", where
            assert ctx["currency"] == "EUR" and Decimal(ctx["order_total"]) > 200, where
        if "withdrawal" in tags:
            assert entry["expected"]["type"] == "return", where
