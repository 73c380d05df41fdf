"""API endpoints. Every queryset starts from the user's scope (zones.policy),
so what a user may not see is a 404; writes call the same services as the pages.

Checks run in one order everywhere: 404 (not visible), 403 (visible, but the
role may not act), 409 (the object's state does not allow the step), 400
(the input), then the service, which checks again inside its transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.filters import (
    YEARS,
    IdFilter,
    MonthFilter,
    Ordering,
    Pagination,
    ResultFilterSet,
    TextFilter,
    YearFilter,
)
from api.parsers import JSONParser
from core.params import ID_MAX
from plans.models import Plan, Task
from plans.periods import Period
from progress.choices import ReportStatus
from progress.models import Report
from progress.selectors import reports_visible_to
from progress.services import (
    RowInput,
    report_correct,
    reports_approve,
    reports_return,
    reports_withdraw,
    unit_period_save,
)
from supervision.filtersets import SupervisionFilterSet
from targets.choices import ReportingStatus, Status
from targets.models import Target, TargetFlag, TargetResult
from zones import policy
from zones.models import Unit, Zone
from zones.selectors import zones_visible_to

BACKENDS = [filters.DjangoFilterBackend, Ordering]
# Writes are documented as JSON: only JSON carries a null version or nested
# rows. Reports still read flat forms, as they did; the newer endpoints take JSON only.
JSON = "application/json"


def conflict(detail: str, **extra) -> Response:
    """409: the object's current state does not allow the step."""
    return Response({"detail": detail, **extra}, status=status.HTTP_409_CONFLICT)


class ScopedViewSet(viewsets.GenericViewSet):
    filter_backends = BACKENDS
    pagination_class = Pagination


# --- reference data ---------------------------------------------------------------


class ZoneFilter(filters.FilterSet):
    code = TextFilter(field_name="code")
    region = IdFilter(field_name="region")

    class Meta:
        model = Zone
        fields = ["code", "kind", "region"]


@extend_schema_view(
    list=extend_schema(summary="Zones the user has anything to do with"),
    retrieve=extend_schema(summary="One zone"),
)
class ZoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Zones the user has anything to do with."""

    serializer_class = s.ZoneSerializer
    filterset_class = ZoneFilter
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return (
            Zone.objects.filter(pk__in=zones_visible_to(self.request.user).values("pk"))
            .select_related("region__parent")
            .order_by("code")
        )


class UnitFilter(filters.FilterSet):
    zone = IdFilter(field_name="zone")

    class Meta:
        model = Unit
        fields = ["zone", "kind"]


@extend_schema_view(
    list=extend_schema(summary="Units of the user's zones"),
    retrieve=extend_schema(summary="One unit"),
)
class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["name", "order"]

    def get_queryset(self):
        return Unit.objects.filter(zone__in=zones_visible_to(self.request.user).values("pk")).order_by("zone", "order")


class PlanFilter(filters.FilterSet):
    zone = IdFilter(field_name="zone")
    start_year = YearFilter(field_name="start_year")

    class Meta:
        model = Plan
        fields = ["zone", "status", "kind", "start_year"]


@extend_schema_view(
    list=extend_schema(summary="Plans with something the user may read"),
    retrieve=extend_schema(summary="One plan"),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["start_year", "title"]

    def get_queryset(self):
        user = self.request.user
        # Drafts included: the API lists a zone administration's drafts too.
        return Plan.objects.filter(policy.plan_visibility(user)).order_by("zone", "-start_year")


class TaskFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    lead_unit = IdFilter(field_name="lead_unit")
    leader = IdFilter(field_name="leader")
    parent = IdFilter(field_name="parent")

    class Meta:
        model = Task
        fields = ["plan", "lead_unit", "leader", "parent"]


@extend_schema_view(
    list=extend_schema(summary="Numbered tasks the user may read"),
    retrieve=extend_schema(summary="One task"),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilter
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
    plan = IdFilter(field_name="task__plan")
    lead_unit = IdFilter(field_name="task__lead_unit")
    task = IdFilter(field_name="task")

    class Meta:
        model = Target
        fields = ["plan", "lead_unit", "task", "kind", "is_headline", "frequency"]


@extend_schema_view(
    list=extend_schema(summary="Targets the user may read"),
    retrieve=extend_schema(summary="One target"),
)
class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["order", "indicator"]

    def get_queryset(self):
        return (
            Target.objects.visible_to(self.request.user).select_related("task").order_by("task__order", "order", "id")
        )


# --- reports ---------------------------------------------------------------------------


class ReportFilter(filters.FilterSet):
    target = IdFilter(field_name="target")
    plan = IdFilter(field_name="target__task__plan")
    unit = IdFilter(field_name="target__task__lead_unit")
    year = YearFilter(field_name="year")
    month = MonthFilter(field_name="month")

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


def _require_entry(user, target: Target) -> None:
    unit = target.task.lead_unit
    if unit is None or not policy.can_enter(user, unit):
        raise PermissionDenied(_("You do not enter figures for this unit."))


def _not_editable(report: Report | None) -> Response | None:
    """409 for a report that is submitted or approved: the service would
    leave it as it is, so saying so beats answering with the unchanged report."""
    if report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return None
    return conflict(
        _("This report is “%(status)s”: only drafts and returned reports can be changed.")
        % {"status": report.get_status_display()},
        status=report.status,
    )


def _require_review(user, report: Report) -> None:
    unit = report.target.task.lead_unit
    if unit is None or not policy.can_review(user, unit):
        raise PermissionDenied(_("You do not review this unit's reports."))


def returns(name: str, value, code: str = "200") -> OpenApiExample:
    """An example of a successful answer, beside an operation's request examples."""
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])


SAVED = returns("The report as saved", s.REPORT_EXAMPLE)
FIGURE_EXAMPLES = [
    OpenApiExample(
        "A new figure", value={"value": "32.5", "progress": "完成投资32.5亿元", "version": 1}, request_only=True
    ),
    OpenApiExample(
        "A figure the checks ask about, with a note",
        value={"value": "3.2亿", "value_note": "含二期追加投资", "confirmed": True, "version": 2},
        request_only=True,
    ),
    SAVED,
]
REPORT_409 = OpenApiResponse(
    description="a stale version (conflicts lists what changed meanwhile), or a submitted or approved report"
)
STATE_409 = OpenApiResponse(description="the report is not submitted, so it cannot be reviewed")


@extend_schema_view(
    list=extend_schema(summary="Monthly reports the user may read"),
    retrieve=extend_schema(summary="One report"),
    create=extend_schema(
        summary="Save a draft figure for a target and period",
        request={JSON: s.ReportCreateSerializer},
        responses={
            201: s.ReportSerializer,
            400: OpenApiResponse(description="field errors, or a closed period"),
            409: REPORT_409,
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
                request_only=True,
            ),
            returns("The draft", {**s.REPORT_EXAMPLE, "status": "draft", "version": 1, "submitted_at": None}, "201"),
        ],
    ),
    partial_update=extend_schema(
        summary="Change a draft: the fields sent over the stored ones",
        request={JSON: s.FigureInSerializer},
        responses={200: s.ReportSerializer, 409: REPORT_409},
        examples=FIGURE_EXAMPLES,
    ),
)
class ReportViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet,
):
    """Monthly reports. Create and update save drafts through the same checks
    as the period form; submit, approve and return follow the review rules."""

    serializer_class = s.ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["year", "month", "updated_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return reports_visible_to(self.request.user).select_related("target__task").order_by("-year", "-month", "id")

    def _answer(self, result, report_lookup: dict, created: bool = False) -> Response:
        if not result.ok:
            errors = next(iter(result.errors.values()))
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        report = Report.objects.filter(**report_lookup).first()
        if report is None:  # nothing was typed: the service creates no empty draft
            return Response({"value": [s.NOTHING_TO_SAVE]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED if created else 200)

    def create(self, request, *args, **kwargs):
        incoming = s.ReportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        target = get_object_or_404(
            Target.objects.visible_to(request.user).select_related("task__plan", "task__lead_unit"), pk=data["target"]
        )
        _require_entry(request.user, target)
        refused = _not_editable(Report.objects.filter(target=target, year=data["year"], month=data["month"]).first())
        if refused:
            return refused
        result = _save_one(
            user=request.user, target=target, year=data["year"], month=data["month"], data=data, submit=False
        )
        return self._answer(result, {"target": target, "year": data["year"], "month": data["month"]}, created=True)

    def _save_report(self, request, report: Report, *, submit: bool) -> Response:
        """Save (and maybe submit) a report: the fields the client sent over
        the stored ones, at the version the client last saw."""
        _require_entry(request.user, report.target)
        refused = _not_editable(report)
        if refused:
            return refused
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

    @extend_schema(
        summary="Submit the report for review",
        request={JSON: s.FigureInSerializer},
        responses={200: s.ReportSerializer, 409: REPORT_409},
        examples=[OpenApiExample("Submit as last read", value={"version": 2}, request_only=True), SAVED],
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit this report for review (its figure and version as the client last saw them)."""
        report = self.get_object()
        return self._save_report(request, report, submit=True)

    @extend_schema(
        summary="Withdraw a submission nobody has reviewed yet",
        request=None,
        responses={
            200: s.ReportSerializer,
            400: OpenApiResponse(description="the period is closed for the unit"),
            409: OpenApiResponse(description="the report is not submitted (a draft, or already approved or returned)"),
        },
        examples=[returns("The report, a draft again", {**s.REPORT_EXAMPLE, "status": "draft", "submitted_at": None})],
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The unit's reporting staff take a submitted report back to draft before review (撤回);
        what was typed stays."""
        report = self.get_object()
        unit = report.target.task.lead_unit
        if unit is None or not policy.can_withdraw(request.user, unit):
            raise PermissionDenied(_("Only the unit's reporting staff can withdraw its submissions."))
        if report.status != ReportStatus.SUBMITTED:
            return conflict(_("Only a submission nobody has reviewed yet can be withdrawn."), status=report.status)
        reports_withdraw(reports=[report], by=request.user)
        report.refresh_from_db()
        return Response(s.ReportSerializer(report).data)

    @extend_schema(
        summary="Approve a submitted report",
        request=None,
        responses={200: s.ReportSerializer, 409: STATE_409},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The unit's reviewer approves a submitted report."""
        report = self.get_object()
        _require_review(request.user, report)
        if report.status != ReportStatus.SUBMITTED:
            return conflict(_("Only submitted reports can be approved."), status=report.status)
        reports_approve(reports=[report], by=request.user)
        report.refresh_from_db()
        return Response(s.ReportSerializer(report).data)

    @extend_schema(
        summary="Return a submitted report with a reason",
        request={JSON: s.ReturnSerializer},
        responses={200: s.ReportSerializer, 409: STATE_409},
        examples=[
            OpenApiExample(
                "A reason the staff will see", value={"reason": "口径与统计局不一致,请核实"}, request_only=True
            ),
            returns("The returned report", {**s.REPORT_EXAMPLE, "status": "returned", "return_reason": "请核实"}),
        ],
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """The unit's reviewer returns a submitted report; the reason is shown to the staff."""
        report = self.get_object()
        _require_review(request.user, report)
        if report.status != ReportStatus.SUBMITTED:
            return conflict(_("Only submitted reports can be returned."), status=report.status)
        incoming = s.ReturnSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        reports_return(reports=[report], by=request.user, reason=incoming.validated_data["reason"])
        report.refresh_from_db()
        return Response(s.ReportSerializer(report).data)

    @extend_schema(
        summary="Correct an approved report's figure",
        request={JSON: s.CorrectionSerializer},
        responses={
            200: s.ReportSerializer,
            409: OpenApiResponse(
                description="a stale version (conflicts lists the change), or a report that is not approved"
            ),
        },
        examples=[
            OpenApiExample(
                "A recorded correction",
                value={"value": "33", "reason": "统计局反馈更正", "version": 3},
                request_only=True,
            ),
            returns("The corrected report", {**s.REPORT_EXAMPLE, "status": "approved", "counted": True, "version": 4}),
        ],
    )
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """The unit's reviewer or the zone administrator corrects an approved figure; the history
        keeps the reason. ``version`` is the one the client last read."""
        report = self.get_object()
        zone = report.target.task.plan.zone
        if not policy.can_correct(request.user, unit=report.target.task.lead_unit, zone=zone):
            raise PermissionDenied(_("Only the unit's reviewer or the zone administrator can correct a report."))
        if report.status != ReportStatus.APPROVED:
            return conflict(
                _("Only approved reports are corrected; edit the others in the period form."), status=report.status
            )
        incoming = s.CorrectionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = report_correct(
            report=report,
            by=request.user,
            raw_value=data["value"],
            reason=data["reason"],
            version=data["version"],
            confirmed=data["confirmed"],
        )
        return Response(s.ReportSerializer(report).data)


class PeriodSubmissionView(APIView):
    """A unit's figures for a period in one request, all or nothing."""

    parser_classes = [JSONParser]

    @extend_schema(
        summary="A unit's figures for a period, all or nothing",
        request=s.PeriodSubmissionSerializer,
        responses={
            200: s.ReportSerializer(many=True),
            400: OpenApiResponse(description="per-row errors under rows, keyed by target id"),
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
                request_only=True,
            ),
            returns("The unit's reports as saved", [s.REPORT_EXAMPLE]),
            OpenApiExample(
                "A refused row",
                value={"rows": {"13": {"value": "“很多”不是数字。"}}},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        incoming = s.PeriodSubmissionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        period = Period.parse(data["period"])  # the serializer's pattern admits only valid periods
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
        reports = (
            Report.objects.filter(target_id__in=[r.target_id for r in rows], year=period.year, month=period.month)
            .select_related("target")  # each report's standing reads its target's kind: no query per row
            .order_by("target_id")
        )
        return Response(s.ReportSerializer(reports, many=True).data)


# --- judgements -----------------------------------------------------------------------------


class ResultFilterBackend(filters.DjangoFilterBackend):
    """The results' filter backend: a class of its own, so that
    ResultFilterExtension documents its FilterSet (api.filters.ResultFilterSet)."""


class ResultFilterExtension(DjangoFilterExtension):
    """Schema of the results' filters: SupervisionFilterSet's, but for
    ``period``, whose choices depend on the user (RESULT_PARAMETERS says it)."""

    target_class = "api.views.ResultFilterBackend"
    priority = 1

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        if field_name == "period":
            return []
        return super().resolve_filter_field(auto_schema, model, filterset_class, field_name, filter_field)


class ResultParams(s.CleanTextSerializer):
    """This endpoint's earlier parameters, kept: exact filters on the rows."""

    target = s.id_field(required=False)
    year = serializers.IntegerField(min_value=YEARS[0], max_value=YEARS[1], required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)


def _int_parameter(name: str, low: int, high: int, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, {"type": "integer", "minimum": low, "maximum": high}, OpenApiParameter.QUERY, description=description
    )


def _choices_parameter(name: str, choices, description: str) -> OpenApiParameter:
    """A repeatable parameter of one of the vocabulary's choices (targets.choices)."""
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string", "enum": list(choices.values)}},
        OpenApiParameter.QUERY,
        description=description,
        style="form",
        explode=True,
    )


LISTS = [value for value, _label in SupervisionFilterSet.base_filters["list"].extra["choices"]]
LIST_HELP = {
    "flagged": "progress: lagging, seriously lagging or overdue",
    "serious": "progress: seriously lagging",
    "lagging": "progress: lagging",
    "overdue": "progress: a deadline or milestone date passed unmet",
    "unsubmitted": "reporting: not reported, the due day passed",
    "pending": "reporting: sent, waiting for review",
    "returned": "reporting: returned and not sent again",
}
RESULT_PARAMETERS = [
    OpenApiParameter(
        "period",
        {"type": "string", "pattern": s.PERIOD.replace(r"\Z", "$")},
        OpenApiParameter.QUERY,
        description=(
            "YYYY-MM, within the years of the plans in view; each target's latest result at or before it. "
            "Default: the month just closed (the latest month whose reporting due day has passed) of the "
            "newest plan in view, the default month of every page (plans.periods.default_period)."
        ),
    ),
    OpenApiParameter(
        "list",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=LISTS,
        description=(
            "What needs supervision: "
            + "; ".join(f"{value} ({LIST_HELP[value]})" if value in LIST_HELP else value for value in LISTS)
            + ". Default: every target."
        ),
    ),
    OpenApiParameter(
        "q",
        {"type": "string", "pattern": r"^[^\u0000]*$"},
        OpenApiParameter.QUERY,
        description="Words in the indicator or the task's heading (up to five, all must match).",
    ),
    _int_parameter("zone", 1, ID_MAX, "A zone of the plans in view."),
    _int_parameter("plan", 1, ID_MAX, "A plan in view (published or archived)."),
    _int_parameter("unit", 1, ID_MAX, "The lead unit."),
    _int_parameter("leader", 1, ID_MAX, "The responsible leader (a user id)."),
    _int_parameter("target", 1, ID_MAX, "Only this target's row."),
    _int_parameter(
        "year",
        *YEARS,
        "Only rows of this year; with no period, names the period: with month, that month; alone, the month "
        "just closed within that year (its December once the year is over).",
    ),
    _int_parameter(
        "month", 1, 12, "Only rows of this month; with no period, names the period (of year, or of the default's)."
    ),
    _choices_parameter(
        "status",
        Status,
        "Progress status, repeatable: where the target stands, judged on the latest approved figure at or "
        "before the period (completed, on_track, lagging, serious, overdue: a deadline passed unmet, no_data).",
    ),
    _choices_parameter(
        "reporting",
        ReportingStatus,
        "Reporting status, repeatable, apart from the progress status: whether the lead unit reported the "
        "row's period (reported; late; pending: sent, waiting for review; not_yet: before the due day; "
        "missing: after it).",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="What needs supervision: each target's judgement at a period",
        description=(
            "The rows of the supervision pages, filtered by the same FilterSet "
            "(supervision.filtersets.SupervisionFilterSet): each visible target's latest result at or "
            "before the period, worst first (ordering overrides). Each row answers two questions side by "
            "side: status, where the target stands on the latest approved figure (with the figure's "
            "period in data_year/data_month when it was carried), and reporting, whether its lead unit "
            "reported the period. A figure waiting for review is in no number here. Filters: list, period, "
            "zone, plan, unit (lead unit), leader, kind, status and reporting (repeatable), q; and target, "
            "year, month."
        ),
        parameters=RESULT_PARAMETERS,
    ),
    retrieve=extend_schema(summary="One judgement"),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Each target's judgement per period, with its explanation."""

    serializer_class = s.ResultSerializer
    filter_backends = [ResultFilterBackend, Ordering]
    filterset_class = ResultFilterSet
    ordering_fields = ["year", "month", "gap", "completion"]

    def get_queryset(self):
        return (
            TargetResult.objects.filter(target__in=Target.objects.visible_to(self.request.user))
            .select_related("target__task__plan")
            .order_by("target", "year", "month")
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # one result by id: the scope of get_queryset is the filter
        params = ResultParams(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        queryset = super().filter_queryset(queryset)
        exact = {"target": "target_id", "year": "year", "month": "month"}
        return queryset.filter(**{exact[name]: value for name, value in params.validated_data.items()})


class FlagFilter(filters.FilterSet):
    target = IdFilter(field_name="target")
    year = YearFilter(field_name="year")
    month = MonthFilter(field_name="month")

    class Meta:
        model = TargetFlag
        fields = ["target", "year", "month", "change"]


@extend_schema_view(
    list=extend_schema(summary="Status changes of targets (raised, escalated, eased, recovered)"),
    retrieve=extend_schema(summary="One status change"),
)
class FlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.FlagSerializer
    filterset_class = FlagFilter
    ordering_fields = ["year", "month"]

    def get_queryset(self):
        return TargetFlag.objects.filter(target__in=Target.objects.visible_to(self.request.user)).order_by(
            "target", "year", "month"
        )
