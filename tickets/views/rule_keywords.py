"""Keyword sets: the named, multilingual word lists the rules' text conditions match. A supervisor
edits one keyword per row (text, language, match mode); services/rules.save_keyword_set validates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..errors import DomainError
from ..models import MatchMode, Store
from ..selectors import rules as read
from ..validators import small_int
from . import rule_form
from .rules import errors_of, require_rule_editor

# The languages the text tools detect (tickets/rules/text.py), in the order the keyword sets list them.
LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "ja", "zh", "ko", "th")
NEW_ROWS = 3


@login_required
@require_GET
def keyword_list(request):
    require_rule_editor(request)
    sets = list(read.keyword_sets(request.user))
    for ks in sets:
        ks.languages = sorted({str(k.get("lang", "")) for k in ks.keywords or [] if isinstance(k, dict)} - {""})
    return render(request, "rules/keywords.html", {"rules_tab": "keywords", "sets": sets})


def _context(request, ks, fields, keywords, keys, errors=None):
    errors = errors or {}
    rows = rule_form.keyword_rows(keywords, errors, keys)
    used = [r.key for r in rows]
    while len(rows) < len(keywords) + NEW_ROWS and not errors:
        key = rule_form.next_key_kw(used)
        used.append(key)
        rows.append(rule_form.KeywordRow(key, "", "", "", {}))
    return {
        "rules_tab": "keywords",
        "keyword_set": ks,
        "fields": fields,
        "rows": rows,
        "errors": rule_form.field_errors(errors),
        "stores": read.stores(request.user),
        "keyword_languages": LANGUAGES,
        "modes": MatchMode.choices,
        "rows_invalid": any(r.errors for r in rows),
    }


@login_required
@require_http_methods(["GET", "POST"])
def keyword_edit(request, keyword_set_id: int | None = None):
    require_rule_editor(request)
    ks = None
    if keyword_set_id is not None:
        ks = read.keyword_set(request.user, keyword_set_id)
        if ks is None:
            raise Http404
    if request.method == "GET":
        fields = {
            "name": ks.name if ks else "",
            "label": ks.label if ks else "",
            "description": ks.description if ks else "",
            "store": ks.store_id if ks else None,
            "enabled": ks.enabled if ks else True,
        }
        keywords = list(ks.keywords or []) if ks else []
        return render(request, "rules/keyword_set.html", _context(request, ks, fields, keywords, None))
    post = request.POST
    store_id = post.get("store", "")
    fields = {
        "name": post.get("name", "").strip(),
        "label": post.get("label", "").strip(),
        "description": post.get("description", "").strip(),
        "store": small_int(store_id),
        "enabled": post.get("enabled", "") == "on",
    }
    if ks is not None:
        fields["name"], fields["store"] = ks.name, ks.store_id  # the rules name it: both stay
    keywords, keys = rule_form.parse_keywords(post)
    store = ks.store if ks is not None else None
    if ks is None and fields["store"] is not None:
        store = Store.objects.visible_to(request.user).filter(pk=fields["store"]).first()
        if store is None:
            errors = {"store": [_("Choose one of your stores.")]}
            return render(
                request, "rules/keyword_set.html", _context(request, ks, fields, keywords, keys, errors), status=400
            )
    from ..services import rules as service

    try:
        saved = service.save_keyword_set(
            keyword_set=ks,
            actor=request.user,
            name=fields["name"],
            label=fields["label"],
            description=fields["description"],
            store=store,
            enabled=fields["enabled"],
            keywords=keywords,
        )
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404 from exc
        if exc.http_status == 403 and not getattr(exc, "errors", None):
            raise PermissionDenied(exc.message) from exc
        context = _context(request, ks, fields, keywords, keys, errors_of(exc))
        return render(request, "rules/keyword_set.html", context, status=400)
    messages.success(request, _("Keyword set “%(name)s” saved.") % {"name": saved.label or saved.name})
    return redirect("rule-keyword-edit", keyword_set_id=saved.pk)
