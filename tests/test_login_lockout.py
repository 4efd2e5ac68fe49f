"""Brute force on the login (figure F19): locked after exactly the limit, per username and address."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def attempt(client, username: str, password: str, ip: str = "203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_account_is_locked_after_the_failure_limit(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, agent.username, "wrong").status_code == 200
    assert attempt(client, agent.username, "wrong").status_code == 429  # the limit-th failure locks
    response = attempt(client, agent.username, factories.PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_failure_short_of_the_limit_still_lets_the_right_password_in(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, agent.username, "wrong")
    response = attempt(client, agent.username, factories.PASSWORD)
    assert response.status_code == 302


def test_the_same_user_from_another_address_is_not_locked(client, agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, agent.username, "wrong", ip="203.0.113.7")
    assert attempt(client, agent.username, factories.PASSWORD, ip="198.51.100.20").status_code == 302


def test_another_user_from_the_same_address_is_not_locked(client, agent, other_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, agent.username, "wrong")
    assert attempt(client, other_agent.username, factories.PASSWORD).status_code == 302


# Behind the TLS proxy every request comes from the proxy's address; the client is in the header
# the proxy appends to (the right-most X-Forwarded-For entry, one per proxy in front).
PROXY = "10.0.0.2"


def attempt_through_proxy(client, username: str, password: str, client_ip: str, forwarded_for: str | None = None):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for or client_ip,
    )


def test_behind_the_proxy_one_client_is_locked_and_another_still_logs_in(client, agent, settings):
    settings.BEHIND_TLS_PROXY = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_through_proxy(client, agent.username, "wrong", "203.0.113.7")
    assert attempt_through_proxy(client, agent.username, factories.PASSWORD, "203.0.113.7").status_code == 429
    assert attempt_through_proxy(client, agent.username, factories.PASSWORD, "198.51.100.20").status_code == 302


def test_behind_the_proxy_a_client_cannot_dodge_the_lock_by_sending_its_own_header(client, agent, settings):
    settings.BEHIND_TLS_PROXY = True
    for i in range(settings.AXES_FAILURE_LIMIT):
        # The client writes a fresh address each time; the proxy appends the real one.
        attempt_through_proxy(client, agent.username, "wrong", "", forwarded_for=f"192.0.2.{i}, 203.0.113.7")
    response = attempt_through_proxy(client, agent.username, factories.PASSWORD, "", "192.0.2.99, 203.0.113.7")
    assert response.status_code == 429


def test_with_two_proxies_in_front_the_client_is_the_second_from_the_right(client, agent, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TLS_PROXY_COUNT = 2
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt_through_proxy(client, agent.username, "wrong", "", forwarded_for="203.0.113.7, 10.0.0.9")
    assert (
        attempt_through_proxy(client, agent.username, factories.PASSWORD, "", "203.0.113.7, 10.0.0.9").status_code
        == 429
    )
    assert (
        attempt_through_proxy(client, agent.username, factories.PASSWORD, "", "198.51.100.20, 10.0.0.9").status_code
        == 302
    )


def test_without_the_proxy_switch_x_forwarded_for_is_ignored(client, agent, settings):
    settings.BEHIND_TLS_PROXY = False
    for i in range(settings.AXES_FAILURE_LIMIT):
        # A client talking to us directly cannot pick a new address per try to escape the lock.
        attempt_through_proxy(client, agent.username, "wrong", f"192.0.2.{i}")
    assert attempt_through_proxy(client, agent.username, factories.PASSWORD, "192.0.2.99").status_code == 429
