"""The store switcher of the top bar: only the user's stores, by short label; the chosen store is
the inbox's store filter and is remembered for the next visit; a store the user lost is dropped."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tickets.models import StoreMembership
from tickets.views.store_switch import SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def amazon_de(db):
    return factories.StoreFactory(platform="amazon", name="Acme Amazon", marketplace="A1PA6795UKMFR9", region="DE")


@pytest.fixture
def member(shopify_store, amazon_de):
    return factories.user_with_role("two_stores", factories.AGENT, stores=[shopify_store, amazon_de])


def menu_labels(html: str) -> list[str]:
    menu = html.split('class="store-menu"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<a [^>]*>(.*?)</a>", menu, re.S)
    return [re.sub(r"<[^>]+>", "", re.sub(r'<span class="platform .*?</span>', "", item)).strip() for item in items]


def test_the_switcher_lists_only_the_users_stores_by_short_label(client, member, ebay_store):
    client.force_login(member)
    page = client.get("/inbox/?view=all").content.decode()
    assert menu_labels(page) == ["All stores", "Amazon DE", "Shopify US"]
    assert "Acme eBay DE" not in page and "EBAY" not in page.split('class="store-menu"', 1)[1].split("</ul>")[0]


def test_stores_with_one_label_are_told_apart_by_name(client, shopify_store):
    twin = factories.StoreFactory(platform="shopify", name="Acme Outlet", region="US")
    user = factories.user_with_role("twins", factories.AGENT, stores=[shopify_store, twin])
    client.force_login(user)
    labels = menu_labels(client.get("/inbox/").content.decode())
    assert labels == ["All stores", "Shopify US · Acme Outlet", "Shopify US · Acme Shopify"]


def test_choosing_a_store_filters_the_inbox_and_is_remembered(client, member, amazon_de, shopify_store):
    factories.TicketFactory(store=amazon_de, subject="Amazon parcel")
    factories.TicketFactory(store=shopify_store, subject="Shopify parcel")
    client.force_login(member)
    chosen = client.get(f"/inbox/?view=all&store={amazon_de.pk}").content.decode()
    assert "Amazon parcel" in chosen and "Shopify parcel" not in chosen
    assert client.session[SESSION_KEY] == amazon_de.pk
    again = client.get("/inbox/?view=mine")
    assert again.status_code == 302 and again["Location"] == f"/inbox/?view=mine&store={amazon_de.pk}"


def test_the_switcher_keeps_the_pages_other_filters(client, member, amazon_de):
    client.force_login(member)
    page = client.get("/inbox/?view=mine&priority=high&store=&after=abc").content.decode()
    assert f'href="/inbox/?view=mine&amp;priority=high&amp;store={amazon_de.pk}"' in page


def test_all_stores_forgets_the_remembered_store(client, member, amazon_de):
    client.force_login(member)
    client.get(f"/inbox/?store={amazon_de.pk}")
    client.get("/inbox/?view=all&store=")
    assert SESSION_KEY not in client.session
    assert client.get("/inbox/").status_code == 200


def test_a_store_the_user_lost_is_dropped_silently(client, member, amazon_de):
    client.force_login(member)
    client.get(f"/inbox/?store={amazon_de.pk}")
    StoreMembership.objects.filter(user=member, store=amazon_de).delete()
    answer = client.get("/inbox/")
    assert answer.status_code == 200 and SESSION_KEY not in client.session
    assert "Amazon DE" not in answer.content.decode()


def test_another_stores_id_in_the_url_is_never_remembered(client, agent, ebay_store):
    client.force_login(agent)
    client.get(f"/inbox/?store={ebay_store.pk}")
    assert SESSION_KEY not in client.session


def test_the_menu_elsewhere_lists_own_stores_and_marks_the_remembered_one(client, member, amazon_de, ebay_store):
    client.force_login(member)
    client.get(f"/inbox/?store={amazon_de.pk}")
    menu = client.get(reverse("inbox-stores")).content.decode()
    assert menu_labels(menu) == ["All stores", "Amazon DE", "Shopify US"]
    assert f'href="/inbox/?store={amazon_de.pk}" aria-current="true"' in menu


def test_the_menu_elsewhere_drops_a_store_the_user_lost(client, member, amazon_de):
    client.force_login(member)
    client.get(f"/inbox/?store={amazon_de.pk}")
    StoreMembership.objects.filter(user=member, store=amazon_de).delete()
    menu = client.get(reverse("inbox-stores")).content.decode()
    assert "Amazon DE" not in menu and SESSION_KEY not in client.session


def test_the_ticket_page_spends_no_query_on_the_switcher(client, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    with CaptureQueriesContext(connection) as seen:
        page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="store-switcher"' in page and 'hx-get="/inbox/stores/"' in page
    assert not any('FROM "tickets_store"' in q["sql"].split("WHERE")[0] for q in seen.captured_queries)


def test_the_inbox_with_a_remembered_store_stays_within_twelve_queries(client, agent, shopify_store):
    for _ in range(3):
        factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    client.get(f"/inbox/?store={shopify_store.pk}")
    with CaptureQueriesContext(connection) as seen:
        assert client.get(f"/inbox/?view=unsolved&store={shopify_store.pk}").status_code == 200
    assert len(seen.captured_queries) <= 12
