"""Each rule action does its work through the services a person uses, audited as the rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tickets.errors import NotFound, PermissionDenied
from tickets.models import (
    AuditEvent,
    Direction,
    Macro,
    MacroVariant,
    Message,
    Notification,
    OutboxAction,
    ReturnAuthorization,
    Rule,
    SlaPolicy,
    Team,
)
from tickets.models.notifications import NotificationKind
from tickets.models.tickets import Channel
from tickets.rules import actions
from tickets.rules.actions import ACTIONS, rule_note
from tickets.selectors.ticket_page import thread
from tickets.services import ticket_fields, tickets
from tickets.states import ActorKind, RmaStatus, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule(shopify_store):
    return Rule.objects.create(name="Refund words", event="message_received", actions=[])


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, channel=Channel.EMAIL, language="de")
    factories.MessageFactory(ticket=made, body="<p>Ich möchte mein Geld zurück.</p>")
    return made


def rule_events(ticket, action):
    return AuditEvent.objects.filter(ticket=ticket, action=action, actor__isnull=True, actor_kind=ActorKind.RULE)


def apply(ticket, action, rule):
    return actions.apply(ticket, action, rule=rule, facts=None)


def test_every_action_has_params_and_a_description():
    for name, kind in ACTIONS.items():
        sample = {"type": name, **{p.name: p.default for p in kind.params}}
        assert actions.describe(sample)


def test_add_and_remove_tags_are_audited_as_the_rule(ticket, rule):
    assert "tagged" in apply(ticket, {"type": "add_tags", "tags": ["refund-eligible", "vip"]}, rule)
    event = rule_events(ticket, "ticket.tagged").get()
    assert event.note == rule_note(rule) == "Rule ‹Refund words›"
    assert set(ticket.tags.values_list("name", flat=True)) == {"refund-eligible", "vip"}
    assert apply(ticket, {"type": "add_tags", "tags": ["vip"]}, rule).startswith("skipped")
    apply(ticket, {"type": "remove_tags", "tags": ["vip"]}, rule)
    assert rule_events(ticket, "ticket.untagged").count() == 1
    assert list(ticket.tags.values_list("name", flat=True)) == ["refund-eligible"]


def test_set_type_reason_and_priority(ticket, rule):
    apply(ticket, {"type": "set_type", "value": "return", "reason": "size"}, rule)
    apply(ticket, {"type": "set_reason", "value": "quality_defect"}, rule)
    apply(ticket, {"type": "set_priority", "value": "high"}, rule)
    ticket.refresh_from_db()
    assert (ticket.type, ticket.reason, ticket.priority) == ("return", "quality_defect", "high")
    assert rule_events(ticket, "ticket.type_changed").count() == 2
    assert rule_events(ticket, "ticket.priority_changed").get().note == rule_note(rule)


def test_set_type_without_a_reason_keeps_the_reason(ticket, rule):
    ticket.reason = "late"
    ticket.save()
    apply(ticket, {"type": "set_type", "value": "inquiry" if ticket.type != "inquiry" else "complaint"}, rule)
    ticket.refresh_from_db()
    assert ticket.reason == "late"


def test_assign_team_goes_round_robin_least_recently_assigned_first(shopify_store, rule):
    first = factories.user_with_role("ana", factories.AGENT, stores=[shopify_store])
    second = factories.user_with_role("ben", factories.AGENT, stores=[shopify_store])
    gone = factories.user_with_role("cid", factories.AGENT, stores=[shopify_store])
    gone.is_active = False
    gone.save()
    outsider = factories.user_with_role("dan", factories.AGENT, stores=[factories.StoreFactory()])
    team = Team.objects.create(name="Returns desk")
    team.members.add(first, second, gone, outsider)
    made = [factories.TicketFactory(store=shopify_store) for _ in range(3)]
    for each in made:
        apply(each, {"type": "assign_team", "team": team.pk}, rule)
    assignees = [type(each).objects.get(pk=each.pk).assignee for each in made]
    assert assignees == [first, second, first]
    assert all(type(each).objects.get(pk=each.pk).team == team for each in made)
    assert rule_events(made[0], "ticket.assigned").get().after["team"] == team.pk
    assert Notification.objects.filter(user=first, kind=NotificationKind.ASSIGNED).count() == 2


def test_assign_user_skips_someone_who_left_the_store(ticket, rule, shopify_store, agent):
    assert "assigned" in apply(ticket, {"type": "assign_user", "user": agent.pk}, rule)
    assert rule_events(ticket, "ticket.assigned").count() == 1
    stranger = factories.user_with_role("eve", factories.AGENT, stores=[factories.StoreFactory()])
    assert apply(ticket, {"type": "assign_user", "user": stranger.pk}, rule).startswith("skipped")
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_escalate_tells_the_supervisors_and_tags_the_ticket(ticket, rule, supervisor):
    result = apply(ticket, {"type": "escalate", "note": "High value electronics"}, rule)
    assert "1" in result
    notice = Notification.objects.get(user=supervisor)
    assert notice.kind == NotificationKind.ESCALATED and notice.detail == "High value electronics"
    assert rule_events(ticket, "ticket.escalated").get().note == rule_note(rule)
    assert ticket.tags.filter(name="escalated").exists()


@pytest.fixture
def macro():
    made = Macro.objects.create(name="Return instructions")
    MacroVariant.objects.create(macro=made, language="en", body="Hello {{customer.name}}, see order {{order.number}}.")
    MacroVariant.objects.create(macro=made, language="de", body="Hallo {{customer.name}}, Bestellung {{order.number}}.")
    return made


def test_auto_reply_answers_in_the_buyers_language_through_the_outbox(ticket, rule, macro):
    result = apply(ticket, {"type": "auto_reply", "macro": macro.pk, "status": "waiting_customer"}, rule)
    assert "(de)" in result
    reply = Message.objects.get(ticket=ticket, direction=Direction.OUTBOUND)
    assert reply.body.startswith("<p>Hallo") and reply.sent_by_rule == rule and reply.author is None
    assert OutboxAction.objects.filter(kind="send_reply", payload={"message_id": reply.pk}).exists()
    replied = rule_events(ticket, "ticket.replied").get()
    assert replied.note == rule_note(rule)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_CUSTOMER and ticket.first_response_at is not None
    assert rule_events(ticket, "ticket.status_changed").exists()


def test_auto_reply_never_answers_an_automated_message(ticket, rule, macro):
    factories.MessageFactory(ticket=ticket, automated=True, body="<p>I am out of office</p>")
    assert "automatic" in apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)
    assert not Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).exists()


def test_auto_reply_at_most_once_a_day_per_ticket(ticket, rule, macro):
    apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)
    factories.MessageFactory(ticket=ticket, body="<p>Noch eine Frage</p>")
    assert "24 hours" in apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)
    assert Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).count() == 1
    Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    factories.MessageFactory(ticket=ticket, body="<p>Hallo?</p>")
    assert "replied" in apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)


def test_auto_reply_skips_an_incomplete_macro(ticket, rule):
    macro = Macro.objects.create(name="Return label")
    MacroVariant.objects.create(macro=macro, language="de", body="Ihr Etikett: {{rma.label_url}}")
    result = apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)
    assert result.startswith("skipped") and "rma.label_url" in result
    assert not Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).exists()


def test_suggest_macro_and_set_sla_policy(ticket, rule, macro):
    apply(ticket, {"type": "suggest_macro", "macro": macro.pk}, rule)
    vip = SlaPolicy.objects.create(
        name="VIP", first_response_minutes=30, next_response_minutes=60, resolution_minutes=600, position=5
    )
    SlaPolicy.objects.create(
        name="Everyone", first_response_minutes=600, next_response_minutes=600, resolution_minutes=6000, position=1
    )
    apply(ticket, {"type": "set_sla_policy", "policy": vip.pk}, rule)
    ticket.refresh_from_db()
    assert ticket.suggested_macro == macro and ticket.sla_policy == vip
    # The ticket's own policy wins over the first matching one ("Everyone", position 1).
    assert ticket.first_response_due_at is not None
    assert ticket.first_response_due_at <= ticket.created_at + timedelta(days=3)  # 30 business minutes
    assert rule_events(ticket, "ticket.macro_suggested").count() == 1
    assert rule_events(ticket, "ticket.sla_policy_set").count() == 1


def test_request_rma_returns_the_returnable_lines_once(ticket, rule, shopify_store):
    shopify_store.return_address = "Returns, 1 Dock Road"
    shopify_store.save()
    line = factories.OrderLineFactory(order=ticket.order, quantity=2)
    result = apply(ticket, {"type": "request_rma"}, rule)
    rma = ReturnAuthorization.objects.get(ticket=ticket)
    assert rma.number in result and rma.status == RmaStatus.AUTHORIZED
    assert list(rma.lines.values_list("order_line_id", "quantity")) == [(line.pk, 2)]
    assert rule_events(ticket, "rma.created").get().note == rule_note(rule)
    assert "open" in apply(ticket, {"type": "request_rma"}, rule)
    ticket.order = None
    assert "no order" in apply(ticket, {"type": "request_rma"}, rule)


def test_add_note_is_signed_by_the_rule(ticket, rule):
    apply(ticket, {"type": "add_note", "body": "Check the photos"}, rule)
    note = Message.objects.get(ticket=ticket, direction=Direction.NOTE)
    assert note.author is None and note.author_name == rule_note(rule)
    assert rule_events(ticket, "ticket.note_added").count() == 1


def test_the_timeline_says_which_rule_did_it(ticket, rule, macro):
    apply(ticket, {"type": "add_tags", "tags": ["vip"]}, rule)
    apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)
    items = thread(ticket)
    line = next(item for item in items if item.event and item.event.action == "ticket.tagged")
    assert line.by == "Rule ‹Refund words›" and line.text == "Tagged vip" and line.note == ""
    reply = next(item.message for item in items if item.message and item.message.direction == Direction.OUTBOUND)
    assert reply.sent_by_rule.name == "Refund words"


def test_the_ticket_page_shows_the_rule(client, ticket, rule, macro, agent):
    apply(ticket, {"type": "add_tags", "tags": ["vip"]}, rule)
    apply(ticket, {"type": "auto_reply", "macro": macro.pk}, rule)
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Rule ‹Refund words› · Tagged vip" in page
    assert "Automatic reply · Rule ‹Refund words›" in page


def test_a_person_cannot_pass_off_an_edit_as_a_rule(ticket, agent, other_agent):
    with pytest.raises(ValueError):
        ticket_fields.set_priority(ticket, "high", actor=agent, actor_kind=ActorKind.RULE)
    with pytest.raises(NotFound):
        ticket_fields.add_tags(ticket, ["x"], actor=other_agent)
    with pytest.raises((NotFound, PermissionDenied)):
        ticket_fields.add_tags(ticket, ["x"], actor=None)  # nobody, and not a rule either
    with pytest.raises((NotFound, PermissionDenied)):
        tickets.add_internal_note(ticket, "hi", actor=None, actor_kind=ActorKind.SYSTEM)


def test_assign_team_without_an_active_member_here_sets_the_team_only(ticket, rule):
    team = Team.objects.create(name="Night shift")
    result = apply(ticket, {"type": "assign_team", "team": team.pk}, rule)
    ticket.refresh_from_db()
    assert ticket.team == team and ticket.assignee is None and "no active member" in result
