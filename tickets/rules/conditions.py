"""What a rule can test: registry name → condition (its params and ``evaluate``).

``evaluate(facts, params) -> (result, why)``: ``why`` is a short sentence with the evidence
("“Rückerstattung” (de, word start) in the body", "delivered 12 days ago; window 30 days"). It is
a ``Why``: translated and formatted only when shown (``str(why)``), so running 200 rules over a
message costs no gettext call for the hundreds of reasons nobody reads.

``params`` are the condition's JSON as validated by ``schema.validate_rule`` (defaults filled in
there); the engine applies a condition's ``"not": true``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from ..models import Channel, CustomerTier, Platform, Priority, TicketReason, TicketType
from ..models.orders import Fulfilment, TrackingStatus
from ..money import Money
from .facts import Facts
from .params import OP_SYMBOLS, OPS, ConditionType, Param, compare

LANGUAGES = (
    ("en", gettext_lazy("English")),
    ("de", gettext_lazy("German")),
    ("fr", gettext_lazy("French")),
    ("es", gettext_lazy("Spanish")),
    ("it", gettext_lazy("Italian")),
    ("pt", gettext_lazy("Portuguese")),
    ("nl", gettext_lazy("Dutch")),
    ("pl", gettext_lazy("Polish")),
    ("sv", gettext_lazy("Swedish")),
    ("ja", gettext_lazy("Japanese")),
    ("zh", gettext_lazy("Chinese")),
    ("ko", gettext_lazy("Korean")),
    ("th", gettext_lazy("Thai")),
)
MODE_WORDS = {
    "word": gettext_noop("whole word"),
    "prefix": gettext_noop("word start"),
    "substring": gettext_noop("anywhere"),
}
FIELD_WORDS = {"subject": gettext_noop("in the subject"), "body": gettext_noop("in the body")}


class Why:
    """A reason, translated and formatted when shown. ``params`` values may be Why themselves."""

    __slots__ = ("message", "params", "plural", "count")

    def __init__(self, message: str, params: dict[str, Any] | None = None, plural: str = "", count: int = 0):
        self.message = message
        self.params = params
        self.plural = plural
        self.count = count

    def __str__(self) -> str:
        text = ngettext(self.message, self.plural, self.count) if self.plural else gettext(self.message)
        if not self.params:
            return text
        return text % {key: _shown(value) for key, value in self.params.items()}

    def __repr__(self) -> str:
        return f"Why({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class Unknown(Why):
    """The reason a condition could not be told (no order, no exchange rate, unknown language …).
    Such a condition does not hold, and negating it does not make it hold (engine.evaluate_rule)."""

    __slots__ = ()


def _shown(value: Any) -> Any:
    if isinstance(value, Why):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(_shown(v)) for v in value)
    if isinstance(value, Money):
        return value.format()
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value


Result = tuple[bool, Any]

# Reasons without parameters: built once.
_S_IN_THE_SUBJECT = Why(gettext_noop("in the subject"))
_S_IN_THE_BODY = Why(gettext_noop("in the body"))
_S_IN_THE_MESSAGE = Why(gettext_noop("in the message"))
_S_A_STATUTORY_WITHDRAWAL_IS_DECLARED = Why(gettext_noop("a statutory withdrawal is declared"))
_S_NO_STATUTORY_WITHDRAWAL = Why(gettext_noop("no statutory withdrawal"))
_S_NO_STORE = Unknown(gettext_noop("no store"))
_S_NO_ORDER = Why(gettext_noop("no order"))
_S_NO_ORDER_TO_TELL = Unknown(gettext_noop("no order"))
_S_NO_ORDER_LINES = Unknown(gettext_noop("no order lines"))
_S_THE_ORDER_S_LINES_HAVE_NO_CATEGORY = Unknown(gettext_noop("the order's lines have no category"))
_S_THE_TICKET_HAS_AN_ORDER = Why(gettext_noop("the ticket has an order"))
_S_NOT_DELIVERED = Unknown(gettext_noop("not delivered"))
_S_THE_BUYER_IS_FLAGGED_AS_A_RETURN_RISK = Why(gettext_noop("the buyer is flagged as a return risk"))
_S_THE_BUYER_IS_NOT_FLAGGED_AS_A_RETURN_RIS = Why(gettext_noop("the buyer is not flagged as a return risk"))
_S_THE_LANGUAGE_IS_UNKNOWN = Unknown(gettext_noop("the language is unknown"))
_S_NO_STORE_SO_NO_BUSINESS_HOURS = Why(gettext_noop("no store, so no business hours"))
_S_THE_STORE_IS_OPEN_AROUND_THE_CLOCK = Why(gettext_noop("the store is open around the clock"))


def _listed(values) -> str:
    return ", ".join(str(v) for v in values)


# --- text ------------------------------------------------------------------------------------------


def hit_text(hit) -> str:
    """One hit as shown: “Rückerstattung” (de, word start) in the body."""
    return gettext("“%(keyword)s” (%(lang)s, %(mode)s) %(where)s") % {
        "keyword": hit.keyword,
        "lang": hit.lang or "*",
        "mode": gettext(MODE_WORDS.get(hit.mode, hit.mode)),
        "where": gettext(FIELD_WORDS.get(hit.field, hit.field)),
    }


class _Hits:
    """The evidence of a text condition, formatted when shown (hits are kept, not sentences)."""

    __slots__ = ("hits",)

    def __init__(self, hits) -> None:
        self.hits = hits

    def __str__(self) -> str:
        return ", ".join(hit_text(hit) for hit in self.hits)


_W_NO_SET = gettext_noop("there is no keyword set “%(set)s” for this store")
_W_ONLY_NEGATED_IN = gettext_noop("%(set)s: only negated, %(hit)s")
_W_NONE_OF = gettext_noop("no keyword of %(set)s %(where)s")
_W_ONLY_NEGATED = gettext_noop("only negated: %(hit)s")
_W_NONE_OF_SETS = gettext_noop("no keyword of %(sets)s %(where)s")
_W_HITS = gettext_noop("%(hits)s")
_W_NO_MAIN = gettext_noop("%(hits)s, but no main request stands out")
_W_OTHER_MAIN = gettext_noop("%(hits)s, but the main request is %(main)s")
_W_MAIN = gettext_noop("%(hits)s; the main request is %(main)s")
_WHERE = {
    "subject": _S_IN_THE_SUBJECT,
    "body": _S_IN_THE_BODY,
    "all": _S_IN_THE_MESSAGE,
}


def _set_hits(facts: Facts, name: str, where: str):
    """(non-negated hits, first negated hit) of a set in a field, memoised on the facts;
    None when the store has no such set."""
    key = (name, where)
    memo = facts.filtered
    try:
        return memo[key]
    except KeyError:
        pass
    hits = facts.hits_of(name)
    if hits is None:
        found = None
    else:
        if where != "all":
            hits = [h for h in hits if h.field == where]
        good = [h for h in hits if not h.negated]
        negated = next((h for h in hits if h.negated), None)
        found = (good, negated)
    memo[key] = found
    return found


def gate_closed(facts: Facts, sets: Sequence[str], where: str) -> bool:
    """No keyword at all (negated or not) of any of the sets in the field: a text condition over
    them is false with the reason ``closed_why`` gives. False when a set is missing (the
    condition then says so itself)."""
    for name in sets:
        pair = _set_hits(facts, name, where)
        if pair is None or pair[0] or pair[1] is not None:
            return False
    return True


def closed_why(p: dict) -> Why:
    """What ``text_condition`` says when none of its sets has a keyword in the message."""
    where = p.get("where") or "all"
    if p.get("match") == "all":
        return Why(_W_NONE_OF, {"set": p["sets"][0], "where": _WHERE.get(where, where)})
    return Why(_W_NONE_OF_SETS, {"sets": p["sets"], "where": _WHERE.get(where, where)})


def text_condition(facts: Facts, p: dict) -> Result:
    """Memoised per message: rules sharing a text condition search and reason once."""
    key = p.get("_key")
    if key is None:
        among = p.get("among")
        key = p["_key"] = (
            "text",
            tuple(p["sets"]),
            p.get("where") or "all",
            p.get("match"),
            bool(p.get("main")),
            tuple(among) if isinstance(among, list) else among,
        )
    memo = facts.filtered
    try:
        return memo[key]
    except KeyError:
        result = memo[key] = _text_condition(facts, p)
        return result


def _text_condition(facts: Facts, p: dict) -> Result:
    sets: Sequence[str] = p["sets"]
    where = p["where"] or "all"
    match_all = p["match"] == "all"
    found = []
    negated = None
    for name in sets:
        pair = _set_hits(facts, name, where)
        if pair is None:
            return False, Why(_W_NO_SET, {"set": name})
        good, negated_here = pair
        if good:
            found.append(good[0])
            if not match_all:
                break
        elif match_all:
            if negated_here is not None:
                return False, Why(_W_ONLY_NEGATED_IN, {"set": name, "hit": _Hits((negated_here,))})
            return False, Why(_W_NONE_OF, {"set": name, "where": _WHERE.get(where, where)})
        elif negated is None:
            negated = negated_here
    if not found:
        if negated is not None:
            return False, Why(_W_ONLY_NEGATED, {"hit": _Hits((negated,))})
        return False, Why(_W_NONE_OF_SETS, {"sets": sets, "where": _WHERE.get(where, where)})
    evidence = _Hits(found)
    if p["main"]:
        from .text import main_request

        candidates = list(p.get("among") or sets)
        all_hits = {}
        for name in candidates:
            pair = _set_hits(facts, name, where)
            if pair is not None and pair[0]:
                all_hits[name] = pair[0]
        main = main_request(all_hits, candidates)
        if main not in sets:
            if main is None:
                return False, Why(_W_NO_MAIN, {"hits": evidence})
            return False, Why(_W_OTHER_MAIN, {"hits": evidence, "main": main})
        return True, Why(_W_MAIN, {"hits": evidence, "main": main})
    return True, Why(_W_HITS, {"hits": evidence})


def withdrawal_condition(facts: Facts, p: dict) -> Result:
    if facts.text.withdrawal:
        return True, _S_A_STATUTORY_WITHDRAWAL_IS_DECLARED
    return False, _S_NO_STATUTORY_WITHDRAWAL


# --- store and order -------------------------------------------------------------------------------


def store_condition(facts: Facts, p: dict) -> Result:
    name = str(facts.store) if facts.store is not None else ""
    if facts.store_id in p["stores"]:
        return True, Why(gettext_noop("the store is %(store)s"), {"store": name})
    if facts.store_id is None:
        return False, _S_NO_STORE
    return False, Why(gettext_noop("the store %(store)s is not one of those listed"), {"store": name})


def _in(value: str, values: Sequence[str], messages: tuple[str, str, str]) -> Result:
    is_msg, not_msg, none_msg = messages
    if not value:
        return False, Why(none_msg)
    if value in values:
        return True, Why(is_msg, {"value": value})
    return False, Why(not_msg, {"value": value, "values": list(values)})


_PLATFORM_MESSAGES = (
    gettext_noop("platform %(value)s"),
    gettext_noop("platform %(value)s, not %(values)s"),
    gettext_noop("no platform known"),
)


def platform_condition(facts: Facts, p: dict) -> Result:
    return _in(facts.platform, p["platforms"], _PLATFORM_MESSAGES)


_FULFILMENT_MESSAGES = (
    gettext_noop("fulfilled as %(value)s"),
    gettext_noop("fulfilled as %(value)s, not %(values)s"),
    gettext_noop("fulfilment unknown"),
)


def fulfilment_condition(facts: Facts, p: dict) -> Result:
    if not facts.has_order:
        return False, _S_NO_ORDER_TO_TELL
    return _in(facts.fulfilment, p["values"], _FULFILMENT_MESSAGES)


def _threshold(p: dict) -> Money:
    limit = p.get("_limit")
    if limit is None:  # built once per compiled rule (the engine keeps its params)
        limit = p["_limit"] = Money.of(str(p["amount"]), p["currency"])
    return limit


def _money_compare(facts: Facts, amount: Money, p: dict, what: str) -> Result:
    limit = _threshold(p)
    converted = facts.convert(amount, limit.currency)
    if converted is None:
        return False, Unknown(
            gettext_noop("no exchange rate %(base)s→%(quote)s on %(day)s"),
            {"base": amount.currency, "quote": limit.currency, "day": facts.now.date().isoformat()},
        )
    ok = compare(p["op"], converted.amount, limit.amount)
    shown = str(amount) if converted is amount else f"{amount} = {converted}"
    return ok, Why(
        gettext_noop("%(what)s %(amount)s %(op)s %(limit)s: %(answer)s"),
        {
            "what": Why(what),
            "amount": shown,
            "op": OP_SYMBOLS[p["op"]],
            "limit": str(limit),
            "answer": Why(gettext_noop("yes") if ok else gettext_noop("no")),
        },
    )


def order_total_condition(facts: Facts, p: dict) -> Result:
    if facts.order_total is None:
        return False, _S_NO_ORDER_TO_TELL
    return _money_compare(facts, facts.order_total, p, gettext_noop("order total"))


def line_price_condition(facts: Facts, p: dict) -> Result:
    priced = [line for line in facts.lines if line.unit_price is not None]
    if not priced:
        return False, _S_NO_ORDER_LINES
    last: Result = (False, _S_NO_ORDER_LINES)
    for line in priced:
        ok, why = _money_compare(facts, line.unit_price, p, gettext_noop("unit price"))
        if ok:
            return True, Why(gettext_noop("%(sku)s: %(why)s"), {"sku": line.sku, "why": why})
        last = (False, why)
    if len(priced) == 1:
        return last
    return False, Why(
        gettext_noop("no line's unit price is %(op)s %(limit)s (last: %(why)s)"),
        {"op": OP_SYMBOLS[p["op"]], "limit": str(_threshold(p)), "why": last[1]},
    )


def category_condition(facts: Facts, p: dict) -> Result:
    wanted = {c.casefold() for c in p["categories"]}
    have = [line.category for line in facts.lines if line.category]
    for category in have:
        if category in wanted:
            return True, Why(gettext_noop("a line in category %(category)s"), {"category": category})
    if not facts.lines:
        return False, _S_NO_ORDER_LINES
    if not have:
        return False, _S_THE_ORDER_S_LINES_HAVE_NO_CATEGORY
    return False, Why(
        gettext_noop("categories %(have)s, none of %(wanted)s"), {"have": sorted(set(have)), "wanted": p["categories"]}
    )


def sku_matches(sku: str, pattern: str) -> bool:
    sku, pattern = sku.casefold(), pattern.casefold()
    if pattern.endswith("*"):
        return sku.startswith(pattern[:-1])
    return sku == pattern


def sku_condition(facts: Facts, p: dict) -> Result:
    for line in facts.lines:
        for pattern in p["skus"]:
            if line.sku and sku_matches(line.sku, pattern):
                return True, Why(gettext_noop("SKU %(sku)s matches %(pattern)s"), {"sku": line.sku, "pattern": pattern})
    if not facts.lines:
        return False, _S_NO_ORDER_LINES
    return False, Why(gettext_noop("no SKU matches %(patterns)s"), {"patterns": p["skus"]})


def has_order_condition(facts: Facts, p: dict) -> Result:
    if facts.has_order:
        return True, _S_THE_TICKET_HAS_AN_ORDER
    return False, _S_NO_ORDER


def _delivered_why(days: int) -> Why:
    return Why(
        gettext_noop("delivered %(days)s day ago"),
        {"days": days},
        plural=gettext_noop("delivered %(days)s days ago"),
        count=days,
    )


def within_return_window_condition(facts: Facts, p: dict) -> Result:
    days = facts.days_since_delivery
    if days is None:
        return False, _S_NOT_DELIVERED
    window = facts.return_window_days
    if window is None:
        return False, Why(
            gettext_noop("%(delivered)s; no store, so no return window"), {"delivered": _delivered_why(days)}
        )
    ok = days <= window
    return ok, Why(
        gettext_noop("%(delivered)s; window %(window)s days")
        if ok
        else gettext_noop("%(delivered)s; window %(window)s days, past it"),
        {"delivered": _delivered_why(days), "window": window},
    )


def days_since_delivery_condition(facts: Facts, p: dict) -> Result:
    days = facts.days_since_delivery
    if days is None:
        return False, _S_NOT_DELIVERED
    ok = compare(p["op"], days, p["days"])
    return ok, Why(
        gettext_noop("%(delivered)s (%(op)s %(limit)s: %(answer)s)"),
        {
            "delivered": _delivered_why(days),
            "op": OP_SYMBOLS[p["op"]],
            "limit": p["days"],
            "answer": Why(gettext_noop("yes") if ok else gettext_noop("no")),
        },
    )


_TRACKING_MESSAGES = (
    gettext_noop("tracking status %(value)s"),
    gettext_noop("tracking status %(value)s, not %(values)s"),
    gettext_noop("no tracking status"),
)


def tracking_status_condition(facts: Facts, p: dict) -> Result:
    if not facts.has_order:
        return False, _S_NO_ORDER_TO_TELL
    return _in(facts.tracking_status, p["values"], _TRACKING_MESSAGES)


# --- buyer -----------------------------------------------------------------------------------------


_TIER_MESSAGES = (
    gettext_noop("buyer tier %(value)s"),
    gettext_noop("buyer tier %(value)s, not %(values)s"),
    gettext_noop("no buyer known"),
)


def buyer_tier_condition(facts: Facts, p: dict) -> Result:
    return _in(facts.customer_tier, p["values"], _TIER_MESSAGES)


def return_risk_condition(facts: Facts, p: dict) -> Result:
    if facts.return_risk:
        return True, _S_THE_BUYER_IS_FLAGGED_AS_A_RETURN_RISK
    return False, _S_THE_BUYER_IS_NOT_FLAGGED_AS_A_RETURN_RIS


def return_count_condition(facts: Facts, p: dict) -> Result:
    count = facts.returns_within(p["days"])
    ok = compare(p["op"], count, p["count"])
    return ok, Why(
        gettext_noop("%(count)s returns in %(days)s days (%(op)s %(limit)s: %(answer)s)"),
        {
            "count": count,
            "days": p["days"],
            "op": OP_SYMBOLS[p["op"]],
            "limit": p["count"],
            "answer": Why(gettext_noop("yes") if ok else gettext_noop("no")),
        },
    )


# --- ticket ----------------------------------------------------------------------------------------


def _field_condition(attr: str, label: str):
    def evaluate(facts: Facts, p: dict) -> Result:
        value = getattr(facts, attr)
        if value in p["values"]:
            return True, Why(gettext_noop("%(field)s is %(value)s"), {"field": Why(label), "value": value})
        if not value:
            return False, Why(gettext_noop("%(field)s is not set"), {"field": Why(label)})
        return False, Why(
            gettext_noop("%(field)s is %(value)s, not %(values)s"),
            {"field": Why(label), "value": value, "values": list(p["values"])},
        )

    return evaluate


def language_condition(facts: Facts, p: dict) -> Result:
    value = facts.language
    primary = value.replace("_", "-").split("-")[0].lower()
    if not primary:
        return False, _S_THE_LANGUAGE_IS_UNKNOWN
    if primary in p["values"]:
        return True, Why(gettext_noop("the language is %(value)s"), {"value": value})
    return False, Why(
        gettext_noop("the language is %(value)s, not %(values)s"), {"value": value, "values": list(p["values"])}
    )


def tags_condition(facts: Facts, p: dict) -> Result:
    wanted = list(p["tags"])
    have = [t for t in wanted if t in facts.tags]
    match = p.get("match") or "any"
    if match == "all":
        missing = [t for t in wanted if t not in facts.tags]
        if missing:
            return False, Why(gettext_noop("tags %(missing)s missing"), {"missing": missing})
        return True, Why(gettext_noop("tagged %(tags)s"), {"tags": have})
    if match == "none":
        if have:
            return False, Why(gettext_noop("tagged %(tags)s"), {"tags": have})
        return True, Why(gettext_noop("none of %(tags)s"), {"tags": wanted})
    if have:
        return True, Why(gettext_noop("tagged %(tags)s"), {"tags": have})
    return False, Why(gettext_noop("none of %(tags)s"), {"tags": wanted})


def business_hours_condition(facts: Facts, p: dict) -> Result:
    calendar = facts.calendar
    if calendar is None:
        return False, _S_NO_STORE_SO_NO_BUSINESS_HOURS
    if calendar.always_open:
        return True, _S_THE_STORE_IS_OPEN_AROUND_THE_CLOCK
    local = facts.now.astimezone(calendar.zone)
    window = calendar.window(local.date())
    shown = local.strftime("%a %H:%M")
    if window is not None and window[0] <= facts.now < window[1]:
        return True, Why(gettext_noop("%(now)s is within business hours"), {"now": shown})
    return False, Why(gettext_noop("%(now)s is outside business hours"), {"now": shown})


# --- the registry ----------------------------------------------------------------------------------

_OP = Param("op", "op", gettext_lazy("Comparison"), choices=OPS)
_MONEY = (
    _OP,
    Param("amount", "money", gettext_lazy("Amount")),
    Param("currency", "currency", gettext_lazy("Currency")),
)
MATCHES = (("any", gettext_lazy("any of them")), ("all", gettext_lazy("all of them")))
WHERE = (
    ("all", gettext_lazy("subject and body")),
    ("subject", gettext_lazy("subject")),
    ("body", gettext_lazy("body")),
)
TAG_MATCHES = (("any", gettext_lazy("any of")), ("all", gettext_lazy("all of")), ("none", gettext_lazy("none of")))

CONDITIONS: dict[str, ConditionType] = {
    c.name: c
    for c in (
        ConditionType(
            "text",
            gettext_lazy("Text contains keywords"),
            (
                Param("sets", "keyword_sets", gettext_lazy("Keyword sets")),
                Param("match", "choice", gettext_lazy("Match"), required=False, choices=MATCHES, default="any"),
                Param("where", "choice", gettext_lazy("Where"), required=False, choices=WHERE, default="all"),
                Param(
                    "main",
                    "bool",
                    gettext_lazy("Only as the main request"),
                    required=False,
                    default=False,
                    help=gettext_lazy(
                        "When the message asks for several things, one of these sets must be what it mainly asks."
                    ),
                ),
                Param(
                    "among",
                    "keyword_sets",
                    gettext_lazy("Main request among"),
                    required=False,
                    default=None,
                    help=gettext_lazy("The sets competing for the main request (empty: the sets above)."),
                ),
            ),
            text_condition,
            cost=5,
            help=gettext_lazy(
                "A keyword that is not negated (“I do not want a refund”), quoted replies and signatures left out."
            ),
        ),
        ConditionType("withdrawal", gettext_lazy("Statutory withdrawal"), (), withdrawal_condition, cost=4),
        ConditionType(
            "store", gettext_lazy("Store"), (Param("stores", "stores", gettext_lazy("Stores")),), store_condition
        ),
        ConditionType(
            "platform",
            gettext_lazy("Platform"),
            (Param("platforms", "choices", gettext_lazy("Platforms"), choices=Platform.choices),),
            platform_condition,
        ),
        ConditionType(
            "fulfilment",
            gettext_lazy("Fulfilment"),
            (Param("values", "choices", gettext_lazy("Fulfilment"), choices=Fulfilment.choices),),
            fulfilment_condition,
        ),
        ConditionType("order_total", gettext_lazy("Order total"), _MONEY, order_total_condition, cost=3),
        ConditionType("line_price", gettext_lazy("An item's price"), _MONEY, line_price_condition, cost=3),
        ConditionType(
            "category",
            gettext_lazy("Product category"),
            (Param("categories", "strings", gettext_lazy("Categories")),),
            category_condition,
        ),
        ConditionType(
            "sku",
            gettext_lazy("SKU"),
            (
                Param(
                    "skus",
                    "strings",
                    gettext_lazy("SKUs"),
                    help=gettext_lazy("Exact, or a prefix ending in * (PHONE-*)."),
                ),
            ),
            sku_condition,
        ),
        ConditionType("has_order", gettext_lazy("Has an order"), (), has_order_condition),
        ConditionType(
            "within_return_window",
            gettext_lazy("Delivered, within the return window"),
            (),
            within_return_window_condition,
            help=gettext_lazy("Days since delivery at most the store's return window."),
        ),
        ConditionType(
            "days_since_delivery",
            gettext_lazy("Days since delivery"),
            (_OP, Param("days", "int", gettext_lazy("Days"))),
            days_since_delivery_condition,
        ),
        ConditionType(
            "tracking_status",
            gettext_lazy("Tracking status"),
            (Param("values", "choices", gettext_lazy("Tracking status"), choices=TrackingStatus.choices),),
            tracking_status_condition,
        ),
        ConditionType(
            "buyer_tier",
            gettext_lazy("Buyer tier"),
            (Param("values", "choices", gettext_lazy("Tiers"), choices=CustomerTier.choices),),
            buyer_tier_condition,
        ),
        ConditionType("return_risk", gettext_lazy("Buyer is a return risk"), (), return_risk_condition),
        ConditionType(
            "return_count",
            gettext_lazy("Buyer's returns in a period"),
            (
                _OP,
                Param("count", "int", gettext_lazy("Returns")),
                Param("days", "int", gettext_lazy("In the last days")),
            ),
            return_count_condition,
            cost=3,
        ),
        ConditionType(
            "ticket_type",
            gettext_lazy("Ticket type"),
            (Param("values", "choices", gettext_lazy("Types"), choices=TicketType.choices),),
            _field_condition("type", gettext_noop("the type")),
        ),
        ConditionType(
            "ticket_reason",
            gettext_lazy("Ticket reason"),
            (Param("values", "choices", gettext_lazy("Reasons"), choices=TicketReason.choices),),
            _field_condition("reason", gettext_noop("the reason")),
        ),
        ConditionType(
            "language",
            gettext_lazy("Language"),
            (Param("values", "choices", gettext_lazy("Languages"), choices=LANGUAGES),),
            language_condition,
            cost=4,
        ),
        ConditionType(
            "priority",
            gettext_lazy("Priority"),
            (Param("values", "choices", gettext_lazy("Priorities"), choices=Priority.choices),),
            _field_condition("priority", gettext_noop("the priority")),
        ),
        ConditionType(
            "channel",
            gettext_lazy("Channel"),
            (Param("values", "choices", gettext_lazy("Channels"), choices=Channel.choices),),
            _field_condition("channel", gettext_noop("the channel")),
        ),
        ConditionType(
            "tags",
            gettext_lazy("Tags"),
            (
                Param("match", "choice", gettext_lazy("Match"), required=False, choices=TAG_MATCHES, default="any"),
                Param("tags", "tags", gettext_lazy("Tags")),
            ),
            tags_condition,
        ),
        ConditionType("business_hours", gettext_lazy("Within business hours"), (), business_hours_condition, cost=2),
    )
}

# Conditions that read the message text (simulate loads bodies only for them).
TEXT_CONDITIONS = frozenset({"text", "withdrawal", "language"})


def evaluate(condition: dict, facts: Facts) -> Result:
    """One condition (its "not" applied), with its defaults filled in."""
    kind = CONDITIONS[condition["type"]]
    params = {p.name: condition.get(p.name, p.default) for p in kind.params}
    result, why = kind.evaluate(facts, params)
    if condition.get("not"):
        return (not result), Why(gettext_noop("not: %(why)s"), {"why": why})
    return result, why
