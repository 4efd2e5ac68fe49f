"""render_macro: the variant in the buyer's language, placeholders from live data, gaps named."""

from decimal import Decimal

import pytest

from tests import factories
from tickets.errors import DomainError
from tickets.models import Macro, MacroVariant
from tickets.services.macros import leftover_placeholders, render_macro, render_text, tracking_url

pytestmark = pytest.mark.django_db


def macro(store=None, **bodies: str) -> Macro:
    made = Macro.objects.create(name="Where is it", store=store)
    for language, body in bodies.items():
        MacroVariant.objects.create(macro=made, language=language.replace("_", "-"), body=body)
    return made


def ticket_in(store, *, language="de", **order_fields):
    customer = factories.CustomerFactory(store=store, name="Jürgen Groß", language=language)
    order = factories.OrderFactory(store=store, customer=customer, **order_fields)
    return factories.TicketFactory(store=store, customer=customer, order=order, language=language)


def test_the_buyers_language_is_chosen_and_placeholders_filled(shopify_store):
    ticket = ticket_in(
        shopify_store, number="#1042", total_amount=Decimal("1234.50"), carrier="DHL", tracking_number="JD0146"
    )
    found = macro(
        en="Hi {{customer.first_name}}, order {{order.number}} ({{order.total}}) is on its way: {{tracking.url}}",
        de="Hallo {{customer.first_name}}, Bestellung {{order.number}} ({{order.total}}) ist unterwegs: {{tracking.url}}",
    )
    rendered = render_macro(found, ticket)
    assert rendered.language == "de"
    assert rendered.complete
    assert rendered.text == (
        "Hallo Jürgen, Bestellung #1042 (1.234,50\xa0$) ist unterwegs: "
        "https://www.dhl.com/global-en/home/tracking.html?tracking-id=JD0146"
    )


def test_a_regional_language_finds_its_variant_and_the_store_language_is_the_fallback(shopify_store):
    found = macro(en="Hello", de="Hallo", fr="Bonjour")
    assert render_macro(found, ticket_in(shopify_store, language="de-AT")).language == "de"
    shopify_store.language = "fr"
    shopify_store.save()
    ticket = ticket_in(shopify_store, language="ja")
    ticket.customer.language = ""
    ticket.customer.save()
    assert render_macro(found, ticket).text == "Bonjour"


def test_a_placeholder_without_data_is_named_and_kept_in_the_text(shopify_store):
    ticket = ticket_in(shopify_store, language="en", tracking_number="")
    rendered = render_macro(macro(en="Track it: {{tracking.url}} / {{rma.number}} / {{nonsense.field}}"), ticket)
    assert rendered.missing == ("tracking.url", "rma.number", "nonsense.field")
    assert leftover_placeholders(rendered.text) == ["{{tracking.url}}", "{{rma.number}}", "{{nonsense.field}}"]


def test_rma_and_refund_placeholders_read_the_latest_ones(shopify_store):
    ticket = ticket_in(shopify_store, language="en", currency="JPY", total_amount=Decimal("12320"))
    factories.RmaFactory(ticket=ticket, number="RMA-000001", return_address="Lager 3\n10115 Berlin")
    factories.RmaFactory(ticket=ticket, number="RMA-000002", return_address="Lager 4\n10115 Berlin")
    factories.RefundFactory(ticket=ticket, amount=Decimal("3000"), currency="JPY")
    text, missing = render_text("{{rma.number}} | {{refund.amount}} | {{rma.instructions}}", ticket)
    assert not missing
    assert text.startswith("RMA-000002 | ¥3,000 | ")
    assert "Lager 4" in text and "RMA-000002" in text.split(" | ")[2]


def test_a_macro_without_any_text_is_refused(shopify_store):
    with pytest.raises(DomainError):
        render_macro(Macro.objects.create(name="Empty"), ticket_in(shopify_store))


def test_tracking_links_know_the_common_carriers_and_escape_the_number():
    assert (
        tracking_url("Royal  Mail", "AB 123") == "https://www.royalmail.com/track-your-item#/tracking-results/AB%20123"
    )
    assert tracking_url("Some Local Courier", "X1") == "https://t.17track.net/en#nums=X1"
    assert tracking_url("UPS", "") == ""


def test_the_demo_macros_are_made_once_and_render_complete(shopify_store):
    from collections import Counter

    from tickets.demo.macros import demo_macros

    made = Counter()
    demo_macros(made)
    demo_macros(made)
    assert made["macros"] == 4 and Macro.objects.count() == 4
    ticket = ticket_in(shopify_store, language="fr", carrier="La Poste", tracking_number="6A123")
    rendered = render_macro(Macro.objects.get(name="Where is my parcel"), ticket)
    assert rendered.language == "fr" and rendered.complete
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A123" in rendered.text


def test_words_we_add_are_in_the_buyers_language_not_the_agents(shopify_store):
    from django.utils import translation

    ticket = ticket_in(shopify_store, language="zh-hans")
    factories.RmaFactory(ticket=ticket, number="RMA-000009", return_address="上海市 仓库 3 号")
    with translation.override("en"):  # the agent reads English
        text, missing = render_text("{{rma.instructions}}", ticket, language="zh-hans")
    assert not missing
    assert "请将包裹寄至：" in text and "RMA-000009" in text
