"""Operational endpoints: /healthz for load balancers and monitors."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import database_health, health, is_healthy


@never_cache
@require_GET
def healthz(request):
    # ``?scope=web`` is the web process's own probe (container healthchecks, load balancers): a
    # stalled queue must not take the web nodes out of rotation. Monitors read the full report.
    report = {"database": database_health()} if request.GET.get("scope") == "web" else health()
    return JsonResponse(report, status=200 if is_healthy(report) else 503)
