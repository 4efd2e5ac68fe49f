"""URLs of the REST API: token, the read-only collections, the OpenAPI schema and its docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("stores", views.StoreViewSet, basename="store")
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("orders", views.OrderViewSet, basename="order")
router.register("refunds", views.RefundViewSet, basename="refund")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
