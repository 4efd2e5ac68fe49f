"""URLs of the integrations app: platform webhooks."""

from django.urls import path

from . import webhooks

app_name = "integrations"

urlpatterns = [
    path("webhooks/shopify/", webhooks.shopify_webhook, name="shopify_webhook"),
]
