"""The API refuses what its schema refuses and accepts what it allows: the fuzzing findings of
issue 10 item 21 as regression tests (a 500 on a 37-digit limit, `page_size=false` and repeated
parameters accepted, `page_size=0` treated unlike the schema says)."""

from __future__ import annotations

import base64
import json

import pytest

from tests import factories

LISTS = ["/api/stores/", "/api/tickets/", "/api/orders/", "/api/refunds/"]
HUGE = "9" * 37


def assert_invalid(response, parameter: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert parameter in body["fields"], body


@pytest.mark.parametrize("url", LISTS)
def test_a_37_digit_limit_is_a_400_not_a_500(client_for, agent, shopify_store, url):
    assert_invalid(client_for(agent).get(f"{url}?limit={HUGE}"), "limit")


@pytest.mark.parametrize("url", LISTS)
def test_a_37_digit_page_size_is_a_400(client_for, agent, shopify_store, url):
    assert_invalid(client_for(agent).get(f"{url}?page_size={HUGE}"), "page_size")


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["false", "1.5", "", " 3", "0x10", "-1"])
def test_page_size_that_is_not_a_positive_integer_is_a_400(client_for, agent, url, value):
    assert_invalid(client_for(agent).get(url, {"page_size": value}), "page_size")


@pytest.mark.parametrize("url", LISTS)
def test_page_size_zero_is_refused_as_the_schema_says(client_for, agent, url):
    schema = client_for(agent).get("/api/schema/?format=json").json()
    [page_size] = [p for p in schema["paths"][url]["get"]["parameters"] if p["name"] == "page_size"]
    assert page_size["schema"]["minimum"] == 1  # the schema says 0 is not a page size...
    assert_invalid(client_for(agent).get(f"{url}?page_size=0"), "page_size")  # ...and so does the API


@pytest.mark.parametrize("url", LISTS)
def test_page_size_201_is_refused_and_200_accepted(client_for, agent, url):
    client = client_for(agent)
    assert_invalid(client.get(f"{url}?page_size=201"), "page_size")
    assert client.get(f"{url}?page_size=200").status_code == 200
    assert client.get(f"{url}?page_size=1").status_code == 200


@pytest.mark.parametrize("url", LISTS)
def test_repeated_single_valued_parameter_is_a_400(client_for, agent, url):
    assert_invalid(client_for(agent).get(f"{url}?page_size=2&page_size=3"), "page_size")


def test_repeated_offset_is_a_400(client_for, agent):
    # `offset` is no parameter of a cursor-paged list, once or twice.
    assert_invalid(client_for(agent).get("/api/stores/?offset=1&offset=2"), "offset")


def test_repeated_single_valued_filter_is_a_400(client_for, agent):
    assert_invalid(client_for(agent).get("/api/tickets/?priority=high&priority=low"), "priority")


def test_repeated_multi_valued_filter_is_accepted(client_for, agent):
    assert client_for(agent).get("/api/tickets/?status=new&status=open").status_code == 200


@pytest.mark.parametrize("url", LISTS)
def test_unknown_parameter_is_a_400(client_for, agent, url):
    # A typo such as ?stauts=open must not quietly answer with every ticket.
    assert_invalid(client_for(agent).get(f"{url}?stauts=open"), "stauts")


def test_detail_takes_no_query_parameters(client_for, agent, shopify_store):
    assert_invalid(client_for(agent).get(f"/api/stores/{shopify_store.pk}/?page_size=2"), "page_size")


@pytest.mark.parametrize(
    "query",
    [f"store={HUGE}", "store=9223372036854775808", "store=-1", "store=0", f"assignee={HUGE}", "assignee=ME"],
)
def test_integer_filters_are_bounded(client_for, agent, shopify_store, query):
    name = query.split("=")[0]
    assert_invalid(client_for(agent).get(f"/api/tickets/?{query}"), name)


def test_largest_store_id_is_well_formed_but_not_yours(client_for, agent):
    # In the schema's range, so not a 400: a store that is not yours (or missing) is a 422.
    response = client_for(agent).get("/api/tickets/?store=9223372036854775807")
    assert response.status_code == 422
    assert response.json()["code"] == "unprocessable"
    assert "store" in response.json()["fields"]


@pytest.mark.parametrize("url", ["/api/tickets/?tag=a%00b", "/api/orders/?number=%00", "/api/refunds/?cursor=%00"])
def test_nul_in_a_string_parameter_is_a_400(client_for, agent, url):
    response = client_for(agent).get(url)
    assert response.status_code == 400


def test_too_long_string_filter_is_a_400(client_for, agent):
    assert_invalid(client_for(agent).get("/api/orders/", {"number": "x" * 65}), "number")


@pytest.mark.parametrize("url", ["/api/stores/{}/", "/api/orders/{}/", "/api/refunds/{}/", "/api/tickets/{}/"])
@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "-1", "abc", "1.5"])
def test_out_of_range_or_malformed_id_is_a_json_404(client_for, agent, url, value):
    response = client_for(agent).get(url.format(value))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_api_path_is_a_json_404(client_for, agent):
    response = client_for(agent).get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("cursor", ["garbage", "cD0yMDI0", "bz0xJnA9bm90LWEtZGF0ZQ==", "cD0lMDA="])
def test_forged_cursor_is_a_404_not_a_500(client_for, agent, shopify_store, cursor):
    # cD0yMDI0 is "p=2024"; the last two are "o=1&p=not-a-date" and "p=%00".
    factories.TicketFactory(store=shopify_store)
    for url in LISTS:
        response = client_for(agent).get(url, {"cursor": cursor})
        assert response.status_code == 404, (url, response.content)
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("accept", ["text/html", "application/xml"])
def test_unacceptable_accept_header_is_a_406_in_json(client_for, agent, accept):
    response = client_for(agent).get("/api/tickets/", HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_acceptable"


# POST /api/refunds/ is an operation (a refund request), so POST is tried on orders.
@pytest.mark.parametrize(
    ("method", "url"),
    [("post", "/api/orders/"), ("put", "/api/refunds/"), ("patch", "/api/refunds/"), ("delete", "/api/refunds/")],
)
def test_a_method_the_schema_does_not_list_is_405_for_every_role(client_for, finance, agent, method, url):
    for user in (agent, finance):
        response = getattr(client_for(user), method)(url, {}, format="json")
        assert response.status_code == 405
        assert "GET" in response["Allow"]
        assert response.json()["code"] == "method_not_allowed"


def test_path_with_a_newline_is_a_json_404_too(client_for, agent):
    response = client_for(agent).get("/api/refunds/%C2%A3%0A/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_whitespace_username_is_wrong_credentials_not_a_blank_field(anon, db):
    # The schema allows any non-empty username; " " is one, so it is checked (and fails) as sent.
    response = anon.post("/api/auth/token/", {"username": " ", "password": "x"}, format="json")
    assert response.status_code == 401


def forged(value) -> str:
    """A cursor in our own format (base64 of [direction, column value, id]) holding ``value``."""
    raw = json.dumps(["n", value, 1]).encode()  # ensure_ascii: a lone surrogate stays a \\ud800 escape
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


DATED_LISTS = ["/api/tickets/", "/api/orders/", "/api/refunds/"]


@pytest.mark.parametrize("url", DATED_LISTS)
@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01T00:00:00+99:00",  # an offset beyond a day: ValueError
        "2024-01-01T00:00:00+24:00",
        "2024-13-01T00:00:00+00:00",  # month 13
        "2024-01-01T25:00:00+00:00",  # hour 25
        "9999-12-31T23:59:59-23:59",  # valid, but past year 9999 in UTC: OverflowError in the adapter
        "0001-01-01T00:00:00+23:59",  # valid, but before year 1 in UTC
    ],
)
def test_cursor_with_an_impossible_time_is_a_404_not_a_500(client_for, agent, shopify_store, url, value):
    factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store), requested_by=agent)
    response = client_for(agent).get(url, {"cursor": forged(value)})
    assert response.status_code == 404, response.content
    assert response.json() == {"code": "not_found", "detail": "Invalid cursor"}


def test_cursor_with_a_lone_surrogate_is_a_404_not_a_500(client_for, agent, shopify_store):
    response = client_for(agent).get("/api/stores/", {"cursor": forged("a\ud800b")})
    assert response.status_code == 404, response.content
    assert response.json() == {"code": "not_found", "detail": "Invalid cursor"}


def test_cursor_at_the_edges_of_time_still_pages(client_for, agent, shopify_store):
    # The guard refuses what cannot be a time, not the far past or future that can.
    factories.TicketFactory(store=shopify_store)
    for value in ("9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "2024-01-01T00:00:00+23:59"):
        assert client_for(agent).get("/api/tickets/", {"cursor": forged(value)}).status_code == 200, value


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["5" * 5000, "-" + "5" * 5000, "0" * 4999 + "999"])
def test_a_5000_digit_page_size_is_a_400_not_a_500(client_for, agent, shopify_store, url, value):
    # int() refuses strings of more than 4,300 digits with a ValueError.
    assert_invalid(client_for(agent).get(url, {"page_size": value}), "page_size")


@pytest.mark.parametrize("url", LISTS)
def test_a_page_size_padded_to_5000_digits_is_still_its_number(client_for, agent, shopify_store, url):
    factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store), requested_by=agent)
    factories.RefundFactory(ticket=factories.TicketFactory(store=shopify_store), requested_by=agent)
    response = client_for(agent).get(url, {"page_size": "0" * 4999 + "1"})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == 1


def test_a_5000_digit_store_filter_is_a_400_not_a_500(client_for, agent, shopify_store):
    assert_invalid(client_for(agent).get("/api/tickets/", {"store": "5" * 5000}), "store")


def test_a_store_id_padded_to_5000_digits_is_still_that_store(client_for, agent, shopify_store):
    ticket = factories.TicketFactory(store=shopify_store)
    padded = str(shopify_store.pk).rjust(5000, "0")
    response = client_for(agent).get("/api/tickets/", {"store": padded})
    assert response.status_code == 200, response.content
    assert [row["number"] for row in response.json()["results"]] == [ticket.number]


def test_every_integer_query_parameter_is_bounded():
    # A bound on each side keeps any value the contract accepts inside a bigint column.
    from tickets.api.contract import MAX_ID
    from tickets.api.urls import router

    integers = [
        param
        for _prefix, viewset, _name in router.registry
        for param in viewset(action="list").query_contract().params
        if param.schema["type"] == "integer"
    ]
    assert integers
    for param in integers:
        assert -MAX_ID <= param.schema["minimum"] <= param.schema["maximum"] <= MAX_ID, param
