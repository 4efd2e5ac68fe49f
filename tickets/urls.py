"""URLs of the web pages: login, inbox, ticket."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from .views import inbox, replies, returns, ticket

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="inbox", permanent=False)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/bulk/", inbox.bulk_action, name="inbox-bulk"),
    path("inbox/changes/", inbox.inbox_changes, name="inbox-changes"),
    path("tickets/<int:number>/", ticket.ticket_detail, name="ticket"),
    path("tickets/<int:number>/status/", ticket.change_status, name="ticket-status"),
    path("tickets/<int:number>/assign/", ticket.assign, name="ticket-assign"),
    path("tickets/<int:number>/note/", ticket.add_note, name="ticket-note"),
    path("tickets/<int:number>/reply/", replies.reply, name="ticket-reply"),
    path("tickets/<int:number>/reply/retry/", replies.retry_reply, name="ticket-reply-retry"),
    path("tickets/<int:number>/macros/", replies.macro_picker, name="ticket-macros"),
    path("tickets/<int:number>/returns/new/", returns.new_return, name="ticket-return-new"),
    path("tickets/<int:number>/returns/", returns.create_return, name="ticket-return-create"),
    path("tickets/<int:number>/returns/arrived/", returns.parcel_arrived, name="ticket-return-arrived"),
    path("tickets/<int:number>/returns/inspect/", returns.inspect, name="ticket-return-inspect"),
    path("tickets/<int:number>/replacement/new/", returns.new_replacement, name="ticket-replacement-new"),
    path("tickets/<int:number>/replacement/", returns.create_replacement, name="ticket-replacement-create"),
    path("tickets/<int:number>/macro/", replies.macro_preview, name="ticket-macro"),
    path("tickets/<int:number>/block-sender/", ticket.block_sender, name="ticket-block-sender"),
]
