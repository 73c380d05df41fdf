"""Query parameters of the API that say in the schema what they accept:
ids are positive integers up to core.params.ID_MAX (the bound the pages read
ids with), years and months lie in range, ``ordering`` names
one of the view's ordering fields, ``page`` starts at 1."""

from __future__ import annotations

import re

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from core.params import ID_MAX
from progress.periods import YEARS


class _IntegerFilter(filters.NumberFilter):
    """An integer within bounds (a NumberFilter reads decimals: 1.5 would pass)."""

    field_class = forms.IntegerField
    bounds: tuple[int, int] = (1, ID_MAX)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.bounds[0])
        kwargs.setdefault("max_value", self.bounds[1])
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(_IntegerFilter):
    """An object's id; one the user may not see simply matches nothing."""


@extend_schema_field({"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]})
class YearFilter(_IntegerFilter):
    bounds = YEARS


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 12})
class MonthFilter(_IntegerFilter):
    bounds = (1, 12)


@extend_schema_field({"type": "string", "pattern": r"^[^\u0000]*$"})
class TextFilter(filters.CharFilter):
    """Text; NUL characters are refused (a 400), as the schema says."""


class Ordering(OrderingFilter):
    """DRF's ordering, with the accepted field names in the schema: one or
    more of the view's ``ordering_fields``, comma-separated, ``-`` for
    descending. Other names are ignored."""

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        names = "|".join(re.escape(name) for name in getattr(view, "ordering_fields", None) or [])
        if names:
            for parameter in parameters:
                parameter["schema"]["pattern"] = rf"^-?({names})(,-?({names}))*$"
                parameter["description"] = (
                    f"Order by {', '.join(view.ordering_fields)}; prefix - for descending, comma-separate several."
                )
        return parameters


class Pagination(PageNumberPagination):
    """Pages of 50 (the project's PAGE_SIZE); ``page`` counts from 1."""

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
