"""The signed-in person's own pages: their settings (language, time zone, e-mail choices), the top
bar's language switch, and their notifications (the bell, its list, marking read)."""

from __future__ import annotations

from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from ..errors import DomainError
from ..models import Notification
from ..models.notifications import NotificationKind
from ..services import notifications as notification_service
from ..services import profiles
from ..validators import small_int

PAGE_SIZE = 50
DROPDOWN_SIZE = 10


class SettingsForm(forms.Form):
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("As my browser asks")), *settings.LANGUAGES],
    )
    time_zone = forms.CharField(label=gettext_lazy("Time zone"), required=False, max_length=64)
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Also e-mail me when"),
        required=False,
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_settings(request):
    """Change one's own language, time zone and e-mail choices; a bad value is named by its field
    and nothing changes."""
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                chosen = profiles.update_settings(
                    user=request.user,
                    actor=request.user,
                    language=form.cleaned_data["language"],
                    time_zone=form.cleaned_data["time_zone"],
                    email_kinds=form.cleaned_data["email_kinds"],
                )
            except DomainError as exc:
                if exc.http_status == 403:
                    raise PermissionDenied(exc.message) from exc
                form.add_error(exc.params.get("field") if exc.params.get("field") in form.fields else None, exc.message)
            else:
                profiles.remember_in_session(request.session, chosen)
                response = redirect("my-settings")
                _language_cookie(response, chosen.language)
                messages.success(request, _("Your settings are saved."))
                return response
        status = 422
    else:
        chosen = profiles.preferences_of(request.user)
        form = SettingsForm(
            initial={
                "language": chosen.language,
                "time_zone": chosen.time_zone,
                "email_kinds": list(chosen.email_kinds),
            }
        )
        status = 200
    context = {
        "form": form,
        "zones": sorted(available_timezones()),
        "active_zone": timezone.get_current_timezone_name(),
        "now": timezone.now(),
    }
    return render(request, "tickets/my_settings.html", context, status=status)


def _language_cookie(response, language: str) -> None:
    """The chosen language also for the sign-in page, which knows nobody yet."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )


@login_required
@require_POST
def set_language(request):
    """The top bar's switch: saved as the user's own language, then Django's view sets the cookie
    and goes back to the page."""
    language = request.POST.get("language", "")
    try:
        chosen = profiles.update_settings(user=request.user, actor=request.user, language=language)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_safe_next(request))
    profiles.remember_in_session(request.session, chosen)
    return django_set_language(request)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "inbox"


# --- Notifications ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The latest notifications; POST marks read the ``id``s given, or all with ``all=1``."""
    if request.method == "POST":
        if request.POST.get("all") == "1":
            ids = None
        else:
            ids = [pk for pk in map(small_int, request.POST.getlist("id")) if pk is not None]
        notification_service.mark_read(request.user, ids=ids)
        if request.headers.get("HX-Request"):
            return _dropdown(request)
        return redirect(_safe_next(request) if request.POST.get("next") else "notifications")
    rows = notification_service.latest(request.user, limit=PAGE_SIZE)
    return render(request, "tickets/notifications.html", {"rows": rows, "now": timezone.now()})


@login_required
@require_GET
def notification_bell(request):
    """The bell's unread count (polled by the top bar)."""
    count = notification_service.unread_count(request.user)
    return render(
        request,
        "components/notification_count.html",
        {"count": count, "badge": notification_service.badge(count), "every": settings.NOTIFICATION_POLL_SECONDS},
    )


@login_required
@require_GET
def notification_dropdown(request):
    return _dropdown(request)


def _dropdown(request):
    rows = notification_service.latest(request.user, limit=DROPDOWN_SIZE)
    count = notification_service.unread_count(request.user)
    context = {
        "rows": rows,
        "now": timezone.now(),
        "count": count,
        "badge": notification_service.badge(count),
        "every": settings.NOTIFICATION_POLL_SECONDS,
    }
    return render(request, "components/notification_list.html", context)


@login_required
@require_GET
def open_notification(request):
    """Follow a notification (``?id=``): marked read, then its ticket. Another user's id is a 404."""
    pk = small_int(request.GET.get("id", ""))
    row = Notification.objects.filter(pk=pk, user=request.user).select_related("ticket").first() if pk else None
    if row is None:
        raise Http404
    notification_service.mark_read(request.user, ids=[row.pk])
    if row.ticket_id:
        return redirect("ticket", number=row.ticket.number)
    return redirect("notifications")
