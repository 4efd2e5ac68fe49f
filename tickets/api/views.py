"""Read-only API views. Every queryset is ``visible_to(request.user)``: other stores' rows are 404."""

from __future__ import annotations

from django.db.models import Model, Prefetch, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import CursorPagination
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import ScopedRateThrottle

from ..models import Direction, Message, Order, OrderLine, Refund, Store, Ticket
from .filters import OrderFilter, RefundFilter, TicketFilter
from .serializers import (
    OrderSerializer,
    RefundSerializer,
    StoreSerializer,
    TicketDetailSerializer,
    TicketSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class ModelPermissions(permissions.DjangoModelPermissions):
    """Reads need ``<app>.view_<model>``; writes need add/change/delete (and are not offered anyway)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class NewestFirstCursor(CursorPagination):
    """Keyset pagination: cost independent of page depth, stable while rows are added."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class TicketCursor(NewestFirstCursor):
    ordering = ("-last_activity_at", "-id")


class OrderCursor(NewestFirstCursor):
    ordering = ("-placed_at", "-id")


class RefundCursor(NewestFirstCursor):
    ordering = ("-created_at", "-id")


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    # Token first: an anonymous caller gets 401 with ``WWW-Authenticate: Token``, not a bare 403.
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [ModelPermissions]
    model: type[Model]

    def scoped(self) -> QuerySet:
        return self.model.objects.visible_to(self.request.user)


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: TokenSerializer,
        400: OpenApiResponse(description="Wrong username or password, or an inactive user."),
        429: OpenApiResponse(description="Too many attempts; retry after the Retry-After seconds."),
    },
)
class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []  # credentials are the body; no session, so no CSRF check
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


@extend_schema_view(list=extend_schema(summary="Stores you are a member of"))
class StoreViewSet(ScopedViewSet):
    model = Store
    serializer_class = StoreSerializer

    def get_queryset(self) -> QuerySet[Store]:
        return self.scoped().order_by("name", "id")


@extend_schema_view(
    list=extend_schema(summary="Tickets, newest activity first"),
    retrieve=extend_schema(summary="A ticket with its messages"),
)
class TicketViewSet(ScopedViewSet):
    model = Ticket
    lookup_field = "number"
    lookup_value_regex = "[0-9]+"
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


@extend_schema_view(list=extend_schema(summary="Orders, newest first"))
class OrderViewSet(ScopedViewSet):
    model = Order
    serializer_class = OrderSerializer
    pagination_class = OrderCursor
    filterset_class = OrderFilter

    def get_queryset(self) -> QuerySet[Order]:
        lines = OrderLine.objects.order_by("id")
        return self.scoped().select_related("store").prefetch_related(Prefetch("lines", queryset=lines))


@extend_schema_view(list=extend_schema(summary="Refunds, newest first"))
class RefundViewSet(ScopedViewSet):
    model = Refund
    serializer_class = RefundSerializer
    pagination_class = RefundCursor
    filterset_class = RefundFilter

    def get_queryset(self) -> QuerySet[Refund]:
        return self.scoped().select_related("store", "ticket", "order", "requested_by", "approved_by")
