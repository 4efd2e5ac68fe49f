"""Presence on a ticket: who else is viewing or typing (kept in the cache, never the database), and
the reply box asking before a second reply when a colleague answered or is typing."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests import factories
from tickets.models import Direction, Message
from tickets.services import presence
from tickets.services.replies import send_reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    # Ticket and user ids repeat between tests; the cache (files or Redis) outlives each one.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def colleague(shopify_store):
    user = factories.user_with_role("anna", factories.AGENT, stores=[shopify_store])
    user.first_name = "Anna"
    user.save()
    return user


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, subject="Where is my parcel?", channel="portal")
    factories.MessageFactory(ticket=made)
    return made


def signed_in(client, user):
    client.force_login(user)
    return client


def marker(client, ticket, **typing):
    url = reverse("ticket-presence", args=[ticket.number])
    response = client.post(url, typing) if typing else client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_colleague_viewing_the_ticket_shows_on_the_marker(client, ticket, agent, colleague):
    presence.seen(ticket, colleague)
    assert "Anna is viewing" in marker(signed_in(client, agent), ticket)


def test_one_does_not_see_oneself(client, ticket, agent):
    assert "is viewing" not in marker(signed_in(client, agent), ticket)
    assert "is viewing" not in marker(client, ticket)


def test_a_typing_ping_shows_the_colleague_typing(client, ticket, agent, colleague):
    marker(signed_in(client, colleague), ticket, typing="1")
    assert "Anna is typing…" in marker(signed_in(client, agent), ticket)


def test_typing_fades_after_its_window(settings, ticket, agent, colleague):
    settings.PRESENCE_POLL_SECONDS, settings.PRESENCE_TYPING_SECONDS = 0, 0  # a window of no time at all
    presence.seen(ticket, colleague, typing=True)
    assert [(p.name, p.typing) for p in presence.others(ticket, agent)] == [("Anna", False)]


def test_a_plain_heartbeat_keeps_the_typing_mark(ticket, agent, colleague):
    presence.seen(ticket, colleague, typing=True)
    presence.seen(ticket, colleague)
    assert [p.typing for p in presence.others(ticket, agent)] == [True]


def test_presence_on_a_ticket_of_another_store_is_not_found(client, ticket, other_agent):
    response = signed_in(client, other_agent).get(reverse("ticket-presence", args=[ticket.number]))
    assert response.status_code == 404
    assert presence.others(ticket, factories.user_with_role("z", factories.AGENT)) == []


def test_a_reader_without_the_right_to_reply_never_shows_as_typing(client, ticket, agent, finance):
    marker(signed_in(client, finance), ticket, typing="1")
    assert [p.typing for p in presence.others(ticket, agent)] == [False]


def test_the_ticket_page_polls_presence_and_names_the_last_message_it_showed(client, ticket, agent):
    page = signed_in(client, agent).get(reverse("ticket", args=[ticket.number])).content.decode()
    last = Message.objects.filter(ticket=ticket).latest("pk").pk
    assert reverse("ticket-presence", args=[ticket.number]) in page
    assert f'name="seen_message" value="{last}" form="reply-box"' in page


# --- Before a second reply --------------------------------------------------------------------------


def reply(client, ticket, seen: int, **extra):
    return client.post(
        reverse("ticket-reply", args=[ticket.number]), {"body": "We sent it today.", "seen_message": seen, **extra}
    )


def test_a_reply_is_held_when_a_colleague_replied_since_the_page_was_loaded(client, ticket, agent, colleague):
    seen = presence.last_message_id(ticket)
    send_reply(ticket, "Your parcel is on its way.", actor=colleague)
    response = reply(signed_in(client, agent), ticket, seen)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Anna replied to the buyer after you opened this ticket" in page
    assert "We sent it today." in page  # the text is kept
    assert 'name="confirm_second" value="1"' in page
    assert Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).count() == 1


def test_a_confirmed_second_reply_goes_out(client, ticket, agent, colleague):
    seen = presence.last_message_id(ticket)
    send_reply(ticket, "Your parcel is on its way.", actor=colleague)
    response = reply(signed_in(client, agent), ticket, seen, confirm_second="1")
    assert response.status_code == 302
    assert Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND, author=agent).count() == 1


def test_a_reply_is_held_while_a_colleague_types_one(client, ticket, agent, colleague):
    presence.seen(ticket, colleague, typing=True)
    response = reply(signed_in(client, agent), ticket, presence.last_message_id(ticket))
    assert response.status_code == 409
    assert "Anna is writing a reply to this buyer right now" in response.content.decode()
    assert not Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).exists()


def test_a_reply_with_nobody_else_around_goes_straight_out(client, ticket, agent, colleague):
    presence.seen(ticket, colleague)  # viewing, not typing
    send_reply(ticket, "Earlier answer.", actor=agent)  # one's own earlier reply is no reason to ask
    response = reply(signed_in(client, agent), ticket, presence.last_message_id(ticket) - 1)
    assert response.status_code == 302
    assert Message.objects.filter(ticket=ticket, direction=Direction.OUTBOUND).count() == 2


def test_sending_clears_ones_own_typing_mark(client, ticket, agent, colleague):
    marker(signed_in(client, agent), ticket, typing="1")
    assert reply(client, ticket, presence.last_message_id(ticket)).status_code == 302
    assert [p.typing for p in presence.others(ticket, colleague)] == [False]
