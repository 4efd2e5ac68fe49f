"""One error shape for every refusal of the API: ``{"code", "detail"}``, plus ``fields`` (messages
per parameter or body field) when the request itself was invalid. Domain errors and DRF's own
(401, 403, 404, 405, 406, 415, 429 …) come out alike, so a client reads one shape."""

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


class UnprocessableQuery(exceptions.ValidationError):
    """A query the contract allows but the domain cannot use, e.g. a store that is not yours."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = UNPROCESSABLE


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": exc.message}, status=exc.http_status)
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
        invalid = exceptions.ValidationError.default_detail  # DRF's wording, translated by DRF
        detail = _("The request cannot be used as it is.") if code == UNPROCESSABLE else invalid
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
