"""The OpenAPI schema tells the truth: every operation lists each status it can answer, with the
shared Error component, and its query parameters come from the same QueryContract that checks
requests (tickets/api/contract.py). schemathesis holds the API to it (.ci/api-fuzz)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from .contract import MAX_ID
from .serializers import ErrorSerializer

DESCRIPTIONS = {
    400: _("The request does not match this schema (a parameter or field is invalid, repeated or unknown)."),
    401: _("No credentials, or a token that is unknown, revoked or expired."),
    403: _("Your role does not allow this."),
    404: _("Not found, or not in a store you are a member of (the two look alike)."),
    406: _("The Accept header asks for something other than JSON."),
    409: _(
        "Refused by the refund's state or its order: more than the order has left to refund, a closed month, "
        "or a decision already taken."
    ),
    415: _("The body is not JSON (the token endpoint also takes a form)."),
    422: _(
        "Well-formed, but refused: e.g. a store or ticket that is not yours, an unknown currency, an amount "
        "with more decimals than its currency, lines of another order, a rule or keyword set the rules' "
        "validation refuses (rule_invalid, keyword_set_invalid, with its messages per field). The code says which."
    ),
    429: _("Too many requests; retry after the Retry-After seconds."),
}
# Path parameters name rows by their integer key; the range keeps lookups inside the column.
PATH_RANGES = {"id": MAX_ID, "number": 2**31 - 1}


class ContractAutoSchema(AutoSchema):
    """Adds the refusals and the query contract to what drf-spectacular reads off the view."""

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        contract = getattr(self.view, "query_contract", None)
        if contract is not None:
            parameters += contract().openapi()
        for name, maximum in PATH_RANGES.items():
            if f"{{{name}}}" in self.path:
                schema = {"type": "integer", "minimum": 1, "maximum": maximum}
                parameters.append(OpenApiParameter(name, schema, OpenApiParameter.PATH))
        return parameters

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        statuses = getattr(self.view, "error_statuses", None)
        if callable(statuses):
            for code in statuses(self.method):
                if str(code) not in responses:
                    responses[str(code)] = self._error_response(code, direction)
        return dict(sorted(responses.items()))

    def _error_response(self, code: int, direction: str) -> dict[str, Any]:
        component = self.resolve_serializer(ErrorSerializer, direction)
        return {
            "description": str(DESCRIPTIONS[code]),
            "content": {"application/json": {"schema": component.ref}},
        }
