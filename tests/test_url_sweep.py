"""The URL sweep: every URL pattern of the project, read from the resolver (pages, admin, the API
and its router), must require a signed-in user, and every pattern that names an object must
answer a member of another store exactly as it answers for an object that does not exist.

The list is built from ``get_resolver()``, never by hand, so a URL added tomorrow is swept
tomorrow; a parameter or model the sweep cannot place fails the test until it is classified."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from integrations.models import QuarantinedEmail, RawPayload, WorkerHeartbeat
from tests import idor
from tickets import models as m
from tickets.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db

# Reachable without signing in, each for a reason. Everything else must refuse an anonymous
# caller (a redirect that ends on a sign-in page, or 401/403). Static files are not here: WhiteNoise
# serves them in a middleware, outside the URL map, and they hold nothing of any store.
PUBLIC = {
    "login": "the sign-in page itself",
    "logout": "ending a session needs none; it only ever clears the caller's own",
    "admin:login": "the admin's sign-in page",
    "set_language": "choosing the interface language must work before signing in",
    "healthz": "load balancers and monitors probe it without credentials; it reports queues, no data",
    "api:token": "exchanges a username and password for a token: the API's way in",
    "api:schema": "the API's shape, no data: clients and the contract fuzzer read it before they hold a token",
    "api:docs": "the same schema rendered for people",
    "api:not-found": "the JSON 404 for every path under /api/ that no route serves, for everyone alike",
}

# Models an admin page may name that belong to no store, so no other store's object exists:
# each with the reason it is shared. A new model must be added here or to idor.store_b_objects().
GLOBAL_MODELS = {
    m.Tag: "tags are one vocabulary shared by every store (unique by name)",
    m.Team: "teams are shared by every store",
    Group: "the four roles",
    WorkerHeartbeat: "worker liveness, no store data",
    QuarantinedEmail: "mail that matched no store: admins assign it to one, so it belongs to none yet",
    m.ExchangeRate: "reference rates between currencies, the same for every store",
    m.ClosedMonth: "a month of the refund report is closed for every store at once",
}

# Parameters that name no object, and values that make the pattern resolve.
SAMPLES = {
    "format": ["json", ".json"],
    "app_label": ["tickets"],
    "url": ["no-such-page/"],
}
# Plain views name their object by parameter name.
PLAIN_VIEW_OBJECTS = {
    "number": (m.Ticket, "number"),
    "store_id": (m.Store, "pk"),
    "payload_id": (RawPayload, "pk"),
    "email_id": (QuarantinedEmail, "pk"),
    "rule_id": (m.Rule, "pk"),
    "keyword_set_id": (m.KeywordSet, "pk"),
}
# The sweep asks as two members of our store: one holding every role, who reaches every page any
# role reaches, and one holding none, whom every permission check refuses; a check of the role
# made before the object's store (403 for a foreign object, 404 for a missing one) shows with the
# second. tests/test_idor_matrix.py asks as each role on the pages that matter most.
SWEEP_USERS = {"every role": idor.ROLES, "no role": []}
POST_DATA = {"status": "open", "assignee": "me", "body": "probe", "post": "yes", "_save": "Save"}


@dataclass(frozen=True)
class Route:
    """One URL pattern with the patterns that include it."""

    levels: tuple[Any, ...]
    namespace: str

    @property
    def pattern(self) -> URLPattern:
        return self.levels[-1]

    @property
    def name(self) -> str | None:
        if not self.pattern.name:
            return None
        return f"{self.namespace}:{self.pattern.name}" if self.namespace else self.pattern.name

    @property
    def route(self) -> str:
        return "".join(str(level.pattern) for level in self.levels)

    @property
    def params(self) -> list[str]:
        return [name for level in self.levels for name in level.pattern.regex.groupindex]

    def path(self, values: dict[str, object]) -> str:
        """The path with these parameter values, checked to resolve to this very pattern."""
        parts = []
        for level in self.levels:
            template, names = normalize(level.pattern.regex.pattern)[0]
            parts.append(template % {name: values[name] for name in names})
        path = "/" + "".join(parts)
        try:
            match = resolve(path)
        except Resolver404:
            return ""
        if match.func is not self.pattern.callback or set(match.kwargs) != set(self.params):
            return ""
        return path


def _walk(resolver: URLResolver, levels: tuple = (), namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace])) if entry.namespace else namespace
            yield from _walk(entry, (*levels, entry), inner)
        else:
            yield Route((*levels, entry), namespace)


ROUTES = list(_walk(get_resolver()))


def _route_param(route: Route):
    return pytest.param(route, id=route.route or "<root>")


def _unwrap(view):
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def object_of(route: Route) -> tuple[str, type[models.Model] | None, str] | None:
    """(parameter, model, field) of the object the route names; None when it names none."""
    params = [p for p in route.params if p not in SAMPLES]
    if not params:
        return None
    for view in _unwrap(route.pattern.callback):
        if view is shortcut:
            return ("object_id", None, "pk")  # any model: the content type says which
        if hasattr(view, "model_admin"):
            return (params[0], view.model_admin.model, "pk")
        if isinstance(getattr(view, "__self__", None), ModelAdmin):
            return (params[0], view.__self__.model, "pk")
        if hasattr(view, "cls") and hasattr(view.cls, "lookup_field"):
            viewset = view.cls
            model = getattr(viewset, "model", None) or viewset.queryset.model
            return (viewset.lookup_url_kwarg or viewset.lookup_field, model, viewset.lookup_field)
    if len(params) == 1 and params[0] in PLAIN_VIEW_OBJECTS:
        model, field = PLAIN_VIEW_OBJECTS[params[0]]
        return (params[0], model, field)
    pytest.fail(f"{route.route}: cannot tell which object {params} names; classify it in this sweep")


def build(route: Route, values: dict[str, object]) -> str:
    """A path for the route: the given values plus samples for the parameters naming no object."""
    free = [p for p in route.params if p not in values]
    unknown = [p for p in free if p not in SAMPLES]
    assert not unknown, f"{route.route}: no sample value for {unknown}; add one to SAMPLES"
    for combination in itertools.product(*(SAMPLES[p] for p in free)):
        path = route.path({**values, **dict(zip(free, combination, strict=True))})
        if path:
            return path
    pytest.fail(f"{route.route}: no sample values resolve back to this pattern; add some to SAMPLES")


def refused_anonymously(answer: idor.Answer, login_paths: set[str]) -> bool:
    if answer.status in (401, 403):
        return True
    final = answer.redirects[-1].split("?")[0] if answer.redirects else ""
    return answer.status == 200 and final in login_paths


def test_the_sweep_walks_pages_admin_and_api():
    routes = {route.route for route in ROUTES}
    assert len(ROUTES) > 50
    assert "tickets/<int:number>/" in routes
    assert any(route.startswith("api/^tickets/(?P<number>") for route in routes)  # the router's
    assert any(route.startswith("admin/tickets/ticket/") for route in routes)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_url_still_exists(name):
    assert name in {route.name for route in ROUTES}, f"{name} is allowed in PUBLIC but no URL has that name"


@pytest.fixture
def world(shopify_store):
    return idor.store_b_objects()


@pytest.mark.parametrize("route", [_route_param(route) for route in ROUTES])
def test_every_url_requires_sign_in(route, world):
    if route.name in PUBLIC:
        pytest.skip(f"public: {PUBLIC[route.name]}")
    target = object_of(route)
    values = {}
    if target is not None:
        # A real object where there is one: a view that looked it up before asking who is
        # calling would show itself here.
        param, model, field = target
        obj = world.get(model or m.Ticket)
        values[param] = getattr(obj, field) if obj is not None else idor.MISSING_ID
        if "content_type_id" in route.params:
            values["content_type_id"] = ContentType.objects.get_for_model(type(obj)).pk
    path = build(route, values)
    client = idor.client_of(None)
    login_paths = {reverse("login"), reverse("admin:login")}
    refused = []
    for method in ("get", "post"):
        answer = idor.answer(client, method, path, POST_DATA if method == "post" else None)
        assert idor.MARKER not in answer.body
        # 405 for a method the URL does not serve at all may come before the sign-in check (the
        # API answers it so, as its public schema says): it tells nothing. The method it serves
        # must refuse.
        assert refused_anonymously(answer, login_paths) or answer.status == 405, (
            f"{method.upper()} {path} answers {answer.status} to a caller who is not signed in"
        )
        refused.append(answer.status != 405)
    assert any(refused), f"{path} answers 405 to every method: the sweep tried none it serves"


def _targets(route: Route, world) -> list[tuple[dict, str, object]]:
    """(fixed values, object parameter, foreign id) to try on this route."""
    param, model, field = object_of(route)
    if model is None:  # the admin's "view on site" takes any model
        return [
            ({"content_type_id": ContentType.objects.get_for_model(type(obj)).pk}, param, obj.pk)
            for obj in world.values()
        ]
    if model in world:
        return [({}, param, getattr(world[model], field))]
    assert model in GLOBAL_MODELS or only_superusers_reach(model), (
        f"{route.route} names a {model.__name__}: add one to idor.store_b_objects() if it belongs to a store, "
        "or to GLOBAL_MODELS with the reason it is shared"
    )
    return []


def only_superusers_reach(model: type[models.Model]) -> bool:
    """No role holds a permission on it (sign-in attempts, raw tokens): only superusers, who see
    every store anyway, reach its pages."""
    opts = model._meta
    perms = {f"{opts.app_label}.{action}_{opts.model_name}" for action in ("add", "change", "delete", "view")}
    return not any(perms & set(granted) for granted in ROLE_PERMISSIONS.values())


OBJECT_ROUTES = [_route_param(route) for route in ROUTES if object_of(route) is not None]


@pytest.mark.parametrize("route", OBJECT_ROUTES)
def test_every_object_url_answers_another_store_as_missing(route, world, shopify_store):
    targets = _targets(route, world)
    if not targets:
        pytest.skip("a model no store owns")
    for label, roles in SWEEP_USERS.items():
        client = idor.client_of(idor.outsider(shopify_store, *roles))
        for fixed, param, foreign_id in targets:
            for method in ("get", "post"):
                idor.assert_foreign_answers_as_missing(
                    client,
                    method,
                    lambda value, fixed=fixed, param=param: build(route, {**fixed, param: value}),
                    foreign_id,
                    data=POST_DATA if method == "post" else None,
                    label=f"as a user with {label}",
                )


@pytest.mark.parametrize(
    "route", [_route_param(route) for route in ROUTES if object_of(route) is None and route.name not in PUBLIC]
)
def test_no_page_shows_another_stores_data(route, world, shopify_store):
    path = build(route, {})
    for label, roles in SWEEP_USERS.items():
        client = idor.client_of(idor.outsider(shopify_store, *roles))
        answer = idor.answer(client, "get", path)
        assert idor.MARKER not in answer.body, f"GET {path} as a user with {label} shows another store's data"


def test_every_store_owned_model_has_an_object_in_the_sweep(world):
    """A store-owned model missing from the builder would be swept with nothing to find."""
    owned = {model for model in apps.get_models() if hasattr(model._default_manager, "visible_to")}
    assert len(owned) > 10
    assert owned - set(world) == set()
