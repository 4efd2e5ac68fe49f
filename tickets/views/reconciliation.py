"""Finance's reconciliation page: our refunds against the platforms' for a month, as four lists
with counts and totals per currency. Read-only: nothing on it changes a refund."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ..models import Store
from ..selectors import reconciliation as rec
from ..selectors.periods import parse_month, this_month
from ..validators import small_int

REPORT = "tickets.view_refund_report"

LIST_LABELS = {
    rec.MATCHED: gettext_lazy("Matched"),
    rec.MISMATCH: gettext_lazy("Amount mismatch"),
    rec.PLATFORM_ONLY: gettext_lazy("On the platform, not here"),
    rec.OURS_ONLY: gettext_lazy("Here, not on the platform"),
}


def report_params(request) -> tuple[date, str, int | None, list[Store]]:
    """The page's month (the current one when absent), an error about it, the chosen store (one
    of the user's, else all of them) and the user's stores for the store filter."""
    if not request.user.has_perm(REPORT):
        raise PermissionDenied
    raw = request.GET.get("month", "").strip()
    month = parse_month(raw) if raw else this_month()
    error = ""
    if month is None:
        error = _("Enter the month as YYYY-MM, e.g. %(example)s.") % {"example": this_month().strftime("%Y-%m")}
        month = this_month()
    stores = list(Store.objects.visible_to(request.user).order_by("name", "pk"))
    wanted = small_int(request.GET.get("store", "").strip(), digits=18)
    store_id = wanted if wanted in {s.pk for s in stores} else None
    return month, error, store_id, stores


@login_required
@require_GET
def reconciliation_page(request):
    month, error, store_id, stores = report_params(request)
    tab = request.GET.get("list", rec.MATCHED)
    if tab not in rec.LISTS:
        tab = rec.MATCHED
    scope = rec.scope(request.user, month, store_id=store_id)
    sections = rec.summary(scope)
    rows = rec.page(scope, tab, cursor=request.GET.get("after", "")[:400])
    reconcile_days = sorted({s.reconcile_after_days for s in scope.stores})
    context = {
        "report_tab": "reconciliation",
        "month": month,
        "month_value": month.strftime("%Y-%m"),
        "month_error": error,
        "stores": stores,
        "store_id": store_id,
        "tab": tab,
        "tabs": [(name, LIST_LABELS[name], sections[name]) for name in rec.LISTS],
        "section": sections[tab],
        "page": rows,
        "reconcile_days": reconcile_days,
        "keep": [("list", tab)],
    }
    return render(request, "reports/reconciliation.html", context, status=400 if error else 200)
