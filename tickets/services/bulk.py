"""Bulk actions on tickets chosen in the inbox: each ticket goes through the same service call a
single change would, in its own transaction, so one refusal never undoes the others. The outcome
names what was done and what was refused, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..errors import DomainError
from ..models import Macro, Store, Ticket
from ..selectors.inbox import colleagues
from ..validators import small_int
from . import macros, replies, ticket_fields, tickets

MAX_TICKETS = 200
ACTIONS = ("assign", "unassign", "tag", "status", "priority", "macro")


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (ticket number, why)

    @property
    def summary(self) -> str:
        text = _("%(done)d done") % {"done": len(self.done)}
        if self.refused:
            text += ", " + _("%(refused)d refused") % {"refused": len(self.refused)}
        return text


def run(user, numbers: list[int], action: str, value: str = "") -> BulkResult:
    """Apply ``action`` (with ``value``) to the tickets numbered ``numbers`` the user may see."""
    if action not in ACTIONS:
        raise DomainError(_("Choose what to do with the selected tickets."))
    numbers = list(dict.fromkeys(numbers))
    if not numbers:
        raise DomainError(_("Select at least one ticket."))
    if len(numbers) > MAX_TICKETS:
        raise DomainError(_("At most %(count)d tickets at once.") % {"count": MAX_TICKETS})
    step = _step(user, action, value)
    found = {t.number: t for t in Ticket.objects.visible_to(user).filter(number__in=numbers).select_related("store")}
    result = BulkResult()
    for number in numbers:
        ticket = found.get(number)
        if ticket is None:
            result.refused.append((number, _("not found")))
            continue
        try:
            step(ticket)
        except DomainError as error:
            result.refused.append((number, error.message))
        else:
            result.done.append(number)
    return result


def _step(user, action: str, value: str) -> Callable[[Ticket], object]:
    if action == "assign":
        assignee = _assignee(user, value)
        works_in = set(Store.objects.visible_to(assignee).values_list("pk", flat=True))  # once, not per ticket

        def assign(ticket: Ticket) -> None:
            if ticket.store_id not in works_in:
                name = assignee.get_full_name() or assignee.get_username()
                raise DomainError(
                    _("%(name)s does not work in %(store)s.") % {"name": name, "store": ticket.store.name}
                )
            tickets.assign(ticket, assignee, actor=user)

        return assign
    if action == "unassign":
        return lambda ticket: tickets.assign(ticket, None, actor=user)
    if action == "tag":
        names = [part for part in value.replace("，", ",").split(",") if part.strip()]
        if not names:
            raise DomainError(_("Name the tag to add."))
        return lambda ticket: ticket_fields.add_tags(ticket, names, actor=user)
    if action == "status":
        return lambda ticket: tickets.change_status(ticket, value, actor=user)
    if action == "priority":
        return lambda ticket: ticket_fields.set_priority(ticket, value, actor=user)
    macro = Macro.objects.visible_to(user).filter(pk=small_int(value) or 0, enabled=True).first()
    if macro is None:
        raise DomainError(_("Choose a macro."))

    def reply(ticket: Ticket) -> None:
        if macro.store_id not in (None, ticket.store_id):
            raise DomainError(_("This macro belongs to another store."))
        rendered = macros.render_macro(macro, ticket, agent=user)
        replies.send_reply(ticket, rendered.text, actor=user, macro=macro)

    return reply


def _assignee(user, value: str):
    """Oneself, or a colleague: someone who works tickets in one of the user's stores. Anyone else
    is refused without a word about who they are."""
    if value in ("", "me"):
        return user
    pk = small_int(value)
    assignee = colleagues(user).filter(pk=pk).first() if pk is not None else None
    if assignee is None or not assignee.has_perm(tickets.CHANGE):
        raise DomainError(_("Choose whom to assign the tickets to."))
    return assignee
