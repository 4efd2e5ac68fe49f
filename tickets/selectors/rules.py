"""What the rule pages read: the rules a supervisor may see grouped by event with their runs of the
last seven days (one query for all of them), one rule, the keyword sets, and the choices the editor
offers for each kind of param (only what the user may see)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from ..currencies import ISO_4217_MINOR_UNITS
from ..models import KeywordSet, Macro, Rule, RuleEvent, RuleRun, SlaPolicy, Store, StoreMembership, Team
from ..models.rules import TIME_EVENTS
from ..permissions import may_change_global

RUNS_DAYS = 7
COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CNY", "JPY", "KRW", "PLN", "SEK", "CHF", "CAD", "AUD", "THB")


@dataclass(frozen=True)
class EventGroup:
    event: str
    label: str
    rules: list[Rule]


def rules(user, *, event: str = "", store: str = "") -> list[EventGroup]:
    """The visible rules by event (in the events' order), each by position; ``store``: "" every
    one, "global" those for every store, else a store id."""
    listed = Rule.objects.visible_to(user).select_related("store")
    if event:
        listed = listed.filter(event=event)
    if store == "global":
        listed = listed.filter(store__isnull=True)
    elif store.isdigit():
        listed = listed.filter(store_id=int(store))
    found = list(listed.order_by("event", "position", "id"))
    runs = runs_by_rule(user, [r.pk for r in found])
    names = referenced_names([a for r in found for a in (r.actions or []) if isinstance(a, dict)])
    groups: dict[str, list[Rule]] = {}
    global_ok = may_change_global(user)
    for rule in found:
        rule.action_lines = [action_line(a, names) for a in rule.actions or [] if isinstance(a, dict)]
        rule.runs_recent = runs.get(rule.pk, 0)
        rule.can_change = rule.store_id is not None or global_ok  # every store's: see services.rules
        groups.setdefault(rule.event, []).append(rule)
    labels = dict(RuleEvent.choices)
    return [EventGroup(value, str(labels[value]), groups[value]) for value in RuleEvent.values if value in groups]


def runs_by_rule(user, rule_ids: list[int], days: int = RUNS_DAYS) -> dict[int, int]:
    """Rule id → matches in the last ``days`` days, on tickets the user may see: one query."""
    if not rule_ids:
        return {}
    since = timezone.now() - timedelta(days=days)
    counted = (
        RuleRun.objects.visible_to(user)
        .filter(rule_id__in=rule_ids, created_at__gte=since, matched=True)
        .values("rule_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["rule_id"]: row["n"] for row in counted}


# The params that name a row, and the model each names: read once for the whole list.
_REFERENCES = {"macro": Macro, "team": Team, "policy": SlaPolicy}


def referenced_names(actions: list[dict]) -> dict[tuple[str, str], str]:
    """(kind, id) → name of every macro, team, person and SLA policy the actions name: a query per kind."""
    from ..rules.actions import ACTIONS

    wanted: dict[str, set[int]] = {}
    for action in actions:
        spec = ACTIONS.get(action.get("type", ""))
        for param in spec.params if spec else ():
            value = action.get(param.name)
            if param.kind in (*_REFERENCES, "user") and isinstance(value, int):
                wanted.setdefault(param.kind, set()).add(value)
    names: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        if kind == "user":
            for person in get_user_model().objects.filter(pk__in=ids):
                names[(kind, str(person.pk))] = person.get_full_name() or person.get_username()
        else:
            for pk, name in _REFERENCES[kind].objects.filter(pk__in=ids).values_list("pk", "name"):
                names[(kind, str(pk))] = name
    return names


def action_line(action: dict, names: dict[tuple[str, str], str]) -> str:
    """An action in a few words for the list: its own description when that reads nothing from the
    database, else its type and the names it refers to (from ``names``)."""
    from ..rules.actions import ACTIONS, describe

    spec = ACTIONS.get(action.get("type", ""))
    refs = [p for p in (spec.params if spec else ()) if p.kind in (*_REFERENCES, "user")]
    if not refs:
        return describe(action)
    named = [names.get((p.kind, str(action.get(p.name))), f"#{action.get(p.name)}") for p in refs]
    return f"{spec.label}: {', '.join(named)}"


def rule(user, pk) -> Rule | None:
    try:
        return Rule.objects.visible_to(user).select_related("store").get(pk=int(pk))
    except (Rule.DoesNotExist, ValueError, TypeError):
        return None


def keyword_sets(user):
    return KeywordSet.objects.visible_to(user).select_related("store").order_by("name", "store_id")


def keyword_set(user, pk) -> KeywordSet | None:
    try:
        return KeywordSet.objects.visible_to(user).select_related("store").get(pk=int(pk))
    except (KeywordSet.DoesNotExist, ValueError, TypeError):
        return None


def stores(user) -> list[Store]:
    return list(Store.objects.visible_to(user).order_by("name", "id"))


def unit_of(event: str) -> str:
    return str(TIME_EVENTS.get(event, ""))


class Options(dict):
    """kind → [(value, label)], each read once, when a row first needs it."""

    def __init__(self, user):
        super().__init__()
        self.user = user

    def __contains__(self, kind) -> bool:
        return kind in _READERS

    def __getitem__(self, kind):
        if not dict.__contains__(self, kind):
            dict.__setitem__(self, kind, _READERS[kind](self.user))
        return dict.__getitem__(self, kind)


def _sets(user):
    seen: dict[str, str] = {}
    for ks in keyword_sets(user).filter(enabled=True):
        seen.setdefault(ks.name, ks.label or ks.name)
    return [(name, label if label == name else f"{label} ({name})") for name, label in sorted(seen.items())]


def _stores(user):
    return [(str(s.pk), s.name) for s in stores(user)]


def _macros(user):
    return [(str(m.pk), m.name) for m in Macro.objects.visible_to(user).filter(enabled=True).order_by("name", "pk")]


def _teams(user):
    return [(str(t.pk), t.name) for t in Team.objects.order_by("name")]


def _users(user):
    members = StoreMembership.objects.visible_to(user).values("user_id")
    people = get_user_model().objects.filter(pk__in=members, is_active=True).order_by("username")
    return [(str(u.pk), u.get_full_name() or u.username) for u in people]


def _policies(user):
    listed = SlaPolicy.objects.visible_to(user).filter(enabled=True).order_by("position", "name")
    return [(str(p.pk), p.name) for p in listed]


def _currencies(user):
    rest = sorted(c for c in ISO_4217_MINOR_UNITS if c not in COMMON_CURRENCIES)
    return [(c, c) for c in (*COMMON_CURRENCIES, *rest)]


_READERS = {
    "keyword_sets": _sets,
    "stores": _stores,
    "macro": _macros,
    "team": _teams,
    "user": _users,
    "policy": _policies,
    "currency": _currencies,
}
