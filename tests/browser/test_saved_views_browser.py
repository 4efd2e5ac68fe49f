"""Saved views and the store switcher in real Chromium: filter, save, reload, open the saved view;
switch store and come back to it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in
from tickets.models import SavedView

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def amazon_de(db):
    return factories.StoreFactory(platform="amazon", name="Acme Amazon", marketplace="A1PA6795UKMFR9", region="DE")


def test_an_agent_saves_a_filtered_view_and_opens_it_after_a_reload(page, agent, shopify_store):
    factories.TicketFactory(store=shopify_store, priority="urgent", subject="Urgent parcel")
    factories.TicketFactory(store=shopify_store, priority="low", subject="Low question")
    log_in(page, agent.username, factories.PASSWORD)
    page.locator("select[name=priority]").select_option("urgent")
    page.wait_for_url(re.compile(r"priority=urgent"))
    page.get_by_text("Save this view", exact=True).click()
    page.get_by_label("Name of the view").fill("Urgent ones")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"saved=\d+"))
    view = SavedView.objects.get(owner=agent)
    assert view.query.startswith("view=unsolved") and "priority=urgent" in view.query
    expect(page.locator("#list-title")).to_have_text("Urgent ones")

    page.goto("/inbox/?view=all")
    page.reload()
    link = page.locator("#saved-views").get_by_role("link", name="Urgent ones")
    expect(link).to_contain_text("1")  # its capped count
    link.click()
    page.wait_for_url(re.compile(rf"priority=urgent.*saved={view.pk}"))
    expect(page.locator("tr.ticket-row")).to_have_count(1)
    expect(page.get_by_text("Urgent parcel")).to_be_visible()


def test_a_blank_name_shows_an_inline_error(page, agent, shopify_store):
    log_in(page, agent.username, factories.PASSWORD)
    page.get_by_text("Save this view", exact=True).click()
    page.get_by_label("Name of the view").fill("   ")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#save-view-error")).to_have_text("Give the view a name.")
    assert not SavedView.objects.exists()


def test_an_agent_switches_store_and_the_inbox_remembers_it(page, shopify_store, amazon_de):
    agent = factories.user_with_role("switcher", factories.AGENT, stores=[shopify_store, amazon_de])
    factories.TicketFactory(store=amazon_de, subject="Amazon parcel")
    factories.TicketFactory(store=shopify_store, subject="Shopify parcel")
    log_in(page, agent.username, factories.PASSWORD)
    expect(page.locator("tr.ticket-row")).to_have_count(2)
    page.locator("#store-switcher summary").click()
    page.locator("#store-switcher").get_by_role("link", name="Amazon DE").click()
    page.wait_for_url(re.compile(rf"store={amazon_de.pk}"))
    expect(page.locator("tr.ticket-row")).to_have_count(1)
    expect(page.locator("#store-switcher .store-current")).to_have_text("Amazon DE")

    page.get_by_text("Amazon parcel").click()  # elsewhere the switcher's list loads when opened
    page.wait_for_url("**/tickets/**")
    page.locator("#store-switcher summary").click()
    expect(page.locator("#store-switcher [aria-current=true]")).to_contain_text("Amazon DE")
    page.goto("/inbox/")
    page.wait_for_url(re.compile(rf"store={amazon_de.pk}"))
    expect(page.locator("tr.ticket-row")).to_have_count(1)


def test_the_owner_renames_the_open_view_in_place(page, agent, shopify_store):
    from tickets.services.saved_views import save_view

    view = save_view(actor=agent, name="Old name", query="view=all&priority=high")
    log_in(page, agent.username, factories.PASSWORD)
    page.goto(f"/inbox/?{view.query}&saved={view.pk}")
    expect(page.locator("#list-title")).to_have_text("Old name")
    page.get_by_text("Edit “Old name”").click()
    page.get_by_label("New name").fill("New name")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator("#saved-views").get_by_role("link", name="New name")).to_be_visible()
    expect(page.locator("#list-title")).to_have_text("New name")
    expect(page.locator(".toast", has_text="renamed")).to_be_visible()
    assert SavedView.objects.get(pk=view.pk).name == "New name"
