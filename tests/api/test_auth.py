"""Token and session authentication, and who may read at all. Tokens are django-rest-knox's:
stored as a digest, expiring after AFTERSALES_API_TOKEN_TTL_HOURS, revocable by logging out."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories
from tickets.models import StoreMembership

TOKEN_URL = "/api/auth/token/"
LOGOUT_URL = "/api/auth/logout/"


def issue(client, username="agent_a") -> str:
    response = client.post(TOKEN_URL, {"username": username, "password": factories.PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_token_is_issued_for_good_credentials(anon, agent):
    body = anon.post(TOKEN_URL, {"username": "agent_a", "password": factories.PASSWORD}, format="json").json()
    assert set(body) == {"token", "expiry"}
    assert AuthToken.objects.get().user == agent


def test_token_is_issued_for_a_form_body_too(anon, agent):
    body = urlencode({"username": "agent_a", "password": factories.PASSWORD})  # as `curl -d` sends it
    response = anon.generic("POST", TOKEN_URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_token_row_does_not_hold_the_token_in_clear_text(anon, agent):
    token = issue(anon)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        [row] = cursor.fetchall()
    assert not any(token in str(column) for column in row)
    assert AuthToken.objects.get().digest == hashlib.sha512(token.encode()).hexdigest()


def test_token_expires_after_the_configured_ttl(anon, agent):
    before = timezone.now()
    body = {"username": "agent_a", "password": factories.PASSWORD}
    expiry = parse_datetime(anon.post(TOKEN_URL, body, format="json").json()["expiry"])
    ttl = timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    assert before + ttl <= expiry <= timezone.now() + ttl
    assert AuthToken.objects.get().expiry == expiry


def test_expired_token_gets_401_with_the_error_shape(anon, agent):
    token = issue(anon)
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(token).get("/api/tickets/")
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"


def test_bad_password_gets_401_and_no_token(anon, agent):
    response = anon.post(TOKEN_URL, {"username": "agent_a", "password": "wrong"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Token"  # a 401 names its scheme
    assert not AuthToken.objects.exists()


def test_inactive_user_gets_no_token(anon, agent):
    User.objects.filter(pk=agent.pk).update(is_active=False)
    response = anon.post(TOKEN_URL, {"username": "agent_a", "password": factories.PASSWORD}, format="json")
    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_missing_credentials_get_400_naming_both_fields(anon, db):
    response = anon.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"username", "password"}


def test_nul_in_a_username_is_a_400(anon, db):
    response = anon.post(TOKEN_URL, {"username": "a\x00b", "password": "x"}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["fields"]


def test_body_that_is_neither_json_nor_a_form_is_a_415(anon, db):
    response = anon.generic("POST", TOKEN_URL, "username=a", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_token_authenticates_api_requests(anon, agent):
    assert with_token(issue(anon)).get("/api/tickets/").status_code == 200


def test_logout_revokes_only_that_token(anon, agent):
    first, second = issue(anon), issue(anon)
    assert with_token(first).post(LOGOUT_URL).status_code == 204
    assert with_token(first).get("/api/tickets/").status_code == 401
    assert with_token(second).get("/api/tickets/").status_code == 200


def test_logout_without_a_token_is_401(agent):
    client = APIClient()
    client.force_login(agent)  # a session is not a token: there is nothing to revoke
    assert client.post(LOGOUT_URL).status_code == 401


def test_unknown_token_gets_401(anon, agent):
    anon.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = anon.get("/api/tickets/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_token_header_that_is_not_utf8_gets_401_not_500(anon, agent):
    anon.credentials(HTTP_AUTHORIZATION="Token \xe9\xff")
    assert anon.get("/api/tickets/").status_code == 401


def test_anonymous_request_gets_401_with_token_challenge(anon, db):
    response = anon.get("/api/tickets/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


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
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_throttled_answer_has_the_error_shape(anon, agent):
    for i in range(20):
        anon.post(TOKEN_URL, {"username": f"nobody{i}", "password": "wrong"}, format="json")
    response = anon.post(TOKEN_URL, {"username": "agent_a", "password": factories.PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_locked_out_username_gets_429_not_a_token(anon, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anon.post(TOKEN_URL, {"username": "agent_a", "password": "wrong"}, format="json")
    response = anon.post(TOKEN_URL, {"username": "agent_a", "password": factories.PASSWORD}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert not AuthToken.objects.exists()


def test_user_without_role_gets_403(client_for, shopify_store):
    user = User.objects.create_user(username="nobody", password=factories.PASSWORD)
    StoreMembership.objects.create(store=shopify_store, user=user)
    for url in ("/api/stores/", "/api/tickets/", "/api/orders/", "/api/refunds/"):
        response = client_for(user).get(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"


def test_rest_framework_plain_tokens_are_gone():
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS


def fail_login(client, i: int, **extra):
    body = {"username": f"nobody{i}", "password": "wrong"}
    return client.post(TOKEN_URL, body, format="json", **extra).status_code


def test_token_throttle_ignores_x_forwarded_for_without_the_proxy_switch(anon, db, settings):
    settings.BEHIND_TLS_PROXY = False
    # Talking to us directly, a client can write any X-Forwarded-For; a fresh one per try must not
    # buy it a fresh throttle budget.
    statuses = [fail_login(anon, i, HTTP_X_FORWARDED_FOR=f"10.0.{i}.1") for i in range(25)]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 5


def test_token_throttle_behind_the_proxy_counts_the_address_the_proxy_appended(anon, db, settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TLS_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client writes a fresh address of its own each time; the proxy appends the real one.
    statuses = [fail_login(anon, i, HTTP_X_FORWARDED_FOR=f"10.0.{i}.1, 203.0.113.7", **proxy) for i in range(25)]
    assert statuses[:20] == [401] * 20
    assert statuses[20:] == [429] * 5
    # Everyone arrives from the proxy's address: another client keeps its own budget.
    assert fail_login(anon, 99, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy) == 401


def test_token_throttle_uses_the_same_client_address_as_the_login_lockout(rf, settings):
    from rest_framework.request import Request

    from aftersales.security import client_ip_address
    from tickets.api.views import TokenView

    settings.BEHIND_TLS_PROXY = True
    settings.TLS_PROXY_COUNT = 2
    request = Request(rf.post(TOKEN_URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9"))
    [throttle] = [cls() for cls in TokenView.throttle_classes]
    assert throttle.get_ident(request) == client_ip_address(request) == "203.0.113.7"


def test_changing_the_password_revokes_every_token_of_that_user(anon, agent, other_agent):
    first, second, others = issue(anon), issue(anon), issue(anon, other_agent.username)
    agent.set_password("a new password 123")
    agent.save()
    assert with_token(first).get("/api/tickets/").status_code == 401
    assert with_token(second).get("/api/tickets/").status_code == 401
    assert with_token(others).get("/api/tickets/").status_code == 200  # only that user's tokens


def test_a_password_written_as_a_hash_revokes_the_tokens_too(anon, agent):
    from django.contrib.auth.hashers import make_password

    token = issue(anon)
    user = User(pk=agent.pk, username=agent.username, password=make_password("another one 456"))
    user.save()  # as a fixture load or a user-editing form would: no set_password involved
    assert with_token(token).get("/api/tickets/").status_code == 401


def test_saving_a_user_without_changing_the_password_keeps_the_tokens(anon, agent):
    token = issue(anon)
    agent.refresh_from_db()
    agent.email = "new@example.com"
    agent.save()
    agent.save(update_fields=["last_login"])  # what every login does
    assert with_token(token).get("/api/tickets/").status_code == 200
    assert with_token(issue(anon)).get("/api/tickets/").status_code == 200
