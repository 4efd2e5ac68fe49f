"""Priority, type and reason, tags edited in place on the ticket header: the header comes back
with the change, the thread gets its timeline line, a bad value an inline error."""

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def ticket(shopify_store):
    return factories.TicketFactory(store=shopify_store)


def post(client, name, ticket, data, **headers):
    return client.post(reverse(name, args=[ticket.number]), data, headers=headers)


def test_setting_the_priority_swaps_the_header_and_appends_its_timeline_line(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket-priority", ticket, {"priority": "urgent"}, **HTMX)
    body = response.content.decode()
    ticket.refresh_from_db()
    assert response.status_code == 200 and ticket.priority == "urgent"
    assert 'id="ticket-header"' in body
    assert 'hx-swap-oob="beforeend:#ticket-thread"' in body and "Priority: Normal → Urgent" in body


def test_setting_type_and_reason_is_audited(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket-type", ticket, {"type": "return", "reason": "size"}, **HTMX)
    ticket.refresh_from_db()
    assert (ticket.type, ticket.reason) == ("return", "size")
    assert "Type: Inquiry → Return" in response.content.decode()
    assert AuditEvent.objects.filter(ticket=ticket, action="ticket.type_changed").exists()


def test_adding_tags_adds_each_comma_separated_tag(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket-tag", ticket, {"tags": "Damaged in transit, vip"}, **HTMX)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["damaged-in-transit", "vip"]
    assert "Tagged damaged-in-transit, vip" in response.content.decode()


def test_removing_a_tag_removes_only_that_one(client, agent, ticket):
    client.force_login(agent)
    post(client, "ticket-tag", ticket, {"tags": "a1, b2"}, **HTMX)
    response = post(client, "ticket-untag", ticket, {"tag": "a1"}, **HTMX)
    assert list(ticket.tags.values_list("name", flat=True)) == ["b2"]
    assert "Tag removed: a1" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ticket-priority", {"priority": "whenever"}),
        ("ticket-type", {"type": "nonsense"}),
        ("ticket-type", {"type": "return", "reason": "bored"}),
        ("ticket-tag", {"tags": " , "}),
    ],
)
def test_a_bad_value_gets_an_inline_error_and_changes_nothing(client, agent, ticket, name, data):
    client.force_login(agent)
    response = post(client, name, ticket, data, **HTMX)
    body = response.content.decode()
    ticket.refresh_from_db()
    assert response.status_code == 400 and 'class="error" role="alert"' in body
    assert "hx-swap-oob" not in body
    assert (ticket.priority, ticket.type, ticket.reason) == ("normal", "inquiry", "")
    assert not ticket.tags.exists() and not AuditEvent.objects.exists()


def test_a_plain_post_is_redirected_to_the_ticket(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket-priority", ticket, {"priority": "high"})
    assert response.status_code == 302 and response.url == reverse("ticket", args=[ticket.number])


def test_another_stores_ticket_cannot_be_edited(client, other_agent, ticket):
    client.force_login(other_agent)
    for name, data in [("ticket-priority", {"priority": "urgent"}), ("ticket-tag", {"tags": "x"})]:
        assert post(client, name, ticket, data, **HTMX).status_code == 404
    ticket.refresh_from_db()
    assert ticket.priority == "normal" and not ticket.tags.exists()


def test_finance_sees_the_fields_but_cannot_edit_them(client, finance, ticket):
    client.force_login(finance)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="priority-select"' not in page
    assert post(client, "ticket-priority", ticket, {"priority": "urgent"}, **HTMX).status_code == 403


def test_an_agent_sees_the_edit_controls(client, agent, ticket):
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="priority-select"' in page and 'id="type-select"' in page and 'id="tag-input"' in page


def test_a_status_change_appends_its_timeline_line_too(client, agent, ticket):
    client.force_login(agent)
    response = post(client, "ticket-status", ticket, {"status": "open"}, **HTMX)
    assert "Status: New → Open" in response.content.decode()


def test_a_change_of_reason_alone_reads_as_the_reason_not_the_type(client, agent, ticket):
    client.force_login(agent)
    post(client, "ticket-type", ticket, {"type": "return", "reason": "size"}, **HTMX)
    response = post(client, "ticket-type", ticket, {"type": "return", "reason": "quality_defect"}, **HTMX)
    body = response.content.decode()
    assert "Reason: Size → Quality defect" in body and "Type: Return → Return" not in body


def test_a_team_taking_a_ticket_with_nobody_free_says_so_on_the_timeline(client, agent, ticket):
    from tickets.models import Team
    from tickets.services.tickets import assign

    team = Team.objects.create(name="Returns desk")
    assign(ticket, None, actor=agent, team=team)
    client.force_login(agent)
    page = client.get(reverse("ticket", args=[ticket.number]))
    assert "Team Returns desk, nobody assigned yet" in page.content.decode()
