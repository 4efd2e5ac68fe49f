"""The refund approval policy of a store: when a refund needs a supervisor.

A requester approves alone only within their own limit (``StoreMembership.refund_approval_limit``,
in the store's currency) and only when none of the store's conditions holds: a returned item that
failed QC, a refund without return above the store's amount, a high-value category, a buyer
flagged as a return risk, more than the form suggested. An amount in another currency than the
store's is converted at the day's rate; without a rate a supervisor decides. Automation (a rule)
has no limit of its own. Each reason is a stable code, stored on the refund and shown in the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import RefundKind, ReturnAuthorization, StoreMembership
from ..models.rma import QcResult
from ..money import Money
from . import exchange_rates


class Reason(models.TextChoices):
    NO_LIMIT = "no_limit", _("The requester has no approval limit")
    ABOVE_LIMIT = "above_limit", _("Above the requester's approval limit")
    NO_EXCHANGE_RATE = "no_exchange_rate", _("No exchange rate to the store's currency")
    QC_FAILED = "qc_failed", _("A returned item failed QC")
    WITHOUT_RETURN = "without_return", _("Refund without return above the store's amount")
    HIGH_VALUE_CATEGORY = "high_value_category", _("High-value category")
    RETURN_RISK = "return_risk", _("Buyer flagged as a return risk")
    ABOVE_SUGGESTION = "above_suggestion", _("More than the suggested amount")
    AUTOMATION = "automation", _("Requested by automation")


def reason_labels(codes) -> list[str]:
    labels = dict(Reason.choices)
    return [str(labels.get(code, code)) for code in codes]


@dataclass(frozen=True)
class Decision:
    reasons: list[str]
    limit: Decimal | None  # the requester's limit in the refund's currency, when they have one

    @property
    def self_approvable(self) -> bool:
        return not self.reasons


def limit_in(user, store, currency: str, *, on: date) -> tuple[Decimal | None, str | None]:
    """The user's own limit converted to ``currency`` (rounded down by the rounding to the
    currency: never more than the limit is worth), or a reason why there is none."""
    if user is None:
        return None, Reason.AUTOMATION
    stored = (
        StoreMembership.objects.filter(user_id=user.pk, store_id=store.pk)
        .values_list("refund_approval_limit", flat=True)
        .first()
    )
    if stored is None:
        return None, Reason.NO_LIMIT
    limit = Money.stored(stored, store.currency)
    if currency == store.currency:
        return limit.amount, None
    converted = exchange_rates.convert(limit, currency, on=on, rounding=ROUND_DOWN)
    if converted is None:
        return None, Reason.NO_EXCHANGE_RATE
    return converted.amount, None


def decide(
    *,
    amount: Money,
    store,
    ticket,
    kind: str,
    requester,
    categories: list[str],
    suggestion: Money | None,
    customer=None,
    on: date,
) -> Decision:
    """Why this refund needs a supervisor (empty: the requester may approve it alone)."""
    reasons: list[str] = []
    limit, missing = limit_in(requester, store, amount.currency, on=on)
    if missing:
        reasons.append(missing)
    elif amount.amount > limit:
        reasons.append(Reason.ABOVE_LIMIT)
    if ReturnAuthorization.objects.filter(ticket_id=ticket.pk, qc_result=QcResult.FAIL).exists():
        reasons.append(Reason.QC_FAILED)
    if kind == RefundKind.WITHOUT_RETURN and store.refund_without_return_limit is not None:
        in_store = exchange_rates.convert(amount, store.currency, on=on, rounding=ROUND_UP)
        if in_store is None:
            if Reason.NO_EXCHANGE_RATE not in reasons:
                reasons.append(Reason.NO_EXCHANGE_RATE)
        elif in_store.amount > store.refund_without_return_limit:
            reasons.append(Reason.WITHOUT_RETURN)
    high_value = {c.strip().casefold() for c in store.high_value_categories or [] if isinstance(c, str) and c.strip()}
    if high_value & {c.strip().casefold() for c in categories if c}:
        reasons.append(Reason.HIGH_VALUE_CATEGORY)
    if customer is not None and customer.return_risk:
        reasons.append(Reason.RETURN_RISK)
    if suggestion is not None and amount > suggestion:
        reasons.append(Reason.ABOVE_SUGGESTION)
    return Decision(reasons=[str(r) for r in reasons], limit=limit)
