"""Finance's refund report: the month's totals and chart, its CSV/XLSX download (or a background
export with a progress bar for a large month), and closing the month.

Every view needs tickets.view_refund_report (finance, supervisors, admins; agents get 403) and
reads only the stores the user is a member of. A store filter naming another store is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..errors import DomainError, InvalidMonth, NotFound
from ..models import ExportStatus
from ..months import current_month, month_key, next_month, parse_month, previous_month
from ..selectors import refund_report
from ..services import refund_export, report_months
from ..validators import small_int

VIEW = "tickets.view_refund_report"


def _allowed(request) -> None:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied


def _month(raw: str | None):
    """The month asked for; the current month when none is."""
    return current_month() if raw in (None, "") else parse_month(raw)


def _store_ids(request, raw: str | None) -> list[int]:
    """The store filter: one store of the user's, or none (all of them). Another store's id is a 404."""
    if raw in (None, ""):
        return []
    pk = small_int(raw, digits=18)
    if pk is None or not refund_report.visible_stores(request.user, [pk]).exists():
        raise Http404
    return [pk]


def _query(month, store_ids: list[int], **extra) -> str:
    params = {"month": month_key(month), **({"store": store_ids[0]} if store_ids else {}), **extra}
    return urlencode(params)


@login_required
@require_GET
def refund_report_page(request):
    _allowed(request)
    store_ids = _store_ids(request, request.GET.get("store"))
    try:
        month = _month(request.GET.get("month"))
    except InvalidMonth as exc:
        context = {"report_tab": "refunds", "month_error": exc.message, "month_value": request.GET.get("month", "")}
        context |= {"stores": refund_report.visible_stores(request.user), "store_ids": store_ids}
        return render(request, "reports/refunds.html", context, status=400)
    report = refund_report.report(request.user, month, store_ids)
    closed = refund_report.closed_month(month)
    context = {
        "report_tab": "refunds",
        "report": report,
        "month": month,
        "month_value": month_key(month),
        "previous": _query(previous_month(month), store_ids),
        "next": _query(next_month(month), store_ids) if month < current_month() else "",
        "report_query": _query(month, store_ids),
        "stores": refund_report.visible_stores(request.user),
        "store_ids": store_ids,
        "closed": closed,
        "can_close": (
            closed is None and month < current_month() and request.user.has_perm(report_months.CLOSE_PERMISSION)
        ),
        "inline": report.rows <= refund_export.inline_limit(),
        "inline_limit": refund_export.inline_limit(),
        "exports": refund_export.exports_of(request.user, month),
        "chart": _chart(report),
        "series_rows": _series_rows(report),
    }
    return render(request, "reports/refunds.html", context)


def _chart(report) -> dict:
    """What static/js/refund-report.js draws: per currency, one amount per month (decimal strings)."""
    labels = [month_key(point.month) for point in report.series[0].points] if report.series else []
    return {
        "labels": labels,
        "series": [
            {
                "currency": series.currency,
                "amounts": [format(point.amount.amount, "f") for point in series.points],
                "counts": [point.count for point in series.points],
            }
            for series in report.series
        ],
        "count_label": _("refunds"),
    }


def _series_rows(report) -> list[tuple]:
    """The chart as a table: per month, the point of each currency (the same order as the header)."""
    if not report.series:
        return []
    return [
        (point.month, [series.points[i] for series in report.series]) for i, point in enumerate(report.series[0].points)
    ]


@login_required
@require_GET
def refund_report_download(request):
    """The month's CSV or XLSX, streamed; a month past the inline limit goes to the background."""
    _allowed(request)
    store_ids = _store_ids(request, request.GET.get("store"))
    fmt = request.GET.get("format", refund_export.CSV)
    if fmt not in refund_export.FORMATS:
        raise Http404
    try:
        month = _month(request.GET.get("month"))
    except InvalidMonth as exc:
        messages.error(request, exc.message)
        return redirect("refund-report")
    queryset = refund_export.export_queryset(request.user, month, store_ids)
    if queryset.count() > refund_export.inline_limit():
        messages.info(request, _("This month is too large to download at once: export it below."))
        return redirect(f"{reverse('refund-report')}?{_query(month, store_ids)}#exports")
    return refund_export.download_response(queryset, month, fmt)


@login_required
@require_POST
def refund_export_start(request):
    _allowed(request)
    store_ids = _store_ids(request, request.POST.get("store"))
    fmt = request.POST.get("format", "")
    try:
        month = _month(request.POST.get("month"))
        refund_export.start_export(user=request.user, month=month, fmt=fmt, store_ids=store_ids)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("refund-report")
    if request.headers.get("HX-Request"):
        return _exports_panel(request, month, store_ids)
    return redirect(f"{reverse('refund-report')}?{_query(month, store_ids)}#exports")


def _exports_panel(request, month, store_ids):
    context = {"exports": refund_export.exports_of(request.user, month), "month": month, "store_ids": store_ids}
    return render(request, "components/refund_exports.html", context)


@never_cache
@login_required
@require_GET
def refund_export_progress(request):
    """One export's row: a moving progress bar while it runs (HTMX asks again), then its link."""
    _allowed(request)
    try:
        export = refund_export.export_of(request.user, small_int(request.GET.get("id", ""), digits=18))
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "components/refund_export.html", {"export": export})


@login_required
@require_GET
def refund_export_file(request):
    """The finished file, only for the user who asked for it, always as a download."""
    _allowed(request)
    try:
        export = refund_export.export_of(request.user, small_int(request.GET.get("id", ""), digits=18))
        if export.status != ExportStatus.DONE:
            raise NotFound()
        path = refund_export.export_path(export)
        file = open(path, "rb")  # noqa: SIM115  (FileResponse closes it)
    except (NotFound, FileNotFoundError) as exc:
        raise Http404 from exc
    response = FileResponse(file, content_type=refund_export.CONTENT_TYPES[export.format])
    return refund_export.attachment(response, refund_export.filename(export.month, export.format))


@login_required
@require_POST
def refund_month_close(request):
    _allowed(request)
    try:
        month = parse_month(request.POST.get("month"))
    except InvalidMonth as exc:
        messages.error(request, exc.message)
        return redirect("refund-report")
    try:
        report_months.close_month(month=month, actor=request.user)
    except DomainError as exc:
        if exc.http_status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(month)s is closed.") % {"month": date_format(month, "YEAR_MONTH_FORMAT")})
    return redirect(f"{reverse('refund-report')}?{_query(month, [])}")
