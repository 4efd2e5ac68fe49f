"""Saved inbox views: save one, rename, share or stop sharing, delete; each audited.

A view's name is unique per owner (and among shared views, so the shared list never shows two
alike); its query keeps only the inbox's known parameters, and filters the inbox would refuse
are refused here. Only supervisors and admins share a view or change a shared one."""

from __future__ import annotations

import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import DomainError, NotFound, PermissionDenied
from ..models import SavedView
from ..selectors import saved_views as read
from . import audit

SHARE = read.SHARE
NAME_MAX = 60
MAX_PER_OWNER = 50


class SavedViewInvalid(DomainError):
    code = "saved_view_invalid"
    default_message = gettext_lazy("This view cannot be saved.")


class SavedViewNameTaken(SavedViewInvalid):
    code = "saved_view_name_taken"
    http_status = 409


def clean_name(text: object) -> str:
    """A view's name as typed, trimmed; refused when empty, too long or holding control characters."""
    name = " ".join(str(text or "").split())
    if not name:
        raise SavedViewInvalid(_("Give the view a name."))
    if len(name) > NAME_MAX:
        raise SavedViewInvalid(_("A view's name has at most %(count)d characters.") % {"count": NAME_MAX})
    if any(unicodedata.category(char)[0] == "C" for char in name):
        raise SavedViewInvalid(_("A view's name cannot hold control characters."))
    return name


def clean_query(raw: str, *, actor) -> str:
    """The query as stored: known parameters only, and none the inbox would refuse."""
    query = read.normalize_query(raw)
    if len(query) > read.QUERY_MAX:
        raise SavedViewInvalid(_("These filters are too long to save; remove some."))
    errors = read.filter_errors(query, actor)
    if errors:
        details = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        raise SavedViewInvalid(_("Some filters are not valid: %(details)s") % {"details": details})
    return query


def save_view(*, actor, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the inbox's current filters and sort under a name, as the actor's own view."""
    name = clean_name(name)
    query = clean_query(query, actor=actor)
    if shared and not read.can_share(actor):
        raise PermissionDenied(_("Only supervisors and admins share views."))
    with transaction.atomic():
        own = SavedView.objects.filter(owner=actor)
        if own.count() >= MAX_PER_OWNER:
            raise SavedViewInvalid(_("You have %(count)d views already; delete one first.") % {"count": MAX_PER_OWNER})
        _ensure_free(actor, name, shared=shared)
        position = (own.aggregate(last=Max("position"))["last"] or 0) + 1
        view = _write(
            lambda: SavedView.objects.create(owner=actor, name=name, query=query, shared=shared, position=position),
            name,
        )
        audit.record(
            actor=actor, action="saved_view.saved", obj=view, after={"name": name, "query": query, "shared": shared}
        )
    return view


def rename_view(view: SavedView, name: str, *, actor) -> SavedView:
    _editable(view, actor)
    name = clean_name(name)
    if name == view.name:
        return view
    with transaction.atomic():
        locked = SavedView.objects.select_for_update().get(pk=view.pk)
        _ensure_free(locked.owner, name, shared=locked.shared, exclude=locked.pk)
        before = locked.name
        locked.name = name
        _write(lambda: locked.save(update_fields=["name", "updated_at"]), name)
        audit.record(
            actor=actor, action="saved_view.renamed", obj=locked, before={"name": before}, after={"name": name}
        )
    view.name = name
    return view


def share_view(view: SavedView, shared: bool, *, actor) -> SavedView:
    """Show a view to everybody who uses the inbox, or take it back to its owner alone."""
    _visible(view, actor)
    if not read.can_share(actor, view):
        raise PermissionDenied(_("Only supervisors and admins share views."))
    if view.shared == shared:
        return view
    with transaction.atomic():
        locked = SavedView.objects.select_for_update().get(pk=view.pk)
        if shared:
            _ensure_free(locked.owner, locked.name, shared=True, exclude=locked.pk)
        locked.shared = shared
        locked.save(update_fields=["shared", "updated_at"])
        action = "saved_view.shared" if shared else "saved_view.unshared"
        audit.record(actor=actor, action=action, obj=locked, before={"shared": not shared}, after={"shared": shared})
    view.shared = shared
    return view


def delete_view(view: SavedView, *, actor) -> None:
    _editable(view, actor)
    with transaction.atomic():
        locked = SavedView.objects.select_for_update().filter(pk=view.pk).first()
        if locked is None:
            return
        audit.record(
            actor=actor,
            action="saved_view.deleted",
            obj=locked,
            before={"name": locked.name, "query": locked.query, "shared": locked.shared, "owner": locked.owner_id},
        )
        locked.delete()


def _visible(view: SavedView, actor) -> None:
    """Another user's private view is as missing as one that does not exist."""
    if not view.shared and view.owner_id != getattr(actor, "pk", None):
        raise NotFound()


def _editable(view: SavedView, actor) -> None:
    _visible(view, actor)
    if not read.can_edit(actor, view):
        raise PermissionDenied(_("Only supervisors and admins change shared views."))


def _ensure_free(owner, name: str, *, shared: bool, exclude: int | None = None) -> None:
    taken = SavedView.objects.filter(owner=owner, name__iexact=name)
    if shared:
        taken = taken | SavedView.objects.filter(shared=True, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise SavedViewNameTaken(_("A view called “%(name)s” exists already; choose another name.") % {"name": name})


def _write(write, name: str):
    """Two saves at once with one name: the constraint refuses the second, with the same message."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        raise SavedViewNameTaken(
            _("A view called “%(name)s” exists already; choose another name.") % {"name": name}
        ) from None
