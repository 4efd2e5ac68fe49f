"""Operational endpoints: /healthz for load balancers and monitors."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import OK, health


@never_cache
@require_GET
def healthz(request):
    report = health()
    status = 200 if all(value == OK for value in report.values()) else 503
    return JsonResponse(report, status=status)
