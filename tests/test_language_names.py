"""Languages and countries are shown by name in the reader's language, never as bare codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_ticket(shopify_store):
    customer = factories.CustomerFactory(store=shopify_store, language="de", country="DE")
    ticket = factories.TicketFactory(store=shopify_store, customer=customer, language="de")
    factories.MessageFactory(ticket=ticket, original_language="de", body="<p>Die Jacke ist kaputt.</p>")
    return ticket


def _page(client, user, ticket, language: str) -> str:
    client.force_login(user)
    url = reverse("ticket", args=[ticket.number])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_ticket_page_names_the_buyers_language_and_country_in_english(client, agent, german_ticket):
    content = _page(client, agent, german_ticket, "en")
    assert '<span class="badge lang">German</span>' in content
    assert "German · Germany" in content


def test_ticket_page_names_the_buyers_language_and_country_in_chinese(client, agent, german_ticket):
    content = _page(client, agent, german_ticket, "zh-hans")
    assert '<span class="badge lang">德语</span>' in content
    assert "德语 · 德国" in content
    assert '<span class="badge lang">de</span>' not in content


def test_an_unknown_language_code_is_shown_as_it_is(client, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, language="xx-unknown")
    content = _page(client, agent, ticket, "en")
    assert '<span class="badge lang">xx-unknown</span>' in content
