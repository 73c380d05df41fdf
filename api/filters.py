"""Query parameters of the API that say in the schema what they accept:
ids are positive integers up to core.params.ID_MAX (the bound the pages read
ids with), years and months lie in range, ``ordering`` names
one of the view's ordering fields, ``page`` starts at 1; and the results'
FilterSet (the supervision lists' one, with this endpoint's own parameters)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination

from core.params import ID_MAX, parse_int
from plans.periods import YEARS, Period, default_period
from supervision.filtersets import SupervisionFilterSet
from targets.choices import ReportingStatus


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


class ResultFilterSet(SupervisionFilterSet):
    """The supervision lists' FilterSet, as the results endpoint reads it.

    - ``year`` and ``month``, this endpoint's parameters before ``period``,
      name the period when ``period`` is absent: both, that month; ``year``
      alone, the month just closed within that year (the default period's
      rule, ``dashboard.selectors.default_period``); ``month`` alone, that
      month of the default period's year.
    - ``reporting`` (repeatable): the reporting status, beside ``status``, the
      progress status. Declared here only while supervision's FilterSet does
      not declare it; once it does, supervision's serves and this one steps aside.
    """

    if "reporting" not in SupervisionFilterSet.base_filters:
        reporting = django_filters.MultipleChoiceFilter(
            label=_("Reporting status"),
            field_name="reporting",
            choices=ReportingStatus.choices,
            widget=forms.CheckboxSelectMultiple,
        )

    def __init__(self, data=None, queryset=None, *, request=None, user=None, prefix=None):
        named = data is not None and bool(data.get("period"))
        super().__init__(data, queryset, request=request, user=user, prefix=prefix)
        if not named:
            period = self._named_period()
            if period is not None:
                self.data = self.data.copy()
                self.data["period"] = str(period)

    def _named_period(self) -> Period | None:
        """The period ``year`` and ``month`` name, if they name one."""
        year = parse_int(self.data.get("year"), low=YEARS[0], high=YEARS[1])
        month = parse_int(self.data.get("month"), low=1, high=12)
        if self.data.get("month") and month is None:
            return None  # not a month: refused as such (the view's parameters)
        if year is None:
            default = self.data.get("period")  # the default period, when a plan is in view
            return Period(Period.parse(default).year, month) if month and default else None
        if month is not None:
            return Period(year, month)
        plan = self.plans_chosen().filter(start_year__lte=year, end_year__gte=year).first()
        return default_period(plan, year=year) if plan else Period(year, 12)
