"""Leaders' instructions (领导批示) over the API, read-only: the list and the
instruction with its answer, scoped like the pages
(supervision.instructions.instructions_visible_to). Writing, answering and
marking read stay on the pages."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api import serializers as s
from api.filters import IdFilter
from api.views import ScopedViewSet
from supervision.choices import InstructionState
from supervision.instructions import instructions_visible_to
from supervision.models import Instruction


class InstructionFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=InstructionState.choices)
    unit = IdFilter(field_name="unit")
    target = IdFilter(field_name="target")
    task = IdFilter(field_name="task")
    notice = IdFilter(field_name="notice")

    class Meta:
        model = Instruction
        fields = ["state", "unit", "target", "task", "notice"]


@extend_schema_view(
    list=extend_schema(summary="Leaders' instructions the user may read"),
    retrieve=extend_schema(summary="One instruction with its answer"),
)
class InstructionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Leaders' instructions of the zones the user reads whole, and those addressed to the user's units."""

    serializer_class = s.InstructionSerializer
    filterset_class = InstructionFilter
    ordering_fields = ["created_at", "answered_at"]

    def get_queryset(self):
        return instructions_visible_to(self.request.user).order_by("-created_at", "-pk")
