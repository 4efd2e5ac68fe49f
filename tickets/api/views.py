"""API views. Every queryset is ``visible_to(request.user)``: other stores' rows are 404. Every view
keeps the contract its schema states: unlisted methods are 405 for every caller, query
parameters are checked against the view's QueryContract (400), and refusals share one shape.

The only writes are refunds': a request and the decisions on it, each one call of the service the
ticket page and the approvals queue call too, so the API follows the same rules."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from ..models import Direction, Message, Order, OrderLine, Refund, RefundLine, Store, Ticket
from ..selectors.filters import OrderFilter, RefundFilter, TicketFilter
from ..services import refund_decisions
from ..services.refunds import request_refund
from .auth import TokenAuthentication, issue_token, revoke_token
from .contract import NO_QUERY, QueryContract, filter_contract
from .errors import AmountNotAString, InvalidIdempotencyKey, UnknownTicket
from .pagination import OrderCursor, RefundCursor, StoreCursor, TicketCursor
from .parsers import JSONParser
from .serializers import (
    OrderSerializer,
    RefundCreateSerializer,
    RefundDecisionSerializer,
    RefundRejectionSerializer,
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


# --- refunds -----------------------------------------------------------------------------------
# A write's refusals: 409 for the refund's state or the order (more than is left, a closed month, a
# decision already taken), 415 for a body that is not JSON, 422 for a well-formed body the domain
# refuses (a ticket that is not yours, 12.345 USD, another currency, lines of another order), 429
# past the write throttle.
WRITE_REFUSALS = (400, 401, 403, 404, 406, 409, 415, 422, 429)
WRITE_ACTIONS = {"create", "approve", "reject", "retry", "cancel"}
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "format": "uuid", "pattern": UUID_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A UUID of your own for this request. Sending the same request again with the same key answers "
        "200 with the refund the first one made (201), and makes no other; the same key with a different "
        "request is refused (422 idempotency_key_reused). The key is also the refund's idempotency key "
        "on the platform."
    ),
)
REFUND_EXAMPLE_NOTE = "The refund, as GET /api/refunds/{id}/ shows it."


class RefundPermissions(ModelPermissions):
    """Reads as every collection; a request needs ``add_refund``, a decision (approve, reject,
    retry) ``approve_refund``. Cancelling is for the requester or a supervisor: the service tells
    them apart. Finance holds neither, so every write is 403 for it, before the body is read."""

    action_perms = {
        "create": ("tickets.add_refund",),
        "approve": ("tickets.approve_refund",),
        "reject": ("tickets.approve_refund",),
        "retry": ("tickets.approve_refund",),
        "cancel": ("tickets.add_refund",),
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        perms = self.action_perms.get(getattr(view, "action", None))
        if perms is None:
            return super().has_permission(request, view)
        user = request.user
        return bool(user and user.is_authenticated and user.has_perms(perms))


class RefundWriteThrottle(ClientAddressScopedThrottle):
    """Writes per user (per address before login), rate ``refund_writes`` of DEFAULT_THROTTLE_RATES."""


@extend_schema_view(
    list=extend_schema(summary="Refunds, newest first"),
    retrieve=extend_schema(summary="A refund"),
)
class RefundViewSet(ScopedViewSet):
    model = Refund
    serializer_class = RefundSerializer
    pagination_class = RefundCursor
    filterset_class = RefundFilter
    permission_classes = [RefundPermissions]
    parser_classes = [JSONParser]  # lines are a list of objects: a form cannot carry them
    throttle_scope = "refund_writes"

    def get_queryset(self) -> QuerySet[Refund]:
        lines = RefundLine.objects.select_related("order_line").order_by("id")
        return (
            self.scoped()
            .select_related("store", "ticket", "order", "requested_by", "approved_by")
            .prefetch_related(Prefetch("lines", queryset=lines))
        )

    def get_throttles(self) -> list:
        return [RefundWriteThrottle()] if self.action in WRITE_ACTIONS else super().get_throttles()

    def error_statuses(self, method: str) -> tuple[int, ...]:
        if self.action in WRITE_ACTIONS:
            return WRITE_REFUSALS
        return super().error_statuses(method)

    def shown(self, refund: Refund, *, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=refund.pk)
        return Response(RefundSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        summary="Request a refund",
        description=(
            "The same request as the ticket page's: within your own approval limit, and when none of the "
            "store's conditions holds, the refund is approved at once (status approved, self_approved) and "
            "sent to the platform; otherwise it waits for a supervisor (status pending_approval, with "
            "approval_reasons). Never more than the order has left to refund (409 refund_exceeds_refundable)."
        ),
        request=RefundCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(RefundSerializer, description="The refund this request made."),
            200: OpenApiResponse(
                RefundSerializer, description="A repeat of an earlier request (same Idempotency-Key): its refund."
            ),
        },
    )
    def create(self, request: Request) -> Response:
        key = idempotency_key(request)
        if isinstance(request.data, dict):
            amount = request.data.get("amount")
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                raise AmountNotAString()
        body = RefundCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ticket = Ticket.objects.visible_to(request.user).filter(number=data["ticket"]).first()
        if ticket is None:
            raise UnknownTicket()
        month = data.get("attribution_month")
        refund = request_refund(
            ticket,
            actor=request.user,
            kind=data["kind"],
            method=data["method"],
            reason=data["reason"],
            amount=data.get("amount"),
            currency=data["currency"],
            lines=[{"line": line["line"], "quantity": line["quantity"]} for line in data.get("lines", [])],
            include_shipping=data["include_shipping"],
            attribution_month=date(int(month[:4]), int(month[5:7]), 1) if month else None,
            idempotency_key=key,
        )
        if getattr(refund, "replayed", False):
            ensure_same_request(refund, request.user, data)
            return self.shown(refund)
        return self.shown(refund, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a pending refund",
        description="A supervisor of the refund's store, not its requester; the refund is then sent to the platform.",
        request=RefundDecisionSerializer,
        responses={200: OpenApiResponse(RefundSerializer, description=REFUND_EXAMPLE_NOTE)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        refund = self.get_object()
        body = RefundDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        refund_decisions.approve_refund(refund, actor=request.user, note=body.validated_data.get("comment", ""))
        return self.shown(refund)

    @extend_schema(
        summary="Reject a pending refund",
        description="A supervisor of the refund's store, not its requester, saying why.",
        request=RefundRejectionSerializer,
        responses={200: OpenApiResponse(RefundSerializer, description=REFUND_EXAMPLE_NOTE)},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        refund = self.get_object()
        body = RefundRejectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        refund_decisions.reject_refund(refund, actor=request.user, note=body.validated_data["comment"])
        return self.shown(refund)

    @extend_schema(
        summary="Send a failed refund again",
        description="A supervisor's decision: the same refund with the same idempotency key (failed → executing).",
        request=None,
        responses={200: OpenApiResponse(RefundSerializer, description=REFUND_EXAMPLE_NOTE)},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        refund = self.get_object()
        refund_decisions.retry_refund(refund, actor=request.user)
        return self.shown(refund)

    @extend_schema(
        summary="Cancel a refund that has not gone to the platform",
        description="The requester, or a supervisor of the store.",
        request=RefundDecisionSerializer,
        responses={200: OpenApiResponse(RefundSerializer, description=REFUND_EXAMPLE_NOTE)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        refund = self.get_object()
        body = RefundDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        refund_decisions.cancel_refund(refund, actor=request.user, note=body.validated_data.get("comment", ""))
        return self.shown(refund)


def idempotency_key(request: Request) -> uuid.UUID | None:
    """The Idempotency-Key header as a UUID, None when absent; anything but a UUID is a 400."""
    raw = request.headers.get("Idempotency-Key")
    if raw is None:
        return None
    if not re.fullmatch(UUID_PATTERN, raw):
        raise InvalidIdempotencyKey()
    return uuid.UUID(raw)


def ensure_same_request(refund: Refund, user: Any, data: dict) -> None:
    """A repeated key must come with the same request (Stripe's rule): same requester, ticket, kind,
    method, currency and, when the first named one, amount."""
    from ..errors import IdempotencyKeyReused, MoneyError
    from ..money import Money

    same = (
        refund.requested_by_id == user.pk
        and refund.kind == data["kind"]
        and refund.method == data["method"]
        and refund.currency == data["currency"].upper()
    )
    amount = data.get("amount")
    if same and amount is not None:
        try:
            same = Money.of(amount, refund.currency) == refund.money
        except MoneyError:  # an amount the first request could not have had
            same = False
    if not same:
        raise IdempotencyKeyReused()
