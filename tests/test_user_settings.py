"""A person's own settings: language and time zone activated on every page, times stored in UTC
and shown in the user's zone, bad input refused inline, every change audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests import factories
from tickets.errors import DomainError, PermissionDenied
from tickets.models import AuditEvent, UserProfile
from tickets.services import profiles

pytestmark = pytest.mark.django_db

NOON_UTC = datetime(2026, 1, 15, 12, 30, tzinfo=UTC)


@pytest.fixture
def ticket(shopify_store):
    made = factories.TicketFactory(store=shopify_store, subject="Parcel late", last_activity_at=NOON_UTC)
    factories.MessageFactory(ticket=made, created_at=NOON_UTC)
    return made


def signed_in(client, user):
    client.force_login(user)
    return client


def choose(user, **chosen):
    return profiles.update_settings(user=user, actor=user, **chosen)


def test_the_ticket_page_shows_times_in_the_users_time_zone(client, agent, ticket):
    choose(agent, time_zone="Asia/Shanghai")
    page = signed_in(client, agent).get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "Jan. 15, 2026, 8:30 p.m." in page  # 12:30 UTC is 20:30 in Shanghai
    assert "12:30 p.m." not in page


def test_without_a_chosen_zone_times_are_shown_in_the_servers(client, agent, ticket):
    page = signed_in(client, agent).get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "Jan. 15, 2026, 12:30 p.m." in page


def test_the_inbox_hover_time_is_in_the_users_time_zone(client, agent, ticket):
    choose(agent, time_zone="America/New_York")
    page = signed_in(client, agent).get(reverse("inbox"), {"view": "all"}).content.decode()
    assert 'title="Jan. 15, 2026, 7:30 a.m."' in page


def test_the_users_language_is_activated_whatever_the_browser_asks(client, agent, ticket):
    choose(agent, language="zh-hans")
    page = signed_in(client, agent).get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in page


def test_saving_the_settings_page_applies_them_to_the_next_page(client, agent, ticket):
    signed_in(client, agent)
    response = client.post(reverse("my-settings"), {"language": "en", "time_zone": "Asia/Shanghai"})
    assert response.status_code == 302
    page = client.get(reverse("ticket", args=[ticket.number])).content.decode()
    assert "8:30 p.m." in page
    assert UserProfile.objects.get(user=agent).time_zone == "Asia/Shanghai"


def test_a_bad_time_zone_is_refused_inline_and_changes_nothing(client, agent):
    choose(agent, time_zone="Europe/Berlin")
    response = signed_in(client, agent).post(
        reverse("my-settings"), {"language": "zh-hans", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="time-zone-error"' in page and "Mars/Olympus" in page
    profile = UserProfile.objects.get(user=agent)
    assert (profile.language, profile.time_zone) == ("", "Europe/Berlin")


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "posix/Europe/Berlin", "../../etc/passwd"])
def test_zoneinfo_files_that_are_not_zone_names_are_refused(client, agent, name):
    response = signed_in(client, agent).post(reverse("my-settings"), {"time_zone": name})
    assert response.status_code == 422
    assert not UserProfile.objects.filter(user=agent).exclude(time_zone="").exists()


def test_an_unknown_language_is_refused_by_the_service():
    with pytest.raises(DomainError) as refused:
        profiles.update_settings(user=factories.user_with_role("x", factories.AGENT), actor=None, language="fr")
    assert isinstance(refused.value, PermissionDenied)  # nobody but the user themselves
    user = factories.user_with_role("y", factories.AGENT)
    with pytest.raises(DomainError) as refused:
        choose(user, language="fr")
    assert refused.value.params["field"] == "language"
    assert not UserProfile.objects.filter(user=user).exists()


def test_nobody_changes_another_users_settings(agent, supervisor):
    with pytest.raises(PermissionDenied):
        profiles.update_settings(user=agent, actor=supervisor, time_zone="UTC")
    assert not UserProfile.objects.filter(user=agent).exists()


def test_a_settings_change_is_audited_with_before_and_after(agent):
    choose(agent, time_zone="Asia/Shanghai", email_kinds=["assigned"])
    event = AuditEvent.objects.get(action="user.settings_changed")
    assert event.actor_id == agent.pk
    assert event.before["time_zone"] == "" and event.after["time_zone"] == "Asia/Shanghai"
    assert event.after["email_kinds"] == ["assigned"]


def test_an_unknown_notification_kind_is_refused(client, agent):
    response = signed_in(client, agent).post(reverse("my-settings"), {"time_zone": "", "email_kinds": ["lottery"]})
    assert response.status_code == 422
    assert not UserProfile.objects.filter(user=agent).exists()


def test_the_top_bar_language_switch_keeps_the_language_for_the_user(client, agent):
    signed_in(client, agent)
    response = client.post(reverse("my-language"), {"language": "zh-hans", "next": reverse("inbox")})
    assert response.status_code == 302 and response.url == reverse("inbox")
    assert UserProfile.objects.get(user=agent).language == "zh-hans"
    page = client.get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in page


def test_the_language_follows_the_user_to_a_new_session(client, agent):
    choose(agent, language="zh-hans")
    response = client.post(reverse("login"), {"username": agent.username, "password": factories.PASSWORD}, follow=True)
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_settings_page_is_in_the_user_menu(client, agent):
    page = signed_in(client, agent).get(reverse("inbox")).content.decode()
    assert f'href="{reverse("my-settings")}"' in page
