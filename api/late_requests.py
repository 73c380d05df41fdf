"""Late-report requests (补报申请) over the API: the unit's reporting staff ask
to report a closed month late, the zone office grants or refuses; scoped and
decided like the pages (progress.selectors, zones.policy, progress.services).

Each step answers 404 when the user may not see the request (or the plan and
unit named), 403 when the user sees it but may not take the step, 409 when
the month's or the request's state does not allow it, 400 for the input;
then the service decides, checking again inside its transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import serializers as s
from api.filters import IdFilter, MonthFilter, YearFilter
from api.parsers import JSONParser
from api.views import ScopedViewSet, conflict
from plans.models import Plan
from plans.periods import Period
from progress.choices import LateRequestStatus
from progress.models import LateReportRequest
from progress.selectors import late_requests_visible_to
from progress.services import LateRequestConflict, late_request_create, late_request_grant, late_request_refuse
from zones import policy
from zones.models import Unit
from zones.selectors import zones_visible_to


class LateRequestFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=LateRequestStatus.choices)
    plan = IdFilter(field_name="plan")
    unit = IdFilter(field_name="unit")
    year = YearFilter(field_name="year", help_text="Year of the month asked for.")
    month = MonthFilter(field_name="month", help_text="The month asked for.")

    class Meta:
        model = LateReportRequest
        fields: list[str] = []  # every filter is declared above


def _decision(summary: str, serializer, examples: list[OpenApiExample]):
    return extend_schema(
        summary=summary,
        request=serializer,
        responses={
            200: s.LateRequestSerializer,
            400: OpenApiResponse(description="field errors (a day before today, a missing reason)"),
            403: OpenApiResponse(description="the user sees the request but is not its zone office"),
            409: OpenApiResponse(description="the request was already decided"),
        },
        examples=[*examples, OpenApiExample("The request decided", value=s.LATE_REQUEST_EXAMPLE, response_only=True)],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Late-report requests the user may see",
        description=(
            "Requests of the units the user reports for or reviews, and every request of the zones the user "
            "reads whole (the zone office decides them). Newest first unless ordered."
        ),
    ),
    retrieve=extend_schema(summary="One late-report request with its decision"),
    create=extend_schema(
        summary="Ask to report a closed month late (the unit's reporting staff)",
        description=(
            "The month must be closed for the unit (past its lock day, not reopened) and hold a target not yet "
            "submitted; one request per unit and month waits at a time. The zone office grants or refuses it."
        ),
        request=s.LateRequestCreateSerializer,
        responses={
            201: s.LateRequestSerializer,
            400: OpenApiResponse(description="field errors, or a month that is not a reporting period of the plan"),
            403: OpenApiResponse(description="not the reporting staff of the unit"),
            404: OpenApiResponse(description="a plan or unit the user may not see"),
            409: OpenApiResponse(
                description="the month is open or has not begun, nothing is left to report, or a request waits"
            ),
        },
        examples=[
            OpenApiExample(
                "March, reported late",
                value={"plan": 1, "unit": 2, "period": "2026-03", "reason": "统计局三月数据4月18日才核定"},
                request_only=True,
            ),
            OpenApiExample(
                "The request, waiting",
                value={
                    **s.LATE_REQUEST_EXAMPLE,
                    "status": "pending",
                    "decided_at": None,
                    "decided_by": None,
                    "decision_note": "",
                    "until": None,
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    ),
)
class LateReportRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """补报申请: requests to report a closed month late, and their decisions."""

    serializer_class = s.LateRequestSerializer
    filterset_class = LateRequestFilter
    parser_classes = [JSONParser]
    ordering_fields = ["requested_at", "decided_at", "year", "month", "id"]

    def get_queryset(self):
        return (
            late_requests_visible_to(self.request.user)
            .select_related("unit", "requested_by", "decided_by")
            .order_by("-requested_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        incoming = s.LateRequestCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        plan = get_object_or_404(
            Plan.objects.filter(zone__in=zones_visible_to(request.user).values("pk")), pk=data["plan"]
        )
        unit = get_object_or_404(Unit.objects.filter(zone=plan.zone_id), pk=data["unit"])
        if not policy.can_enter(request.user, unit):
            raise PermissionDenied(_("Only the unit's reporting staff ask to report late."))
        try:
            late = late_request_create(
                plan=plan,
                unit=unit,
                period=Period.parse(data["period"]),  # the serializer's pattern admits only valid periods
                reason=data["reason"],
                by=request.user,
            )
        except LateRequestConflict as refused:
            return conflict(" ".join(refused.messages))
        return Response(s.LateRequestSerializer(late).data, status=status.HTTP_201_CREATED)

    def _decide(self, request, serializer_class, service) -> Response:
        late = self.get_object()
        if not policy.can_decide_late_reports(request.user, late.plan.zone):
            raise PermissionDenied(_("Only the zone office grants or refuses a late report."))
        if late.status != LateRequestStatus.PENDING:
            return self._decided(late)
        incoming = serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            late = service(request=late, by=request.user, **incoming.validated_data)
        except LateRequestConflict:  # someone decided meanwhile
            late.refresh_from_db()
            return self._decided(late)
        return Response(s.LateRequestSerializer(self.get_queryset().get(pk=late.pk)).data)

    def _decided(self, late: LateReportRequest) -> Response:
        return conflict(
            _("This request was already decided: %(status)s.") % {"status": late.get_status_display()},
            state=late.status,
        )

    @_decision(
        "Grant: the month opens for the unit until a day (the zone office)",
        s.LateGrantSerializer,
        [OpenApiExample("Until a week from now", value={"until": "2026-04-27", "note": "同意补报"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        """Grant the request: the month reopens for the unit until ``until`` (a recorded reopening)."""
        return self._decide(request, s.LateGrantSerializer, late_request_grant)

    @_decision(
        "Refuse, saying why: the month stays closed (the zone office)",
        s.LateRefuseSerializer,
        [OpenApiExample("Refused", value={"reason": "三月数据已由统计局直报,无需补报"}, request_only=True)],
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """Refuse the request with a reason the unit's staff will see."""
        return self._decide(request, s.LateRefuseSerializer, late_request_refuse)
