"""Try it and simulate: the rules run on a pasted message (or a ticket, or an order) condition by
condition, and a draft rule run over the last N days of tickets. Both write nothing: they call
engine.try_message and engine.simulate, which evaluate in memory."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ..errors import DomainError
from ..models import Order, Rule, RuleEvent, Store, Ticket
from ..models.tickets import Priority, TicketReason, TicketType
from ..selectors import rules as read
from ..validators import small_int
from . import rule_form
from .rules import errors_of, htmx, registries, require_rule_editor

SIMULATION_SHOWN = 200  # matches listed; the count says how many there are in all
MAX_DAYS = 365


class TryRefused(Exception):
    """The try-it form names something the user cannot use (a ticket of another store …)."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


def draft_rule(request) -> Rule:
    """The rule the editor's form describes, unsaved and validated (RuleInvalid otherwise)."""
    from ..rules import schema

    conditions, actions = registries()
    draft = rule_form.parse(request.POST, conditions, actions)
    fields = dict(draft.fields)
    store_id = fields.pop("store")
    store = Store.objects.visible_to(request.user).filter(pk=store_id).first() if store_id else None
    if store_id and store is None:
        raise TryRefused(_("Choose one of your stores."))
    clean = schema.validate_rule(
        name=fields["name"] or _("This draft"),
        event=fields["event"],
        conditions=draft.conditions,
        actions=draft.actions,
        threshold=fields["threshold"],
        store=store,
        user=request.user,
    )
    rule = Rule(
        name=clean.name,
        event=clean.event,
        threshold=clean.threshold,
        conditions=clean.conditions,
        actions=clean.actions,
        store=store,
        stop_after_match=fields["stop_after_match"],
        enabled=True,
    )
    edited = read.rule(request.user, request.POST.get("rule", "")) if request.POST.get("rule") else None
    rule.position = edited.position if edited else 10_000
    rule.edited_id = edited.pk if edited else None
    return rule


def _labels(outcome) -> dict:
    def label(choices, value):
        return str(choices(value).label) if value in choices.values else value

    return {
        "type_label": label(TicketType, outcome.type),
        "reason_label": label(TicketReason, outcome.reason),
        "priority_label": label(Priority, outcome.priority),
    }


def _tried(request) -> dict:
    post = request.POST
    return {
        "subject": post.get("try-subject", "")[:500],
        "text": post.get("try-text", "")[:20000],
        "ticket": post.get("try-ticket", "").strip().lstrip("#"),
        "order": post.get("try-order", "").strip()[:100],
        "store": post.get("try-store", ""),
        "event": post.get("try-event", "") if post.get("try-event", "") in RuleEvent.values else "message_received",
    }


def _run_try(request, tried: dict):
    from ..rules import engine

    user = request.user
    ticket = order = store = None
    if tried["store"]:
        store = Store.objects.visible_to(user).filter(pk=small_int(tried["store"]) or 0).first()
        if store is None:
            raise TryRefused(_("Choose one of your stores."))
    if tried["ticket"]:
        number = small_int(tried["ticket"]) or 0
        ticket = Ticket.objects.visible_to(user).select_related("store", "order").filter(number=number).first()
        if ticket is None:
            raise TryRefused(_("No ticket #%(number)s in your stores.") % {"number": tried["ticket"]})
        store, order = ticket.store, ticket.order
    if tried["order"]:
        if store is None:
            raise TryRefused(_("Choose the order's store."))
        order = Order.objects.visible_to(user).filter(store=store, number=tried["order"]).first()
        if order is None:
            raise TryRefused(_("No order %(number)s in %(store)s.") % {"number": tried["order"], "store": store.name})
    text, subject = tried["text"], tried["subject"]  # with a ticket and no text: its first message
    if not (text.strip() or subject.strip() or ticket or order):
        raise TryRefused(_("Paste a message, or give a ticket or an order number."))

    event = tried["event"]
    rules = None
    if request.POST.get("draft"):
        try:
            draft = draft_rule(request)
        except DomainError as exc:
            raise TryRefused(_("Fix the rule first:"), errors_of(exc)) from exc
        event = draft.event
        store = store or draft.store
        saved = [r for r in engine.rules_for(event, store.pk if store else None) if r.pk != draft.edited_id]
        rules = sorted([*saved, draft], key=lambda r: (r.position, r.pk or 0))
    return engine.try_message(
        text=text, subject=subject, store=store, order=order, ticket=ticket, rules=rules, event=event
    )


@login_required
@require_http_methods(["GET", "POST"])
def try_page(request):
    require_rule_editor(request)
    context = {
        "rules_tab": "try",
        "events": RuleEvent.choices,
        "stores": read.stores(request.user),
        "tried": {"event": "message_received"},
    }
    if request.method == "GET":
        return render(request, "rules/try.html", context)
    tried = _tried(request)
    context["tried"] = tried
    status = 200
    try:
        outcome = _run_try(request, tried)
        context.update(outcome=outcome, **_labels(outcome))
    except TryRefused as exc:
        context.update(error=exc.message, draft_errors=exc.errors)
        status = 400
    template = "rules/_try_result.html" if htmx(request) else "rules/try.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def simulate(request):
    """The editor's draft over the last N days of the user's tickets; writes nothing."""
    require_rule_editor(request)
    from ..rules import engine

    raw = request.POST.get("days", "30").strip()
    days = small_int(raw) or 0
    if not 1 <= days <= MAX_DAYS:
        error = _("Give a number of days from 1 to %(max)s.") % {"max": MAX_DAYS}
        return render(request, "rules/_simulation.html", {"error": error}, status=400)
    try:
        draft = draft_rule(request)
    except TryRefused as exc:
        return render(request, "rules/_simulation.html", {"error": exc.message}, status=400)
    except DomainError as exc:
        context = {"error": _("Fix the rule first:"), "draft_errors": errors_of(exc)}
        return render(request, "rules/_simulation.html", context, status=400)
    simulation = engine.simulate(draft, user=request.user, days=days)
    matches = list(simulation.matches)
    context = {
        "simulation": simulation,
        "matched_count": len(matches),
        "shown": matches[:SIMULATION_SHOWN],
        "more": max(0, len(matches) - SIMULATION_SHOWN),
        "seconds": f"{simulation.seconds:.2f}",
    }
    return render(request, "rules/_simulation.html", context)
