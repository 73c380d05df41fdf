"""Serializers: shapes only. Writes go through the services of each app.

Input fields state in the schema what the API accepts (ids in range, periods
as YYYY-MM, text without the control characters no file format can carry,
required text that is more than white space), so that a client, and the
fuzzer, can tell a valid request from an invalid one before sending it.

Every serializer derives from ``CleanTextSerializer`` or
``CleanTextModelSerializer``: each writable text field refuses those
characters (``core.text.validate_text``, one message naming the character).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from core.figures import DECIMAL_PLACES, INTEGER_DIGITS
from core.params import ID_MAX, INTEGER_MAX
from core.people import display_name
from core.text import REASON_LIMIT, TEXT_LIMIT, XML_ILLEGAL_CLASS, text_problem, validate_text
from plans.models import Plan, Task
from progress.choices import COUNTED
from progress.models import LateReportRequest, Report
from progress.validation import standing_names
from supervision.choices import NoticeStep
from supervision.models import Instruction, Notice, NoticeEvent, NoticeItem
from targets.models import Target, TargetFlag, TargetResult
from targets.selectors import result_explanation
from zones.models import Unit, Zone

# Patterns valid in Python and in ECMA-262 (the schema's dialect): text without
# the characters XML forbids (core.text). Python's str.strip() also strips
# \x1c-\x1f (forbidden anyway) and \x85, which ECMA's \s leaves alone.
# Blank optional text never reaches a validator (DRF returns "" first), and the
# schema lists "" beside the pattern: so the pattern is of non-empty text.
SOME_TEXT = rf"^[^{XML_ILLEGAL_CLASS}]+\Z"
NOT_BLANK = rf"^[^{XML_ILLEGAL_CLASS}]*[^\s{XML_ILLEGAL_CLASS}\x85][^{XML_ILLEGAL_CLASS}]*\Z"
PERIOD = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])\Z"
PERIOD_MESSAGE = _("Write the period as year and month, e.g. 2026-03.")
DATE_MESSAGE = _("Write the date as year-month-day, e.g. 2026-03-31.")
NOTHING_TO_SAVE = _("Send a figure or some text: an empty draft is not saved.")
NOTHING_TO_SAVE_FIELDS = ("value", "progress", "problems", "next_steps", "value_note")
# The figures the schema promises, from the one definition (core.figures): the services read
# and check the text itself (progress.validation), as the period form does.
# A number, or for a task item the standing in words (progress.validation.standing_of reads them).
FIGURE_PATTERN = (
    rf"^([+-]?([0-9]{{1,{INTEGER_DIGITS}}}(\.[0-9]{{0,{DECIMAL_PLACES}}})?|\.[0-9]{{1,{DECIMAL_PLACES}}})(万|亿)?"
    rf"|{'|'.join(standing_names())})$"
)


class _TextPattern(RegexValidator):
    """The pattern the schema shows for text. Text holding a forbidden character is
    left to ``validate_text``, whose message names it; this refuses only text that
    looks blank to ECMA's ``\\s`` but not to Python's ``str.strip``."""

    def __call__(self, value) -> None:
        if text_problem(str(value)) is None:
            super().__call__(value)


class TextField(serializers.CharField):
    """Free text, by a pattern the schema shows: no control character that no file
    format can carry (refused by the serializer's ``validate_text``), and required
    text must hold more than white space."""

    def __init__(self, *, max_length: int = TEXT_LIMIT, **kwargs):
        super().__init__(max_length=max_length, **kwargs)
        pattern = SOME_TEXT if self.allow_blank else NOT_BLANK
        self.validators.append(_TextPattern(pattern, message=serializers.CharField.default_error_messages["blank"]))


class CleanText:
    """Gives every writable text field of the serializer ``validate_text`` in place of
    DRF's NUL and surrogate checks (which it covers), so a refusal is one message."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField) and not field.read_only:
                checks = (ProhibitNullCharactersValidator, ProhibitSurrogateCharactersValidator)
                field.validators = [v for v in field.validators if not isinstance(v, checks)] + [validate_text]
        return fields


class CleanTextSerializer(CleanText, serializers.Serializer):
    """The base of the API's serializers."""


class CleanTextModelSerializer(CleanText, serializers.ModelSerializer):
    """The base of the API's model serializers."""


def required_text(message, *, max_length: int = TEXT_LIMIT) -> TextField:
    return TextField(max_length=max_length, error_messages={"required": message, "blank": message, "null": message})


def optional_text(**kwargs) -> TextField:
    return TextField(allow_blank=True, required=False, default="", **kwargs)


def id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def date_field(message=None) -> serializers.DateField:
    messages = {"invalid": DATE_MESSAGE}
    if message:
        messages.update({"required": message, "null": message})
    return serializers.DateField(error_messages=messages)


@extend_schema_field(
    {
        "type": "string",
        "maxLength": 60,
        "pattern": FIGURE_PATTERN,
        "description": (
            "The year-to-date figure as text, in the target's unit: 32.5, -1.2, 3.2亿 (万 and 亿 only for "
            "amounts and counts, never for a rate). Also read: thousands separators (1,200), full-width "
            "digits, Chinese numerals (三百) and a unit that converts into the target's (8000万元 for 亿元). "
            f"A figure is kept exactly or refused: at most {INTEGER_DIGITS} digits before the point and "
            f"{DECIMAL_PLACES} after it, once converted into the target's unit. Blank leaves a draft "
            "without a figure. For a task item (kind task) the figure is where the task stands: "
            "已完成, 按计划推进 or 滞后 (or its code 2, 1, 0); 滞后 needs the reason in problems on submit."
        ),
    }
)
class FigureField(serializers.CharField):
    """The figure as typed; the services read and check it like the page does."""


# --- read shapes ------------------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A zone",
            value={
                "id": 1,
                "code": "xinxiang-hitech",
                "name": "新乡高新技术产业开发区",
                "short_name": "新乡高新区",
                "kind": "high_tech",
                "region": "河南省 新乡市",
            },
            response_only=True,
        )
    ]
)
class ZoneSerializer(CleanTextModelSerializer):
    region = serializers.StringRelatedField()

    class Meta:
        model = Zone
        fields = ["id", "code", "name", "short_name", "kind", "region"]


@extend_schema_serializer(
    examples=[
        OpenApiExample("A unit", value={"id": 2, "zone": 1, "name": "经济发展局", "kind": "bureau"}, response_only=True)
    ]
)
class UnitSerializer(CleanTextModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "zone", "name", "kind"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A published annual plan",
            value={
                "id": 1,
                "zone": 1,
                "title": "2026年工作要点",
                "kind": "work_points",
                "start_year": 2026,
                "end_year": 2026,
                "status": "published",
                "frequency": "monthly",
                "due_day": 5,
                "jan_feb_combined": False,
                "lock_after_days": 10,
            },
            response_only=True,
        )
    ]
)
class PlanSerializer(CleanTextModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "zone",
            "title",
            "kind",
            "start_year",
            "end_year",
            "status",
            "frequency",
            "due_day",
            "jan_feb_combined",
            "lock_after_days",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A numbered task",
            value={
                "id": 7,
                "plan": 1,
                "parent": 3,
                "number": "1.",
                "path": "1.1",
                "heading": "推进重点项目建设",
                "lead_unit": 2,
                "co_units": [4, 5],
                "leader": 11,
                "deadline": "2026-12-31",
            },
            response_only=True,
        )
    ]
)
class TaskSerializer(CleanTextModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "plan", "parent", "number", "path", "heading", "lead_unit", "co_units", "leader", "deadline"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An amount target",
            value={
                "id": 12,
                "task": 7,
                "plan": 1,
                "lead_unit": 2,
                "indicator": "固定资产投资",
                "kind": "amount",
                "unit": "亿元",
                "comparator": ">=",
                "value": "130.0000",
                "value_high": None,
                "stretch": None,
                "start_value": None,
                "baseline": None,
                "reported_as": "rate",
                "deadline": None,
                "frequency": "monthly",
                "weight": "1.00",
                "is_headline": True,
            },
            response_only=True,
        )
    ]
)
class TargetSerializer(CleanTextModelSerializer):
    plan = serializers.IntegerField(source="task.plan_id", read_only=True)
    lead_unit = serializers.IntegerField(source="task.lead_unit_id", read_only=True, allow_null=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "task",
            "plan",
            "lead_unit",
            "indicator",
            "kind",
            "unit",
            "comparator",
            "value",
            "value_high",
            "stretch",
            "start_value",
            "baseline",
            "reported_as",
            "deadline",
            "frequency",
            "weight",
            "is_headline",
        ]


STANDING_HELP = (
    "A task item's figure in words, in the reader's language: where the task stands (已完成, 按计划推进, 滞后), "
    "its code being the figure (2, 1, 0). Null for a target of any other kind, and without a figure."
)


def standing_label(target: Target, value: Decimal | None) -> str | None:
    """A task item's figure as its standing in words (Target.written); None
    for a target of another kind, whose figure is the number itself."""
    if value is None or not target.kind_entry.figures.standing:
        return None
    return target.written(value)


REPORT_EXAMPLE = {
    "id": 40,
    "target": 12,
    "year": 2026,
    "month": 3,
    "value": "32.5000",
    "standing": None,
    "progress": "完成投资32.5亿元",
    "problems": "",
    "next_steps": "加快二期开工",
    "value_note": "",
    "status": "submitted",
    "counted": False,
    "return_reason": "",
    "version": 2,
    "submitted_at": "2026-04-03T09:12:00+08:00",
    "approved_at": None,
    "updated_at": "2026-04-03T09:12:00+08:00",
}


@extend_schema_serializer(examples=[OpenApiExample("A submitted report", value=REPORT_EXAMPLE, response_only=True)])
class ReportSerializer(CleanTextModelSerializer):
    """One unit's figure and narrative for a target and period. Its figure
    counts (in results, dashboards, rankings, exports) only once approved:
    ``counted`` says so; a submitted one is waiting for review (待审核)."""

    counted = serializers.SerializerMethodField(
        help_text="Whether this figure counts: approved reports only. A submitted figure waits for review."
    )
    standing = serializers.SerializerMethodField(help_text=STANDING_HELP)

    class Meta:
        model = Report
        fields = [
            "id",
            "target",
            "year",
            "month",
            "value",
            "standing",
            "progress",
            "problems",
            "next_steps",
            "value_note",
            "status",
            "counted",
            "return_reason",
            "version",
            "submitted_at",
            "approved_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_counted(self, report: Report) -> bool:
        return report.status in COUNTED

    def get_standing(self, report: Report) -> str | None:
        return standing_label(report.target, report.value)


RESULT_EXAMPLE = {
    "id": 301,
    "target": 12,
    "year": 2026,
    "month": 3,
    "status": "on_track",
    "status_label": "正常推进",
    "reporting": "reported",
    "reporting_label": "已报",
    "reason": "against_time",
    "actual": "32.5000",
    "standing": None,
    "data_year": 2026,
    "data_month": 3,
    "completion": "25.0",
    "expected": "25.0",
    "gap": "0.0",
    "explanation": "1-3月完成32.5亿元,占全年目标的25.0%,与序时进度持平",
    "computed_at": "2026-04-03T09:13:00+08:00",
}


@extend_schema_serializer(
    examples=[
        OpenApiExample("A judgement with its explanation", value=RESULT_EXAMPLE, response_only=True),
        OpenApiExample(
            "A figure carried from an earlier month, the month's report waiting for review",
            value={
                **RESULT_EXAMPLE,
                "month": 4,
                "status": "lagging",
                "status_label": "滞后",
                "reporting": "pending",
                "reporting_label": "待审核",
                "expected": "33.3",
                "gap": "-8.3",
                "explanation": (
                    "1-3月完成32.5亿元,占全年目标的25.0%,低于序时进度8.3个百分点(数据截至1-3月,对照1-4月序时进度)"
                ),
            },
            response_only=True,
        ),
    ]
)
class ResultSerializer(CleanTextModelSerializer):
    """A target's judgement for a period: two answers side by side, never one
    for the other. ``status`` is where the target stands (its progress),
    judged on the latest approved figure at or before the period; ``reporting``
    is whether its lead unit reported the period on time. Only approved figures
    count: a figure submitted and waiting for review is in none of these
    numbers (``reporting`` is then ``pending``; the figure itself is the
    period's report, status ``submitted``, in /api/v1/reports/)."""

    status_label = serializers.CharField(
        source="get_status_display", read_only=True, help_text="The progress status in the reader's language."
    )
    reporting_label = serializers.CharField(
        source="get_reporting_display", read_only=True, help_text="The reporting status in the reader's language."
    )
    explanation = serializers.SerializerMethodField(
        help_text="The judgement in one sentence, naming the figure's period when it was carried (数据截至1-3月)."
    )
    standing = serializers.SerializerMethodField(help_text=STANDING_HELP)

    class Meta:
        model = TargetResult
        fields = [
            "id",
            "target",
            "year",
            "month",
            "status",
            "status_label",
            "reporting",
            "reporting_label",
            "reason",
            "actual",
            "standing",
            "data_year",
            "data_month",
            "completion",
            "expected",
            "gap",
            "explanation",
            "computed_at",
        ]
        extra_kwargs = {
            "status": {"help_text": "Progress status: where the target stands, on the latest approved figure."},
            "reporting": {
                "help_text": (
                    "Reporting status of the lead unit for this period: reported (approved, sent by the due day), "
                    "late (approved, sent after it), pending (sent, waiting for review), not_yet (nothing sent, "
                    "before the due day), missing (nothing sent after the due day)."
                )
            },
            "actual": {
                "help_text": (
                    "The approved figure judged (or the rate computed from it); never a figure waiting for review."
                )
            },
            "data_year": {
                "help_text": "Year of the approved figure judged: earlier than year/month when it was carried."
            },
            "data_month": {"help_text": "Month of the approved figure judged; null without any approved figure."},
        }

    def get_explanation(self, result: TargetResult) -> str:
        return result_explanation(result, target=result.target, plan=result.target.task.plan)

    def get_standing(self, result: TargetResult) -> str | None:
        return standing_label(result.target, result.actual)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A target turned red",
            value={
                "id": 9,
                "target": 12,
                "year": 2026,
                "month": 5,
                "change": "escalated",
                "from_status": "lagging",
                "to_status": "serious",
                "at": "2026-06-06T02:00:00+08:00",
            },
            response_only=True,
        )
    ]
)
class FlagSerializer(CleanTextModelSerializer):
    class Meta:
        model = TargetFlag
        fields = ["id", "target", "year", "month", "change", "from_status", "to_status", "at"]


# --- report input ----------------------------------------------------------------------


class FigureInSerializer(CleanTextSerializer):
    """One target's figure as sent by a client: the value as text (so that
    3.2亿 or 三百 are read like on the page), the narratives, and the version
    the client last saw (null for a new report). Fields left out keep their
    stored text when a report is updated."""

    value = FigureField(allow_blank=True, max_length=60, required=False, default="")
    progress = optional_text()
    problems = optional_text()
    next_steps = optional_text()
    value_note = optional_text(help_text="Why an unusual figure is right (asked for when it jumps or falls).")
    confirmed = serializers.BooleanField(
        required=False, default=False, help_text="Confirm a figure the checks find implausible."
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=INTEGER_MAX,
        help_text="The report's version as last read; null when there is no report yet. A mismatch is a 409.",
    )


class ReportCreateSerializer(FigureInSerializer):
    """A target's figure for a period: a new draft, or the whole of an
    existing draft at the version the client last saw. Something must be
    sent: a figure or one of the texts."""

    target = id_field()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)

    def validate(self, data: dict) -> dict:
        if not any(data.get(name, "").strip() for name in NOTHING_TO_SAVE_FIELDS):
            raise serializers.ValidationError({"value": [NOTHING_TO_SAVE]})
        return data


class PeriodRowSerializer(FigureInSerializer):
    target = id_field()


class PeriodSubmissionSerializer(CleanTextSerializer):
    plan = id_field()
    unit = id_field()
    period = serializers.RegexField(PERIOD, help_text="YYYY-MM", error_messages={"invalid": PERIOD_MESSAGE})
    submit = serializers.BooleanField(default=True)
    rows = serializers.ListField(child=PeriodRowSerializer(), min_length=1, max_length=1000)


class ReturnSerializer(CleanTextSerializer):
    reason = required_text(_("Write the reason for returning."), max_length=REASON_LIMIT)


class CorrectionSerializer(CleanTextSerializer):
    """A recorded correction of an approved figure, made on the version the client last read."""

    value = FigureField(max_length=60, help_text="The corrected year-to-date figure, read like on the page.")
    reason = required_text(_("Write the reason for the correction."), max_length=REASON_LIMIT)
    confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirm a figure the checks find implausible (more than twice the annual target); "
        "without it such a figure is a 400 under confirmed.",
    )
    version = serializers.IntegerField(
        min_value=1, max_value=INTEGER_MAX, help_text="The report's version as last read. A mismatch is a 409."
    )


# --- follow-up notices (督办) ----------------------------------------------------------------


def _name(user) -> str | None:
    """The person's name (core.people.display_name); null for nobody."""
    return None if user is None else display_name(user)


class NoticeItemSerializer(CleanTextModelSerializer):
    indicator = serializers.CharField(source="target.indicator", read_only=True)

    class Meta:
        model = NoticeItem
        fields = ["id", "target", "indicator", "status", "explanation", "is_open"]


class NoticeEventSerializer(CleanTextModelSerializer):
    by = serializers.SerializerMethodField(help_text="Who took the step; null for the daily escalation.")

    class Meta:
        model = NoticeEvent
        fields = ["id", "action", "by", "at", "text", "data"]

    def get_by(self, event: NoticeEvent) -> str | None:
        return _name(event.by)


NOTICE_EXAMPLE = {
    "id": 3,
    "number": "督办〔2026〕3号",
    "zone": 1,
    "plan": 1,
    "unit": 2,
    "unit_name": "经济发展局",
    "year": 2026,
    "month": 5,
    "title": "关于加快推进“固定资产投资”的督办通知",
    "requirement": "请分析滞后原因,提出整改措施,按期书面答复。",
    "reply_by": "2026-06-17",
    "state": "issued",
    "level": 0,
    "overdue": False,
    "issued_at": "2026-06-10T09:00:00+08:00",
    "issued_by": "督查组",
    "answered_at": None,
    "answered_by": None,
    "answer_reason": "",
    "answer_measures": "",
    "answer_expected": None,
    "extension_until": None,
    "extension_reason": "",
    "closed_at": None,
    "closed_by": None,
    "close_note": "",
    "items": [
        {
            "id": 5,
            "target": 12,
            "indicator": "固定资产投资",
            "status": "serious",
            "explanation": "1-5月完成30.1亿元,占全年目标的23.2%,低于序时进度18.5个百分点",
            "is_open": True,
        }
    ],
}


@extend_schema_serializer(examples=[OpenApiExample("An issued notice", value=NOTICE_EXAMPLE, response_only=True)])
class NoticeSerializer(CleanTextModelSerializer):
    number = serializers.CharField(read_only=True, help_text="The document number as written: 督办〔2026〕3号.")
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    issued_by = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()
    closed_by = serializers.SerializerMethodField()
    items = NoticeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "number",
            "zone",
            "plan",
            "unit",
            "unit_name",
            "year",
            "month",
            "title",
            "requirement",
            "reply_by",
            "state",
            "level",
            "overdue",
            "issued_at",
            "issued_by",
            "answered_at",
            "answered_by",
            "answer_reason",
            "answer_measures",
            "answer_expected",
            "extension_until",
            "extension_reason",
            "closed_at",
            "closed_by",
            "close_note",
            "items",
        ]
        read_only_fields = fields

    def get_issued_by(self, notice: Notice) -> str | None:
        return _name(notice.issued_by)

    def get_answered_by(self, notice: Notice) -> str | None:
        return _name(notice.answered_by)

    def get_closed_by(self, notice: Notice) -> str | None:
        return _name(notice.closed_by)


NOTICE_STEPS = [step.value for step in NoticeStep]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A notice with its log",
            value={
                **NOTICE_EXAMPLE,
                "events": [
                    {
                        "id": 8,
                        "action": "issued",
                        "by": "督查组",
                        "at": "2026-06-10T09:00:00+08:00",
                        "text": "请分析滞后原因,提出整改措施,按期书面答复。",
                        "data": {"reply_by": "2026-06-17", "targets": [12]},
                    }
                ],
                "actions": ["answer", "request-extension"],
            },
            response_only=True,
        )
    ]
)
class NoticeDetailSerializer(NoticeSerializer):
    events = NoticeEventSerializer(many=True, read_only=True)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=NOTICE_STEPS),
        read_only=True,
        help_text="The steps this user may take on the notice now.",
    )

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "events", "actions"]
        read_only_fields = fields


class NoticeIssueSerializer(CleanTextSerializer):
    targets = serializers.ListField(
        child=id_field(),
        min_length=1,
        max_length=500,
        help_text="Targets to follow up; one notice goes to each lead unit.",
        error_messages={"min_length": _("Choose at least one item to follow up.")},
    )
    period = serializers.RegexField(
        PERIOD, help_text="The period the notice is about, YYYY-MM.", error_messages={"invalid": PERIOD_MESSAGE}
    )
    reply_by = date_field(_("Give the date by which the unit must answer."))
    requirement = required_text(_("Write what the unit must do."))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Two notices, one item already followed up",
            value={"notices": [NOTICE_EXAMPLE], "skipped": [13]},
            response_only=True,
        )
    ]
)
class NoticeIssueResultSerializer(CleanTextSerializer):
    notices = NoticeSerializer(many=True, read_only=True)
    skipped = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Targets already in an open notice, left out."
    )


class NoticeAnswerSerializer(CleanTextSerializer):
    """What the notice's answer kind asks (supervision.choices.ANSWER_FIELDS):
    the service says which of these it requires."""

    reason = required_text(_("Write why the item lags."))
    measures = optional_text()
    expected = date_field(_("Give the date by which the item will be on track."))


class NoticeSignOffSerializer(CleanTextSerializer):
    note = optional_text()


class NoticeReturnAnswerSerializer(CleanTextSerializer):
    note = required_text(_("Write what the answer lacks."))


class NoticeExtensionSerializer(CleanTextSerializer):
    until = date_field(_("Give the date you ask for."))
    reason = required_text(_("Write why more time is needed."))


class NoticeGrantSerializer(CleanTextSerializer):
    note = optional_text()


class NoticeRefuseSerializer(CleanTextSerializer):
    note = required_text(_("Write why the extension is refused."))


class NoticeCloseSerializer(CleanTextSerializer):
    note = required_text(_("Write the closing note."))
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Close although items are still lagging or overdue; without it such a closing is refused (400).",
    )


# --- late-report requests (补报申请) -----------------------------------------------------------

LATE_REQUEST_EXAMPLE = {
    "id": 4,
    "plan": 1,
    "unit": 2,
    "unit_name": "经济发展局",
    "period": "2026-03",
    "year": 2026,
    "month": 3,
    "reason": "统计局三月数据4月18日才核定",
    "status": "granted",
    "requested_at": "2026-04-20T09:00:00+08:00",
    "requested_by": "张三",
    "decided_at": "2026-04-20T15:30:00+08:00",
    "decided_by": "园区管理员",
    "decision_note": "同意补报",
    "until": "2026-04-27",
}


@extend_schema_serializer(
    examples=[OpenApiExample("A granted request", value=LATE_REQUEST_EXAMPLE, response_only=True)]
)
class LateRequestSerializer(CleanTextModelSerializer):
    """A unit's request to report a closed month late, and the zone office's decision."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    period = serializers.SerializerMethodField(help_text="The month asked for, YYYY-MM.")
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = LateReportRequest
        fields = [
            "id",
            "plan",
            "unit",
            "unit_name",
            "period",
            "year",
            "month",
            "reason",
            "status",
            "requested_at",
            "requested_by",
            "decided_at",
            "decided_by",
            "decision_note",
            "until",
        ]
        read_only_fields = fields

    def get_period(self, late) -> str:
        return str(late.period)

    def get_requested_by(self, late) -> str | None:
        return _name(late.requested_by)

    def get_decided_by(self, late) -> str | None:
        return _name(late.decided_by)


class LateRequestCreateSerializer(CleanTextSerializer):
    plan = id_field()
    unit = id_field(help_text="The unit the user reports for.")
    period = serializers.RegexField(
        PERIOD, help_text="The closed month, YYYY-MM.", error_messages={"invalid": PERIOD_MESSAGE}
    )
    reason = required_text(_("Write why the month must be reported late."), max_length=REASON_LIMIT)


class LateGrantSerializer(CleanTextSerializer):
    until = date_field(_("Give the last day on which the unit may report."))
    note = optional_text(max_length=REASON_LIMIT)


class LateRefuseSerializer(CleanTextSerializer):
    reason = required_text(_("Write why the late report is refused."), max_length=REASON_LIMIT)


# --- leaders' instructions -------------------------------------------------------------


class InstructionSerializer(CleanTextModelSerializer):
    class Meta:
        model = Instruction
        fields = [
            "id",
            "zone",
            "target",
            "task",
            "notice",
            "unit",
            "text",
            "author",
            "created_at",
            "state",
            "answer",
            "answered_by",
            "answered_at",
            "read_at",
        ]
