"""GET /api/reports/refunds/?month=YYYY-MM: the refund report of a month as JSON totals, or the
month's refunds as CSV or XLSX (the same files as the report page), chosen with ``?format=`` or
the Accept header. Needs tickets.view_refund_report; rows of the caller's stores only.

The files are streamed (tickets/services/refund_export.py): the renderers below take part in
content negotiation and in the schema, and the view answers with a streaming response built from
the same generator as the page's download. Refusals are JSON ``{"code", "detail"}`` whatever was
asked for.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..months import MONTH_PATTERN, current_month, month_key, parse_month
from ..selectors import refund_report
from ..services import refund_export
from ..validators import MAX_ID
from .auth import TokenAuthentication
from .contract import Param, QueryContract
from .errors import UnprocessableQuery
from .serializers import MoneySerializer
from .views import ContractMixin

VIEW_PERMISSION = "tickets.view_refund_report"


class CsvRenderer(BaseRenderer):
    media_type = "text/csv"
    format = refund_export.CSV
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        # The view streams files itself; only a body the view did not make would get here.
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


class XlsxRenderer(BaseRenderer):
    media_type = refund_export.CONTENT_TYPES[refund_export.XLSX]
    format = refund_export.XLSX
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


class CanViewRefundReport(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(VIEW_PERMISSION))


class TotalSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="The value totalled (store id, platform, method, reason, SKU), or no_lines / not_on_a_line / other."
    )
    label = serializers.CharField(help_text="The value as people read it, in the caller's language.")
    count = serializers.IntegerField(
        allow_null=True, help_text="Refunds; SKU rows: refund lines; null for the not_on_a_line amount."
    )
    amount = MoneySerializer(help_text="The total, in one currency: currencies are never added together.")
    units = serializers.IntegerField(allow_null=True, help_text="SKU rows: units refunded; otherwise null.")
    special = serializers.ChoiceField(
        choices=["", refund_report.NO_LINES, refund_report.NOT_ON_A_LINE, refund_report.OTHER],
        help_text="Empty for a value of the dimension; else which kind of remainder row this is.",
    )

    class Meta:
        ref_name = "RefundReportTotal"


class PointSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    count = serializers.IntegerField()
    amount = MoneySerializer()

    class Meta:
        ref_name = "RefundReportPoint"

    def get_month(self, point: refund_report.Point) -> str:
        return month_key(point.month)


class SeriesSerializer(serializers.Serializer):
    currency = serializers.CharField()
    points = PointSerializer(many=True, help_text="The twelve months up to the report's month, oldest first.")

    class Meta:
        ref_name = "RefundReportSeries"


class RefundReportSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    state = serializers.SerializerMethodField(help_text="open, or closed by finance (its refunds no longer change).")
    closed_by = serializers.SerializerMethodField(help_text="Username; null while the month is open.")
    closed_at = serializers.SerializerMethodField(help_text="Null while the month is open.")
    stores = serializers.ListField(
        child=serializers.IntegerField(), source="store_ids", help_text="The store filter; empty: all your stores."
    )
    rows = serializers.IntegerField(help_text="Refunds of the month: rows of the CSV and XLSX.")
    currencies = TotalSerializer(many=True, help_text="The month's total per currency.")
    by_store = TotalSerializer(many=True)
    by_platform = TotalSerializer(many=True)
    by_method = TotalSerializer(many=True)
    by_reason = TotalSerializer(many=True, help_text="The most frequent reasons, then one other row per currency.")
    by_sku = TotalSerializer(
        many=True,
        help_text="Per SKU from the refunds' lines; no_lines: refunds without lines; not_on_a_line: shipping and adjustments.",
    )
    series = SeriesSerializer(many=True, help_text="Per currency, the last twelve months, for a chart.")

    class Meta:
        ref_name = "RefundReport"

    def get_month(self, report: refund_report.RefundReport) -> str:
        return month_key(report.month)

    def get_state(self, report: refund_report.RefundReport) -> str:
        return "closed" if self.context.get("closed") else "open"

    def get_closed_by(self, report: refund_report.RefundReport) -> str | None:
        closed = self.context.get("closed")
        return closed.closed_by.username if closed else None

    def get_closed_at(self, report: refund_report.RefundReport) -> str | None:
        closed = self.context.get("closed")
        return serializers.DateTimeField().to_representation(closed.closed_at) if closed else None


FILES = {refund_export.CSV, refund_export.XLSX}


@extend_schema(
    summary="The refund report of a month: totals, or its refunds as CSV or XLSX",
    responses={
        (200, "application/json"): RefundReportSerializer,
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per refund (columns: see README)."),
        (200, XlsxRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The same rows, as XLSX."),
    },
)
class RefundReportView(ContractMixin, APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, CanViewRefundReport]
    renderer_classes = [JSONRenderer, CsvRenderer, XlsxRenderer]
    # 422: a store filter naming a store that is not yours.
    refusals = (400, 401, 403, 406, 422)

    def query_contract(self) -> QueryContract:
        return QueryContract(
            (
                Param(
                    "month",
                    {"type": "string", "pattern": MONTH_PATTERN},
                    description=gettext_lazy("YYYY-MM; the current month (UTC) when left out."),
                ),
                Param(
                    "store",
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    many=True,
                    description=gettext_lazy("Only these stores of yours; all of them when left out."),
                ),
                Param(
                    "format",
                    {"type": "string", "enum": ["json", refund_export.CSV, refund_export.XLSX]},
                    description=gettext_lazy("json (the default), csv or xlsx; or ask with the Accept header."),
                ),
            )
        )

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # A ?format= no renderer has would be DRF's 404; the query contract answers it (400) once
        # the caller is known, so negotiate as if it were absent.
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            return super().perform_content_negotiation(request, force=True)

    def handle_exception(self, exc: Exception) -> Response:
        # Refusals are JSON, whichever file was asked for.
        request = self.request
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)

    def get(self, request: Request) -> Any:
        raw = request.query_params.get("month")
        month = parse_month(raw) if raw else current_month()
        store_ids = sorted({int(value) for value in request.query_params.getlist("store")})
        if store_ids and refund_report.visible_stores(request.user, store_ids).count() != len(store_ids):
            raise UnprocessableQuery({"store": [_("Not a store you are a member of.")]})
        fmt = request.accepted_renderer.format
        if fmt in FILES:
            queryset = refund_export.export_queryset(request.user, month, store_ids)
            response = refund_export.download_response(queryset, month, fmt)
            patch_vary_headers(response, ["Accept"])
            return response
        report = refund_report.report(request.user, month, store_ids)
        context = {"closed": refund_report.closed_month(month)}
        response = Response(RefundReportSerializer(report, context=context).data)
        patch_vary_headers(response, ["Accept"])
        return response
