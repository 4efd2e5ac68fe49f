"""The inbox's polling: new tickets of the list come on top, changed rows are replaced in place,
other lists' and other stores' tickets never come, and a forged position is harmless."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import Ticket
from tickets.services.tickets import assign, change_status

pytestmark = pytest.mark.django_db


def poll_url(response) -> str:
    found = re.search(r'id="inbox-poll"[^>]*hx-get="([^"]+)"', response.content.decode())
    return found.group(1).replace("&amp;", "&")


def test_new_and_changed_tickets_come_on_the_next_poll(client, agent, shopify_store, ebay_store):
    shown = factories.TicketFactory(store=shopify_store, subject="Shown already")
    client.force_login(agent)
    page = client.get(reverse("inbox"), {"view": "unsolved"})
    url = poll_url(page)
    assert "view=unsolved" in url and "after_id=" in url
    fresh = factories.TicketFactory(store=shopify_store, subject="Just arrived")
    # A ticket whose timestamps are old (a delayed mail) is still new: found by its id.
    Ticket.objects.filter(pk=fresh.pk).update(last_activity_at=timezone.now() - timedelta(days=3))
    factories.TicketFactory(store=ebay_store, subject="Another store")
    assign(shown, agent, actor=agent)
    answer = client.get(f"{url}&shown={shown.number}").content.decode()
    assert f'id="t-{shown.number}"' in answer and 'hx-swap-oob="true"' in answer
    assert (
        f'id="t-{fresh.number}"' in answer and "afterbegin:#ticket-rows" in answer
    )  # inside a tbody: htmx inserts its children
    assert "Another store" not in answer
    following = poll_url(client.get(f"{url}&shown={shown.number}"))
    assert "since=" in following and following != url


def test_a_poll_keeps_to_its_view(client, agent, shopify_store):
    client.force_login(agent)
    url = poll_url(client.get(reverse("inbox"), {"view": "unsolved"}))
    solved = factories.TicketFactory(store=shopify_store, subject="Solved at once")
    change_status(solved, "open", actor=agent)
    change_status(solved, "resolved", actor=agent)
    assert "Solved at once" not in client.get(url).content.decode()


@pytest.mark.parametrize("since", ["", "yesterday", "2026-01-01T00:00:00", "9999-99-99T00:00:00+00:00"])
def test_a_forged_position_answers_nothing_and_a_fresh_position(client, agent, shopify_store, since):
    factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    answer = client.get(reverse("inbox-changes"), {"since": since, "after_id": "abc"})
    assert answer.status_code == 200
    assert "ticket-row" not in answer.content.decode()
    assert 'id="inbox-poll"' in answer.content.decode()


@pytest.mark.parametrize(
    "since", ["2030-01-01T00:00:00+16:00", "2030-01-01T00:00:00-16:00", "9999-12-31T23:59:59-23:59"]
)
def test_an_offset_no_database_takes_is_refused_quietly(client, agent, shopify_store, since):
    factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    assert client.get(reverse("inbox-changes"), {"since": since, "after_id": "0"}).status_code == 200


def test_more_changes_than_one_answer_holds_all_arrive_over_the_next_polls(client, agent, shopify_store):
    from tickets.selectors import inbox

    client.force_login(agent)
    worked = [factories.TicketFactory(store=shopify_store) for _ in range(inbox.POLL_LIMIT + 10)]
    url = poll_url(client.get(reverse("inbox"), {"view": "all"}))
    delayed = factories.TicketFactory(store=shopify_store, subject="Delayed mail")
    Ticket.objects.filter(pk=delayed.pk).update(last_activity_at=timezone.now() - timedelta(days=3))
    newer = [factories.TicketFactory(store=shopify_store) for _ in range(inbox.POLL_LIMIT)]
    later = timezone.now()
    Ticket.objects.filter(pk__in=[t.pk for t in worked]).update(last_activity_at=later)
    seen: set[int] = set()
    for _ in range(6):
        answer = client.get(url)
        seen |= {int(n) for n in re.findall(r'id="t-(\d+)"', answer.content.decode())}
        url = poll_url(answer)
    expected = {t.number for t in [*worked, delayed, *newer]}
    assert expected <= seen
