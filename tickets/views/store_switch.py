"""The store switcher of the top bar: the inbox's ``store`` filter, remembered in the session for
the next visit to the inbox. It lists only the stores the user sees; a remembered store the user
lost access to is forgotten without a word."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import Store
from ..selectors.saved_views import SwitcherStore, switcher_stores
from ..validators import small_int

SESSION_KEY = "inbox_store"


def visible_stores(request):
    """The user's stores, asked once per request (the inbox's store filter lists them too)."""
    stores = getattr(request, "_visible_stores", None)
    if stores is None:
        stores = request._visible_stores = SimpleLazyObject(lambda: list(Store.objects.visible_to(request.user)))
    return stores


def follow(request):
    """On a visit to the inbox: remember the store its URL names (none: all stores), or send a URL
    that names no store to the remembered one. None when the page is to be shown as asked."""
    if request.headers.get("HX-Request"):
        return None  # more rows of the page shown: nothing chosen, nothing to send anywhere
    if "store" in request.GET:
        _remember(request, request.GET.getlist("store"))
        return None
    remembered = request.session.get(SESSION_KEY)
    if remembered is None:
        return None
    if remembered not in {store.pk for store in visible_stores(request)}:
        del request.session[SESSION_KEY]
        return None
    params = request.GET.copy()
    params["store"] = str(remembered)
    return redirect(f"{reverse('inbox')}?{params.urlencode()}")


def _remember(request, values: list[str]) -> None:
    values = [value for value in values if value.strip()]
    if not values:
        request.session.pop(SESSION_KEY, None)
        return
    pk = small_int(values[0].strip(), digits=18) if len(values) == 1 else None
    visible = pk is not None and pk in {store.pk for store in visible_stores(request)}
    if visible and request.session.get(SESSION_KEY) != pk:
        request.session[SESSION_KEY] = pk


@dataclass(frozen=True)
class Choice:
    item: SwitcherStore | None  # None: all stores
    href: str
    current: bool

    @property
    def label(self) -> str:
        return self.item.label if self.item else _("All stores")


@dataclass(frozen=True)
class Switcher:
    label: str
    choices: list[Choice]


def switcher(request, *, on_inbox: bool = True) -> Switcher:
    """The switcher's choices: on the inbox each keeps the other filters of the page."""
    items = switcher_stores(visible_stores(request))
    if on_inbox:
        params = request.GET.copy()
        for name in ("store", "after"):
            params.pop(name, None)
        chosen = request.GET.getlist("store")
    else:
        params = QueryDict(mutable=True)
        remembered = request.session.get(SESSION_KEY)
        chosen = [str(remembered)] if remembered else []
    base = reverse("inbox") + "?" + (params.urlencode() + "&" if params else "")
    chosen = [value for value in chosen if value.strip()]
    picked = small_int(chosen[0], digits=18) if len(chosen) == 1 else None
    choices = [Choice(None, f"{base}store=", not chosen)]
    choices += [Choice(item, f"{base}store={item.store.pk}", item.store.pk == picked) for item in items]
    current = next((choice for choice in choices if choice.current), None)
    label = current.label if current else _("Several stores")
    return Switcher(label=label, choices=choices)


@login_required
@require_GET
def menu(request):
    """The switcher's list on pages other than the inbox, asked for when it is opened (those
    pages spend no query on it); a remembered store the user lost is dropped here too."""
    remembered = request.session.get(SESSION_KEY)
    if remembered is not None and remembered not in {store.pk for store in visible_stores(request)}:
        del request.session[SESSION_KEY]
    return render(request, "components/store_menu.html", {"switcher": switcher(request, on_inbox=False)})
