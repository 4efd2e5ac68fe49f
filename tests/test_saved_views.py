"""Saved inbox views: save the filters and sort under a name, open, rename, delete; shared views
that only supervisors and admins share or change; what is kept of a query; the pane's queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tickets.errors import NotFound, PermissionDenied
from tickets.models import AuditEvent, SavedView
from tickets.selectors import saved_views as read
from tickets.services.saved_views import (
    MAX_PER_OWNER,
    SavedViewInvalid,
    SavedViewNameTaken,
    delete_view,
    rename_view,
    save_view,
    share_view,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def colleague(shopify_store):
    return factories.user_with_role("agent_c", factories.AGENT, stores=[shopify_store])


@pytest.fixture
def returns(shopify_store):
    """Two open returns and a resolved inquiry of the agent's store."""
    made = [
        factories.TicketFactory(store=shopify_store, type="return", status="open", subject="Return one"),
        factories.TicketFactory(store=shopify_store, type="return", status="open", subject="Return two"),
    ]
    factories.TicketFactory(store=shopify_store, type="inquiry", status="resolved", subject="Just asking")
    return made


# --- what a saved query keeps ----------------------------------------------------------------------


def test_unknown_parameters_are_dropped_and_the_rest_put_in_order():
    query = read.normalize_query("sort=priority&foo=1&status=open&after=abc&status=new&saved=4&view=mine&type=")
    assert query == "view=mine&status=open&status=new&sort=priority"


def test_an_unknown_view_or_sort_is_dropped():
    assert read.normalize_query("view=nope&sort=sideways&priority=high") == "view=unsolved&priority=high"


def test_a_filter_the_inbox_refuses_is_not_saved(agent, ebay_store):
    with pytest.raises(SavedViewInvalid):
        save_view(actor=agent, name="Bad", query="view=all&status=exploded")
    with pytest.raises(SavedViewInvalid):  # a store the agent is not a member of
        save_view(actor=agent, name="Theirs", query=f"view=all&store={ebay_store.pk}")
    assert not SavedView.objects.exists() and not AuditEvent.objects.exists()


# --- save, open, rename, delete --------------------------------------------------------------------


def test_saving_keeps_the_filters_and_sort_and_is_audited(agent):
    view = save_view(actor=agent, name="  Open   returns ", query="view=unsolved&type=return&sort=sla&after=x")
    assert (view.name, view.query, view.shared) == ("Open returns", "view=unsolved&type=return&sort=sla", False)
    event = AuditEvent.objects.get(action="saved_view.saved", object_id=view.pk)
    assert event.actor == agent and event.after["query"] == view.query


def test_opening_a_saved_view_applies_its_query(client, agent, returns):
    view = save_view(actor=agent, name="Open returns", query="view=unsolved&type=return")
    client.force_login(agent)
    page = client.get(f"{reverse('inbox')}?{view.query}&saved={view.pk}").content.decode()
    assert "Return one" in page and "Return two" in page and "Just asking" not in page


def test_the_pane_links_each_view_to_its_query_with_a_count(client, agent, returns):
    view = save_view(actor=agent, name="Open returns", query="view=unsolved&type=return&sort=created")
    client.force_login(agent)
    pane = client.get(reverse("inbox-views"), {"saved": view.pk}).content.decode()
    assert f'href="/inbox/?view=unsolved&amp;type=return&amp;sort=created&amp;saved={view.pk}"' in pane
    assert 'aria-current="page"' in pane and '<span class="count">2</span>' in pane
    assert 'id="list-title" hx-swap-oob="true">Open returns</h1>' in pane


def test_the_page_saves_the_current_view_and_opens_it(client, agent):
    client.force_login(agent)
    answer = client.post(
        reverse("inbox-view-save"), {"name": "Urgent", "query": "view=all&priority=urgent&sort=sla"}, **HTMX
    )
    view = SavedView.objects.get(owner=agent)
    assert answer["HX-Redirect"] == f"/inbox/?view=all&priority=urgent&sort=sla&saved={view.pk}"


def test_a_blank_name_is_refused_inline_and_saves_nothing(client, agent):
    client.force_login(agent)
    answer = client.post(reverse("inbox-view-save"), {"name": "   ", "query": "view=all"}, **HTMX)
    assert answer.status_code == 400
    body = answer.content.decode()
    assert 'role="alert"' in body and "Give the view a name." in body and 'name="query" value="view=all"' in body
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("name", "why"),
    [("", "Give the view a name."), ("x" * 61, "at most 60"), ("bell\x07here", "control characters")],
)
def test_bad_names_are_refused_with_a_reason(agent, name, why):
    with pytest.raises(SavedViewInvalid, match=why):
        save_view(actor=agent, name=name, query="view=all")
    assert not SavedView.objects.exists()


def test_names_are_unique_per_owner_whatever_the_case(agent, colleague):
    save_view(actor=agent, name="Returns", query="view=all")
    with pytest.raises(SavedViewNameTaken):
        save_view(actor=agent, name="RETURNS", query="view=mine")
    assert save_view(actor=colleague, name="Returns", query="view=all").owner == colleague  # another owner may


def test_an_owner_keeps_a_bounded_number_of_views(agent):
    for n in range(MAX_PER_OWNER):
        SavedView.objects.create(owner=agent, name=f"v{n}", query="view=all")
    with pytest.raises(SavedViewInvalid, match="delete one first"):
        save_view(actor=agent, name="one more", query="view=all")


def test_the_owner_renames_and_deletes_a_view(agent):
    view = save_view(actor=agent, name="Old", query="view=all")
    rename_view(view, "New", actor=agent)
    assert SavedView.objects.get(pk=view.pk).name == "New"
    delete_view(view, actor=agent)
    assert not SavedView.objects.exists()
    actions = list(AuditEvent.objects.filter(object_type="savedview").values_list("action", flat=True))
    assert sorted(actions) == ["saved_view.deleted", "saved_view.renamed", "saved_view.saved"]


def test_renaming_onto_another_view_of_the_owner_is_refused(agent):
    save_view(actor=agent, name="First", query="view=all")
    second = save_view(actor=agent, name="Second", query="view=mine")
    with pytest.raises(SavedViewNameTaken):
        rename_view(second, "first", actor=agent)
    assert SavedView.objects.get(pk=second.pk).name == "Second"


def test_a_rename_refused_in_the_pane_says_why_inline(client, agent):
    save_view(actor=agent, name="First", query="view=all")
    second = save_view(actor=agent, name="Second", query="view=mine")
    client.force_login(agent)
    answer = client.post(reverse("inbox-view-rename"), {"view": second.pk, "name": "First"}, **HTMX)
    assert answer.status_code == 400 and "exists already" in answer.content.decode()


def test_deleting_from_the_page_returns_to_the_same_tickets_without_the_name(client, agent):
    view = save_view(actor=agent, name="Mine", query="view=mine&priority=high")
    client.force_login(agent)
    answer = client.post(reverse("inbox-view-delete"), {"view": view.pk}, **HTMX)
    assert answer["HX-Redirect"] == "/inbox/?view=mine&priority=high"
    assert not SavedView.objects.exists()


# --- private and shared ----------------------------------------------------------------------------


def test_another_users_private_view_is_neither_listed_nor_editable(client, agent, colleague):
    view = save_view(actor=agent, name="Private", query="view=all")
    assert read.pane(colleague).mine == [] and read.pane(colleague).shared == []
    with pytest.raises(NotFound):
        rename_view(view, "Mine now", actor=colleague)
    with pytest.raises(NotFound):
        delete_view(view, actor=colleague)
    client.force_login(colleague)
    for route, data in [("inbox-view-rename", {"name": "x"}), ("inbox-view-delete", {}), ("inbox-view-share", {})]:
        assert client.post(reverse(route), {"view": view.pk, **data}).status_code == 404
    assert SavedView.objects.get(pk=view.pk).name == "Private"


def test_an_agent_cannot_share_a_view(agent):
    view = save_view(actor=agent, name="Mine", query="view=all")
    with pytest.raises(PermissionDenied):
        share_view(view, True, actor=agent)
    with pytest.raises(PermissionDenied):
        save_view(actor=agent, name="Shared", query="view=all", shared=True)
    assert not SavedView.objects.filter(shared=True).exists()


def test_a_supervisors_shared_view_is_listed_for_everybody(supervisor, agent, other_agent):
    view = save_view(actor=supervisor, name="Team queue", query="view=unassigned")
    share_view(view, True, actor=supervisor)
    assert AuditEvent.objects.filter(action="saved_view.shared", object_id=view.pk).exists()
    for user in (agent, other_agent):
        assert [item.view.pk for item in read.pane(user).shared] == [view.pk]


def test_only_supervisors_and_admins_change_a_shared_view(supervisor, agent, shopify_store):
    view = save_view(actor=supervisor, name="Team queue", query="view=unassigned", shared=True)
    with pytest.raises(PermissionDenied):
        rename_view(view, "Mine", actor=agent)
    with pytest.raises(PermissionDenied):
        delete_view(view, actor=agent)
    with pytest.raises(PermissionDenied):
        share_view(view, False, actor=agent)
    other_supervisor = factories.user_with_role("super2", factories.SUPERVISOR, stores=[shopify_store])
    rename_view(view, "Queue", actor=other_supervisor)
    admin = factories.user_with_role("admin1", factories.ADMIN, stores=[shopify_store])
    share_view(view, False, actor=admin)
    assert SavedView.objects.filter(pk=view.pk, name="Queue", shared=False).exists()


def test_a_supervisor_cannot_share_another_users_private_view(supervisor, agent):
    view = save_view(actor=agent, name="Mine", query="view=all")
    with pytest.raises(NotFound):
        share_view(view, True, actor=supervisor)


def test_two_shared_views_never_share_a_name(supervisor, shopify_store):
    save_view(actor=supervisor, name="Queue", query="view=all", shared=True)
    other_supervisor = factories.user_with_role("super2", factories.SUPERVISOR, stores=[shopify_store])
    view = save_view(actor=other_supervisor, name="queue", query="view=mine")
    with pytest.raises(SavedViewNameTaken):
        share_view(view, True, actor=other_supervisor)


def test_the_pane_offers_edits_only_to_who_may_make_them(client, supervisor, agent):
    view = save_view(actor=supervisor, name="Team queue", query="view=unassigned", shared=True)
    client.force_login(agent)
    as_agent = client.get(reverse("inbox-views"), {"saved": view.pk}).content.decode()
    assert "Team queue" in as_agent and "inbox-view-rename" not in as_agent and "/inbox/views/rename/" not in as_agent
    client.force_login(supervisor)
    as_supervisor = client.get(reverse("inbox-views"), {"saved": view.pk}).content.decode()
    assert "/inbox/views/rename/" in as_supervisor and "Stop sharing" in as_supervisor


# --- sort remembered per view ----------------------------------------------------------------------


def test_a_sort_chosen_in_a_saved_view_is_remembered_for_it_alone(client, agent, returns):
    view = save_view(actor=agent, name="Returns", query="view=unsolved&type=return&sort=sla")
    client.force_login(agent)
    client.get(f"/inbox/?view=unsolved&type=return&sort=priority&saved={view.pk}")
    pane = client.get(reverse("inbox-views")).content.decode()
    assert f"view=unsolved&amp;type=return&amp;sort=priority&amp;saved={view.pk}" in pane
    built_in = client.get("/inbox/?view=unsolved").content.decode()
    assert '<option value="activity" selected>' in built_in  # the built-in view keeps its own sort


# --- queries ---------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen.captured_queries)


def test_the_pane_asks_a_fixed_number_of_times_however_many_views(client, agent, supervisor, shopify_store, returns):
    client.force_login(agent)
    save_view(actor=agent, name="v0", query=f"view=all&store={shopify_store.pk}&status=open&q=Return")

    def one_of_each_shape(n: int) -> None:
        save_view(actor=agent, name=f"v{n}", query=f"view=mine&store={shopify_store.pk}&type=return&assignee=me")
        save_view(actor=supervisor, name=f"s{n}", query="view=sla_risk&priority=high&tag=fragile", shared=True)

    one_of_each_shape(1)
    _queries(client, reverse("inbox-views"))  # a search word's forms are asked once per process
    few = _queries(client, reverse("inbox-views"))
    for n in range(2, 12):
        one_of_each_shape(n)
    many = _queries(client, reverse("inbox-views"))
    assert many == few and many <= 6


def test_the_inbox_opened_on_a_saved_view_stays_within_twelve_queries(client, agent, shopify_store, returns):
    view = save_view(actor=agent, name="Returns", query=f"view=unsolved&store={shopify_store.pk}&type=return")
    client.force_login(agent)
    url = f"/inbox/?{view.query}&sort=sla&saved={view.pk}"
    client.get(url)  # the sort is remembered on the first visit
    assert _queries(client, url) <= 12
