"""Finance's return rates per SKU for a month, with the two months before and the flags."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..selectors import return_rates as rates
from .reconciliation import report_params


@login_required
@require_GET
def return_rates_page(request):
    month, error, store_id, stores = report_params(request)
    sku = request.GET.get("sku", "").strip()[:64]
    report = rates.return_rates(request.user, month, sku=sku, store_id=store_id)
    context = {
        "report_tab": "return_rates",
        "month": month,
        "month_value": month.strftime("%Y-%m"),
        "month_error": error,
        "stores": stores,
        "store_id": store_id,
        "sku": sku,
        "report": report,
        "flag_percent": rates.FLAG_RATE * 100,
        "persistent_months": rates.PERSISTENT_MONTHS,
        "row_cap": rates.ROW_CAP,
    }
    return render(request, "reports/return_rates.html", context, status=400 if error else 200)
