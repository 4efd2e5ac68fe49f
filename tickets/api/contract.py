"""The query-string contract of each API operation: one definition that both writes the OpenAPI
parameters and checks every request, so the schema and the API cannot disagree about a parameter.

A value the contract refuses (wrong type, out of range, not in the enum, repeated when single,
unknown name) is a 400 before any query runs. A well-formed value the domain cannot use (a store
you are not a member of, a currency code that is not a tender) is left to the FilterSet, whose
errors the API answers with 422: the schema cannot know which stores are yours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import django_filters as df
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter

from ..validators import MAX_ID, parse_integer

# Strings of the query: PostgreSQL refuses NUL in text, so the schema (and this check) do too.
TEXT_PATTERN = r"^[^\u0000]*$"
TEXT = {"type": "string", "pattern": TEXT_PATTERN}
# The JSON Schema keywords a Param may use: each is checked below, so none is only decoration.
CHECKED_KEYWORDS = {"type", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "description"}


@dataclass(frozen=True)
class Param:
    """One query parameter: its JSON Schema (of one value) and whether it may repeat."""

    name: str
    schema: Mapping[str, Any]
    many: bool = False
    description: Any = ""  # a (lazy) translated string

    def __post_init__(self) -> None:
        unknown = set(self.schema) - CHECKED_KEYWORDS
        if unknown or self.schema.get("type") not in ("integer", "string"):
            raise ImproperlyConfigured(f"Query parameter {self.name!r}: unsupported schema {dict(self.schema)}")
        # parse_integer clamps what no bigint holds, so only a range inside it keeps that safe.
        if self.schema["type"] == "integer" and not (
            -MAX_ID <= self.schema.get("minimum", -MAX_ID - 1) <= self.schema.get("maximum", MAX_ID + 1) <= MAX_ID
        ):
            raise ImproperlyConfigured(f"Query parameter {self.name!r}: an integer needs a range within a bigint.")

    def openapi(self) -> OpenApiParameter:
        schema = {"type": "array", "items": dict(self.schema)} if self.many else dict(self.schema)
        return OpenApiParameter(
            self.name,
            type=schema,
            location=OpenApiParameter.QUERY,
            required=False,
            description=self.description or self.schema.get("description", ""),
            explode=True if self.many else None,
            style="form" if self.many else None,
        )

    def errors(self, values: list[str]) -> list[str]:
        if len(values) > 1 and not self.many:
            return [_("Give this parameter once.")]
        return [message for value in values for message in self.value_errors(value)]

    def value_errors(self, value: str) -> list[str]:
        schema = self.schema
        if schema["type"] == "integer":
            number = parse_integer(value)
            if number is None:
                return [_("Enter a whole number.")]
            if "minimum" in schema and number < schema["minimum"]:
                return [_("Enter a number of at least %(minimum)s.") % {"minimum": schema["minimum"]}]
            if "maximum" in schema and number > schema["maximum"]:
                return [_("Enter a number of at most %(maximum)s.") % {"maximum": schema["maximum"]}]
            return []
        if "enum" in schema and value not in schema["enum"]:
            return [_("Choose one of: %(choices)s.") % {"choices": ", ".join(schema["enum"])}]
        if "minLength" in schema and len(value) < schema["minLength"]:
            return [_("Enter at least %(count)s characters.") % {"count": schema["minLength"]}]
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return [_("Enter at most %(count)s characters.") % {"count": schema["maxLength"]}]
        # JSON Schema patterns match anywhere (`search`); ours are anchored.
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return [_("Enter a value in the documented format.")]
        return []


@dataclass(frozen=True)
class QueryContract:
    """Every query parameter one operation accepts; anything else is refused."""

    params: tuple[Param, ...] = field(default_factory=tuple)

    def __add__(self, other: QueryContract) -> QueryContract:
        return QueryContract((*self.params, *other.params))

    @property
    def names(self) -> set[str]:
        return {param.name for param in self.params}

    def openapi(self) -> list[OpenApiParameter]:
        return [param.openapi() for param in self.params]

    def errors(self, query: Any) -> dict[str, list[str]]:
        """Messages per parameter for a QueryDict; empty when the query keeps the contract."""
        by_name = {param.name: param for param in self.params}
        errors: dict[str, list[str]] = {}
        for name in query:
            param = by_name.get(name)
            messages = param.errors(query.getlist(name)) if param else [_("Unknown parameter.")]
            if messages:
                errors[name] = messages
        return errors


NO_QUERY = QueryContract()


def pagination_contract(max_page_size: int) -> QueryContract:
    return QueryContract(
        (
            Param(
                "cursor",
                {"type": "string", "maxLength": 1000, "pattern": TEXT_PATTERN},
                description=gettext_lazy("The page to return: copy it from the `next` or `previous` link."),
            ),
            Param(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": max_page_size},
                description=gettext_lazy("Rows per page."),
            ),
        )
    )


def _choices(filter_: df.Filter) -> list[str]:
    return [str(value) for value, _label in filter_.extra["choices"] if value != ""]


def param_for_filter(name: str, filter_: df.Filter) -> Param:
    """The contract of one FilterSet filter: its own ``query_schema``, or one read off its kind."""
    description = filter_.extra.get("help_text") or filter_.label or ""
    many = isinstance(filter_, df.MultipleChoiceFilter)
    schema = getattr(filter_, "query_schema", None)
    if schema is None:
        if isinstance(filter_, df.ModelMultipleChoiceFilter):
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif isinstance(filter_, df.MultipleChoiceFilter | df.ChoiceFilter):
            schema = {"type": "string", "enum": _choices(filter_)}
        elif type(filter_) is df.CharFilter:
            schema = {**TEXT, "maxLength": filter_.extra.get("max_length", 200)}
        else:
            raise ImproperlyConfigured(f"Filter {name!r} ({type(filter_).__name__}) needs a query_schema.")
    return Param(name, schema, many=many, description=description)


def filter_contract(filterset_class: type[df.FilterSet] | None) -> QueryContract:
    if filterset_class is None:
        return NO_QUERY
    return QueryContract(tuple(param_for_filter(n, f) for n, f in filterset_class.base_filters.items()))
