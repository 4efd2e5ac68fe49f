"""One error shape for every refusal of the API: ``{"code", "detail"}``, plus ``fields`` (messages
per parameter or body field) when the request itself was invalid. Domain errors and DRF's own
(401, 403, 404, 405, 406, 415, 429 …) come out alike, so a client reads one shape.

400 means the request breaks the schema; a domain error that the UI shows as bad input (400 in
tickets/errors.py) is a 422 here, because the schema allowed the request: its ``code`` says
which rule refused it (invalid_refund_amount, refund_currency_mismatch …)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import DomainError

INVALID, UNPROCESSABLE = "invalid", "unprocessable"


class AmountNotAString(exceptions.APIException):
    """A JSON number for money: 0.1 + 0.2 is not 0.3 in binary floating point, so amounts travel as text."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "amount_not_a_string"
    default_detail = _('Send the amount as a decimal string, e.g. "12.50", not as a JSON number.')


class InvalidIdempotencyKey(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_idempotency_key"
    default_detail = _("The Idempotency-Key header is a UUID, e.g. 6f1c2b1e-8d3a-4c55-9a0e-2b7d5f0c9e41.")


class UnknownTicket(exceptions.APIException):
    """No ticket with that number in the caller's stores (missing and another store's look alike)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unknown_ticket"
    default_detail = _("No ticket with this number in your stores.")


class UnprocessableQuery(exceptions.ValidationError):
    """A query the contract allows but the domain cannot use, e.g. a store that is not yours."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = UNPROCESSABLE


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        code = status.HTTP_422_UNPROCESSABLE_ENTITY if exc.http_status == status.HTTP_400_BAD_REQUEST else None
        return Response({"code": exc.code, "detail": exc.message}, status=code or exc.http_status)
    # Django's own two, as DRF does, but with one wording: a missing row and another store's
    # row must read the same.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not ours to describe: a 500
    if isinstance(exc, exceptions.ValidationError):
        code = UNPROCESSABLE if isinstance(exc, UnprocessableQuery) else INVALID
        code = getattr(exc, "api_code", code)  # a domain validation's own code, e.g. rule_invalid
        invalid = exceptions.ValidationError.default_detail  # DRF's wording, translated by DRF
        detail = invalid if code == INVALID else _("The request cannot be used as it is.")
        response.data = {"code": code, "detail": str(detail), "fields": _fields(exc.detail)}
    elif isinstance(exc, exceptions.APIException):
        response.data = {"code": _code(exc), "detail": str(exc.detail)}
    return response


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Messages per field, nested serializers flattened to dotted names."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for name, value in detail.items():
            fields.update(_fields(value, f"{prefix}.{name}" if prefix else str(name)))
        return fields
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        fields = {}
        for index, item in enumerate(detail):
            fields.update(_fields(item, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    messages = [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or api_settings.NON_FIELD_ERRORS_KEY: messages}
