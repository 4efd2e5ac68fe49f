"""A rule's JSON checked against the condition and action types in code.

``validate_rule`` checks everything at once (the structure, each parameter by its kind, that each
keyword set, macro, team, person, SLA policy and store named exists and may be used by a rule of
that store) and either returns the rule cleaned (defaults filled in, ids as ints, tags as stored
names) or raises ``RuleInvalid`` whose ``errors`` map a field path to its messages:
``{"conditions.0.sets": ["There is no keyword set “refnd”."], "threshold": [...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import DomainError, MoneyError
from ..models import TIME_EVENTS, KeywordSet, Macro, RuleEvent, SlaPolicy, Store, StoreMembership, Team
from ..money import Money, normalize_currency
from .params import Param

MAX_CONDITIONS = 30
MAX_ACTIONS = 20
MAX_LIST = 100
MAX_TEXT = 4000
MAX_INT = 1_000_000
MAX_THRESHOLD = 10_000
NAME_MAX = 120


class RuleInvalid(DomainError):
    code = "rule_invalid"
    default_message = gettext_lazy("The rule has errors.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        first = next(iter(errors.items()), None)
        message = f"{first[0]}: {first[1][0]}" if first else None
        super().__init__(message)


@dataclass(frozen=True)
class CleanRule:
    name: str
    event: str
    conditions: list[dict]
    actions: list[dict]
    threshold: int | None


class _Errors(dict):
    def add(self, key: str, message: str) -> None:
        self.setdefault(key, []).append(str(message))


NUL_MESSAGE = gettext_lazy("Null characters are not allowed.")


def nul_errors(**values: Any) -> dict[str, list[str]]:
    """Where a NUL character hides in these values (strings, and lists and dicts of them, keys too)."""
    found: dict[str, list[str]] = {}

    def walk(value: Any, path: str, depth: int = 0) -> None:
        if depth > 20:
            return
        if isinstance(value, str):
            if "\x00" in value:
                found.setdefault(path, [str(NUL_MESSAGE)])
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, path, depth + 1)
                walk(item, f"{path}.{key}" if isinstance(key, str) and "\x00" not in key else path, depth + 1)
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(item, f"{path}.{index}", depth + 1)

    for name, value in values.items():
        walk(value, name)
    return found


def validate_rule(
    *,
    name: Any,
    event: Any,
    conditions: Any,
    actions: Any,
    threshold: Any,
    store: Store | None,
    user=None,
) -> CleanRule:
    """The rule cleaned, or RuleInvalid with every error found (see the module)."""
    from .actions import ACTIONS
    from .conditions import CONDITIONS

    errors = _Errors()
    refs = _References(store=store, user=user)
    nul = nul_errors(name=name, conditions=conditions, actions=actions)
    if nul:  # PostgreSQL stores no NUL in text: refuse it here, with where it is
        raise RuleInvalid(nul)

    clean_name = name.strip() if isinstance(name, str) else ""
    if not clean_name:
        errors.add("name", _("Give the rule a name."))
    elif len(clean_name) > NAME_MAX:
        errors.add("name", _("A name has at most %(max)d characters.") % {"max": NAME_MAX})

    if event not in RuleEvent.values:
        errors.add("event", _("Choose an event from the list."))
        event = None

    clean_threshold = None
    if event in TIME_EVENTS:
        clean_threshold = _int(threshold, minimum=1, maximum=MAX_THRESHOLD)
        if clean_threshold is None:
            errors.add(
                "threshold",
                _("A time-based rule needs a whole number from 1 to %(max)d (%(unit)s).")
                % {"max": MAX_THRESHOLD, "unit": _unit(event)},
            )
    elif event is not None and threshold not in (None, ""):
        errors.add("threshold", _("Only a time-based event takes a waiting time."))

    clean_conditions = _items(
        conditions, "conditions", CONDITIONS, errors, refs, required=False, limit=MAX_CONDITIONS, negatable=True
    )
    clean_actions = _items(actions, "actions", ACTIONS, errors, refs, required=True, limit=MAX_ACTIONS)

    if errors:
        raise RuleInvalid(dict(errors))
    return CleanRule(
        name=clean_name,
        event=event,
        conditions=clean_conditions,
        actions=clean_actions,
        threshold=clean_threshold,
    )


def _unit(event: str) -> str:
    return {"hours": _("hours"), "days": _("days"), "working_days": _("working days")}[TIME_EVENTS[event]]


def _items(value, prefix, registry, errors, refs, *, required, limit, negatable=False) -> list[dict]:
    if value is None:
        value = []
    if not isinstance(value, list):
        errors.add(prefix, _("Expected a list."))
        return []
    if required and not value:
        errors.add(prefix, _("Add at least one action."))
    if len(value) > limit:
        errors.add(prefix, _("At most %(max)d.") % {"max": limit})
        return []
    cleaned = []
    for index, item in enumerate(value):
        key = f"{prefix}.{index}"
        if not isinstance(item, dict):
            errors.add(key, _("Expected an object with a type."))
            continue
        kind = registry.get(item.get("type")) if isinstance(item.get("type"), str) else None
        if kind is None:
            errors.add(f"{key}.type", _("Choose a type from the list."))
            continue
        allowed = {"type", *(p.name for p in kind.params)} | ({"not"} if negatable else set())
        for extra in sorted(set(item) - allowed, key=str):
            errors.add(f"{key}.{extra}", _("Unknown field."))
        out: dict[str, Any] = {"type": kind.name}
        for param in kind.params:
            field = f"{key}.{param.name}"
            if param.name not in item or item[param.name] in (None, "", []):
                if param.required:
                    errors.add(field, _("Required."))
                elif param.default is not None:
                    out[param.name] = param.default
                continue
            clean = _param(param, item[param.name], field, errors, refs, item)
            if clean is not None:
                out[param.name] = clean
        if negatable and "not" in item:
            if not isinstance(item["not"], bool):
                errors.add(f"{key}.not", _("Expected true or false."))
            elif item["not"]:
                out["not"] = True
        cleaned.append(out)
    return cleaned


def _param(param: Param, value, field: str, errors: _Errors, refs: _References, item: dict):
    kind = param.kind
    if kind == "choice" or kind == "op":
        if not isinstance(value, str) or value not in param.choice_values:
            errors.add(field, _("Choose one of: %(choices)s.") % {"choices": ", ".join(param.choice_values)})
            return None
        return value
    if kind == "choices":
        values = _str_list(value, field, errors)
        if values is None:
            return None
        bad = [v for v in values if v not in param.choice_values]
        if bad:
            errors.add(
                field,
                _("Not a choice: %(bad)s (choose from %(choices)s).")
                % {"bad": ", ".join(bad), "choices": ", ".join(param.choice_values)},
            )
            return None
        return values
    if kind == "text":
        if not isinstance(value, str) or not value.strip():
            errors.add(field, _("Expected text."))
            return None
        if len(value) > MAX_TEXT:
            errors.add(field, _("At most %(max)d characters.") % {"max": MAX_TEXT})
            return None
        return value.strip()
    if kind == "bool":
        if not isinstance(value, bool):
            errors.add(field, _("Expected true or false."))
            return None
        return value
    if kind == "int":
        number = _int(value, minimum=0, maximum=MAX_INT)
        if number is None:
            errors.add(field, _("Expected a whole number from 0 to %(max)d.") % {"max": MAX_INT})
        return number
    if kind == "currency":
        try:
            return normalize_currency(value)
        except MoneyError as error:
            errors.add(field, error.message)
            return None
    if kind == "money":
        return _money(value, field, errors, item)
    if kind == "strings":
        values = _str_list(value, field, errors)
        if values is not None and any(len(v) > 200 for v in values):
            errors.add(field, _("Each entry has at most 200 characters."))
            return None
        return values
    if kind == "tags":
        values = _str_list(value, field, errors)
        if values is None:
            return None
        from ..services.ticket_fields import tag_name

        names = []
        for text in values:
            try:
                names.append(tag_name(text))
            except DomainError as error:
                errors.add(field, f"{text!r}: {error.message}")
                return None
        return list(dict.fromkeys(names))
    if kind == "keyword_sets":
        return refs.keyword_sets(value, field, errors)
    if kind in ("stores", "macro", "team", "user", "policy"):
        return getattr(refs, kind)(value, field, errors)
    raise AssertionError(f"unchecked param kind {kind}")


def _str_list(value, field: str, errors: _Errors) -> list[str] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        errors.add(field, _("Expected a list of texts."))
        return None
    if len(value) > MAX_LIST:
        errors.add(field, _("At most %(max)d entries.") % {"max": MAX_LIST})
        return None
    return list(dict.fromkeys(v.strip() for v in value))


def _int(value, *, minimum: int, maximum: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not minimum <= value <= maximum:
        return None
    return value


def _id(value) -> int | None:
    return _int(value, minimum=1, maximum=2**63 - 1)


def _money(value, field: str, errors: _Errors, item: dict) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.add(field, _("Write the amount as digits, such as 200.00."))
        return None
    currency = item.get("currency")
    try:
        code = normalize_currency(currency)
    except MoneyError:
        code = "EUR"  # the currency shows its own error; the amount is still checked as an amount
    try:
        money = Money.of(value.strip(), code)
    except MoneyError as error:
        errors.add(field, error.message)
        return None
    if money.amount < 0:
        errors.add(field, _("An amount is not negative."))
        return None
    return str(money.amount)


class _References:
    """Looks up what a rule names, within what a rule of ``store`` may use and ``user`` may see."""

    def __init__(self, *, store: Store | None, user) -> None:
        self.store = store
        self.actor = user

    def _scoped(self, manager):
        rows = manager.visible_to(self.actor) if self.actor is not None else manager.all()
        if self.store is None:
            return rows.filter(store__isnull=True)
        return rows.filter(Q(store__isnull=True) | Q(store=self.store))

    def keyword_sets(self, value, field, errors) -> list[str] | None:
        names = _str_list(value, field, errors)
        if names is None:
            return None
        found = set(self._scoped(KeywordSet.objects).filter(name__in=names).values_list("name", flat=True))
        missing = [n for n in names if n not in found]
        if missing:
            where = _("for every store") if self.store is None else _("for this store")
            errors.add(
                field,
                _("There is no keyword set %(names)s %(where)s.")
                % {"names": ", ".join(f"“{n}”" for n in missing), "where": where},
            )
            return None
        return names

    def stores(self, value, field, errors) -> list[int] | None:
        if not isinstance(value, list) or not value:
            errors.add(field, _("Choose at least one store."))
            return None
        ids = [_id(v) for v in value]
        if None in ids:
            errors.add(field, _("Expected store ids."))
            return None
        ids = list(dict.fromkeys(ids))
        rows = Store.objects.visible_to(self.actor) if self.actor is not None else Store.objects.all()
        found = set(rows.filter(pk__in=ids).values_list("pk", flat=True))
        missing = [i for i in ids if i not in found]
        if missing:
            errors.add(field, _("No such store: %(ids)s.") % {"ids": ", ".join(map(str, missing))})
            return None
        if self.store is not None and any(i != self.store.pk for i in ids):
            errors.add(field, _("A rule of one store can only test for that store."))
            return None
        return ids

    def macro(self, value, field, errors) -> int | None:
        pk = _id(value)
        if pk is None or not self._scoped(Macro.objects).filter(pk=pk).exists():
            errors.add(field, self._missing(_("macro")))
            return None
        return pk

    def policy(self, value, field, errors) -> int | None:
        pk = _id(value)
        if pk is None or not self._scoped(SlaPolicy.objects).filter(pk=pk).exists():
            errors.add(field, self._missing(_("SLA policy")))
            return None
        return pk

    def team(self, value, field, errors) -> int | None:
        pk = _id(value)
        if pk is None or not Team.objects.filter(pk=pk).exists():
            errors.add(field, _("No such team."))
            return None
        return pk

    def user(self, value, field, errors) -> int | None:
        pk = _id(value)
        if pk is None or not get_user_model().objects.filter(pk=pk, is_active=True).exists():
            errors.add(field, _("No such active user."))
            return None
        if self.store is None:
            errors.add(field, _("Only a rule of one store assigns to a person: choose a team for every store."))
            return None
        if not StoreMembership.objects.filter(store=self.store, user_id=pk).exists():
            errors.add(field, _("That person is not a member of this store."))
            return None
        return pk

    def _missing(self, what: str) -> str:
        if self.store is None:
            return _("No such %(what)s for every store (a rule for every store uses only those).") % {"what": what}
        return _("No such %(what)s for this store.") % {"what": what}
