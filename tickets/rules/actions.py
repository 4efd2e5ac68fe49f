"""What a rule can do: registry name → action (its params, ``describe``, ``apply``).

``apply(ticket, params, *, rule, facts) -> str`` calls the same services a person uses, acting as
the rule (actor=None, actor_kind=RULE, audit note "Rule ‹name›"), and returns what it did or why it
did nothing. The runner (runner.py) calls it inside the rule's transaction with the ticket locked;
a ``DomainError`` from a service is a skip (the why is its message), anything else fails the run.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Direction, Macro, Message, SlaPolicy, Team, Ticket
from ..models.tickets import Priority, TicketReason, TicketType
from ..states import ActorKind, TicketStatus
from .params import ActionType, Param

ESCALATED_TAG = "escalated"
AUTO_REPLY_EVERY = timedelta(hours=24)


def rule_note(rule) -> str:
    """The audit note of everything a rule does: the timeline reads it as "Rule ‹name› · <what>"."""
    return f"Rule ‹{rule.name}›"


def rule_name_of(note: str) -> str | None:
    """The rule's name in an audit note written by ``rule_note`` (None for any other note)."""
    if note.startswith("Rule ‹") and note.endswith("›"):
        return note[len("Rule ‹") : -1]
    return None


def acting(rule) -> dict[str, Any]:
    """The actor arguments every service gets from a rule."""
    return {"actor": None, "actor_kind": ActorKind.RULE, "note": rule_note(rule)}


def skipped(why: str) -> str:
    return _("skipped: %(why)s") % {"why": why}


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def _name(model, pk, what: str) -> str:
    """The object's name for a description ("‹deleted macro #3›" when it is gone)."""
    if pk in (None, ""):
        return "—"
    try:
        obj = model._default_manager.filter(pk=pk).first()
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        return _("‹missing %(what)s #%(id)s›") % {"what": what, "id": pk}
    if model is get_user_model():
        return obj.get_full_name() or obj.get_username()
    return str(obj)


# --- describe --------------------------------------------------------------------------------------


def _describe_add_tags(p: dict) -> str:
    return _("Add tags: %(tags)s") % {"tags": ", ".join(p.get("tags") or [])}


def _describe_remove_tags(p: dict) -> str:
    return _("Remove tags: %(tags)s") % {"tags": ", ".join(p.get("tags") or [])}


def _describe_set_type(p: dict) -> str:
    if p.get("reason"):
        return _("Set type to %(type)s, reason %(reason)s") % {
            "type": _label(TicketType, p.get("value", "")),
            "reason": _label(TicketReason, p["reason"]),
        }
    return _("Set type to %(type)s") % {"type": _label(TicketType, p.get("value", ""))}


def _describe_set_reason(p: dict) -> str:
    return _("Set reason to %(reason)s") % {"reason": _label(TicketReason, p.get("value", ""))}


def _describe_set_priority(p: dict) -> str:
    return _("Set priority to %(priority)s") % {"priority": _label(Priority, p.get("value", ""))}


def _describe_assign_team(p: dict) -> str:
    return _("Assign to team %(team)s (round robin)") % {"team": _name(Team, p.get("team"), _("team"))}


def _describe_assign_user(p: dict) -> str:
    return _("Assign to %(user)s") % {"user": _name(get_user_model(), p.get("user"), _("user"))}


def _describe_escalate(p: dict) -> str:
    if p.get("note"):
        return _("Escalate to the store's supervisors: %(note)s") % {"note": p["note"]}
    return _("Escalate to the store's supervisors")


def _describe_auto_reply(p: dict) -> str:
    macro = _name(Macro, p.get("macro"), _("macro"))
    if p.get("status") == TicketStatus.WAITING_CUSTOMER:
        return _("Reply with “%(macro)s” in the buyer's language, then wait for the customer") % {"macro": macro}
    return _("Reply with “%(macro)s” in the buyer's language") % {"macro": macro}


def _describe_suggest_macro(p: dict) -> str:
    return _("Suggest the macro “%(macro)s”") % {"macro": _name(Macro, p.get("macro"), _("macro"))}


def _describe_request_rma(p: dict) -> str:
    return _("Create a return for the order's returnable items")


def _describe_set_sla_policy(p: dict) -> str:
    return _("Set the SLA policy “%(policy)s”") % {"policy": _name(SlaPolicy, p.get("policy"), _("SLA policy"))}


def _describe_add_note(p: dict) -> str:
    return _("Add an internal note: %(body)s") % {"body": (p.get("body") or "")[:80]}


# --- apply -----------------------------------------------------------------------------------------


def _apply_add_tags(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    added = ticket_fields.add_tags(ticket, list(p.get("tags") or []), **acting(rule))
    if not added:
        return skipped(_("the ticket already has these tags"))
    return _("tagged %(tags)s") % {"tags": ", ".join(added)}


def _apply_remove_tags(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    gone = ticket_fields.remove_tags(ticket, list(p.get("tags") or []), **acting(rule))
    if not gone:
        return skipped(_("the ticket has none of these tags"))
    return _("removed tags %(tags)s") % {"tags": ", ".join(gone)}


def _apply_set_type(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    value, reason = p["value"], p.get("reason") or ticket.reason
    if (ticket.type, ticket.reason) == (value, reason):
        return skipped(_("the ticket already has this type"))
    ticket_fields.set_type(ticket, value, reason, **acting(rule))
    return _describe_set_type({"value": value, "reason": reason})


def _apply_set_reason(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    if ticket.reason == p["value"]:
        return skipped(_("the ticket already has this reason"))
    ticket_fields.set_type(ticket, ticket.type, p["value"], **acting(rule))
    return _describe_set_reason(p)


def _apply_set_priority(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    if ticket.priority == p["value"]:
        return skipped(_("the ticket already has this priority"))
    ticket_fields.set_priority(ticket, p["value"], **acting(rule))
    return _describe_set_priority(p)


def next_in_team(team: Team, store_id: int):
    """Round robin: the team's active members of the store, the one least recently given a ticket
    by this team first (never given one: first of all, by id)."""
    from ..locks import lock_key
    from ..models import AuditEvent

    lock_key(f"team-round-robin:{team.pk}")  # two rules at once give two people, not one twice
    members = list(team.members.filter(is_active=True, store_memberships__store_id=store_id).distinct().order_by("pk"))
    if not members:
        return None
    last = dict(
        AuditEvent.objects.filter(
            action="ticket.assigned", after__team=team.pk, after__assignee__in=[m.pk for m in members]
        )
        .values("after__assignee")
        .annotate(last=Max("created_at"))
        .values_list("after__assignee", "last")
    )
    epoch = timezone.now() - timedelta(days=365 * 100)
    return min(members, key=lambda m: (last.get(m.pk) or epoch, m.pk))


def _apply_assign_team(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import tickets

    team = Team.objects.filter(pk=p.get("team")).first()
    if team is None:
        return skipped(_("the team no longer exists"))
    if ticket.team_id == team.pk and ticket.assignee_id is not None:
        return skipped(_("the ticket is already with team %(team)s") % {"team": team.name})
    person = next_in_team(team, ticket.store_id)
    tickets.assign(ticket, person, team=team, **acting(rule))
    if person is None:
        return _("team set to %(team)s; it has no active member in this store to assign") % {"team": team.name}
    return _("assigned to %(user)s of team %(team)s") % {
        "user": person.get_full_name() or person.get_username(),
        "team": team.name,
    }


def _apply_assign_user(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..permissions import is_member
    from ..services import tickets

    user = get_user_model().objects.filter(pk=p.get("user"), is_active=True).first()
    if user is None or not is_member(user, ticket.store_id):
        return skipped(_("that person is no longer an active member of this store"))
    if ticket.assignee_id == user.pk:
        return skipped(_("the ticket is already assigned to them"))
    tickets.assign(ticket, user, **acting(rule))
    return _("assigned to %(user)s") % {"user": user.get_full_name() or user.get_username()}


def _apply_escalate(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import notifications, ticket_fields

    note = (p.get("note") or "").strip()
    told = notifications.escalate(ticket, detail=note, **acting(rule))
    ticket_fields.add_tags(ticket, [ESCALATED_TAG], **acting(rule))
    return _("escalated to %(count)d supervisors") % {"count": told}


def _last_inbound(ticket: Ticket) -> Message | None:
    return Message.objects.filter(ticket=ticket, direction=Direction.INBOUND).order_by("-created_at", "-pk").first()


def _apply_auto_reply(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..errors import DomainError
    from ..services import macros, replies

    macro = Macro.objects.filter(pk=p.get("macro"), enabled=True).prefetch_related("variants").first()
    if macro is None or macro.store_id not in (None, ticket.store_id):
        return skipped(_("the macro is missing or disabled"))
    if ticket.status == TicketStatus.CLOSED:
        return skipped(_("the ticket is closed"))
    last = _last_inbound(ticket)
    if last is None:
        return skipped(_("the buyer has not written"))
    if last.automated:
        return skipped(_("the last message is an automatic one (an auto-reply or a bounce)"))
    since = timezone.now() - AUTO_REPLY_EVERY
    if Message.objects.filter(
        ticket=ticket, direction=Direction.OUTBOUND, sent_by_rule__isnull=False, created_at__gte=since
    ).exists():
        return skipped(_("an automatic reply went to this ticket within the last 24 hours"))
    try:
        rendered = macros.render_macro(macro, ticket)
    except DomainError as error:
        return skipped(str(error))
    if not rendered.complete:
        return skipped(_("the ticket has no data for %(names)s") % {"names": ", ".join(rendered.missing)})
    status = p.get("status") or ""
    replies.send_reply(ticket, rendered.text, then_status=status, macro=macro, sent_by_rule=rule, **acting(rule))
    return _("replied with “%(macro)s” (%(language)s)") % {"macro": macro.name, "language": rendered.language}


def _apply_suggest_macro(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    macro = Macro.objects.filter(pk=p.get("macro"), enabled=True).first()
    if macro is None or macro.store_id not in (None, ticket.store_id):
        return skipped(_("the macro is missing or disabled"))
    if ticket.suggested_macro_id == macro.pk:
        return skipped(_("the macro is already suggested"))
    ticket_fields.set_suggested_macro(ticket, macro, **acting(rule))
    return _("suggested the macro “%(macro)s”") % {"macro": macro.name}


def _apply_request_rma(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import rma

    if ticket.order_id is None:
        return skipped(_("the ticket has no order"))
    if ticket.rmas.filter(status__in=rma.OPEN_RETURNS).exists():
        return skipped(_("a return is already open"))
    lines = {pk: left for pk, left in rma.returnable(ticket.order_id).items() if left > 0}
    if not lines:
        return skipped(_("nothing on the order can still be returned"))
    created = rma.create_rma(ticket, lines, **acting(rule))
    return _("created the return %(number)s") % {"number": created.number}


def _apply_set_sla_policy(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import ticket_fields

    policy = SlaPolicy.objects.filter(pk=p.get("policy"), enabled=True).first()
    if policy is None or policy.store_id not in (None, ticket.store_id):
        return skipped(_("the SLA policy is missing or disabled"))
    if ticket.sla_policy_id == policy.pk:
        return skipped(_("the ticket already has this SLA policy"))
    ticket_fields.set_sla_policy(ticket, policy, **acting(rule))
    return _("SLA policy set to “%(policy)s”") % {"policy": policy.name}


def _apply_add_note(ticket: Ticket, p: dict, *, rule, facts=None) -> str:
    from ..services import tickets

    tickets.add_internal_note(ticket, p.get("body") or "", **acting(rule))
    return _("added an internal note")


# --- the registry ----------------------------------------------------------------------------------

_TAGS = Param("tags", "tags", gettext_lazy("Tags"))
_MACRO = Param("macro", "macro", gettext_lazy("Macro"))
REPLY_STATUSES = (
    ("", gettext_lazy("Keep the status")),
    (TicketStatus.WAITING_CUSTOMER, gettext_lazy("Waiting for customer")),
)

ACTIONS: dict[str, ActionType] = {
    action.name: action
    for action in (
        ActionType("add_tags", gettext_lazy("Add tags"), (_TAGS,), _describe_add_tags, _apply_add_tags),
        ActionType("remove_tags", gettext_lazy("Remove tags"), (_TAGS,), _describe_remove_tags, _apply_remove_tags),
        ActionType(
            "set_type",
            gettext_lazy("Set type"),
            (
                Param("value", "choice", gettext_lazy("Type"), choices=TicketType.choices),
                Param(
                    "reason", "choice", gettext_lazy("Reason"), required=False, choices=TicketReason.choices, default=""
                ),
            ),
            _describe_set_type,
            _apply_set_type,
        ),
        ActionType(
            "set_reason",
            gettext_lazy("Set reason"),
            (Param("value", "choice", gettext_lazy("Reason"), choices=TicketReason.choices),),
            _describe_set_reason,
            _apply_set_reason,
        ),
        ActionType(
            "set_priority",
            gettext_lazy("Set priority"),
            (Param("value", "choice", gettext_lazy("Priority"), choices=Priority.choices),),
            _describe_set_priority,
            _apply_set_priority,
        ),
        ActionType(
            "assign_team",
            gettext_lazy("Assign to a team"),
            (Param("team", "team", gettext_lazy("Team")),),
            _describe_assign_team,
            _apply_assign_team,
            help=gettext_lazy(
                "Round robin over the team's active members: the one least recently given a ticket first."
            ),
        ),
        ActionType(
            "assign_user",
            gettext_lazy("Assign to a person"),
            (Param("user", "user", gettext_lazy("Person")),),
            _describe_assign_user,
            _apply_assign_user,
        ),
        ActionType(
            "escalate",
            gettext_lazy("Escalate to supervisors"),
            (Param("note", "text", gettext_lazy("Note"), required=False, default=""),),
            _describe_escalate,
            _apply_escalate,
            help=gettext_lazy("Notifies the store's supervisors and tags the ticket “escalated”."),
        ),
        ActionType(
            "auto_reply",
            gettext_lazy("Reply automatically"),
            (
                _MACRO,
                Param("status", "choice", gettext_lazy("Then"), required=False, choices=REPLY_STATUSES, default=""),
            ),
            _describe_auto_reply,
            _apply_auto_reply,
            help=gettext_lazy(
                "In the buyer's language; never to an auto-reply or a bounce, at most once a day per ticket, "
                "and only when the ticket has data for every placeholder."
            ),
        ),
        ActionType(
            "suggest_macro", gettext_lazy("Suggest a macro"), (_MACRO,), _describe_suggest_macro, _apply_suggest_macro
        ),
        ActionType(
            "request_rma",
            gettext_lazy("Create a return"),
            (),
            _describe_request_rma,
            _apply_request_rma,
            help=gettext_lazy(
                "For every item of the order that can still be returned; skipped while a return is open."
            ),
        ),
        ActionType(
            "set_sla_policy",
            gettext_lazy("Set the SLA policy"),
            (Param("policy", "policy", gettext_lazy("SLA policy")),),
            _describe_set_sla_policy,
            _apply_set_sla_policy,
        ),
        ActionType(
            "add_note",
            gettext_lazy("Add an internal note"),
            (Param("body", "text", gettext_lazy("Note")),),
            _describe_add_note,
            _apply_add_note,
        ),
    )
}


def describe(action: dict) -> str:
    """One action of a rule as a sentence ("Add tags: vip")."""
    kind = ACTIONS.get(action.get("type", ""))
    if kind is None:
        return _("Unknown action “%(type)s”") % {"type": action.get("type", "")}
    return kind.describe(action)


def apply(ticket: Ticket, action: dict, *, rule, facts=None) -> str:
    kind = ACTIONS[action["type"]]
    params = {p.name: action.get(p.name, p.default) for p in kind.params}
    return kind.apply(ticket, params, rule=rule, facts=facts)
