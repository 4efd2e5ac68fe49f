"""URLs of the REST API: token and logout, the read-only collections, the OpenAPI schema and its
docs, and a JSON 404 for every other path under /api/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import reports, rules, views

app_name = "api"

# No root view and no format suffixes: the schema lists every operation, and all of them are JSON.
router = SimpleRouter()
router.register("stores", views.StoreViewSet, basename="store")
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("orders", views.OrderViewSet, basename="order")
router.register("refunds", views.RefundViewSet, basename="refund")
router.register("rules", rules.RuleViewSet, basename="rule")
router.register("keyword-sets", rules.KeywordSetViewSet, basename="keyword-set")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("reports/refunds/", reports.RefundReportView.as_view(), name="report-refunds"),
    # Before the router: "try" is not a rule id.
    path("rules/try/", rules.RuleTryView.as_view(), name="rule-try"),
    path("", include(router.urls)),
    # [\s\S], not ".": a path holding a newline must land here too, not on the HTML 404 page.
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not-found"),
]
