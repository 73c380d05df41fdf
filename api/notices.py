"""Follow-up notices (督办) over the API: the list and the notice, scoped like
the supervision pages (supervision.selectors.notices_visible_to), and the
steps of a notice through the same services (supervision.services).

Each step answers 404 when the user may not see the notice, 403 when the
user sees it but the role may not take the step, 409 when the notice's state
does not allow it, 400 for the input; then the service decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import serializers as s
from api.filters import IdFilter, MonthFilter, YearFilter
from api.parsers import JSONParser
from api.views import ScopedViewSet, conflict
from plans.periods import Period
from supervision import services
from supervision.choices import (
    NOTICE_STEPS,
    OPEN_STATES,
    STEP_BY_SUPERVISION,
    STEP_BY_UNIT,
    STEP_BY_UNIT_HEAD,
    NoticeLevel,
    NoticeState,
    NoticeStep,
)
from supervision.models import Notice, NoticeEvent, NoticeItem
from supervision.selectors import may_take_step, notice_steps, notices_visible_to, supervised_zones
from targets.models import Target


@dataclass(frozen=True)
class Step:
    """What the API adds to a step of a notice: what it reads and its summary.
    Who takes it and from which states is supervision.choices.NOTICE_STEPS, and
    its service supervision.services.NOTICE_STEP_SERVICES, as for the page."""

    serializer: type[serializers.Serializer]
    summary: str


STEPS: dict[NoticeStep, Step] = {
    NoticeStep.ANSWER: Step(
        s.NoticeAnswerSerializer,
        "The lead unit answers: why the items lag, the measures, when they will be on track",
    ),
    NoticeStep.SIGN_OFF: Step(
        s.NoticeSignOffSerializer,
        "The lead unit's head signs the answer off: it reaches supervision",
    ),
    NoticeStep.RETURN_ANSWER: Step(
        s.NoticeReturnAnswerSerializer,
        "The lead unit's head returns the answer to be written again",
    ),
    NoticeStep.REQUEST_EXTENSION: Step(
        s.NoticeExtensionSerializer,
        "The lead unit asks for a later answer date",
    ),
    NoticeStep.GRANT_EXTENSION: Step(
        s.NoticeGrantSerializer,
        "Supervision grants the extension: the asked date becomes the answer date",
    ),
    NoticeStep.REFUSE_EXTENSION: Step(
        s.NoticeRefuseSerializer,
        "Supervision refuses the extension: the answer date stays",
    ),
    NoticeStep.CLOSE: Step(
        s.NoticeCloseSerializer,
        "Supervision closes the notice (销号) with a note",
    ),
}
REFUSALS = {
    STEP_BY_UNIT: gettext_lazy("Only the lead unit's reporting staff and reviewers answer this notice."),
    STEP_BY_UNIT_HEAD: gettext_lazy("Only the lead unit's head (its reviewer) signs this answer off."),
    STEP_BY_SUPERVISION: gettext_lazy("Only the zone's supervision team decides on this notice."),
}


class NoticeFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=[("open", pgettext_lazy("notices", "Open")), *NoticeState.choices],
        method="filter_state",
        help_text="open: any state but closed; or one state. Default: every state.",
    )
    zone = IdFilter(field_name="zone")
    plan = IdFilter(field_name="plan")
    unit = IdFilter(field_name="unit", help_text="The lead unit the notice is addressed to.")
    target = IdFilter(field_name="items__target", help_text="Notices following up this target.")
    level = filters.TypedChoiceFilter(choices=NoticeLevel.choices, coerce=int)
    overdue = filters.BooleanFilter(help_text="Answered late, or not answered by the reply date.")
    year = YearFilter(field_name="year", help_text="Year of the period the notice is about.")
    month = MonthFilter(field_name="month", help_text="Month of the period the notice is about.")
    reply_by_after = filters.DateFilter(field_name="reply_by", lookup_expr="gte")
    reply_by_before = filters.DateFilter(field_name="reply_by", lookup_expr="lte")

    class Meta:
        model = Notice
        fields: list[str] = []  # every filter is declared above

    def filter_state(self, queryset: QuerySet[Notice], name: str, value: str) -> QuerySet[Notice]:
        if value == "open":
            return queryset.filter(state__in=OPEN_STATES)
        return queryset.filter(state=value)


def _step_view(name: NoticeStep):
    """The action of one step (named before DRF's decorator reads the name)."""
    step = STEPS[name]

    def view(self, request, pk=None):
        return self.take_step(request, name)

    view.__name__ = name.replace("-", "_")
    view.__doc__ = step.summary + "."
    view = action(detail=True, methods=["post"], url_path=name, url_name=name)(view)
    return extend_schema(
        summary=step.summary,
        request=step.serializer,
        responses={
            200: s.NoticeDetailSerializer,
            400: OpenApiResponse(description="field errors"),
            403: OpenApiResponse(description="the user sees the notice but this step is not theirs"),
            409: OpenApiResponse(description="the notice's state does not allow this step"),
        },
        examples=[*STEP_EXAMPLES[name], DETAIL],
    )(view)


DETAIL = OpenApiExample(
    "The notice after the step",
    value={**s.NOTICE_EXAMPLE, "events": [], "actions": []},
    response_only=True,
    status_codes=["200"],
)
STEP_EXAMPLES = {
    NoticeStep.ANSWER: [
        OpenApiExample(
            "An answer",
            value={
                "reason": "项目用地指标未落实,二期推迟开工",
                "measures": "已协调自然资源局,6月底前完成供地",
                "expected": "2026-07-31",
            },
            request_only=True,
        )
    ],
    NoticeStep.SIGN_OFF: [OpenApiExample("Signed off", value={"note": "同意"}, request_only=True)],
    NoticeStep.RETURN_ANSWER: [
        OpenApiExample("Returned", value={"note": "整改措施不具体,请补充时间节点"}, request_only=True)
    ],
    NoticeStep.REQUEST_EXTENSION: [
        OpenApiExample(
            "Ask for ten more days",
            value={"until": "2026-06-27", "reason": "需等待统计局6月数据核定"},
            request_only=True,
        )
    ],
    NoticeStep.GRANT_EXTENSION: [OpenApiExample("Granted", value={"note": "同意延期"}, request_only=True)],
    NoticeStep.REFUSE_EXTENSION: [
        OpenApiExample("Refused", value={"note": "数据核定不影响原因分析,请按期答复"}, request_only=True)
    ],
    NoticeStep.CLOSE: [
        OpenApiExample("Closed", value={"note": "整改措施已落实,进度已达序时,予以销号"}, request_only=True)
    ],
}


@extend_schema_view(
    list=extend_schema(
        summary="Follow-up notices the user may see",
        description=(
            "Notices of the zones the user supervises or reads whole, and those addressed to the user's "
            "units (as on the supervision pages). Most urgent first: red, then by state and answer date."
        ),
    ),
    retrieve=extend_schema(
        summary="One notice with its items, its log and the steps the user may take",
        responses={200: s.NoticeDetailSerializer},
    ),
    create=extend_schema(
        summary="Issue follow-up notices for flagged targets (supervision team)",
        description=(
            "One notice per lead unit, numbered per zone and year. Targets already followed up by an "
            "open notice are left out and listed under skipped; when every target is, the answer is 409."
        ),
        request=s.NoticeIssueSerializer,
        responses={
            201: s.NoticeIssueResultSerializer,
            400: OpenApiResponse(description="field errors"),
            403: OpenApiResponse(description="not the supervision team of the targets' zone"),
            404: OpenApiResponse(description="a target the user may not see"),
            409: OpenApiResponse(description="every target is already followed up by an open notice"),
        },
        examples=[
            OpenApiExample(
                "Two lagging targets",
                value={
                    "targets": [12, 13],
                    "period": "2026-05",
                    "reply_by": "2026-06-17",
                    "requirement": "请分析滞后原因,提出整改措施,按期书面答复。",
                },
                request_only=True,
            ),
            OpenApiExample(
                "One notice issued, one item already followed up",
                value={"notices": [s.NOTICE_EXAMPLE], "skipped": [13]},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    ),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """督办: follow-up notices, their answers, extensions and closure."""

    serializer_class = s.NoticeSerializer
    filterset_class = NoticeFilter
    parser_classes = [JSONParser]
    ordering_fields = ["issued_at", "reply_by", "level", "state", "id"]

    def get_queryset(self):
        queryset = (
            notices_visible_to(self.request.user)
            .select_related("zone", "unit", "issued_by", "answered_by", "closed_by")
            .prefetch_related(Prefetch("items", queryset=NoticeItem.objects.select_related("target").order_by("id")))
            .order_by("-level", "state", "reply_by", "-pk")
        )
        if self.action != "list":
            queryset = queryset.prefetch_related(
                Prefetch("events", queryset=NoticeEvent.objects.select_related("by").order_by("at", "id"))
            )
        return queryset

    def _detail(self, notice: Notice) -> Response:
        notice = self.get_queryset().get(pk=notice.pk)
        notice.actions = notice_steps(self.request.user, notice)
        return Response(s.NoticeDetailSerializer(notice).data)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    def create(self, request, *args, **kwargs):
        user = request.user
        if not supervised_zones(user).exists():
            raise PermissionDenied(_("Only the zone's supervision team issues follow-up notices."))
        incoming = s.NoticeIssueSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        ids = list(dict.fromkeys(data["targets"]))
        targets = {t.pk: t for t in Target.objects.visible_to(user).filter(pk__in=ids).select_related("task__plan")}
        if len(targets) != len(ids):
            raise NotFound(_("No such target: %(ids)s") % {"ids": ", ".join(str(i) for i in ids if i not in targets)})
        supervised = set(supervised_zones(user).values_list("pk", flat=True))
        if any(target.task.plan.zone_id not in supervised for target in targets.values()):
            raise PermissionDenied(_("Only the zone's supervision team issues follow-up notices."))
        period = Period.parse(data["period"])  # the serializer's pattern admits only valid periods
        if any(not t.task.plan.start_year <= period.year <= t.task.plan.end_year for t in targets.values()):
            raise ValidationError({"period": _("The period lies outside the plan.")})
        result = services.notices_issue(
            target_ids=ids, period=period, reply_by=data["reply_by"], requirement=data["requirement"], by=user
        )
        skipped = [target.pk for target in result.skipped]
        if not result.notices:
            return conflict(
                _("Already followed up by an open notice, so left out: %(items)s.")
                % {"items": "、".join(t.indicator for t in result.skipped)},
                skipped=skipped,
            )
        notices = self.get_queryset().filter(pk__in=[n.pk for n in result.notices]).order_by("pk")
        return Response(
            {"notices": s.NoticeSerializer(notices, many=True).data, "skipped": skipped},
            status=status.HTTP_201_CREATED,
        )

    def take_step(self, request, name: NoticeStep) -> Response:
        step = STEPS[name]
        by, states = NOTICE_STEPS[name]
        notice = self.get_object()
        if not may_take_step(request.user, notice, name):
            raise PermissionDenied(REFUSALS[by])
        if notice.state not in states:
            return self._wrong_state(notice)
        incoming = step.serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            services.NOTICE_STEP_SERVICES[name](notice=notice, by=request.user, **incoming.validated_data)
        except ValidationError:
            notice.refresh_from_db()
            if notice.state not in states:  # someone else took a step meanwhile
                return self._wrong_state(notice)
            raise
        return self._detail(notice)

    def _wrong_state(self, notice: Notice) -> Response:
        return conflict(
            _("This step is not possible while the notice is “%(state)s”.") % {"state": notice.get_state_display()},
            state=notice.state,
        )

    answer = _step_view(NoticeStep.ANSWER)
    sign_off = _step_view(NoticeStep.SIGN_OFF)
    return_answer = _step_view(NoticeStep.RETURN_ANSWER)
    request_extension = _step_view(NoticeStep.REQUEST_EXTENSION)
    grant_extension = _step_view(NoticeStep.GRANT_EXTENSION)
    refuse_extension = _step_view(NoticeStep.REFUSE_EXTENSION)
    close = _step_view(NoticeStep.CLOSE)
