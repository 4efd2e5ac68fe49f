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
