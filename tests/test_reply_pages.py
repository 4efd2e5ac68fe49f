"""The reply box on the ticket page: send, refusal keeps the text, macros of the right stores, retry, confirm-resolve."""

import pytest
from django.urls import reverse

from tests import factories
from tickets.models import Macro, MacroVariant, Message, OutboxAction
from tickets.models.messages import SendStatus
from tickets.models.tickets import Channel
from tickets.states import TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, channel=Channel.EMAIL, language="de")
    factories.MessageFactory(ticket=made, body="<p>Wo ist mein Paket?</p>")
    return made


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent)
    return client


def test_a_reply_is_sent_from_the_page_and_shows_queued(signed_in, ticket):
    url = reverse("ticket-reply", args=[ticket.number])
    response = signed_in.post(url, {"body": "Ihr Paket ist unterwegs.", "then_status": "waiting_customer"})
    assert response.status_code == 302
    page = signed_in.get(reverse("ticket", args=[ticket.number]))
    html = page.content.decode()
    assert "Ihr Paket ist unterwegs." in html and "send-queued" in html
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_CUSTOMER
    assert OutboxAction.objects.filter(kind="send_reply").count() == 1


def test_a_refused_reply_comes_back_with_the_text_kept(signed_in, ticket):
    url = reverse("ticket-reply", args=[ticket.number])
    response = signed_in.post(url, {"body": "Bestellung {{order.number}} und {{rma.number}}"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "{{rma.number}}" in html and 'role="alert"' in html
    assert "Bestellung {{order.number}} und {{rma.number}}</textarea>" in html
    assert not Message.objects.filter(direction="outbound").exists()


def test_the_macro_picker_offers_this_store_and_global_macros_only(signed_in, ticket, ebay_store):
    mine = Macro.objects.create(name="Paket unterwegs", store=ticket.store)
    MacroVariant.objects.create(macro=mine, language="de", body="Hallo {{customer.name}}, {{order.number}}")
    shared = Macro.objects.create(name="Thanks", store=None)
    MacroVariant.objects.create(macro=shared, language="en", body="Thanks")
    foreign = Macro.objects.create(name="Fremd", store=ebay_store)
    MacroVariant.objects.create(macro=foreign, language="de", body="nope")
    listing = signed_in.get(reverse("ticket-macros", args=[ticket.number])).content.decode()
    assert "Paket unterwegs" in listing and "Thanks" in listing and "Fremd" not in listing
    searched = signed_in.get(reverse("ticket-macros", args=[ticket.number]), {"q": "paket"}).content.decode()
    assert "Paket unterwegs" in searched and "Thanks" not in searched
    filled = signed_in.get(reverse("ticket-macro", args=[ticket.number]), {"macro": mine.pk})
    assert filled.status_code == 200
    assert f"Hallo {ticket.customer.name}, {ticket.order.number}</textarea>" in filled.content.decode()
    assert signed_in.get(reverse("ticket-macro", args=[ticket.number]), {"macro": foreign.pk}).status_code == 404


def test_a_failed_reply_shows_the_reason_and_can_be_sent_again(signed_in, ticket, agent):
    from tickets.services.replies import send_reply

    message = send_reply(ticket, "Hallo", actor=agent)
    Message.objects.filter(pk=message.pk).update(send_status=SendStatus.FAILED, send_error="550 No such user")
    html = signed_in.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "550 No such user" in html
    signed_in.post(reverse("ticket-reply-retry", args=[ticket.number]), {"message": message.pk})
    assert Message.objects.get(pk=message.pk).send_status == SendStatus.QUEUED


def test_resolving_while_the_buyer_waits_asks_first(signed_in, ticket):
    url = reverse("ticket-status", args=[ticket.number])
    asked = signed_in.post(url, {"status": "resolved"}, HTTP_HX_REQUEST="true")
    assert asked.status_code == 409 and 'name="confirm"' in asked.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW
    signed_in.post(url, {"status": "resolved", "confirm": "1"}, HTTP_HX_REQUEST="true")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED


def test_finance_sees_no_reply_box(client, finance, ticket):
    client.force_login(finance)
    html = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert 'id="reply-body"' not in html
    assert client.post(reverse("ticket-reply", args=[ticket.number]), {"body": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "ticket-macro", {"macro": "²"}),
        ("post", "ticket-reply", {"body": "Hi", "macro": "²"}),
        ("post", "ticket-reply-retry", {"message": "²"}),
        ("post", "ticket-reply", {"body": "Hi", "then_status": "bogus"}),
    ],
)
def test_odd_form_values_get_a_clear_answer_not_a_crash(signed_in, ticket, method, name, data):
    response = getattr(signed_in, method)(reverse(name, args=[ticket.number]), data)
    assert response.status_code in (302, 404, 422)


def test_finance_gets_no_macros(client, finance, ticket):
    client.force_login(finance)
    assert client.get(reverse("ticket-macros", args=[ticket.number])).status_code == 403


def test_the_status_menu_names_the_current_status(signed_in, ticket):
    html = signed_in.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert '<option value="" selected disabled>New (now)</option>' in html


def test_the_macro_a_rule_suggested_is_offered_first_in_the_reply_box(signed_in, ticket):
    other = Macro.objects.create(name="Aaa first by name")
    MacroVariant.objects.create(macro=other, language="de", body="Hallo")
    suggested = Macro.objects.create(name="Zzz tracking update")
    MacroVariant.objects.create(macro=suggested, language="de", body="Ihr Paket ist unterwegs.")
    ticket.suggested_macro = suggested
    ticket.save(update_fields=["suggested_macro"])
    page = signed_in.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "Suggested by a rule:" in page and f"?macro={suggested.pk}" in page
    listed = signed_in.get(reverse("ticket-macros", args=[ticket.number])).content.decode()
    assert listed.index("Zzz tracking update") < listed.index("Aaa first by name")
    assert "suggested" in listed


def test_no_suggestion_shows_without_one(signed_in, ticket):
    assert "Suggested by a rule:" not in signed_in.get(reverse("ticket", args=[ticket.number])).content.decode()
