"""The REST API's filter backend. The FilterSets themselves live on the read side
(tickets/selectors/filters.py), shared with the web pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend

from .errors import UnprocessableQuery


class ContractFilterBackend(DjangoFilterBackend):
    """Filters whose values passed the contract but that the FilterSet refuses: 422, not 400."""

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise UnprocessableQuery(filterset.errors)
        return filterset.qs
