"""URLs of the admins' store connection pages and the mail quarantine (under /settings/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("stores/", views.store_list, name="store-list"),
    path("stores/<int:store_id>/connection/", views.store_connection, name="store-connection"),
    path("stores/<int:store_id>/test/", views.store_test, name="store-test"),
    path("stores/<int:store_id>/toggle/", views.store_toggle, name="store-toggle"),
    path("stores/<int:store_id>/sync/", views.store_sync_now, name="store-sync"),
    path("stores/<int:store_id>/status/", views.store_status, name="store-status"),
    path("payloads/<int:payload_id>/replay/", views.payload_replay, name="payload-replay"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/<int:email_id>/assign/", views.quarantine_assign, name="quarantine-assign"),
    path("quarantine/<int:email_id>/drop/", views.quarantine_drop, name="quarantine-drop"),
]
