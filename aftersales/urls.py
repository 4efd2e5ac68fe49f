"""URL map: web pages, the REST API and its docs, admin, health."""

from django.contrib import admin
from django.urls import include, path

from integrations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("tickets.api.urls")),
    path("integrations/", include("integrations.urls")),
    path("settings/", include("integrations.settings_urls")),
    path("", include("tickets.urls")),
]
