"""Inbox sort orders with keyset pages: every ticket once, in order, whatever the page size."""

import random
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import Ticket
from tickets.selectors import inbox, keyset

pytestmark = pytest.mark.django_db

RANK = keyset.PRIORITY_RANK


@pytest.fixture
def tickets(shopify_store):
    rng = random.Random(7)
    now = timezone.now()
    made = []
    for n in range(37):
        ticket = factories.TicketFactory(store=shopify_store, priority=rng.choice(list(RANK)))
        due = None if n % 5 == 0 else now + timedelta(minutes=rng.choice([-90, 0, 30, 30, 600]))
        activity = now - timedelta(minutes=rng.choice([1, 5, 5, 60]))  # ties on purpose
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, last_activity_at=activity)
        made.append(ticket.pk)
    return Ticket.objects.filter(pk__in=made)


def walk(queryset, sort, size):
    seen, cursor = [], None
    while True:
        rows, cursor = inbox.page(queryset, after=cursor, size=size, sort=sort)
        seen.extend(row.pk for row in rows)
        if cursor is None:
            return seen


def expected(queryset, name):
    rows = list(queryset)
    far = timezone.now() + timedelta(days=99999)
    keys = {
        "activity": lambda t: (-t.last_activity_at.timestamp(), -t.pk),
        "sla": lambda t: (t.sla_due_at is None, t.sla_due_at or far, t.pk),
        "created": lambda t: (-t.created_at.timestamp(), -t.pk),
        "priority": lambda t: (RANK[t.priority], -t.last_activity_at.timestamp(), -t.pk),
    }
    return [t.pk for t in sorted(rows, key=keys[name])]


@pytest.mark.parametrize("name", sorted(keyset.SORTS))
@pytest.mark.parametrize("size", [1, 4, 50])
def test_every_sort_pages_through_every_ticket_once_in_order(tickets, name, size):
    assert walk(tickets, keyset.SORTS[name], size) == expected(tickets, name)


@pytest.mark.parametrize("cursor", ["", "garbage", "eyJ4IjoxfQ", "WyJzbGEiLFsiMjAyNi0wMS0wMVQwMDowMDowMCJdLC0xXQ"])
def test_a_cursor_that_is_not_ours_serves_the_first_page(tickets, cursor):
    first, _ = inbox.page(tickets, size=5, sort=keyset.SORTS["sla"])
    assert inbox.page(tickets, after=cursor, size=5, sort=keyset.SORTS["sla"])[0] == first


def test_a_cursor_of_another_sort_serves_the_first_page(tickets):
    _, activity_cursor = inbox.page(tickets, size=5, sort=keyset.SORTS["activity"])
    first, _ = inbox.page(tickets, size=5, sort=keyset.SORTS["sla"])
    assert inbox.page(tickets, after=activity_cursor, size=5, sort=keyset.SORTS["sla"])[0] == first


def test_the_sort_is_remembered_per_view_and_sla_views_default_to_sla(client, agent, tickets):
    client.force_login(agent)
    page = client.get(reverse("inbox"), {"view": "sla_risk"})
    assert page.context["sort"] == "sla"
    assert client.get(reverse("inbox"), {"view": "unsolved"}).context["sort"] == "activity"
    client.get(reverse("inbox"), {"view": "unsolved", "sort": "priority"})
    assert client.get(reverse("inbox"), {"view": "unsolved"}).context["sort"] == "priority"
    assert client.get(reverse("inbox"), {"view": "sla_risk"}).context["sort"] == "sla"
    assert client.get(reverse("inbox"), {"view": "unsolved", "sort": "bogus"}).context["sort"] == "activity"


@pytest.mark.parametrize(
    "value",
    [
        "2026-13-45T00:00:00+00:00",
        "2026-02-30T00:00:00Z",
        "2026-01-01T25:00:00Z",
        "2026-01-01T00:00:00+99:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_a_forged_date_in_a_cursor_serves_the_first_page(client, agent, tickets, value):
    import base64
    import json

    cursor = base64.urlsafe_b64encode(json.dumps(["activity", [value], 1]).encode()).decode().rstrip("=")
    client.force_login(agent)
    assert client.get(reverse("inbox"), {"view": "all", "sort": "activity", "after": cursor}).status_code == 200


def test_view_counts_are_kept_for_a_while_per_user(client, agent, shopify_store, settings):
    from django.core.cache import cache

    from tickets.selectors.inbox import cached_view_counts

    # A cache of this test's own: the embedded default's file cache is shared with `make run`.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counts"}}
    settings.INBOX_COUNTS_SECONDS = 60
    factories.TicketFactory(store=shopify_store)
    first = {item.view.key: item.count for item in cached_view_counts(agent)}
    factories.TicketFactory(store=shopify_store)
    assert {item.view.key: item.count for item in cached_view_counts(agent)} == first  # kept
    cache.delete(f"inbox-counts:{agent.pk}")
    assert {item.view.key: item.count for item in cached_view_counts(agent)}["unsolved"] == first["unsolved"] + 1


def test_each_row_shows_its_own_tags(client, agent, shopify_store):
    from tickets.models import Tag

    tagged = factories.TicketFactory(store=shopify_store)
    tagged.tags.add(Tag.objects.create(name="zerbrochen"), Tag.objects.create(name="破损"))
    plain = factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    page = client.get(reverse("inbox"), {"view": "all"}).content.decode()
    row = page[page.index(f'id="t-{tagged.number}"') :]
    row = row[: row.index("</tr>")]
    assert '<span class="tag">zerbrochen</span>' in row and '<span class="tag">破损</span>' in row
    other = page[page.index(f'id="t-{plain.number}"') :]
    assert 'class="tag"' not in other[: other.index("</tr>")]
