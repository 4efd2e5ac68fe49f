"""The default triage: keyword sets, macros and rules shipped by the data migration ``0017_default_triage``.

Everything here is plain data (``DEFAULT_KEYWORD_SETS``, ``DEFAULT_MACROS``, ``DEFAULT_RULES``) that
``install`` writes with the migration's historical models; once installed the rows are ordinary
keyword sets, macros and rules (``Rule.is_default``) that supervisors edit or disable.

In the data a rule names its macros, team and SLA policy (``"macro": "Tracking update"``,
``"team": "Returns"``, ``"policy": "VIP"``); ``install`` resolves them to ids (``resolve``), and the
corpus bench builds unsaved rules the same way (``build_rules``).

How the message rules classify (event ``message_received``, in ``position`` order):

* **Reason** first, from the most specific evidence to the least: customs, damaged in transit,
  lost (lost words, or "not received" once the carrier is done), size, a missing part ("other"),
  not as described, quality defect (defect or small-flaw words), late (delay words while on the
  way, or after delivery unless the wait is for a return's refund), changed mind. Each rule
  excludes the sets of the ones before it (``"not": true``), so one reason is set.
* **Type**, knowing the reason: a dispute (chargeback, PayPal/A-to-z claim, bank) decides first;
  then a statutory withdrawal (a return); then the buyer's main request among keep-with-a-discount,
  exchange, reship, return and refund (``"main": true``: stated first, subject before body, when
  a message asks for several things). A replacement for a faulty, wrong or ill-fitting item is an
  exchange; an "exchange" of a parcel lost or damaged on the way is a reship. A missing part with
  nothing else asked is sent (reship); unhappy words or a reported problem with nothing asked are a
  complaint; "where is my order", delay and customs questions are an inquiry. A message that only
  asks a question ("if I return it, how long …") or says the matter is settled requests nothing.
  The type rules exclude each other by their conditions, so the timeline shows one change.
* **After the type**: a withdrawal with no stated reason is a change of mind; a dispute or
  complaint with no reason gets "other".
* **Tags and routing**: rma-request with the acknowledgement, refund-eligible with the Returns
  team, needs-review with an escalation, damaged with the replacement offer, the Amazon return
  macro for FBA orders.

Rules on ``ticket_created`` look at the buyer (VIP, return risk); the time-based ones follow up.
No rule stops the others (``stop_after_match``): the classification rules exclude each other by
their conditions, so the tag rules after them still run.

Tests skip the data migration (``settings.AFTERSALES_TRIAGE_DEFAULTS`` off, tests/conftest.py) so
each test starts with no rules; tests/rules/test_triage_corpus.py installs the defaults itself.
"""

from __future__ import annotations

from .default_keywords import DEFAULT_KEYWORD_SETS
from .default_macros import (
    ACKNOWLEDGEMENT,
    AMAZON_RETURN,
    CUSTOMS_UPDATE,
    DEFAULT_MACROS,
    FOLLOW_UP,
    REPLACEMENT_OFFER,
    TRACKING,
)

__all__ = ["DEFAULT_KEYWORD_SETS", "DEFAULT_MACROS", "DEFAULT_RULES", "install", "uninstall", "build_rules"]

RETURNS_TEAM = "Returns"
VIP_POLICY = "VIP"
# The VIP SLA policy install creates when there is none of that name (minutes; business time).
VIP_POLICY_TARGETS = {"first_response_minutes": 60, "next_response_minutes": 240, "resolution_minutes": 24 * 60}

# The buyer's requests competing for the type (the first stated wins; ties: this order).
REQUESTS = ["partial_refund_words", "exchange_words", "reship_words", "return_words", "refund_words"]
# Words that ask for something back (the rma-request tag and the acknowledgement).
RMA_WORDS = ["return_words", "refund_words", "exchange_words", "partial_refund_words"]


def _text(*sets: str, main: bool = False, among: list[str] | None = None) -> dict:
    condition: dict = {"type": "text", "sets": list(sets)}
    if main:
        condition["main"] = True
        condition["among"] = list(among or sets)
    return condition


def _none_of(*sets: str) -> dict:
    return {"type": "text", "sets": list(sets), "not": True}


NOT_DISPUTE = _none_of("dispute_words")
NOT_WITHDRAWAL = {"type": "withdrawal", "not": True}
NOT_WITHDRAWAL_WORDS = _none_of("withdrawal_words")
DELIVERED = {"type": "tracking_status", "values": ["delivered"]}
# The carrier is done with the parcel (delivered, failed, sent back): "not received" then means lost.
ARRIVED_OR_FAILED = ["delivered", "exception", "returned"]
CARRIER_DONE = {"type": "tracking_status", "values": ARRIVED_OR_FAILED}
ON_ITS_WAY = {"type": "tracking_status", "values": ARRIVED_OR_FAILED, "not": True}
# Reasons that make a replacement an exchange (the item itself is wrong), not a reship.
ITEM_REASONS = ["quality_defect", "size", "not_as_described", "changed_mind"]
# Reasons that make an exchange a reship (the same item again: the first never arrived whole).
TRANSIT_REASONS = ["damaged_in_transit", "lost"]

# Reasons, most specific first: (rule name, reason, conditions that give the evidence).
_REASONS: list[tuple[str, str, list[list[dict]]]] = [
    ("customs", "customs", [[_text("customs_words")]]),
    ("damaged in transit", "damaged_in_transit", [[_text("damaged_words")]]),
    (
        "lost",
        "lost",
        [
            [_text("lost_words")],
            [_text("not_received_words"), CARRIER_DONE, _none_of("return_words", "returned_words")],
        ],
    ),
    ("size", "size", [[_text("size_words")]]),
    ("missing part", "other", [[_text("missing_words")]]),
    ("not as described", "not_as_described", [[_text("wrong_item_words")]]),
    ("quality defect", "quality_defect", [[_text("defect_words", "flaw_words")]]),
    (
        "late",
        "late",
        [
            [_text("delay_words", "not_received_words"), ON_ITS_WAY],
            # Delivered, but late: unless the wait is for the refund of a return ("returned it, still no refund").
            [_text("delay_words"), CARRIER_DONE, _none_of("return_words", "returned_words")],
        ],
    ),
    ("changed mind", "changed_mind", [[_text("changed_mind_words")]]),
]
# The sets of the reasons, in that order (each reason rule excludes the earlier ones).
_REASON_SETS = [
    ["customs_words"],
    ["damaged_words"],
    ["lost_words"],
    ["size_words"],
    ["missing_words"],
    ["wrong_item_words"],
    ["defect_words", "flaw_words"],
    [],  # late: its words also say "not received", which is lost once the carrier is done
    ["changed_mind_words"],
]


def _rule(name: str, event: str, conditions: list[dict], actions: list[dict], **extra) -> dict:
    rule = {
        "name": name,
        "description": extra.pop("description", ""),
        "event": event,
        "conditions": conditions,
        "actions": actions,
        "threshold": extra.pop("threshold", None),
        "stop_after_match": extra.pop("stop_after_match", False),
        "enabled": extra.pop("enabled", True),
    }
    assert not extra, extra
    return rule


def _type_rules() -> list[dict]:
    msg = "message_received"
    rules = [
        _rule(
            "Type: dispute (chargeback, PayPal, A-to-z, bank)",
            msg,
            [_text("dispute_words")],
            [{"type": "set_type", "value": "dispute"}],
            description="A chargeback, payment claim or bank dispute, opened or announced, decides the type.",
        ),
        _rule(
            "Type: statutory withdrawal is a return",
            msg,
            [{"type": "withdrawal"}, NOT_DISPUTE],
            [{"type": "set_type", "value": "return"}, {"type": "add_tags", "tags": ["withdrawal", "rma-request"]}],
            description="A withdrawal form or declaration (Widerruf, EU model form) is a return.",
        ),
        _rule(
            "Type: withdrawal words are a return",
            msg,
            [_text("withdrawal_words"), NOT_WITHDRAWAL, NOT_DISPUTE],
            [{"type": "set_type", "value": "return"}, {"type": "add_tags", "tags": ["withdrawal", "rma-request"]}],
            description="The buyer uses the words of the right of withdrawal without the model form.",
        ),
    ]
    # Not a dispute, not a withdrawal, not only a question ("if I return it, how long …?"), not "refund received".
    plain = [_none_of("dispute_words", "withdrawal_words", "question_words", "resolved_words"), NOT_WITHDRAWAL]
    reason_is_item = {"type": "ticket_reason", "values": ITEM_REASONS}
    reason_is_transit = {"type": "ticket_reason", "values": TRANSIT_REASONS}
    rules += [
        _rule(
            "Type: keep it with a partial refund",
            msg,
            [
                _text("partial_refund_words"),
                _text("partial_refund_words", "refund_words", main=True, among=REQUESTS),
                *plain,
            ],
            [{"type": "set_type", "value": "partial_refund"}],
            description="Money is the main request, and the buyer keeps the item or asks for part of it.",
        ),
        _rule(
            "Type: exchange for another size, colour or item",
            msg,
            [_text("exchange_words", main=True, among=REQUESTS), {**reason_is_transit, "not": True}, *plain],
            [{"type": "set_type", "value": "exchange"}],
            description="Another size, colour or item in place of this one (the main request).",
        ),
        _rule(
            "Type: a replacement for a wrong or faulty item is an exchange",
            msg,
            [_text("reship_words", main=True, among=REQUESTS), reason_is_item, *plain],
            [{"type": "set_type", "value": "exchange"}],
            description="A new one asked because the item is faulty, wrong or does not fit: the item is exchanged.",
        ),
        _rule(
            "Type: send it again (reship)",
            msg,
            [_text("reship_words", main=True, among=REQUESTS), {**reason_is_item, "not": True}, *plain],
            [{"type": "set_type", "value": "reship"}],
            description="The order is sent again: lost, damaged on the way, or held (the main request).",
        ),
        _rule(
            "Type: an exchange for a parcel lost or damaged on the way is a reship",
            msg,
            [_text("exchange_words", main=True, among=REQUESTS), reason_is_transit, *plain],
            [{"type": "set_type", "value": "reship"}],
            description="The buyer says exchange, but the same item is sent again: it was lost or damaged on the way.",
        ),
        _rule(
            "Type: return",
            msg,
            [_text("return_words", main=True, among=REQUESTS), *plain],
            [{"type": "set_type", "value": "return"}],
            description="The buyer sends the item back, for a refund or not (the main request).",
        ),
        _rule(
            "Type: refund",
            msg,
            [_text("refund_words", main=True, among=REQUESTS), _none_of("partial_refund_words"), *plain],
            [{"type": "set_type", "value": "refund"}],
            description="Money back, asked before anything else (the main request).",
        ),
    ]
    nothing_asked = _none_of(
        "dispute_words", *REQUESTS, "tracking_words", "withdrawal_words", "question_words", "missing_words"
    )
    rules += [
        _rule(
            "Type: a missing part or item is sent (reship)",
            msg,
            [_text("missing_words"), _none_of("dispute_words", *REQUESTS, "withdrawal_words", "question_words")],
            [{"type": "set_type", "value": "reship"}],
            description="Part of the order was not in the parcel and nothing else is asked: it is sent.",
        ),
        _rule(
            "Type: complaint with no request",
            msg,
            [_text("complaint_words"), nothing_asked, NOT_WITHDRAWAL],
            [{"type": "set_type", "value": "complaint"}],
            description="Unhappy, but asks for nothing concrete.",
        ),
        _rule(
            "Type: a problem reported with no request is a complaint",
            msg,
            [
                {"type": "ticket_reason", "values": ["damaged_in_transit", "quality_defect", "not_as_described"]},
                _none_of("complaint_words"),
                nothing_asked,
                NOT_WITHDRAWAL,
            ],
            [{"type": "set_type", "value": "complaint"}],
            description="Damage, a defect or a wrong item reported, with nothing asked: the buyer tells us.",
        ),
        _rule(
            "Type: where is my order (inquiry, tracking macro)",
            msg,
            [_text("tracking_words"), _none_of("dispute_words", *REQUESTS, "withdrawal_words"), NOT_WITHDRAWAL],
            [{"type": "set_type", "value": "inquiry"}, {"type": "suggest_macro", "macro": TRACKING}],
            description="The buyer asks where the order is: an inquiry, answered with the tracking link.",
        ),
        _rule(
            "Type: late and not delivered (inquiry, tracking macro)",
            msg,
            [
                _text("delay_words", "not_received_words"),
                ON_ITS_WAY,
                _none_of("dispute_words", *REQUESTS, "complaint_words", "withdrawal_words"),
                NOT_WITHDRAWAL,
            ],
            [{"type": "set_type", "value": "inquiry", "reason": "late"}, {"type": "suggest_macro", "macro": TRACKING}],
            description="Delay words while the parcel is not delivered: an inquiry about a late order.",
        ),
        _rule(
            "Type: customs question (inquiry)",
            msg,
            [
                _text("customs_words"),
                _none_of("dispute_words", *REQUESTS, "complaint_words", "withdrawal_words"),
                NOT_WITHDRAWAL,
            ],
            [{"type": "set_type", "value": "inquiry", "reason": "customs"}],
            description="Customs or import duty with no request: an inquiry about customs.",
        ),
    ]
    return rules


def _reason_rules() -> list[dict]:
    rules = []
    earlier: list[str] = []
    for (label, reason, alternatives), sets in zip(_REASONS, _REASON_SETS, strict=True):
        for number, evidence in enumerate(alternatives):
            conditions = list(evidence)
            if earlier:
                conditions.append(_none_of(*earlier))
            if reason == "changed_mind":  # a late parcel no longer wanted is still late
                conditions.append({"type": "ticket_reason", "values": ["late"], "not": True})
            suffix = "" if number == 0 else f" ({number + 1})"
            actions: list[dict] = [{"type": "set_reason", "value": reason}]
            if reason == "customs":
                actions.append({"type": "add_tags", "tags": ["customs"]})
            rules.append(
                _rule(
                    f"Reason: {label}{suffix}",
                    "message_received",
                    conditions,
                    actions,
                    description="Reasons go from the most specific evidence to the least; the first found decides.",
                )
            )
        earlier += sets
    return rules


def _reason_rules_after_type() -> list[dict]:
    """The reasons that depend on the type (set by the type rules before them)."""
    rules: list[dict] = []
    all_reason_sets = [s for sets in _REASON_SETS for s in sets] + ["delay_words", "not_received_words"]
    rules.append(
        _rule(
            "Reason: withdrawal without a stated reason is a change of mind",
            "message_received",
            [{"type": "tags", "match": "any", "tags": ["withdrawal"]}, _none_of(*all_reason_sets)],
            [{"type": "set_reason", "value": "changed_mind"}],
            description="A statutory withdrawal needs no reason: the buyer changed their mind.",
        )
    )
    rules.append(
        _rule(
            "Reason: other for a dispute or complaint without evidence",
            "message_received",
            [{"type": "ticket_type", "values": ["dispute", "complaint"]}, _none_of(*all_reason_sets)],
            [{"type": "set_reason", "value": "other"}],
            description="A dispute or complaint that names none of the reasons.",
        )
    )
    return rules


def _tag_rules() -> list[dict]:
    msg = "message_received"
    return [
        _rule(
            "Return, refund or exchange requested: rma-request and acknowledgement",
            msg,
            [_text(*RMA_WORDS), _none_of("question_words", "resolved_words")],
            [
                {"type": "add_tags", "tags": ["rma-request"]},
                {"type": "auto_reply", "macro": ACKNOWLEDGEMENT, "status": ""},
            ],
            description=(
                "Acknowledges in the buyer's language with the self-service steps; never to an automatic "
                "message or a bounce, and at most one automatic reply per ticket a day."
            ),
        ),
        _rule(
            "Refund within the return window: refund-eligible, Returns team",
            msg,
            [_text("refund_words"), {"type": "within_return_window"}],
            [{"type": "add_tags", "tags": ["refund-eligible"]}, {"type": "assign_team", "team": RETURNS_TEAM}],
        ),
        _rule(
            "Refund on high-value electronics: needs review, escalate",
            msg,
            [
                _text("refund_words"),
                {"type": "category", "categories": ["electronics"]},
                {"type": "order_total", "op": "gt", "amount": "200.00", "currency": "EUR"},
            ],
            [
                {"type": "add_tags", "tags": ["needs-review"]},
                {"type": "escalate", "note": "Refund asked on electronics over 200 EUR: check before approving."},
            ],
        ),
        _rule(
            "Delivered damaged: tag damaged, suggest the replacement offer",
            msg,
            [_text("damaged_words"), DELIVERED],
            [{"type": "add_tags", "tags": ["damaged"]}, {"type": "suggest_macro", "macro": REPLACEMENT_OFFER}],
        ),
        _rule(
            "Amazon FBA return: suggest the Returns Center macro",
            msg,
            [{"type": "fulfilment", "values": ["fba"]}, _text("return_words", "refund_words", "exchange_words")],
            [{"type": "suggest_macro", "macro": AMAZON_RETURN}],
            description="Orders shipped by Amazon are returned through Amazon's Returns Center.",
        ),
    ]


def _buyer_rules() -> list[dict]:
    created = "ticket_created"
    return [
        _rule(
            "VIP buyer: high priority, VIP SLA",
            created,
            [{"type": "buyer_tier", "values": ["vip"]}],
            [
                {"type": "add_tags", "tags": ["vip"]},
                {"type": "set_priority", "value": "high"},
                {"type": "set_sla_policy", "policy": VIP_POLICY},
            ],
        ),
        _rule(
            "Return-risk buyer: tag and review by hand",
            created,
            [{"type": "return_risk"}],
            [
                {"type": "add_tags", "tags": ["return-risk"]},
                {
                    "type": "add_note",
                    "body": "This buyer returns more than the store's threshold: review the request by hand.",
                },
            ],
        ),
    ]


def _time_rules() -> list[dict]:
    return [
        _rule(
            "No activity for 14 days: flag as stale",
            "no_activity",
            [],
            [{"type": "add_tags", "tags": ["stale"]}],
            threshold=14,
        ),
        _rule(
            "Buyer silent for 3 days: follow up",
            "buyer_silent",
            [],
            [{"type": "auto_reply", "macro": FOLLOW_UP, "status": "waiting_customer"}],
            threshold=3,
        ),
        _rule(
            "Parcel in customs for 3 working days: tell the buyer",
            "customs_held",
            [],
            [{"type": "auto_reply", "macro": CUSTOMS_UPDATE, "status": ""}, {"type": "add_tags", "tags": ["customs"]}],
            threshold=3,
        ),
        _rule(
            "Approval waiting for 24 hours: remind supervisors",
            "approval_waiting",
            [],
            [{"type": "escalate", "note": "An approval has been waiting for 24 hours."}],
            threshold=24,
        ),
        _rule(
            "SLA breached: escalate",
            "sla_breached",
            [],
            [{"type": "escalate", "note": "The SLA of this ticket is breached."}],
        ),
    ]


def _numbered(rules: list[dict]) -> list[dict]:
    """Positions in steps of 10 per event, so a supervisor can slot a rule in between."""
    count: dict[str, int] = {}
    for rule in rules:
        count[rule["event"]] = count.get(rule["event"], 0) + 10
        rule["position"] = count[rule["event"]]
    return rules


DEFAULT_RULES: list[dict] = _numbered(
    _reason_rules() + _type_rules() + _reason_rules_after_type() + _tag_rules() + _buyer_rules() + _time_rules()
)

_REFERENCES = {"macro": "macros", "team": "teams", "policy": "policies"}


def resolve(actions: list[dict], ids: dict[str, dict[str, int | None]]) -> list[dict]:
    """The actions with macro, team and policy names replaced by ids (``ids["macros"][name]``)."""
    resolved = []
    for action in actions:
        action = dict(action)
        for key, kind in _REFERENCES.items():
            if key in action and isinstance(action[key], str):
                action[key] = ids.get(kind, {}).get(action[key])
        resolved.append(action)
    return resolved


def build_rules(ids: dict[str, dict[str, int | None]] | None = None, *, events: tuple[str, ...] | None = None):
    """Unsaved ``Rule`` objects from ``DEFAULT_RULES`` (the corpus bench), in the order they run:
    ``ticket_created`` before ``message_received`` (as the runner does for a new ticket)."""
    from ..models import Rule

    order = {"ticket_created": 0, "message_received": 1}
    chosen = [r for r in DEFAULT_RULES if events is None or r["event"] in events]
    chosen.sort(key=lambda r: (order.get(r["event"], 2), r["event"], r["position"]))
    rules = []
    for number, data in enumerate(chosen, start=1):
        rule = Rule(
            name=data["name"],
            description=data["description"],
            event=data["event"],
            threshold=data["threshold"],
            conditions=data["conditions"],
            actions=resolve(data["actions"], ids or {}),
            position=data["position"],
            stop_after_match=data["stop_after_match"],
            enabled=data["enabled"],
            is_default=True,
        )
        rule.pk = -number  # unsaved, yet told apart (try-it and the bench list rules by id)
        rules.append(rule)
    return rules


def install(apps, schema_editor=None) -> None:
    """Create the default keyword sets, macros, Returns team, VIP SLA policy and rules (data migration).

    Keeps what exists: a global keyword set or macro of the same name is left as it is (and used),
    a team or policy of the same name is used. Rules are added after any rules already there."""
    KeywordSet = apps.get_model("tickets", "KeywordSet")
    Macro = apps.get_model("tickets", "Macro")
    MacroVariant = apps.get_model("tickets", "MacroVariant")
    Team = apps.get_model("tickets", "Team")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    Rule = apps.get_model("tickets", "Rule")

    existing_sets = set(KeywordSet.objects.filter(store__isnull=True).values_list("name", flat=True))
    KeywordSet.objects.bulk_create(
        [
            KeywordSet(
                name=data["name"],
                label=data["label"],
                description=data["description"],
                keywords=data["keywords"],
                store=None,
            )
            for data in DEFAULT_KEYWORD_SETS
            if data["name"] not in existing_sets
        ]
    )

    macros: dict[str, int | None] = {}
    for data in DEFAULT_MACROS:
        macro = Macro.objects.filter(store__isnull=True, name=data["name"]).order_by("pk").first()
        if macro is None:
            macro = Macro.objects.create(name=data["name"], store=None)
            MacroVariant.objects.bulk_create(
                [MacroVariant(macro=macro, language=lang, body=body) for lang, body in data["variants"].items()]
            )
        macros[data["name"]] = macro.pk

    team, _created = Team.objects.get_or_create(name=RETURNS_TEAM)
    policy = SlaPolicy.objects.filter(store__isnull=True, name=VIP_POLICY).order_by("pk").first()
    if policy is None:
        last = SlaPolicy.objects.order_by("-position").values_list("position", flat=True).first() or 0
        # Last in order and for VIP buyers only: the stores' own policies keep deciding, the VIP
        # rule sets this one on the ticket.
        policy = SlaPolicy.objects.create(
            name=VIP_POLICY, store=None, customer_tier="vip", priority="", position=last + 10, **VIP_POLICY_TARGETS
        )
    ids = {"macros": macros, "teams": {RETURNS_TEAM: team.pk}, "policies": {VIP_POLICY: policy.pk}}

    offset: dict[str, int] = {}
    for event, position in Rule.objects.values_list("event", "position"):
        offset[event] = max(offset.get(event, 0), position)
    Rule.objects.bulk_create(
        [
            Rule(
                name=data["name"],
                description=data["description"],
                store=None,
                event=data["event"],
                threshold=data["threshold"],
                conditions=data["conditions"],
                actions=resolve(data["actions"], ids),
                position=offset.get(data["event"], 0) + data["position"],
                stop_after_match=data["stop_after_match"],
                enabled=data["enabled"],
                is_default=True,
            )
            for data in DEFAULT_RULES
        ]
    )
    from . import cache

    cache.bump()  # bulk_create sends no post_save: tell the processes' rule caches


def uninstall(apps, schema_editor=None) -> None:
    """Reverse of ``install``: the default rules, and the global keyword sets and macros of the
    default names (the Returns team and VIP policy stay: tickets may point at them)."""
    KeywordSet = apps.get_model("tickets", "KeywordSet")
    Macro = apps.get_model("tickets", "Macro")
    Rule = apps.get_model("tickets", "Rule")
    Rule.objects.filter(is_default=True).delete()
    KeywordSet.objects.filter(store__isnull=True, name__in=[d["name"] for d in DEFAULT_KEYWORD_SETS]).delete()
    Macro.objects.filter(store__isnull=True, name__in=[d["name"] for d in DEFAULT_MACROS]).delete()
    from . import cache

    cache.bump()
