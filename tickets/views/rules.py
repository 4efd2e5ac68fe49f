"""The rule pages for supervisors: the list by event (enable, move, drag to reorder) and the editor
(a form builder: conditions and actions picked from lists, each type's fields swapped in by HTMX).
Try it and simulate live in rule_try.py, keyword sets in rule_keywords.py; the form ↔ JSON in
rule_form.py. Every write goes through services/rules.py, which validates."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..errors import DomainError
from ..models import Rule, RuleEvent, Store
from ..models.rules import TIME_EVENTS
from ..permissions import can, may_change_global
from ..selectors import rules as read
from ..validators import small_int
from . import rule_form

CHANGE_RULE = "tickets.change_rule"
UNITS = {"hours": gettext_lazy("hours"), "days": gettext_lazy("days"), "working_days": gettext_lazy("working days")}


def require_rule_editor(request) -> None:
    if not can(request.user, CHANGE_RULE):
        raise PermissionDenied


def htmx(request) -> bool:
    return bool(request.headers.get("HX-Request"))


def registries():
    """The condition and action types (imported late: the engine loads its text tools on import)."""
    from ..rules.actions import ACTIONS
    from ..rules.conditions import CONDITIONS

    return CONDITIONS, ACTIONS


def type_choices(registry) -> list[tuple[str, str]]:
    return sorted(((name, str(spec.label)) for name, spec in registry.items()), key=lambda c: c[1].casefold())


def errors_of(exc: Exception) -> dict[str, list[str]]:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return {
            key: [str(m) for m in (value if isinstance(value, list | tuple) else [value])]
            for key, value in errors.items()
        }
    return {"all": [str(getattr(exc, "message", exc))]}


def toast(response: HttpResponse, text: str) -> HttpResponse:
    response["HX-Trigger"] = json.dumps({"toast": str(text)})  # ASCII-escaped: headers are Latin-1
    return response


# --- the list ---------------------------------------------------------------------------------------


def _filters(request) -> dict[str, str]:
    source = request.GET if request.method == "GET" else request.POST
    event = source.get("event", "")
    store = source.get("store", "")
    return {
        "event": event if event in RuleEvent.values else "",
        "store": store if store == "global" or small_int(store) is not None else "",
    }


def _list(request, *, status: int = 200, error: str = ""):
    filters = _filters(request)
    context = {
        "groups": read.rules(request.user, **filters),
        "filters": filters,
        "events": RuleEvent.choices,
        "stores": read.stores(request.user),
        "error": error,
        "days": read.RUNS_DAYS,
        "rules_tab": "rules",
    }
    template = "rules/_list.html" if htmx(request) else "rules/list.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def rule_list(request):
    require_rule_editor(request)
    return _list(request)


def may_change(user, rule: Rule | None) -> bool:
    """A rule for every store is an administrator's or a member's of every store (services.rules decides)."""
    return rule is None or rule.store_id is not None or may_change_global(user)


def _rule_or_404(request, pk) -> Rule:
    found = read.rule(request.user, pk)
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def toggle(request, rule_id: int):
    """Enable or disable one rule from the list; answers with its row."""
    require_rule_editor(request)
    from ..services import rules as service

    rule = _rule_or_404(request, rule_id)
    enabled = request.POST.get("enabled", "") in ("on", "true", "1")
    try:
        rule = service.set_rule_enabled(actor=request.user, rule=rule, enabled=enabled)
    except DomainError as exc:
        return _refused(request, exc)
    rule = _rule_or_404(request, rule_id)
    rule.runs_recent = read.runs_by_rule(request.user, [rule.pk]).get(rule.pk, 0)
    rule.can_change = may_change(request.user, rule)
    rule.action_lines = [read.action_line(a, read.referenced_names(rule.actions)) for a in rule.actions or []]
    siblings = [r.pk for group in read.rules(request.user, event=rule.event) for r in group.rules]
    at = siblings.index(rule.pk) if rule.pk in siblings else 0
    place = {"position": at + 1, "first": at == 0, "last": at == len(siblings) - 1}
    text = _("“%(name)s” enabled.") if rule.enabled else _("“%(name)s” disabled.")
    if not htmx(request):
        messages.success(request, text % {"name": rule.name})
        return redirect("rules")
    return toast(render(request, "rules/_row.html", {"rule": rule, **place}), text % {"name": rule.name})


@login_required
@require_POST
def move(request, rule_id: int):
    """Move a rule one place up or down within its event; answers with the whole list."""
    require_rule_editor(request)
    from ..services import rules as service

    rule = _rule_or_404(request, rule_id)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        return _list(request, status=400, error=_("Choose up or down."))
    try:
        service.move_rule(actor=request.user, rule=rule, direction=direction)
    except DomainError as exc:
        return _refused(request, exc)
    if not htmx(request):
        return redirect("rules")
    return _list(request)


@login_required
@require_POST
def reorder(request):
    """The order of one event's rules after a drag: ``rule`` ids top to bottom."""
    require_rule_editor(request)
    from ..services import rules as service

    ids = [n for n in map(small_int, request.POST.getlist("rule")) if n is not None]
    moved = _rule_or_404(request, request.POST.get("moved", ""))
    if moved.pk not in ids:
        return _list(request, status=400, error=_("Those rules cannot be reordered."))
    try:
        service.move_rule(actor=request.user, rule=moved, to=place_after_drag(moved, ids))
    except DomainError as exc:
        return _refused(request, exc)
    if not htmx(request):
        return redirect("rules")
    return toast(_list(request), _("Order saved."))


def place_after_drag(rule: Rule, order: list[int]) -> int:
    """Where ``rule`` goes in the list it runs in (its store's rules and every store's, as
    services.rules.move_rule counts) given the order of the dragged table, which may show only some
    of them: just before the rule now under it, else just after the one above it."""
    from ..services.rules import rules_in_order

    others = [r.pk for r in rules_in_order(rule.event, rule.store_id) if r.pk != rule.pk]
    at = order.index(rule.pk)
    for below in order[at + 1 :]:
        if below in others:
            return others.index(below)
    for above in reversed(order[:at]):
        if above in others:
            return others.index(above) + 1
    return 0


def _refused(request, exc: DomainError):
    if exc.http_status == 404:
        raise Http404 from exc
    if exc.http_status == 403:
        raise PermissionDenied(exc.message) from exc
    if not htmx(request):
        messages.error(request, exc.message)
        return redirect("rules")
    return _list(request, status=400, error=exc.message)


# --- the editor ---------------------------------------------------------------------------------------


def _initial(rule: Rule | None, request) -> rule_form.Draft:
    if rule is None:
        event = request.GET.get("event", "")
        store = request.GET.get("store", "")
        visible = read.stores(request.user)
        chosen = small_int(store)
        if chosen is None and not may_change_global(request.user) and visible:
            chosen = visible[0].pk  # rules for every store: an administrator's or a member's of every store
        fields = {
            "name": "",
            "description": "",
            "store": chosen,
            "event": event if event in RuleEvent.values else RuleEvent.MESSAGE_RECEIVED,
            "threshold": None,
            "stop_after_match": False,
            "enabled": False,  # a new rule is tried and simulated before it runs
        }
        return rule_form.Draft(fields, [], [], {"conditions": [], "actions": []})
    fields = {
        "name": rule.name,
        "description": rule.description,
        "store": rule.store_id,
        "event": rule.event,
        "threshold": rule.threshold,
        "stop_after_match": rule.stop_after_match,
        "enabled": rule.enabled,
    }
    conditions = [c for c in rule.conditions or [] if isinstance(c, dict)]
    actions = [a for a in rule.actions or [] if isinstance(a, dict)]
    return rule_form.Draft(fields, conditions, actions, {"conditions": [], "actions": []})


def editor_context(request, draft: rule_form.Draft, rule: Rule | None, errors: dict | None = None) -> dict:
    conditions, actions = registries()
    errors = errors or {}
    options = read.Options(request.user)
    event = draft.fields.get("event") or ""
    return {
        "rule": rule,
        "draft": draft.fields,
        "condition_rows": rule_form.rows_for(
            "conditions", draft.conditions, conditions, options, errors, draft.keys["conditions"]
        ),
        "action_rows": rule_form.rows_for("actions", draft.actions, actions, options, errors, draft.keys["actions"]),
        "condition_types": type_choices(conditions),
        "action_types": type_choices(actions),
        "errors": rule_form.field_errors(errors),
        "events": RuleEvent.choices,
        "stores": read.stores(request.user),
        "time_event": event in TIME_EVENTS,
        "unit": UNITS.get(str(TIME_EVENTS.get(event, "")), ""),
        "units": json.dumps({str(e): str(UNITS[u]) for e, u in TIME_EVENTS.items()}),
        "rules_tab": "rules",
        "can_change": may_change(request.user, rule),
        "may_change_global": may_change_global(request.user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def editor(request, rule_id: int | None = None):
    require_rule_editor(request)
    rule = _rule_or_404(request, rule_id) if rule_id is not None else None
    if request.method == "GET":
        draft = _initial(rule, request)
        return render(request, "rules/editor.html", editor_context(request, draft, rule))
    conditions, actions = registries()
    draft = rule_form.parse(request.POST, conditions, actions)
    problem = _store_problem(request, draft.fields.get("store"))
    if problem:
        return render(
            request, "rules/editor.html", editor_context(request, draft, rule, {"store": [problem]}), status=400
        )
    from ..services import rules as service

    fields = dict(draft.fields)
    fields["store"] = Store.objects.get(pk=fields["store"]) if fields["store"] else None
    try:
        if rule is None:
            saved = service.create_rule(
                actor=request.user, conditions=draft.conditions, actions=draft.actions, **fields
            )
        else:
            saved = service.update_rule(
                actor=request.user, rule=rule, conditions=draft.conditions, actions=draft.actions, **fields
            )
    except DomainError as exc:
        if exc.http_status == 404:
            raise Http404 from exc
        if exc.http_status == 403 and not getattr(exc, "errors", None):
            raise PermissionDenied(exc.message) from exc
        context = editor_context(request, draft, rule, errors_of(exc))
        return render(request, "rules/editor.html", context, status=400)
    messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
    return redirect("rule-edit", rule_id=saved.pk)


def _store_problem(request, store_id) -> str:
    """A store the user is not a member of is refused like a missing one."""
    if store_id is None:
        return ""
    if not Store.objects.visible_to(request.user).filter(pk=store_id).exists():
        return _("Choose one of your stores.")
    return ""


@login_required
@require_GET
def row(request):
    """One condition or action row (HTMX): a new, empty one (``add``), or the row re-drawn with
    the fields of the type just chosen."""
    require_rule_editor(request)
    section = request.GET.get("section", "")
    if section not in rule_form.SECTIONS:
        raise Http404
    conditions, actions = registries()
    registry = conditions if section == "conditions" else actions
    keys = rule_form._keys(request.GET, section)
    key = request.GET.get("key", "")
    if key not in keys:
        key = rule_form.next_key(section, keys)
    item = {"type": request.GET.get(f"{key}-type", "")}
    if section == "conditions" and request.GET.get(f"{key}-not", "") == "on":
        item["not"] = True
    rows = rule_form.rows_for(section, [item], registry, read.Options(request.user), keys=[key])
    context = {
        "row": rows[0],
        "types": type_choices(registry),
        "section": section,
        "focus": request.GET.get("add", "") != "",
    }
    return render(request, "rules/_rule_row.html", context)
