"""The SLA clock as an agent sees it: how long is left, and whether that is fine, at risk or breached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

AT_RISK_SHARE = 0.25  # amber when under a quarter of the target is left
AT_RISK_WITHIN = timedelta(hours=4)  # the "SLA at risk" view and the sweep's warning: due within this


@dataclass(frozen=True)
class SlaClock:
    state: str  # "ok", "at_risk", "breached", "paused"
    text: str


def _span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 60 * 24)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s m") % {"h": hours, "m": mins}
    return _("%(m)s m") % {"m": mins}


def sla_clock(due: datetime | None, started: datetime | None, now: datetime) -> SlaClock | None:
    if due is None:
        return None
    left = due - now
    if left <= timedelta(0):
        return SlaClock("breached", _("overdue %(span)s") % {"span": _span(-left)})
    target = (due - started) if started and started < due else left
    state = "at_risk" if left <= target * AT_RISK_SHARE else "ok"
    return SlaClock(state, _span(left))
