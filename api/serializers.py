"""Serializers: shapes only. Writes go through the services of each app."""

from __future__ import annotations

from rest_framework import serializers

from plans.models import Plan, Task
from progress.models import Report
from targets.models import Target, TargetFlag, TargetResult
from targets.selectors import result_explanation
from zones.models import Unit, Zone


class ZoneSerializer(serializers.ModelSerializer):
    region = serializers.StringRelatedField()

    class Meta:
        model = Zone
        fields = ["id", "code", "name", "short_name", "kind", "region"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "zone", "name", "kind"]


class PlanSerializer(serializers.ModelSerializer):
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


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "plan", "parent", "number", "path", "heading", "lead_unit", "co_units", "leader", "deadline"]


class TargetSerializer(serializers.ModelSerializer):
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


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id",
            "target",
            "year",
            "month",
            "value",
            "progress",
            "problems",
            "next_steps",
            "value_note",
            "status",
            "return_reason",
            "version",
            "submitted_at",
            "approved_at",
            "updated_at",
        ]
        read_only_fields = fields


class FigureInSerializer(serializers.Serializer):
    """One target's figure as sent by a client: the value as text (so that
    3.2亿 or 三百 are read like on the page), the narratives, and the version
    the client last saw (null for a new report)."""

    value = serializers.CharField(allow_blank=True, max_length=60, required=False, default="")
    progress = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    problems = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    next_steps = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    value_note = serializers.CharField(allow_blank=True, required=False, default="", max_length=4000)
    confirmed = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class ReportCreateSerializer(FigureInSerializer):
    target = serializers.IntegerField(min_value=1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)


class PeriodRowSerializer(FigureInSerializer):
    target = serializers.IntegerField(min_value=1)


class PeriodSubmissionSerializer(serializers.Serializer):
    plan = serializers.IntegerField(min_value=1)
    unit = serializers.IntegerField(min_value=1)
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")
    submit = serializers.BooleanField(default=True)
    rows = PeriodRowSerializer(many=True, allow_empty=False)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ResultSerializer(serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = TargetResult
        fields = [
            "id",
            "target",
            "year",
            "month",
            "status",
            "reason",
            "actual",
            "completion",
            "expected",
            "gap",
            "explanation",
            "computed_at",
        ]

    def get_explanation(self, result: TargetResult) -> str:
        return result_explanation(result, target=result.target, plan=result.target.task.plan)


class FlagSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetFlag
        fields = ["id", "target", "year", "month", "change", "from_status", "to_status", "at"]
