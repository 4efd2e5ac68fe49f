"""Accuracy of triage rules on the labelled corpus (tests/fixtures/triage/corpus.jsonl).

Each corpus entry is ``{"id", "language", "subject", "body", "context", "expected": {"type",
"reason", "tags"}}``; ``context`` holds the order and buyer facts (``Facts.for_text``). Each message
goes through ``engine.preview`` as a new ticket would: the ``ticket_created`` rules, then the
``message_received`` ones, starting from a new ticket's type (inquiry) and no reason.

Two ways to get the rules and keyword sets:

* ``database_rules()``: the enabled default rules and the keyword sets as installed (after
  ``migrate``); what the test asserts on.
* ``offline_rules()`` + ``OfflineFacts``: unsaved rules built from ``defaults.DEFAULT_RULES`` and
  sets compiled from ``DEFAULT_KEYWORD_SETS``, no database at all (the bench's default). Only the
  actions that change type, reason, tags or priority are kept (the others name macros, teams and
  policies that live in the database and change none of what is measured); no exchange rates, so
  an amount in another currency compares as unknown, as it does without a rate on the day.

Tags are compared as a set over the default tag vocabulary (``SCORED_TAGS``): the routing tags a
rule adds on the side ("escalated" by an escalation) are not labelled in the corpus.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .engine import preview
from .facts import Facts

CORPUS = Path(__file__).resolve().parent.parent.parent / "tests" / "fixtures" / "triage" / "corpus.jsonl"
SCORED_TAGS = frozenset(
    {"rma-request", "refund-eligible", "needs-review", "return-risk", "vip", "customs", "withdrawal", "damaged"}
)
NEW_TICKET_TYPE = "inquiry"  # Ticket.type's default: what a ticket is until a rule says otherwise
EVENTS = ("ticket_created", "message_received")  # what runs on a buyer's first message, in this order
OFFLINE_ACTIONS = {"set_type", "set_reason", "set_priority", "add_tags", "remove_tags", "escalate"}
FIELDS = ("type", "reason", "tags")


def load_corpus(path: Path | str = CORPUS) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


class OfflineFacts(Facts):
    """Facts whose keyword sets are the shipped defaults, compiled in memory (no database)."""

    _compiled: dict | None = None

    @classmethod
    def compiled_sets(cls) -> dict:
        if OfflineFacts._compiled is None:
            from .defaults import DEFAULT_KEYWORD_SETS
            from .keywords import compile_set

            OfflineFacts._compiled = {s["name"]: compile_set(s["name"], s["keywords"]) for s in DEFAULT_KEYWORD_SETS}
        return OfflineFacts._compiled

    def keyword_set(self, name: str):
        return self.compiled_sets().get(name)

    def convert(self, money, currency: str):
        return money if money.currency == currency else None


def offline_rules():
    """The default rules as unsaved objects, in the order a new ticket runs them."""
    from .defaults import build_rules

    rules = build_rules(events=EVENTS)
    for rule in rules:
        rule.actions = [a for a in rule.actions if a.get("type") in OFFLINE_ACTIONS]
    return rules


def database_rules(*, defaults_only: bool = True):
    """The enabled rules for every store as installed, ticket_created before message_received."""
    from ..models import Rule

    rows = Rule.objects.filter(store__isnull=True, enabled=True, event__in=EVENTS)
    if defaults_only:
        rows = rows.filter(is_default=True)
    order = {event: n for n, event in enumerate(EVENTS)}
    return sorted(rows, key=lambda r: (order[r.event], r.position, r.pk))


@dataclass
class Result:
    entry: dict
    got: dict
    language: str  # detected

    @property
    def expected(self) -> dict:
        exp = self.entry["expected"]
        return {"type": exp["type"], "reason": exp["reason"], "tags": sorted(set(exp["tags"]) & SCORED_TAGS)}

    def ok(self, name: str) -> bool:
        return self.got[name] == self.expected[name]


def classify(entry: dict, rules: Sequence, *, facts_class: type[Facts] = Facts) -> Result:
    context = dict(entry.get("context") or {})
    context.setdefault("ticket_type", NEW_TICKET_TYPE)
    facts = facts_class.for_text(entry.get("subject", ""), entry.get("body", ""), context=context)
    outcome = preview(facts, rules)
    got = {"type": outcome.type, "reason": outcome.reason, "tags": sorted(set(outcome.tags) & SCORED_TAGS)}
    return Result(entry=entry, got=got, language=outcome.language)


@dataclass
class Scores:
    total: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    both: int = 0  # type and reason right

    def add(self, result: Result) -> None:
        self.total += 1
        for name in FIELDS:
            self.right[name] += result.ok(name)
        self.both += result.ok("type") and result.ok("reason")

    def accuracy(self, name: str) -> float:
        if name == "type_and_reason":
            return self.both / self.total if self.total else 0.0
        return self.right[name] / self.total if self.total else 0.0

    def as_dict(self) -> dict:
        return {
            "messages": self.total,
            **{name: round(self.accuracy(name), 4) for name in (*FIELDS, "type_and_reason")},
        }


@dataclass
class Report:
    overall: Scores
    by_language: dict[str, Scores]
    results: list[Result]

    @property
    def misses(self) -> list[Result]:
        return [r for r in self.results if not all(r.ok(name) for name in FIELDS)]


def evaluate_corpus(entries: Iterable[dict], rules: Sequence, *, facts_class: type[Facts] = Facts) -> Report:
    overall = Scores()
    by_language: dict[str, Scores] = defaultdict(Scores)
    results = []
    for entry in entries:
        result = classify(entry, rules, facts_class=facts_class)
        results.append(result)
        overall.add(result)
        by_language[entry["language"]].add(result)
    return Report(overall=overall, by_language=dict(sorted(by_language.items())), results=results)
