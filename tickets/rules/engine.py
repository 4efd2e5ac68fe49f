"""The rules engine: which rules match a message, why, and what they would leave on the ticket.

``evaluate`` and ``preview`` are pure (they read, never write): "try it", "simulate", the corpus
and the bench use them, and the runner (runner.py) uses ``evaluate_rule`` before it applies the
actions for real. A rule matches when all its conditions hold; they are checked cheapest first and
the check stops at the first that fails (``explain=True`` checks them all, for "try it").

Speed: each rule's conditions are compiled once per process (defaults filled, sorted by cost),
each keyword set is searched once per message (``Facts.hits_of``), a condition on the order, the
buyer or the store (``STATIC``) is checked once per run however many rules have it, and a
condition's reason is a ``Why`` formatted only when shown.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from ..models import Direction, Macro, Message, Rule, Store, Ticket
from . import cache
from .conditions import CONDITIONS, TEXT_CONDITIONS, Unknown, Why, closed_why, text_condition
from .facts import Facts, _lines_of, _message_text, _tags_of, return_dates_of

logger = logging.getLogger(__name__)

ESCALATED_TAG = "escalated"  # what actions.escalate adds


class ConditionResult(NamedTuple):
    """One condition of a rule checked: ``result`` None when it was not checked (an earlier one
    failed); ``why`` is the translated reason."""

    condition: dict
    result: bool | None
    reason: Any  # a Why (or str)

    @property
    def why(self) -> str:
        return str(self.reason)


class ActionPlan:
    """What a matched rule would do: the action and its description (built when first read, in
    the language active then; a compiled rule shares its plans between messages)."""

    __slots__ = ("action", "_descriptions")

    def __init__(self, action: dict, description: str | None = None) -> None:
        self.action = action
        self._descriptions: dict[str, str] = {}
        if description is not None:
            self._descriptions[translation.get_language() or ""] = description

    @property
    def description(self) -> str:
        language = translation.get_language() or ""
        try:
            return self._descriptions[language]
        except KeyError:
            from .actions import describe

            text = self._descriptions[language] = describe(self.action)
            return text

    def __repr__(self) -> str:
        return f"ActionPlan({self.action!r})"


class RuleResult(NamedTuple):
    rule: Rule
    matched: bool
    conditions: tuple[ConditionResult, ...]
    actions: tuple[ActionPlan, ...]
    stopped_by: str = ""  # not evaluated: this earlier rule matched and stops the rest


@dataclass
class Outcome:
    """What the matched rules would leave on the ticket, and every rule's result."""

    language: str
    type: str
    reason: str
    tags: list[str]
    priority: str
    reply: dict | None
    suggested_macro: int | None
    results: list[RuleResult]
    text: Any  # PreparedText
    other: list[str] = field(default_factory=list)  # assign, escalate, RMA, SLA, note: described

    @property
    def matched(self) -> list[RuleResult]:
        return [r for r in self.results if r.matched]

    def as_dict(self) -> dict[str, Any]:
        """The shape of ``POST /api/rules/try/``'s answer."""
        return {
            "language": self.language,
            "type": self.type,
            "reason": self.reason,
            "tags": list(self.tags),
            "priority": self.priority,
            "reply": self.reply,
            "suggested_macro": self.suggested_macro,
            "matched": [result_dict(r) for r in self.matched],
            "rules": [result_dict(r) for r in self.results],
            "text": {
                "cleaned": self.text.body,
                "subject": self.text.subject,
                "removed": [{"kind": r.kind, "text": r.text} for r in self.text.removed],
                "steps": [list(step) for step in self.text.steps],
                "withdrawal": self.text.withdrawal,
            },
        }


def result_dict(result: RuleResult) -> dict[str, Any]:
    return {
        "rule": result.rule.pk,
        "name": result.rule.name,
        "matched": result.matched,
        "stopped_by": result.stopped_by,
        "conditions": [{"condition": c.condition, "result": c.result, "why": c.why} for c in result.conditions],
        "actions": [{"action": a.action, "description": a.description} for a in result.actions],
    }


# --- compiling a rule ------------------------------------------------------------------------------


class _Step(NamedTuple):
    index: int
    condition: dict
    evaluate: Any
    params: dict
    negate: bool
    memo_key: Any = None  # set for conditions that read only what a run cannot change (STATIC)


# Conditions that read only facts no action changes (the order, the buyer, the store, the text,
# the clock): within one run their answer is the same for every rule that has them, so a run
# checks each distinct one once. Not tags, type, reason or priority: earlier rules' actions
# change those as the run goes (``preview``).
STATIC = frozenset(
    {
        "store",
        "platform",
        "fulfilment",
        "order_total",
        "line_price",
        "category",
        "sku",
        "has_order",
        "within_return_window",
        "days_since_delivery",
        "tracking_status",
        "buyer_tier",
        "return_risk",
        "return_count",
        "withdrawal",
        "language",
        "channel",
        "business_hours",
    }
)


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted(repr(v) for v in value)))
    return (type(value).__name__, value) if isinstance(value, int | float | bool) else value


class _Plan:
    """A rule compiled: its conditions with defaults filled, cheapest first, and its gate: the
    first positive text condition, whose sets must have a keyword in the message for the rule to
    match at all. ``closed`` is the rule's result when none of the gate's sets has any keyword,
    built once (it is what checking would say), so a message skips such rules without a call."""

    __slots__ = ("source", "steps", "unchecked", "actions", "gate", "closed", "rule")

    def __init__(self, rule: Rule) -> None:
        conditions = rule.conditions if isinstance(rule.conditions, list) else []
        self.source = rule.conditions
        steps = []
        for index, condition in enumerate(conditions):
            kind = CONDITIONS.get(condition.get("type")) if isinstance(condition, dict) else None
            if kind is None:
                steps.append((0, _Step(index, condition, _unknown, {}, False)))
                continue
            params = {p.name: condition.get(p.name, p.default) for p in kind.params}
            memo_key = None
            if kind.name in STATIC:
                try:
                    memo_key = (kind.name, _frozen(params))
                    hash(memo_key)
                except TypeError:  # a value that cannot be a key: checked every time
                    memo_key = None
            step = _Step(index, condition, kind.evaluate, params, bool(condition.get("not")), memo_key)
            steps.append((kind.cost, step))
        steps.sort(key=lambda pair: pair[0])  # stable: equal costs keep the rule's order
        self.steps = tuple(step for _cost, step in steps)
        not_checked = Why(gettext_noop("not checked: an earlier condition does not hold"))
        self.unchecked = tuple(ConditionResult(c, None, not_checked) for c in conditions)
        actions = rule.actions if isinstance(rule.actions, list) else []
        self.actions = tuple(ActionPlan(a) for a in actions if isinstance(a, dict))
        self.rule = rule
        self.gate = None
        self.closed = None
        for step in self.steps:
            if step.evaluate is text_condition and not step.negate:
                sets = step.params.get("sets")
                if not isinstance(sets, list) or not sets or not all(isinstance(n, str) for n in sets):
                    break
                where = step.params.get("where") or "all"
                self.gate = (tuple(sets), where)
                results = list(self.unchecked)
                results[step.index] = ConditionResult(step.condition, False, closed_why(step.params))
                self.closed = RuleResult(rule, False, tuple(results), ())
                break


def _unknown(facts: Facts, params: dict):
    return False, Unknown(gettext_noop("unknown condition"))


def _plan(rule: Rule) -> _Plan:
    plan = rule.__dict__.get("_triage_plan")
    if plan is None or plan.source is not rule.conditions:
        plan = _Plan(rule)
        rule.__dict__["_triage_plan"] = plan
    return plan


# --- evaluating ------------------------------------------------------------------------------------


def evaluate_rule(facts: Facts, rule: Rule, *, explain: bool = False, memo: dict | None = None) -> RuleResult:
    """One rule against the facts: matched when every condition holds. ``memo``: the answers of
    STATIC conditions already checked in this run (``_run`` keeps one per run)."""
    plan = rule.__dict__.get("_triage_plan")
    if plan is None or plan.source is not rule.conditions:
        plan = _plan(rule)
    results = None
    for index, condition, check, params, negate, memo_key in plan.steps:
        try:
            if memo_key is not None and memo is not None:
                found = memo.get(memo_key)
                if found is None:
                    found = memo[memo_key] = check(facts, params)
                ok, why = found
            else:
                ok, why = check(facts, params)
        except Exception as error:  # a condition that cannot be checked does not hold; the rest go on
            logger.warning("condition %r of rule %s failed", condition, rule.pk, exc_info=True)
            ok, why = False, Unknown(_COULD_NOT, {"error": str(error)})
        if negate:
            # What cannot be told (no order, no rate, an unknown condition) holds neither way.
            if isinstance(why, Unknown):
                why = Why(_NOT_UNKNOWN, {"why": why})
            else:
                ok, why = not ok, Why(_NOT, {"why": why})
        if results is None:
            results = list(plan.unchecked)
        results[index] = ConditionResult(condition, ok, why)
        if not ok and not explain:
            return RuleResult(rule, False, tuple(results), ())
    if results is None:
        return RuleResult(rule, True, (), plan.actions)
    matched = all(result.result for result in results)
    return RuleResult(rule, matched, tuple(results), plan.actions if matched else ())


_COULD_NOT = gettext_noop("could not be checked: %(error)s")
_NOT = gettext_noop("not: %(why)s")
_NOT_UNKNOWN = gettext_noop("not: cannot tell, %(why)s")


class RuleList(list):
    """Rules with their gates grouped (rules_for returns one, built once per cache version)."""

    def __init__(self, rules=()) -> None:
        super().__init__(rules)
        gates: dict[tuple, list[int]] = {}
        self.open_always: list[int] = []
        self.closed: list[RuleResult | None] = []
        for position, rule in enumerate(self):
            plan = _plan(rule)
            self.closed.append(plan.closed)
            if plan.gate is None:
                self.open_always.append(position)
            else:
                gates.setdefault(plan.gate, []).append(position)
        self.gates = gates
        self.gate_names = tuple(dict.fromkeys(name for sets, _where in gates for name in sets))
        self.plans = [rule.__dict__["_triage_plan"] for rule in self]


def _indexed(rules: Sequence[Rule]) -> RuleList:
    if isinstance(rules, RuleList) and len(rules.plans) == len(rules):
        return rules
    return RuleList(rules)


def _run(facts: Facts, rules: Sequence[Rule], explain: bool, on_match=None) -> list[RuleResult]:
    """Each rule's result, in order (see ``evaluate``). Without ``explain``, a rule whose gate's
    sets have no keyword in the message is not checked: its result is the one built for that."""
    if explain:
        rules = list(rules)
        positions = range(len(rules))
        results: list = [None] * len(rules)
    else:
        indexed = _indexed(rules)
        rules = indexed
        results = list(indexed.closed)
        open_positions = list(indexed.open_always)
        live = _live_sets(facts, indexed.gate_names)
        for (sets, where), gated in indexed.gates.items():
            found = live.get(where)
            if found is None or not found.isdisjoint(sets):
                open_positions.extend(gated)
        positions = sorted(open_positions)
    memo: dict = {}  # this run's answers of STATIC conditions
    for position in positions:
        rule = rules[position]
        result = results[position] = evaluate_rule(facts, rule, explain=explain, memo=memo)
        if result.matched:
            if on_match is not None:
                on_match(result)
            if rule.stop_after_match:
                results[position + 1 :] = [RuleResult(r, False, (), (), rule.name) for r in rules[position + 1 :]]
                break
    return results


def _live_sets(facts: Facts, names) -> dict[str, set[str]]:
    """Per field, the sets with any keyword (negated or not) in the message; a set the store
    lacks counts as live, so its condition runs and says it is missing."""
    live: dict[str, set[str]] = {"all": set(), "subject": set(), "body": set()}
    for name in names:
        hits = facts.hits_of(name)
        if hits is None:
            for found in live.values():
                found.add(name)
        elif hits:
            live["all"].add(name)
            for hit in hits:
                live[hit.field].add(name)
    return live


def evaluate(facts: Facts, rules: Sequence[Rule], *, explain: bool = False) -> list[RuleResult]:
    """Every rule against the same facts, in order; writes nothing. A matched rule with
    stop_after_match ends the evaluation (the rules after it come back unevaluated, stopped_by)."""
    return _run(facts, rules, explain)


def preview(facts: Facts, rules: Sequence[Rule], *, explain: bool = False) -> Outcome:
    """``evaluate``, with each matched rule's actions applied to an in-memory copy of the
    ticket's type, reason, tags and priority, so later rules see what earlier ones would set."""
    facts = facts.copy()
    outcome = Outcome(
        language="",
        type="",
        reason="",
        tags=[],
        priority="",
        reply=None,
        suggested_macro=None,
        results=[],
        text=None,
    )

    def applied(result: RuleResult) -> None:
        for plan in result.actions:
            apply_virtual(facts, plan.action, outcome, plan)

    outcome.results = _run(facts, rules, explain, applied)
    outcome.language = facts.language
    outcome.type = facts.type
    outcome.reason = facts.reason
    outcome.tags = sorted(facts.tags)
    outcome.priority = facts.priority
    outcome.text = facts.text
    return outcome


def apply_virtual(facts: Facts, action: dict, outcome: Outcome | None = None, plan: ActionPlan | None = None) -> None:
    """What an action changes on the ticket, applied to the facts only (and noted on ``outcome``)."""
    kind = action.get("type")
    if kind == "set_type":
        facts.type = action.get("value") or facts.type
        if action.get("reason"):
            facts.reason = action["reason"]
    elif kind == "set_reason":
        facts.reason = action.get("value") or facts.reason
    elif kind == "set_priority":
        facts.priority = action.get("value") or facts.priority
    elif kind == "add_tags":
        facts.tags.update(action.get("tags") or [])
    elif kind == "remove_tags":
        facts.tags.difference_update(action.get("tags") or [])
    elif kind == "escalate":
        facts.tags.add(ESCALATED_TAG)
    if outcome is None:
        return
    if kind == "suggest_macro":
        outcome.suggested_macro = action.get("macro")
    elif kind == "auto_reply":
        if outcome.reply is None:
            outcome.reply = _reply(facts, action.get("macro"))
    elif kind not in ("set_type", "set_reason", "set_priority", "add_tags", "remove_tags"):
        outcome.other.append((plan or ActionPlan(action)).description)


def _reply(facts: Facts, macro_id) -> dict | None:
    """The auto-reply's text: rendered for the ticket when there is one, else the variant in the
    message's language with its placeholders left in."""
    from ..services.macros import render_macro

    macro = cache.get(("macro", macro_id), lambda: _load_macro(macro_id))
    if macro is None:
        return None
    if facts.ticket is not None:
        try:
            rendered = render_macro(macro, facts.ticket, language=facts.language)
        except Exception as error:  # a macro without text: shown as such, not a failure of try-it
            return {
                "macro": macro.pk,
                "language": "",
                "body": "",
                "missing": [],
                "complete": False,
                "error": str(error),
            }
        return {
            "macro": macro.pk,
            "language": rendered.language,
            "body": rendered.text,
            "missing": list(rendered.missing),
            "complete": rendered.complete,
        }
    variant = _variant(list(macro.variants.all()), facts)
    if variant is None:
        return {"macro": macro.pk, "language": "", "body": "", "missing": [], "complete": False}
    from ..services.macros import PLACEHOLDER

    missing = list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(variant.body)))
    return {
        "macro": macro.pk,
        "language": variant.language,
        "body": variant.body,
        "missing": missing,
        "complete": not missing,
    }


def _load_macro(macro_id) -> Macro | None:
    """A macro with its variants, kept with the rules (a macro's save invalidates them too)."""
    try:
        macro = Macro.objects.filter(pk=macro_id).prefetch_related("variants").first()
    except (TypeError, ValueError):
        return None
    if macro is not None:
        list(macro.variants.all())
    return macro


def _primary(language: str) -> str:
    return (language or "").replace("_", "-").split("-")[0].lower()


def _variant(variants, facts: Facts):
    if not variants:
        return None
    wanted = [facts.language, facts.store.language if facts.store is not None else ""]
    for want in filter(None, wanted):
        for variant in variants:
            if variant.language.lower() == want.lower():
                return variant
        for variant in variants:
            if _primary(variant.language) == _primary(want):
                return variant
    return variants[0]


# --- the rules that run ----------------------------------------------------------------------------


def rules_for(event: str, store_id: int | None) -> list[Rule]:
    """The enabled rules of an event for a store (its own and those for every store) in their
    order, compiled; cached per process until a rule or keyword set changes (cache.py)."""
    return cache.get(("rules", event, store_id), lambda: _load_rules(event, store_id))


def _load_rules(event: str, store_id: int | None) -> RuleList:
    scope = Q(store__isnull=True) if store_id is None else Q(store__isnull=True) | Q(store_id=store_id)
    return RuleList(Rule.objects.filter(scope, event=event, enabled=True).order_by("position", "id"))


def try_message(
    *,
    text: str,
    subject: str = "",
    store=None,
    order=None,
    ticket: Ticket | None = None,
    rules: Sequence[Rule] | None = None,
    event: str = "message_received",
    context: dict | None = None,
    now: datetime | None = None,
) -> Outcome:
    """ "Try it": a pasted message (or a ticket's, when ``text`` is empty) through the rules,
    every condition of every rule checked and explained. Writes nothing."""
    if ticket is not None:
        facts = Facts.for_ticket(ticket, now=now, body=text if text.strip() else None)
        if subject.strip():
            facts.subject = subject
        store = ticket.store
    else:
        facts = Facts.for_text(subject, text, store=store, order=order, context=context, now=now)
        store = store or (order.store if order is not None else None)
    if rules is None:
        rules = rules_for(event, store.pk if store is not None else None)
    return preview(facts, rules, explain=True)


# --- simulate --------------------------------------------------------------------------------------


@dataclass
class Simulation:
    scanned: int
    matches: list[tuple[Ticket, RuleResult]]
    seconds: float


CHUNK = 900  # ids per IN (...) list


def simulate(rule: Rule, *, user, days: int = 30, limit: int = 10_000, now: datetime | None = None) -> Simulation:
    """A (possibly unsaved) rule over the tickets the user sees created in the last ``days``,
    newest first, up to ``limit``, each with its first message from the buyer. Writes nothing;
    a few queries per thousand tickets."""
    started = time.perf_counter()
    now = now or timezone.now()
    rows = Ticket.objects.visible_to(user).filter(created_at__gte=now - timedelta(days=days))
    if rule.store_id is not None:
        rows = rows.filter(store_id=rule.store_id)
    rows = rows.order_by("-created_at", "-id").values(*Facts.VALUE_FIELDS)
    found = list(rows[: max(0, limit)])
    stores = Store.objects.in_bulk({row["store_id"] for row in found})
    kinds = {c.get("type") for c in (rule.conditions or []) if isinstance(c, dict)}
    needs_text = bool(kinds & TEXT_CONDITIONS)
    needs_returns = "return_count" in kinds
    needs_lines = bool(kinds & LINE_CONDITIONS)
    matched: list[tuple[int, RuleResult]] = []
    for start in range(0, len(found), CHUNK):
        chunk = found[start : start + CHUNK]
        ids = [row["pk"] for row in chunk]
        lines = _lines_of([row["order_id"] for row in chunk if row["order_id"] is not None]) if needs_lines else {}
        tags = _tags_of(ids)
        bodies = _first_inbound_bodies(ids) if needs_text else {}
        customers = list({row["customer_id"] for row in chunk if row["customer_id"] is not None})
        returns = return_dates_of(customers) if needs_returns else {}
        for row in chunk:
            facts = Facts.from_values(
                row,
                store=stores.get(row["store_id"]),
                lines=lines.get(row["order_id"], []),
                tags=tags[row["pk"]],
                body=None if needs_text else "",
                body_loader=_text_of(bodies.get(row["pk"], "")) if needs_text else None,
                return_dates=returns.get(row["customer_id"], []) if needs_returns else None,
                now=now,
            )
            result = evaluate_rule(facts, rule)
            if result.matched:
                matched.append((row["pk"], result))
    tickets: dict[int, Ticket] = {}
    matched_ids = [pk for pk, _result in matched]
    for start in range(0, len(matched_ids), CHUNK):
        tickets.update(Ticket.objects.select_related("store").in_bulk(matched_ids[start : start + CHUNK]))
    matches = [(tickets[pk], result) for pk, result in matched if pk in tickets]
    return Simulation(scanned=len(found), matches=matches, seconds=time.perf_counter() - started)


def _text_of(html: str):
    """The message's text, converted only if a condition reads it."""
    return lambda: _message_text(html)


# Conditions that read the order's lines (simulate loads lines only for them).
LINE_CONDITIONS = frozenset({"line_price", "category", "sku"})


def _first_inbound_bodies(ticket_ids: list[int]) -> dict[int, str]:
    rows = Message.objects.filter(ticket_id__in=ticket_ids, direction=Direction.INBOUND).order_by(
        "ticket_id", "created_at", "id"
    )
    if connection.vendor == "postgresql":
        rows = rows.distinct("ticket_id")
    found: dict[int, str] = {}
    for ticket_id, body in rows.values_list("ticket_id", "body"):
        found.setdefault(ticket_id, body)
    return found
