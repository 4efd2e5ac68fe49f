"""Token and session authentication, and who may read at all."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tickets.models import StoreMembership

TOKEN_URL = "/api/auth/token/"


def test_token_is_issued_for_good_credentials(anon, agent):
    response = anon.post(TOKEN_URL, {"username": "agent_a", "password": factories.PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=agent).key}


def test_bad_password_gets_400_and_no_token(anon, agent):
    response = anon.post(TOKEN_URL, {"username": "agent_a", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_missing_credentials_get_400(anon, db):
    response = anon.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_token_authenticates_api_requests(anon, agent):
    token = anon.post(TOKEN_URL, {"username": "agent_a", "password": factories.PASSWORD}).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/tickets/").status_code == 200


def test_unknown_token_gets_401(anon, agent):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert anon.get("/api/tickets/").status_code == 401


def test_anonymous_request_gets_401_with_token_challenge(anon, db):
    response = anon.get("/api/tickets/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_login_authenticates_api_requests(agent):
    client = APIClient()
    assert client.login(request=HttpRequest(), username="agent_a", password=factories.PASSWORD)
    assert client.get("/api/tickets/").status_code == 200


def test_token_endpoint_is_throttled(anon, agent):
    # A different username each time, so the login lock-out (per username and address) stays out of it.
    statuses = [
        anon.post(TOKEN_URL, {"username": f"nobody{i}", "password": "wrong"}, format="json").status_code
        for i in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429


def test_user_without_role_gets_403(client_for, shopify_store):
    user = User.objects.create_user(username="nobody", password=factories.PASSWORD)
    StoreMembership.objects.create(store=shopify_store, user=user)
    for url in ("/api/stores/", "/api/tickets/", "/api/orders/", "/api/refunds/"):
        assert client_for(user).get(url).status_code == 403, url
