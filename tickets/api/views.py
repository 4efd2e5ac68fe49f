"""API views. Every queryset is ``visible_to(request.user)``: other stores' rows are 404. Every view
keeps the contract its schema states: unlisted methods are 405 for every caller, query
parameters are checked against the view's QueryContract (400), and refusals share one shape."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from ..models import Direction, Message, Order, OrderLine, Refund, Store, Ticket
from ..selectors.filters import OrderFilter, RefundFilter, TicketFilter
from .auth import TokenAuthentication, issue_token, revoke_token
from .contract import NO_QUERY, QueryContract, filter_contract
from .pagination import OrderCursor, RefundCursor, StoreCursor, TicketCursor
from .serializers import (
    OrderSerializer,
    RefundSerializer,
    StoreSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from .throttling import ClientAddressScopedThrottle


class ModelPermissions(permissions.DjangoModelPermissions):
    """Reads need ``<app>.view_<model>``; writes need add/change/delete (and are not offered anyway)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class ContractMixin:
    """What every API view shares: 405 before anything else, then auth, then the query check."""

    # The statuses each operation documents besides its success (tickets/api/schema.py).
    refusals: tuple[int, ...] = (400, 401, 403, 406)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # A method the resource does not have is 405 for everyone, not 403 for a role that may
        # not write: the schema lists no such operation, so the answer must not depend on roles.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        errors = self.query_contract().errors(request.query_params)
        if errors:
            raise exceptions.ValidationError(errors)

    def query_contract(self) -> QueryContract:
        return NO_QUERY

    def error_statuses(self, method: str) -> tuple[int, ...]:
        return self.refusals


class ScopedViewSet(ContractMixin, viewsets.ReadOnlyModelViewSet):
    # Token first: an anonymous caller gets 401 with ``WWW-Authenticate: Token``, not a bare 403.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [ModelPermissions]
    lookup_value_regex = "[0-9]{1,19}"  # anything else is the API's JSON 404 (urls.py)
    pagination_class = StoreCursor
    model: type[Model]

    def scoped(self) -> QuerySet:
        return self.model.objects.visible_to(self.request.user)

    def query_contract(self) -> QueryContract:
        if self.action != "list":
            return NO_QUERY
        return self.pagination_class.contract() + filter_contract(getattr(self, "filterset_class", None))

    def error_statuses(self, method: str) -> tuple[int, ...]:
        if self.action == "list":
            # 404: a cursor that is not ours; 422: a filter value the domain refuses.
            return (*self.refusals, 404, 422) if getattr(self, "filterset_class", None) else (*self.refusals, 404)
        return (*self.refusals, 404)


@extend_schema(
    request=TokenRequestSerializer,
    responses={200: TokenSerializer},
    summary="Exchange a username and password for an API token",
)
class TokenView(ContractMixin, APIView):
    """Issue a token that expires after AFTERSALES_API_TOKEN_TTL_HOURS; it is shown only here."""

    authentication_classes: list = []  # credentials are the body; no session, so no CSRF check
    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressScopedThrottle]
    throttle_scope = "token"
    # 401: wrong credentials; 415: a body neither JSON nor a form; 429: throttled or locked out.
    refusals = (400, 401, 406, 415, 429)

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401, which must name the scheme the token is then used with.
        return TokenAuthentication().authenticate_header(request)

    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, clear = issue_token(request, **serializer.validated_data)
        return Response(TokenSerializer({"token": clear, "expiry": token.expiry}).data)


@extend_schema(
    request=None,
    responses={204: OpenApiResponse(description="The token is revoked.")},
    summary="Revoke the token this request is made with",
)
class LogoutView(ContractMixin, APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    refusals = (400, 401, 406)

    def post(self, request: Request) -> Response:
        revoke_token(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotFoundView(ContractMixin, APIView):
    """Any other path under /api/: a JSON 404, as the rest of the API answers."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    schema = None  # not an operation

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise exceptions.NotFound()


@extend_schema_view(
    list=extend_schema(summary="Stores you are a member of, by name"),
    retrieve=extend_schema(summary="A store"),
)
class StoreViewSet(ScopedViewSet):
    model = Store
    serializer_class = StoreSerializer
    pagination_class = StoreCursor

    def get_queryset(self) -> QuerySet[Store]:
        return self.scoped()


@extend_schema_view(
    list=extend_schema(summary="Tickets, newest activity first"),
    retrieve=extend_schema(summary="A ticket with its messages"),
)
class TicketViewSet(ScopedViewSet):
    model = Ticket
    lookup_field = "number"
    lookup_value_regex = "[0-9]{1,10}"
    pagination_class = TicketCursor
    filterset_class = TicketFilter

    def get_serializer_class(self) -> type[BaseSerializer]:
        return TicketDetailSerializer if self.action == "retrieve" else TicketSerializer

    def get_queryset(self) -> QuerySet[Ticket]:
        queryset = self.scoped().select_related("store", "customer", "order", "assignee").prefetch_related("tags")
        if self.action == "retrieve":
            messages = Message.objects.order_by("created_at", "id")
            if not self.request.user.has_perm("tickets.view_message"):
                messages = messages.exclude(direction=Direction.NOTE)
            queryset = queryset.prefetch_related(Prefetch("messages", queryset=messages))
        return queryset


@extend_schema_view(
    list=extend_schema(summary="Orders, newest first"),
    retrieve=extend_schema(summary="An order with its lines"),
)
class OrderViewSet(ScopedViewSet):
    model = Order
    serializer_class = OrderSerializer
    pagination_class = OrderCursor
    filterset_class = OrderFilter

    def get_queryset(self) -> QuerySet[Order]:
        lines = OrderLine.objects.order_by("id")
        return self.scoped().select_related("store").prefetch_related(Prefetch("lines", queryset=lines))


@extend_schema_view(
    list=extend_schema(summary="Refunds, newest first"),
    retrieve=extend_schema(summary="A refund"),
)
class RefundViewSet(ScopedViewSet):
    model = Refund
    serializer_class = RefundSerializer
    pagination_class = RefundCursor
    filterset_class = RefundFilter

    def get_queryset(self) -> QuerySet[Refund]:
        return self.scoped().select_related("store", "ticket", "order", "requested_by", "approved_by")
