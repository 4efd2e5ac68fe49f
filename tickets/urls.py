"""URLs of the web pages: login, inbox, ticket."""

from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from .views import evidence, inbox, me, presence, replies, returns, ticket, ticket_edit, ticket_merge, ticket_new

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
    path("tickets/<int:number>/macro/", replies.macro_preview, name="ticket-macro"),
    path("tickets/<int:number>/block-sender/", ticket.block_sender, name="ticket-block-sender"),
    path("tickets/new/", ticket_new.new_ticket, name="ticket-new"),
    path("tickets/<int:number>/priority/", ticket_edit.set_priority, name="ticket-priority"),
    path("tickets/<int:number>/type/", ticket_edit.set_type, name="ticket-type"),
    path("tickets/<int:number>/tags/", ticket_edit.add_tags, name="ticket-tag"),
    path("tickets/<int:number>/tags/remove/", ticket_edit.remove_tag, name="ticket-untag"),
    path("tickets/<int:number>/merge/", ticket_merge.merge_ticket, name="ticket-merge"),
    path("tickets/<int:number>/split/", ticket_merge.split_message, name="ticket-split"),
    path("tickets/<int:number>/link/search/", ticket_merge.link_search, name="ticket-link-search"),
    path("tickets/<int:number>/link/", ticket_merge.link, name="ticket-link"),
    path("tickets/<int:number>/evidence/", evidence.upload, name="ticket-evidence-upload"),
    path("tickets/<int:number>/evidence/file/", evidence.download, name="ticket-evidence-file"),
    path("tickets/<int:number>/evidence/thumbnail/", evidence.thumbnail, name="ticket-evidence-thumbnail"),
    path("tickets/<int:number>/evidence/pack/", evidence.pack, name="ticket-evidence-pack"),
    path("tickets/<int:number>/presence/", presence.presence, name="ticket-presence"),
    path("me/settings/", me.my_settings, name="my-settings"),
    path("me/language/", me.set_language, name="my-language"),
    path("notifications/", me.notifications, name="notifications"),
    path("notifications/bell/", me.notification_bell, name="notifications-bell"),
    path("notifications/latest/", me.notification_dropdown, name="notifications-latest"),
    path("notifications/open/", me.open_notification, name="notification-open"),
]
