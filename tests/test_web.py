"""The web pages: login, inbox scoped to the user's stores, ticket page and its actions."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import AuditEvent, Message, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopify_ticket(shopify_store):
    return factories.TicketFactory(store=shopify_store, subject="Jacke kam beschädigt an")


@pytest.fixture
def ebay_ticket(ebay_store):
    return factories.TicketFactory(store=ebay_store, subject="Wrong colour delivered")


def login(client, user):
    client.force_login(user)
    return client


def test_inbox_requires_login(client):
    response = client.get(reverse("inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_with_password_lands_in_the_inbox(client, agent):
    response = client.post(reverse("login"), {"username": agent.username, "password": factories.PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("inbox")
    assert response.status_code == 200


def test_login_with_a_wrong_password_says_so_and_stays(client, agent):
    response = client.post(reverse("login"), {"username": agent.username, "password": "nope"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert "_auth_user_id" not in client.session


def test_inbox_lists_only_tickets_of_the_users_stores(client, agent, shopify_ticket, ebay_ticket):
    response = login(client, agent).get(reverse("inbox"), {"view": "all"})
    numbers = [t.number for t in response.context["tickets"]]
    assert numbers == [shopify_ticket.number]
    assert "Wrong colour delivered" not in response.content.decode()


def test_inbox_view_counts_follow_membership(client, other_agent, shopify_ticket, ebay_ticket):
    response = login(client, other_agent).get(reverse("inbox"))
    counts = {item.view.key: item.count for item in response.context["views"]}
    assert counts["unsolved"] == 1


def test_inbox_filters_by_status_from_the_url(client, agent, shopify_store):
    open_ticket = factories.TicketFactory(store=shopify_store, status="open")
    factories.TicketFactory(store=shopify_store, status="new")
    response = login(client, agent).get(reverse("inbox"), {"view": "all", "status": "open"})
    assert [t.number for t in response.context["tickets"]] == [open_ticket.number]


def test_inbox_shows_an_empty_state_with_a_way_out(client, agent, shopify_store):
    factories.TicketFactory(store=shopify_store, status="new")
    response = login(client, agent).get(reverse("inbox"), {"view": "all", "status": "closed"})
    assert response.context["tickets"] == []
    assert "No tickets match these filters." in response.content.decode()


def test_inbox_bad_filter_value_is_an_error_not_a_500(client, agent, shopify_ticket):
    response = login(client, agent).get(reverse("inbox"), {"view": "all", "status": "bogus"})
    assert response.status_code == 200
    assert response.context["tickets"] == []
    assert 'role="alert"' in response.content.decode()


def test_inbox_pages_with_a_cursor_without_overlap(client, agent, shopify_store):
    now = timezone.now()
    for i in range(55):
        factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(minutes=i))
    first = login(client, agent).get(reverse("inbox"), {"view": "all"})
    assert len(first.context["tickets"]) == 50
    second = client.get(reverse("inbox"), {"view": "all", "after": first.context["next_cursor"]})
    assert len(second.context["tickets"]) == 5
    assert not {t.pk for t in first.context["tickets"]} & {t.pk for t in second.context["tickets"]}
    assert second.context["next_cursor"] is None


def test_inbox_search_finds_by_ticket_number(client, agent, shopify_store):
    wanted = factories.TicketFactory(store=shopify_store)
    factories.TicketFactory(store=shopify_store)
    response = login(client, agent).get(reverse("inbox"), {"view": "all", "q": f"#{wanted.number}"})
    assert [t.number for t in response.context["tickets"]] == [wanted.number]


def test_ticket_page_shows_the_thread(client, agent, shopify_ticket):
    factories.MessageFactory(ticket=shopify_ticket, body="<p>Die Jacke hat einen Riss.</p>", original_language="de")
    response = login(client, agent).get(reverse("ticket", args=[shopify_ticket.number]))
    assert response.status_code == 200
    assert "Die Jacke hat einen Riss." in response.content.decode()


def test_agent_of_another_store_gets_404_for_a_ticket(client, other_agent, shopify_ticket):
    response = login(client, other_agent).get(reverse("ticket", args=[shopify_ticket.number]))
    assert response.status_code == 404


def test_agent_of_another_store_cannot_change_its_status(client, other_agent, shopify_ticket):
    response = login(client, other_agent).post(
        reverse("ticket-status", args=[shopify_ticket.number]), {"status": "open"}
    )
    assert response.status_code == 404
    shopify_ticket.refresh_from_db()
    assert shopify_ticket.status == "new"


def test_agent_changes_status_and_an_audit_event_is_written(client, agent, shopify_ticket):
    response = login(client, agent).post(reverse("ticket-status", args=[shopify_ticket.number]), {"status": "open"})
    assert response.status_code == 302
    shopify_ticket.refresh_from_db()
    assert shopify_ticket.status == "open"
    event = AuditEvent.objects.get(ticket=shopify_ticket, action="ticket.status_changed")
    assert (event.actor, event.before["status"], event.after["status"]) == (agent, "new", "open")


def test_htmx_status_change_returns_the_header_with_a_toast(client, agent, shopify_ticket):
    response = login(client, agent).post(
        reverse("ticket-status", args=[shopify_ticket.number]), {"status": "open"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'id="ticket-header"' in response.content.decode()
    assert "toast" in response["HX-Trigger"]


def test_agent_cannot_close_a_resolved_ticket_and_is_told_why(client, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, status="resolved", resolved_at=timezone.now())
    response = login(client, agent).post(
        reverse("ticket-status", args=[ticket.number]), {"status": "closed"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "resolved"


def test_finance_cannot_change_a_ticket(client, finance, shopify_ticket):
    login(client, finance)
    assert client.get(reverse("ticket", args=[shopify_ticket.number])).status_code == 200
    assert client.post(reverse("ticket-status", args=[shopify_ticket.number]), {"status": "open"}).status_code == 403
    assert client.post(reverse("ticket-assign", args=[shopify_ticket.number]), {"assignee": "me"}).status_code == 403
    assert client.post(reverse("ticket-note", args=[shopify_ticket.number]), {"body": "hi"}).status_code == 403
    shopify_ticket.refresh_from_db()
    assert (shopify_ticket.status, shopify_ticket.assignee_id) == ("new", None)
    assert not Message.objects.filter(ticket=shopify_ticket).exists()
    assert not AuditEvent.objects.filter(ticket=shopify_ticket).exists()


def test_finance_sees_no_action_buttons(client, finance, shopify_ticket):
    content = login(client, finance).get(reverse("ticket", args=[shopify_ticket.number])).content.decode()
    assert "ticket-status" not in content and 'name="body"' not in content


def test_assign_to_me_and_back(client, agent, shopify_ticket):
    login(client, agent).post(reverse("ticket-assign", args=[shopify_ticket.number]), {"assignee": "me"})
    assert Ticket.objects.get(pk=shopify_ticket.pk).assignee == agent
    client.post(reverse("ticket-assign", args=[shopify_ticket.number]), {"assignee": ""})
    assert Ticket.objects.get(pk=shopify_ticket.pk).assignee is None
    assert AuditEvent.objects.filter(ticket=shopify_ticket, action="ticket.assigned").count() == 2


def test_internal_note_is_sanitized_and_shown(client, agent, shopify_ticket):
    login(client, agent).post(
        reverse("ticket-note", args=[shopify_ticket.number]), {"body": "Call the carrier <script>alert(1)</script>"}
    )
    note = Message.objects.get(ticket=shopify_ticket, direction="note")
    assert "<script" not in note.body and "Call the carrier" in note.body
    page = client.get(reverse("ticket", args=[shopify_ticket.number])).content.decode()
    assert "Call the carrier" in page and "<script>alert(1)" not in page


def test_empty_note_is_refused_with_a_message(client, agent, shopify_ticket):
    response = login(client, agent).post(
        reverse("ticket-note", args=[shopify_ticket.number]), {"body": "  "}, follow=True
    )
    assert not Message.objects.filter(ticket=shopify_ticket).exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_language_switch_renders_simplified_chinese(client, agent, shopify_ticket):
    login(client, agent)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("inbox")})
    content = client.get(reverse("inbox")).content.decode()
    assert 'lang="zh-hans"' in content
    assert "收件箱" in content or "全部未解决" in content


def test_money_is_formatted_for_the_locale(client, agent, shopify_ticket):
    response = login(client, agent).get(reverse("ticket", args=[shopify_ticket.number]))
    assert "$100.00" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "²"},
        {"q": "#" + "9" * 40},
        {"q": "\x00abc"},
        {"assignee": "²"},
        {"assignee": "9" * 40},
        {"store": "99999999999999999999999"},
        {"store": "1e5"},
        {"after": "not-a-cursor"},
        {"after": "MDAwMS0wMS0wMVQwMDowMDowMCswMTowMHwx"},  # 0001-01-01T00:00:00+01:00|1
        {"after": "OTk5OS0xMi0zMVQyMzo1OTo1OS0xNDowMHwx"},  # 9999-12-31T23:59:59-14:00|1
        {"after": "MjAyNi0wMS0wMVQwMDowMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ"},  # naive time, huge id
        {"view": "<script>"},
        {"priority": "x" * 500},
    ],
)
def test_inbox_answers_bad_query_values_without_a_500(client, agent, shopify_ticket, params):
    response = login(client, agent).get(reverse("inbox"), {"view": "all", **params})
    assert response.status_code == 200


def test_message_html_is_sanitized_again_when_shown(client, agent, shopify_ticket):
    # A row written around the services (an import, an old release) is still shown safely.
    factories.MessageFactory(
        ticket=shopify_ticket, body='<p>hi<img src=x onerror="alert(1)"><script>alert(2)</script></p>'
    )
    content = login(client, agent).get(reverse("ticket", args=[shopify_ticket.number])).content.decode()
    assert "onerror" not in content and "<script>alert(2)" not in content and "hi" in content


def test_pages_carry_a_strict_content_security_policy(client, agent):
    policy = login(client, agent).get(reverse("inbox"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_load_more_with_htmx_returns_only_the_next_rows(client, agent, shopify_store):
    now = timezone.now()
    for i in range(52):
        factories.TicketFactory(store=shopify_store, last_activity_at=now - timedelta(minutes=i))
    first = login(client, agent).get(reverse("inbox"), {"view": "all"})
    response = client.get(
        reverse("inbox"), {"view": "all", "after": first.context["next_cursor"]}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert "<html" not in content and content.count('class="ticket-row') == 2


def test_inbox_filter_form_keeps_the_chosen_values(client, agent, shopify_ticket):
    content = login(client, agent).get(reverse("inbox"), {"view": "all", "status": "open", "priority": "high"}).content
    assert b'<option value="open" selected>' in content and b'<option value="high" selected>' in content
    assert b'<option value="new" selected>' not in content


# Error pages: the product's own, translated, never Django's debug page (DEBUG is off here, as
# under `make run`).


def test_a_missing_page_shows_the_products_404_in_chinese(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = response.content.decode()
    assert response.status_code == 404
    assert 'lang="zh-hans"' in content and "未找到" in content
    assert "URLconf" not in content and "no-such-page" not in content


@pytest.mark.urls("tests.error_urls")
def test_an_unhandled_error_shows_the_products_500_page_in_chinese():
    response = Client(raise_request_exception=False).get("/fail/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = response.content.decode()
    assert response.status_code == 500
    assert 'lang="zh-hans"' in content and "出错了" in content
    assert "RuntimeError" not in content and "a bug" not in content


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_is_in_english_by_default():
    response = Client(raise_request_exception=False).get("/fail/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_a_stale_form_shows_the_products_403_page_in_chinese(agent):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("login"), {"username": agent.username, "password": factories.PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    content = response.content.decode()
    assert response.status_code == 403
    assert 'lang="zh-hans"' in content and "表单已过期" in content
    assert "CSRF verification failed" not in content


def test_htmx_posts_carry_the_token_from_the_page_so_the_cookie_can_be_http_only(agent, shopify_ticket):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(agent)
    page = csrf_client.get(reverse("ticket", args=[shopify_ticket.number]))
    assert page.cookies["csrftoken"]["httponly"] is True
    headers = json.loads(re.search(r"hx-headers='([^']+)'", page.content.decode()).group(1))
    response = csrf_client.post(
        reverse("ticket-status", args=[shopify_ticket.number]),
        {"status": "open"},
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=headers["X-CSRFToken"],
    )
    assert response.status_code == 200
    shopify_ticket.refresh_from_db()
    assert shopify_ticket.status == "open"
