"""Co-operating units' parts of a task's monthly progress over the API, read
only (progress.contributions): a unit writes its part on its period form."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.filters import IdFilter, MonthFilter, YearFilter
from api.serializers import CleanTextModelSerializer
from api.views import ScopedViewSet
from progress.choices import ContributionStatus
from progress.contributions import contributions_visible_to
from progress.models import TaskContribution


class ContributionSerializer(CleanTextModelSerializer):
    """A co-operating unit's part of a task item's progress for one period.
    Not reviewed on its own; only a submitted part is shown beside the lead
    unit's report and in the ledger."""

    class Meta:
        model = TaskContribution
        fields = [
            "id",
            "target",
            "unit",
            "year",
            "month",
            "progress",
            "problems",
            "next_steps",
            "status",
            "version",
            "updated_at",
            "submitted_at",
        ]
        read_only_fields = fields


class ContributionFilter(filters.FilterSet):
    target = IdFilter(field_name="target", help_text="The task item.")
    plan = IdFilter(field_name="target__task__plan")
    unit = IdFilter(field_name="unit", help_text="The co-operating unit.")
    year = YearFilter(field_name="year")
    month = MonthFilter(field_name="month")
    status = filters.ChoiceFilter(choices=ContributionStatus.choices)

    class Meta:
        model = TaskContribution
        fields: list[str] = []  # every filter is declared above


@extend_schema_view(
    list=extend_schema(
        summary="Co-operating units' parts of tasks' monthly progress",
        description=(
            "Every part, draft or submitted, of the units the user reports for or reviews; the submitted parts "
            "of the tasks the user may read. Written on the unit's period form; read only here."
        ),
    ),
    retrieve=extend_schema(summary="One co-operating unit's part of a task's progress"),
)
class ContributionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilter
    ordering_fields = ["year", "month", "updated_at"]

    def get_queryset(self):
        return contributions_visible_to(self.request.user).order_by("-year", "-month", "target", "unit", "id")
