"""Ticket search and the inbox's filters.

Words: PostgreSQL full-text search over each ticket's search document (stemmed in the ticket's
language, unstemmed, and CJK character pairs), kept fresh after commit and by a beat sweep.
Identifiers (order, RMA, tracking, ticket numbers, emails) are exact lookups on every database.
SQLite falls back to plain matching of subject, preview and buyer name.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from tests import factories
from tests.conftest import IS_POSTGRES
from tests.ingest_records import message
from tickets import tasks
from tickets.models import CustomerTier, Tag, Team, Ticket, TicketSearch
from tickets.selectors import inbox, keyset
from tickets.selectors.filters import TicketFilter
from tickets.selectors.search import cjk_pairs, config_for, search
from tickets.services import search_index
from tickets.services.ingest import ingest_records
from tickets.services.replies import send_reply
from tickets.services.ticket_fields import add_tags
from tickets.services.tickets import add_internal_note

pytestmark = pytest.mark.django_db
postgres = pytest.mark.postgres
sqlite_only = pytest.mark.skipif(IS_POSTGRES, reason="the fallback for databases without full-text search")


@pytest.fixture
def client_for():
    from rest_framework.test import APIClient

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def found(user, text: str) -> set[int]:
    return set(search(Ticket.objects.visible_to(user), text, user=user).values_list("number", flat=True))


def ticket_saying(store, body: str, *, language: str = "en", subject: str = "A question", **kw) -> Ticket:
    ticket = factories.TicketFactory(store=store, language=language, subject=subject, **kw)
    factories.MessageFactory(ticket=ticket, body=f"<p>{body}</p>")
    search_index.refresh_documents([ticket.pk])
    return ticket


# --- words: full-text search on PostgreSQL ---------------------------------------------------------
@postgres
def test_german_inflection_finds_a_german_ticket(agent, shopify_store):
    ticket = ticket_saying(shopify_store, "Ich möchte die Rücksendung anmelden.", language="de")
    assert found(agent, "Rücksendungen") == {ticket.number}


@postgres
def test_english_inflection_finds_an_english_ticket(agent, shopify_store):
    ticket = ticket_saying(shopify_store, "I returned the shoes last week.", language="en")
    assert found(agent, "returning") == {ticket.number}


@postgres
def test_a_word_matches_as_written_whatever_the_tickets_language(agent, shopify_store):
    ticket = ticket_saying(shopify_store, "Das Paket kam mit DHL Express.", language="ja")
    assert found(agent, "express") == {ticket.number}


@postgres
def test_every_word_of_the_query_must_match(agent, shopify_store):
    both = ticket_saying(shopify_store, "The zipper of the jacket broke.")
    ticket_saying(shopify_store, "The zipper of the bag is fine.")
    assert found(agent, "zipper jacket") == {both.number}


@postgres
def test_a_two_character_chinese_word_is_found_by_its_pair(agent, shopify_store):
    ticket = ticket_saying(shopify_store, "我想退货，请告诉我地址。", language="zh")
    assert found(agent, "退货") == {ticket.number}


@postgres
def test_chinese_characters_that_are_not_neighbours_do_not_match(agent, shopify_store):
    ticket_saying(shopify_store, "我想退货，请告诉我地址。", language="zh")
    assert found(agent, "退地") == set()


@postgres
def test_a_longer_chinese_query_needs_all_its_pairs(agent, shopify_store):
    ticket = ticket_saying(shopify_store, "退货地址在哪里", language="zh")
    ticket_saying(shopify_store, "退货很慢，地址不对", language="zh")
    assert found(agent, "退货地址") == {ticket.number}


@postgres
def test_japanese_and_korean_words_are_found_by_their_pairs(agent, shopify_store):
    japanese = ticket_saying(shopify_store, "商品が届きません。返品したいです。", language="ja")
    korean = ticket_saying(shopify_store, "환불해주세요 감사합니다", language="ko")
    assert (found(agent, "返品"), found(agent, "환불")) == ({japanese.number}, {korean.number})


@postgres
def test_html_of_a_message_is_not_indexed(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    factories.MessageFactory(ticket=ticket, body='<p class="strong">Broken <a href="https://x.example">lid</a></p>')
    search_index.refresh_documents([ticket.pk])
    assert (found(agent, "lid"), found(agent, "strong")) == ({ticket.number}, set())


@postgres
def test_tags_buyer_name_and_return_comments_are_searchable(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, customer__name="Ingrid Hollander")
    ticket.tags.add(Tag.objects.create(name="fragile-glass"))
    factories.RmaFactory(ticket=ticket, buyer_comment="The colour was wrong")
    search_index.refresh_documents([ticket.pk])
    assert all(found(agent, word) == {ticket.number} for word in ("Hollander", "fragile-glass", "colour"))


@postgres
def test_search_never_returns_another_stores_ticket(agent, shopify_store, ebay_store):
    ticket_saying(ebay_store, "The umbrella leaks.")
    order = factories.OrderFactory(store=ebay_store, number="#8800", tracking_number="1Z9999990000000001")
    factories.TicketFactory(store=ebay_store, order=order, customer=order.customer)
    assert [found(agent, q) for q in ("umbrella", "#8800", "1Z9999990000000001")] == [set(), set(), set()]


@postgres
def test_a_reply_refreshes_the_document(agent, shopify_store, django_capture_on_commit_callbacks):
    ticket = ticket_saying(shopify_store, "Where is my parcel?")
    with django_capture_on_commit_callbacks(execute=True):
        send_reply(ticket, "We sent a replacement kayak.", actor=agent)
    assert found(agent, "kayak") == {ticket.number}


@postgres
def test_a_note_refreshes_the_document(agent, shopify_store, django_capture_on_commit_callbacks):
    ticket = ticket_saying(shopify_store, "Where is my parcel?")
    with django_capture_on_commit_callbacks(execute=True):
        add_internal_note(ticket, "<p>Warehouse says pallet damaged</p>", actor=agent)
    assert found(agent, "pallet") == {ticket.number}


@postgres
def test_a_new_tag_refreshes_the_document(agent, shopify_store, django_capture_on_commit_callbacks):
    ticket = ticket_saying(shopify_store, "Where is my parcel?")
    with django_capture_on_commit_callbacks(execute=True):
        add_tags(ticket, ["chargeback-risk"], actor=agent)
    assert found(agent, "chargeback-risk") == {ticket.number}


@postgres
def test_an_ingested_message_is_searchable_after_its_page_commits(
    agent, shopify_store, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [result] = ingest_records(shopify_store, [message(body_html="<p>The trampoline arrived bent.</p>")])
    assert found(agent, "trampoline") == {Ticket.objects.get(pk=result.ticket_id).number}


@postgres
def test_one_page_of_ingest_refreshes_in_one_statement(shopify_store, django_capture_on_commit_callbacks):
    records = [message(f"<m{i}@x>", sender_address=f"b{i}@example.com", subject=f"Q {i}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ingest_records(shopify_store, records)
    refreshes = [cb for cb in callbacks if getattr(cb, "__qualname__", "").startswith("refresh_on_commit")]
    assert len(refreshes) == 1


@postgres
def test_the_beat_sweep_rebuilds_a_stale_document(agent, shopify_store):
    ticket = ticket_saying(shopify_store, "Where is my parcel?")
    factories.MessageFactory(ticket=ticket, body="<p>The hamster cage is cracked.</p>")
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=timezone.now() + timedelta(seconds=1))
    assert found(agent, "hamster") == set()
    tasks.reindex_search()
    assert found(agent, "hamster") == {ticket.number}


@postgres
def test_the_full_sweep_builds_documents_of_old_tickets_never_indexed(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, last_activity_at=timezone.now() - timedelta(days=400))
    factories.MessageFactory(ticket=ticket, body="<p>My old lantern</p>")
    tasks.reindex_search()  # recent tickets only
    assert not TicketSearch.objects.filter(ticket=ticket).exists()
    tasks.reindex_search_all()
    assert found(agent, "lantern") == {ticket.number}


@postgres
def test_the_full_sweep_goes_on_where_its_time_ran_out(agent, shopify_store, monkeypatch, settings):
    from tickets.services import search_index

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sweep"}}
    monkeypatch.setattr(search_index, "WINDOW", 1)  # one ticket per step, so the budget ends a run early
    made = [factories.TicketFactory(store=shopify_store) for _ in range(3)]
    TicketSearch.objects.filter(ticket__in=made).delete()
    assert search_index.reindex_stale(recent_only=False, budget_seconds=0) == 1
    assert search_index.reindex_stale(recent_only=False, budget_seconds=0) == 1
    assert search_index.reindex_stale(recent_only=False, budget_seconds=60) == 1
    assert TicketSearch.objects.filter(ticket__in=made).count() == 3


@postgres
def test_a_position_past_the_end_starts_the_sweep_over_at_once(agent, shopify_store, settings):
    from tickets.services import search_index

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "past"}}
    from django.core.cache import cache

    made = factories.TicketFactory(store=shopify_store)
    TicketSearch.objects.filter(ticket=made).delete()
    cache.set(search_index._sweep_key(), made.pk + 10_000_000, None)  # left by a bigger database
    assert search_index.reindex_stale(recent_only=False, budget_seconds=60) == 1


@postgres
def test_an_older_build_never_overwrites_a_newer_document(shopify_store):
    ticket = ticket_saying(shopify_store, "first words")
    later = ticket.last_activity_at + timedelta(hours=1)
    TicketSearch.objects.filter(ticket=ticket).update(activity_at=later)
    factories.MessageFactory(ticket=ticket, body="<p>second words</p>")
    assert search_index.refresh_documents([ticket.pk]) == 0


@postgres
def test_the_search_document_has_a_gin_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'ticketsearch_document'")
        [(definition,)] = cursor.fetchall()
    assert "USING gin (document)" in definition


# --- identifiers: exact lookups, on every database --------------------------------------------------
def test_an_order_number_finds_its_tickets_with_or_without_the_hash(agent, shopify_store):
    order = factories.OrderFactory(store=shopify_store, number="#4711")
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    factories.TicketFactory(store=shopify_store)
    assert (found(agent, "#4711"), found(agent, "4711")) == ({ticket.number}, {ticket.number})


def test_an_amazon_order_number_finds_its_ticket(agent, shopify_store):
    order = factories.OrderFactory(store=shopify_store, number="302-1234567-7654321")
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    assert found(agent, "302-1234567-7654321") == {ticket.number}


def test_an_rma_number_finds_its_ticket_whatever_the_case(agent, shopify_store):
    rma = factories.RmaFactory(ticket=factories.TicketFactory(store=shopify_store), number="RMA-00042")
    assert found(agent, "rma-00042") == {rma.ticket.number}


def test_an_outbound_tracking_number_finds_the_orders_ticket(agent, shopify_store):
    order = factories.OrderFactory(store=shopify_store, tracking_number="1Z999AA10123456784")
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer)
    assert found(agent, "1z999aa10123456784") == {ticket.number}


def test_a_return_tracking_number_finds_the_returns_ticket(agent, shopify_store):
    rma = factories.RmaFactory(ticket=factories.TicketFactory(store=shopify_store), tracking_number="JD0146000038574")
    assert found(agent, "JD0146000038574") == {rma.ticket.number}


def test_a_buyer_email_finds_the_buyers_tickets(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, customer__email="mia.k@example.com")
    factories.TicketFactory(store=shopify_store)
    assert found(agent, "Mia.K@Example.com") == {ticket.number}


def test_a_ticket_number_finds_the_ticket(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    assert found(agent, f"#{ticket.number}") == {ticket.number}


def test_exact_lookups_never_return_another_stores_ticket(agent, shopify_store, ebay_store):
    order = factories.OrderFactory(store=ebay_store, number="#5150", tracking_number="LX123456789CN")
    theirs = factories.TicketFactory(store=ebay_store, order=order, customer=order.customer)
    factories.RmaFactory(ticket=theirs, number="RMA-07070")
    queries = ("#5150", "LX123456789CN", "RMA-07070", theirs.customer.email, str(theirs.number))
    assert [found(agent, q) for q in queries] == [set()] * 5


@postgres
def test_an_identifier_is_looked_up_by_equality_not_like(agent, shopify_store):
    sql = str(search(Ticket.objects.visible_to(agent), "#4711", user=agent).query)
    assert "LIKE" not in sql.upper()


# --- the SQLite fallback ----------------------------------------------------------------------------
@sqlite_only
def test_fallback_matches_part_of_the_subject(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, subject="Broken teapot lid")
    factories.TicketFactory(store=shopify_store, subject="Late parcel")
    assert found(agent, "teapot") == {ticket.number}


@sqlite_only
def test_fallback_matches_the_last_message_preview(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, last_message_preview="The kettle whistles too loud")
    assert found(agent, "kettle") == {ticket.number}


@sqlite_only
def test_fallback_matches_the_buyer_name(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, customer__name="Ingrid Hollander")
    assert found(agent, "hollander") == {ticket.number}


@sqlite_only
def test_fallback_builds_no_documents(shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    assert (search_index.refresh_documents([ticket.pk]), tasks.reindex_search()) == (0, 0)


def test_an_empty_query_keeps_every_ticket(agent, shopify_store):
    tickets = {factories.TicketFactory(store=shopify_store).number for _ in range(2)}
    assert found(agent, "   ") == tickets


# --- the query's pieces -----------------------------------------------------------------------------
def test_cjk_text_becomes_its_overlapping_pairs():
    assert cjk_pairs("我想退货 ok 返品") == ["我想", "想退", "退货", "返品"]


@pytest.mark.parametrize(
    ("code", "config"),
    [("de", "german"), ("pt-BR", "portuguese"), ("en_GB", "english"), ("zh-Hans", "simple"), ("", "simple")],
)
def test_a_language_code_picks_its_stemming(code, config):
    assert config_for(code) == config


# --- search in the inbox, the top bar and the API --------------------------------------------------
def test_inbox_q_searches_by_order_number(client, agent, shopify_store):
    order = factories.OrderFactory(store=shopify_store, number="#9021")
    ticket = factories.TicketFactory(store=shopify_store, order=order, customer=order.customer, subject="Hello")
    other = factories.TicketFactory(store=shopify_store, subject="Other")
    client.force_login(agent)
    page = client.get("/inbox/", {"view": "all", "q": "#9021"}).content.decode()
    assert f"#{ticket.number}" in page and f"#{other.number}" not in page


def test_api_q_searches_by_rma_number(client_for, agent, shopify_store):
    rma = factories.RmaFactory(ticket=factories.TicketFactory(store=shopify_store), number="RMA-31337")
    factories.TicketFactory(store=shopify_store)
    response = client_for(agent).get("/api/tickets/", {"q": "RMA-31337"})
    assert [row["number"] for row in response.json()["results"]] == [rma.ticket.number]


def test_api_refuses_an_overlong_query_with_400(client_for, agent):
    assert client_for(agent).get("/api/tickets/", {"q": "x" * 201}).status_code == 400


def test_top_bar_search_is_focused_by_slash_and_sends_q(client, agent):
    client.force_login(agent)
    page = client.get("/inbox/").content.decode()
    assert 'id="global-search" type="search" name="q"' in page


# --- filters ----------------------------------------------------------------------------------------
def filtered(user, **params) -> set[int]:
    request = RequestFactory().get("/inbox/", params)
    request.user = user
    ticket_filter = TicketFilter(request.GET, queryset=Ticket.objects.visible_to(user), request=request)
    assert ticket_filter.is_valid(), ticket_filter.errors
    return set(ticket_filter.qs.values_list("number", flat=True))


def test_sku_filter_keeps_tickets_whose_order_has_the_sku(agent, shopify_store):
    wanted = factories.TicketFactory(store=shopify_store)
    factories.OrderLineFactory(order=wanted.order, sku="TEE-RED-M")
    factories.OrderLineFactory(order=factories.TicketFactory(store=shopify_store).order, sku="TEE-RED-L")
    assert filtered(agent, sku="TEE-RED-M") == {wanted.number}


def test_tier_filter_keeps_vip_buyers_tickets(agent, shopify_store):
    vip = factories.TicketFactory(store=shopify_store, customer__tier=CustomerTier.VIP)
    factories.TicketFactory(store=shopify_store)
    assert filtered(agent, tier="vip") == {vip.number}


def test_language_filter_takes_a_bare_code_for_its_regional_forms(agent, shopify_store):
    chinese = factories.TicketFactory(store=shopify_store, language="zh-Hans")
    factories.TicketFactory(store=shopify_store, language="en")
    assert filtered(agent, language="zh") == {chinese.number}


def test_tag_filter_keeps_tagged_tickets(agent, shopify_store):
    tagged = factories.TicketFactory(store=shopify_store)
    tagged.tags.add(Tag.objects.create(name="warranty"))
    factories.TicketFactory(store=shopify_store)
    assert filtered(agent, tag="warranty") == {tagged.number}


def test_team_filter_keeps_the_teams_tickets(agent, shopify_store):
    returns = Team.objects.create(name="Returns desk")
    wanted = factories.TicketFactory(store=shopify_store, team=returns)
    factories.TicketFactory(store=shopify_store, team=Team.objects.create(name="Billing"))
    factories.TicketFactory(store=shopify_store)
    assert filtered(agent, team=str(returns.pk)) == {wanted.number}


def _created(store, when: datetime) -> Ticket:
    ticket = factories.TicketFactory(store=store)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=when)
    return ticket


def test_created_range_includes_both_whole_days(agent, shopify_store):
    first = _created(shopify_store, datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    last = _created(shopify_store, datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    _created(shopify_store, datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    _created(shopify_store, datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
    assert filtered(agent, created_from="2026-03-01", created_to="2026-03-02") == {first.number, last.number}


def test_created_range_is_read_in_the_users_time_zone(agent, shopify_store):
    # 23:30 UTC on 1 March is already 2 March in Shanghai.
    late = _created(shopify_store, datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    with timezone.override("Asia/Shanghai"):
        in_shanghai = filtered(agent, created_from="2026-03-02", created_to="2026-03-02")
    in_utc = filtered(agent, created_from="2026-03-02", created_to="2026-03-02")
    assert (in_shanghai, in_utc) == ({late.number}, set())


def test_updated_range_reads_the_last_activity(agent, shopify_store):
    recent = factories.TicketFactory(store=shopify_store, last_activity_at=datetime(2026, 4, 10, 12, tzinfo=UTC))
    factories.TicketFactory(store=shopify_store, last_activity_at=datetime(2026, 4, 1, 12, tzinfo=UTC))
    assert filtered(agent, updated_from="2026-04-05") == {recent.number}


def test_filters_and_search_keep_to_keyset_pages(agent, shopify_store):
    tagged = Tag.objects.create(name="damaged")
    wanted = []
    for minutes in range(5):
        ticket = factories.TicketFactory(
            store=shopify_store, last_activity_at=timezone.now() - timedelta(minutes=minutes)
        )
        ticket.tags.add(tagged)
        wanted.append(ticket.number)
        factories.TicketFactory(store=shopify_store, last_activity_at=timezone.now() - timedelta(minutes=minutes))
    request = RequestFactory().get("/inbox/", {"tag": "damaged"})
    request.user = agent
    qs = TicketFilter(request.GET, queryset=Ticket.objects.visible_to(agent), request=request).qs
    first, cursor = inbox.page(qs, size=2, sort=keyset.SORTS["activity"])
    second, cursor = inbox.page(qs, after=cursor, size=2, sort=keyset.SORTS["activity"])
    third, cursor = inbox.page(qs, after=cursor, size=2, sort=keyset.SORTS["activity"])
    assert [t.number for t in first + second + third] == wanted and cursor is None


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"created_from": "yesterday"}, "Created from"),
        ({"created_from": "2026-02-30"}, "Created from"),
        ({"updated_to": "0001-01-01"}, "Updated until"),
        ({"created_from": "2026-05-02", "created_to": "2026-05-01"}, "Created until"),
        ({"language": "<script>"}, "Language"),
        ({"tier": "gold"}, "Buyer tier"),
        ({"team": "abc"}, "Team"),
        ({"team": "999999"}, "Team"),
    ],
    ids=["words", "no-such-day", "year-1", "reversed", "language", "tier", "team", "unknown-team"],
)
def test_a_bad_filter_value_is_named_on_the_page_and_lists_nothing(client, agent, shopify_store, params, label):
    factories.TicketFactory(store=shopify_store)
    client.force_login(agent)
    response = client.get("/inbox/", {"view": "all", **params})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters are not valid" in page and f"<li>{label}: " in page
    assert 'class="ticket-row' not in page


@pytest.mark.parametrize(
    "params",
    [{"created_from": "yesterday"}, {"updated_to": "2026-13-01"}, {"language": "<b>"}, {"tier": "gold"}, {"team": "x"}],
    ids=["words", "month-13", "language", "tier", "team"],
)
def test_a_malformed_filter_value_is_a_400_in_the_api(client_for, agent, params):
    response = client_for(agent).get("/api/tickets/", params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


@pytest.mark.parametrize(
    "params",
    [{"created_from": "2026-02-30"}, {"created_from": "2026-05-02", "created_to": "2026-05-01"}, {"team": "999999"}],
    ids=["no-such-day", "reversed", "unknown-team"],
)
def test_a_well_formed_filter_value_the_domain_refuses_is_a_422_not_a_500(client_for, agent, params):
    response = client_for(agent).get("/api/tickets/", params)
    assert response.status_code == 422
    assert response.json()["fields"]


def test_more_filters_open_when_one_of_them_is_set(client, agent):
    client.force_login(agent)
    closed = client.get("/inbox/").content.decode()
    opened = client.get("/inbox/", {"sku": "TEE-RED-M"}).content.decode()
    assert 'class="more-filters" data-submit-manually>' in closed
    assert 'class="more-filters" data-submit-manually open>' in opened


def test_filters_stay_in_the_load_more_link(client, agent, shopify_store):
    for _ in range(inbox.PAGE_SIZE + 1):
        factories.TicketFactory(store=shopify_store, customer__tier=CustomerTier.VIP)
    client.force_login(agent)
    page = client.get("/inbox/", {"view": "all", "tier": "vip", "created_from": "2020-01-01"}).content.decode()
    assert "tier=vip&amp;created_from=2020-01-01" in page and "after=" in page


def test_empty_controls_of_the_filter_form_are_no_filter(agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store, customer__tier=CustomerTier.VIP)
    factories.TicketFactory(store=shopify_store)
    assert filtered(agent, store="", status="", team="", created_from="", tier="vip") == {ticket.number}
