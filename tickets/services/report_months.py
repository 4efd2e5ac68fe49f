"""Closing a month of the refund report, and which months are open.

Finance closes a month once it has ended and its figures are agreed; from then on its refunds do
not change. A refund that would count in a closed month (a correction, or one whose chosen month
has been closed in the meantime) counts in ``open_month_for`` instead and names the refund it
corrects (the refund flow does that; this module only answers which months are open).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import MonthAlreadyClosed, MonthNotOver
from ..models import ClosedMonth
from ..months import current_month, month_key, month_start, next_month
from ..permissions import require
from . import audit

CLOSE_PERMISSION = "tickets.close_refund_month"


def is_closed(month: date | datetime) -> bool:
    return ClosedMonth.objects.filter(month=month_start(month)).exists()


def open_month_for(day: date | datetime) -> date:
    """The first month, on or after the month of ``day``, that is not closed."""
    month = month_start(day)
    closed = set(ClosedMonth.objects.filter(month__gte=month).values_list("month", flat=True))
    while month in closed:
        month = next_month(month)
    return month


def close_month(*, month: date | datetime, actor) -> ClosedMonth:
    """Close ``month`` of the refund report: finance only, once the month has ended, once."""
    require(actor, CLOSE_PERMISSION)
    month = month_start(month)
    if month >= current_month():
        raise MonthNotOver(
            _("%(month)s has not ended yet: close it from %(next)s on.")
            % {"month": month_key(month), "next": month_key(next_month(month))}
        )
    try:
        with transaction.atomic():
            closed = ClosedMonth.objects.create(month=month, closed_by=actor)
            audit.record(
                actor=actor,
                action="refund_month_closed",
                obj=closed,
                after={"month": month_key(month), "closed_at": timezone.now().isoformat()},
            )
    except IntegrityError:
        raise MonthAlreadyClosed(_("%(month)s is already closed.") % {"month": month_key(month)}) from None
    return closed
