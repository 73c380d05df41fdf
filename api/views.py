"""API endpoints. Every queryset starts from the user's scope (zones.policy),
so what a user may not see is a 404; writes call the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from plans.models import Plan, Task
from progress.models import Report
from progress.periods import Period
from progress.selectors import reports_visible_to
from progress.services import RowInput, reports_approve, reports_return, unit_period_save
from targets.models import Target, TargetFlag, TargetResult
from zones import policy
from zones.models import Unit, Zone
from zones.selectors import zones_visible_to

BACKENDS = [filters.DjangoFilterBackend, OrderingFilter]


class ZoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Zones the user has anything to do with."""

    serializer_class = s.ZoneSerializer
    filter_backends = BACKENDS
    filterset_fields = ["code", "kind", "region"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return (
            Zone.objects.filter(pk__in=zones_visible_to(self.request.user).values("pk"))
            .select_related("region__parent")
            .order_by("code")
        )


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.UnitSerializer
    filter_backends = BACKENDS
    filterset_fields = ["zone", "kind"]
    ordering_fields = ["name", "order"]

    def get_queryset(self):
        return Unit.objects.filter(zone__in=zones_visible_to(self.request.user).values("pk")).order_by("zone", "order")


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.PlanSerializer
    filter_backends = BACKENDS
    filterset_fields = ["zone", "status", "kind", "start_year"]
    ordering_fields = ["start_year", "title"]

    def get_queryset(self):
        user = self.request.user
        return Plan.objects.filter(
            Q(zone__in=policy.zones_seen_whole(user).values("pk"))
            | Q(pk__in=Target.objects.visible_to(user).values("task__plan"))
        ).order_by("zone", "-start_year")


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TaskSerializer
    filter_backends = BACKENDS
    filterset_fields = ["plan", "lead_unit", "leader", "parent"]
    ordering_fields = ["order", "path"]

    def get_queryset(self):
        user = self.request.user
        return (
            Task.objects.filter(
                Q(plan__zone__in=policy.zones_seen_whole(user).values("pk"))
                | Q(pk__in=Target.objects.visible_to(user).values("task"))
            )
            .prefetch_related("co_units")
            .order_by("plan", "order")
        )


class TargetFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="task__plan")
    lead_unit = filters.NumberFilter(field_name="task__lead_unit")

    class Meta:
        model = Target
        fields = ["plan", "lead_unit", "task", "kind", "is_headline", "frequency"]


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TargetSerializer
    filter_backends = BACKENDS
    filterset_class = TargetFilter
    ordering_fields = ["order", "indicator"]

    def get_queryset(self):
        return (
            Target.objects.visible_to(self.request.user).select_related("task").order_by("task__order", "order", "id")
        )


class ReportFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="target__task__plan")
    unit = filters.NumberFilter(field_name="target__task__lead_unit")

    class Meta:
        model = Report
        fields = ["target", "plan", "unit", "year", "month", "status"]


def _save_one(*, user, target: Target, year: int, month: int, data: dict, submit: bool):
    row = RowInput(
        target_id=target.pk,
        raw_value=data.get("value", ""),
        progress=data.get("progress", ""),
        problems=data.get("problems", ""),
        next_steps=data.get("next_steps", ""),
        value_note=data.get("value_note", ""),
        confirmed=data.get("confirmed", False),
        version=data.get("version"),
    )
    unit = target.task.lead_unit
    if unit is None:
        raise PermissionDenied(_("This target has no lead unit to report for it."))
    result = unit_period_save(
        plan=target.task.plan,
        unit=unit,
        period=Period(year, month),
        rows=[row],
        by=user,
        submit=submit,
        whole_period=False,
    )
    return result


@extend_schema_view(
    create=extend_schema(
        request=s.ReportCreateSerializer,
        responses={
            201: s.ReportSerializer,
            400: OpenApiResponse(description="field errors"),
            409: OpenApiResponse(description="stale version"),
        },
        examples=[
            OpenApiExample(
                "A draft figure",
                value={
                    "target": 12,
                    "year": 2026,
                    "month": 3,
                    "value": "3.2亿",
                    "progress": "完成投资3.2亿元",
                    "version": None,
                },
            )
        ],
    ),
    partial_update=extend_schema(request=s.FigureInSerializer, responses={200: s.ReportSerializer}),
)
class ReportViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Monthly reports. Create and update save drafts through the same checks
    as the period form; submit, approve and return follow the review rules."""

    serializer_class = s.ReportSerializer
    filter_backends = BACKENDS
    filterset_class = ReportFilter
    ordering_fields = ["year", "month", "updated_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return reports_visible_to(self.request.user).select_related("target__task").order_by("-year", "-month", "id")

    def _answer(self, result, report_lookup: dict, created: bool = False) -> Response:
        if not result.ok:
            errors = next(iter(result.errors.values()))
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        report = Report.objects.get(**report_lookup)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED if created else 200)

    def create(self, request, *args, **kwargs):
        incoming = s.ReportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        target = get_object_or_404(
            Target.objects.visible_to(request.user).select_related("task__plan"), pk=data["target"]
        )
        result = _save_one(
            user=request.user, target=target, year=data["year"], month=data["month"], data=data, submit=False
        )
        return self._answer(result, {"target": target, "year": data["year"], "month": data["month"]}, created=True)

    def _save_report(self, request, report: Report, *, submit: bool) -> Response:
        """Save (and maybe submit) a report: the fields the client sent over
        the stored ones, at the version the client last saw."""
        incoming = s.FigureInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {
            "value": "" if report.value is None else str(report.value),
            "progress": report.progress,
            "problems": report.problems,
            "next_steps": report.next_steps,
            "value_note": report.value_note,
        }
        data.update({key: value for key, value in incoming.validated_data.items() if key in request.data})
        data["version"] = incoming.validated_data.get("version")
        result = _save_one(
            user=request.user, target=report.target, year=report.year, month=report.month, data=data, submit=submit
        )
        return self._answer(result, {"pk": report.pk})

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        return self._save_report(request, report, submit=False)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=s.FigureInSerializer, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit this report for review (its figure and version as the client last saw them)."""
        report = self.get_object()
        return self._save_report(request, report, submit=True)

    @extend_schema(request=None, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        report = self.get_object()
        reports_approve(reports=[report], by=request.user)
        report.refresh_from_db()
        return Response(s.ReportSerializer(report).data)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.ReportSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        incoming = s.ReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        reports_return(reports=[report], by=request.user, reason=incoming.validated_data["reason"])
        report.refresh_from_db()
        return Response(s.ReportSerializer(report).data)


class PeriodSubmissionView(APIView):
    """A unit's figures for a period in one request, all or nothing."""

    @extend_schema(
        request=s.PeriodSubmissionSerializer,
        responses={
            200: s.ReportSerializer(many=True),
            400: OpenApiResponse(description="per-row errors"),
            409: OpenApiResponse(description="stale versions"),
        },
        examples=[
            OpenApiExample(
                "March figures of a unit",
                value={
                    "plan": 1,
                    "unit": 2,
                    "period": "2026-03",
                    "submit": True,
                    "rows": [
                        {"target": 12, "value": "32.5", "progress": "完成投资32.5亿元", "version": None},
                        {"target": 13, "value": "14.2", "progress": "增速回落", "version": 2},
                    ],
                },
            )
        ],
    )
    def post(self, request):
        incoming = s.PeriodSubmissionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            period = Period.parse(data["period"])
        except ValueError:
            return Response({"period": [_("Write the period as year and month, e.g. 2026-03.")]}, status=400)
        zones = zones_visible_to(request.user)
        plan = get_object_or_404(Plan.objects.filter(zone__in=zones.values("pk")), pk=data["plan"])
        unit = get_object_or_404(Unit.objects.filter(zone=plan.zone), pk=data["unit"])
        rows = [
            RowInput(
                target_id=row["target"],
                raw_value=row["value"],
                progress=row["progress"],
                problems=row["problems"],
                next_steps=row["next_steps"],
                value_note=row["value_note"],
                confirmed=row["confirmed"],
                version=row["version"],
            )
            for row in data["rows"]
        ]
        result = unit_period_save(
            plan=plan, unit=unit, period=period, rows=rows, by=request.user, submit=data["submit"]
        )
        if not result.ok:
            return Response(
                {"rows": {str(target): errors for target, errors in result.errors.items()}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        reports = Report.objects.filter(
            target_id__in=[r.target_id for r in rows], year=period.year, month=period.month
        ).order_by("target_id")
        return Response(s.ReportSerializer(reports, many=True).data)


class ResultFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="target__task__plan")
    unit = filters.NumberFilter(field_name="target__task__lead_unit")

    class Meta:
        model = TargetResult
        fields = ["target", "plan", "unit", "year", "month", "status"]


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Each target's judgement per period, with its explanation."""

    serializer_class = s.ResultSerializer
    filter_backends = BACKENDS
    filterset_class = ResultFilter
    ordering_fields = ["year", "month", "gap", "completion"]

    def get_queryset(self):
        return (
            TargetResult.objects.filter(target__in=Target.objects.visible_to(self.request.user))
            .select_related("target__task__plan")
            .order_by("target", "year", "month")
        )


class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.FlagSerializer
    filter_backends = BACKENDS
    filterset_fields = ["target", "year", "month", "change"]
    ordering_fields = ["year", "month"]

    def get_queryset(self):
        return TargetFlag.objects.filter(target__in=Target.objects.visible_to(self.request.user)).order_by(
            "target", "year", "month"
        )
