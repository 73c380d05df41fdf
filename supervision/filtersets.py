"""The supervision lists as one FilterSet: the page, the export and the API
filter the same way.

Rows are target results: each visible target's latest result at or before
the chosen period (``dashboard.selectors.latest_results``), scoped by the
user before anything else. Each row answers two questions apart: the
progress status (``status``, judged on the latest approved figure, with its
age in ``data_year``/``data_month``) and the reporting status of the unit for
the row's period (``reporting``). ``list`` picks what needs supervision
(``LIST_RULES``), by one question or the other, never both:

- by progress: ``flagged`` (lagging, seriously lagging or overdue; the
  default of the page), ``serious``, ``lagging``, ``overdue`` (a deadline or
  milestone date passed unmet)
- by reporting: ``unsubmitted`` (逾期未报: nothing sent after the due day),
  ``pending`` (待审核: sent, waiting for review), ``returned`` (the period's
  report was returned and not resubmitted)

Query parameters: ``list``, ``period`` (YYYY-MM; the month just closed of the
newest plan in view when absent, ``dashboard.selectors.default_period``),
``zone``, ``plan``, ``unit`` (lead unit), ``leader``, ``kind``, ``status``
(progress status, repeatable), ``reporting`` (reporting status, repeatable),
``q`` (words in the indicator or task).
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, F, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.params import parse_id
from core.people import display_name
from plans.models import Plan
from plans.periods import Period, default_period, period_label
from progress.choices import ReportStatus
from progress.models import Report
from supervision.choices import ListKind
from targets import kinds
from targets.choices import BAD, SEVERITY, ReportingStatus, Status
from targets.models import Target, TargetResult
from targets.selectors import latest_results
from zones.models import Unit, Zone


def _returned(period: Period) -> Q:
    returned = Report.objects.filter(
        target=OuterRef("target"), year=period.year, month=period.month, status=ReportStatus.RETURNED
    )
    return Q(Exists(returned))


# What each list holds, as a condition on the rows for the chosen period.
LIST_RULES: dict[str, Callable[[Period], Q]] = {
    ListKind.FLAGGED: lambda period: Q(status__in=BAD),
    ListKind.SERIOUS: lambda period: Q(status=Status.SERIOUS),
    ListKind.LAGGING: lambda period: Q(status=Status.LAGGING),
    ListKind.OVERDUE: lambda period: Q(status=Status.OVERDUE),
    ListKind.UNSUBMITTED: lambda period: Q(reporting=ReportingStatus.MISSING),
    ListKind.PENDING: lambda period: Q(reporting=ReportingStatus.PENDING),
    ListKind.RETURNED: _returned,
}


class LeaderField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return display_name(obj)


class LeaderFilter(django_filters.ModelChoiceFilter):
    field_class = LeaderField


class SupervisionFilterSet(django_filters.FilterSet):
    list = django_filters.ChoiceFilter(
        label=_("List"), choices=ListKind.choices, method="filter_list", empty_label=_("All targets")
    )
    period = django_filters.ChoiceFilter(label=_("Period"), method="filter_nothing", empty_label=None)
    zone = django_filters.ModelChoiceFilter(
        label=_("Zone"), field_name="target__task__plan__zone", queryset=Zone.objects.none(), empty_label=_("All")
    )
    plan = django_filters.ModelChoiceFilter(
        label=_("Plan"), field_name="target__task__plan", queryset=Plan.objects.none(), empty_label=_("All")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Lead unit"), field_name="target__task__lead_unit", queryset=Unit.objects.none(), empty_label=_("All")
    )
    leader = LeaderFilter(
        label=_("Responsible leader"),
        field_name="target__task__leader",
        queryset=get_user_model().objects.none(),
        empty_label=_("All"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), field_name="target__kind", choices=kinds.choices, empty_label=_("All")
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Progress status"),
        field_name="status",
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reporting = django_filters.MultipleChoiceFilter(
        label=_("Reporting status"),
        field_name="reporting",
        choices=ReportingStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_words")

    class Meta:
        model = TargetResult
        fields: list[str] = []  # every filter is declared above

    def __init__(self, data=None, queryset=None, *, request=None, user=None, prefix=None):
        # Always bound, so that the user's scope applies even without parameters.
        super().__init__(data if data is not None else QueryDict(), queryset, request=request, prefix=prefix)
        self.user = user if user is not None else getattr(request, "user", None)
        self.plans = (
            Plan.objects.readable_by(self.user).select_related("zone").order_by("-start_year", "zone__code", "title")
        )
        plan = None if self.data.get("period") else self.plans_chosen().first()
        if plan is not None:
            # Without a period, the month just closed of the newest plan in
            # view, written into the data so the form shows it.
            self.data = self.data.copy()
            self.data["period"] = str(default_period(plan))
        zones = Zone.objects.filter(pk__in=self.plans.values("zone"))
        self.filters["zone"].queryset = zones.order_by("code")
        self.filters["plan"].queryset = self.plans
        self.filters["unit"].queryset = Unit.objects.filter(zone__in=zones).select_related("zone")
        self.filters["leader"].queryset = (
            get_user_model().objects.filter(led_tasks__plan__in=self.plans).distinct().order_by("first_name", "pk")
        )
        self.filters["period"].extra["choices"] = self._period_choices()

    # --- the period ---------------------------------------------------------

    def plans_chosen(self) -> QuerySet[Plan]:
        """The plans in view that the zone and plan filters leave (before the form is cleaned)."""
        plans = self.plans
        for name, lookup in (("plan", "pk"), ("zone", "zone")):
            # Read before the form is cleaned; a value that is not an id is
            # ignored here and refused by the form's field (core.params).
            value = parse_id(self.data.get(name))
            if value is not None:
                plans = plans.filter(**{lookup: value})
        return plans

    def _period_choices(self) -> list[tuple[str, str]]:
        years = sorted(
            {year for plan in self.plans_chosen() for year in range(plan.start_year, plan.end_year + 1)},
            reverse=True,
        )
        return [
            (str(Period(year, month)), str(period_label(year, month))) for year in years for month in range(12, 0, -1)
        ]

    @property
    def chosen_period(self) -> Period:
        """The chosen period; when it is missing or not valid, the month just
        closed of the newest plan in view."""
        if not hasattr(self, "_period"):
            self.form.is_valid()  # cleans the form
            text = self.form.cleaned_data.get("period")
            if text:
                self._period = Period.parse(text)
            else:
                plan = self.plans_chosen().first()
                self._period = default_period(plan) if plan else Period(2000, 1)
        return self._period

    # --- filtering ----------------------------------------------------------

    def filter_queryset(self, queryset: QuerySet[TargetResult]) -> QuerySet[TargetResult]:
        period = self.chosen_period
        targets = Target.objects.visible_to(self.user).filter(
            task__plan__in=self.plans.filter(start_year__lte=period.year, end_year__gte=period.year)
        )
        queryset = queryset.filter(pk__in=latest_results(targets=targets, period=period).values("pk"))
        queryset = super().filter_queryset(queryset)
        severity = Case(
            *[When(status=status.value, then=Value(SEVERITY[status])) for status in Status],
            output_field=IntegerField(),
        )
        # Joins, not correlated subqueries: a target has at most one report per
        # period and at most one open notice (unique constraints), and a join
        # reads them in one pass where a subquery per row costs seconds on 50,000 rows.
        return (
            queryset.select_related("target__task__plan__zone", "target__task__lead_unit", "target__task__leader")
            .annotate(
                severity=severity,
                period_report=FilteredRelation(
                    "target__reports",
                    condition=Q(target__reports__year=period.year, target__reports__month=period.month),
                ),
                open_item=FilteredRelation("target__notice_items", condition=Q(target__notice_items__is_open=True)),
                report_status=F("period_report__status"),
                return_reason=F("period_report__return_reason"),
                open_notice_id=F("open_item__notice_id"),
            )
            .order_by(
                "-severity",
                "gap",
                "target__task__plan__zone__code",
                "target__task__plan_id",
                "target__task__order",
                "target__order",
                "target_id",
            )
        )

    def filter_nothing(self, queryset, name, value):
        return queryset  # the period shapes the base rows in filter_queryset

    def filter_list(self, queryset: QuerySet[TargetResult], name: str, value: str) -> QuerySet[TargetResult]:
        rule = LIST_RULES.get(value)
        return queryset.filter(rule(self.chosen_period)) if rule else queryset

    def filter_words(self, queryset: QuerySet[TargetResult], name: str, value: str) -> QuerySet[TargetResult]:
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(target__indicator__icontains=word) | Q(target__task__heading__icontains=word))
        return queryset

    # --- what the filters say, for an export's heading and record ------------

    def described_filters(self) -> list[str]:
        """The filters chosen besides the list and the period, in words
        ("牵头单位：经济发展局"), for an export's subtitle and its record."""
        self.form.is_valid()
        data = self.form.cleaned_data
        words = []
        for name in DESCRIBED:
            value = data.get(name)
            if value in (None, "", [], ()):
                continue
            field = self.form.fields[name]
            if name == "leader":
                text = display_name(value)
            elif isinstance(value, list | tuple):
                labels = dict(field.choices)
                text = "、".join(str(labels.get(item, item)) for item in value)
            elif name == "kind":
                text = str(dict(field.choices).get(value, value))
            else:
                text = str(value)
            words.append(gettext("%(label)s: %(value)s") % {"label": field.label, "value": text})
        return words

    def chosen_list(self) -> str:
        """The list chosen (a ``ListKind`` value), or "" for every target."""
        self.form.is_valid()
        return self.form.cleaned_data.get("list") or ""

    def zones_in_view(self) -> QuerySet[Zone]:
        """The zones the rows may come from: the zone or the plan chosen, else every zone in view."""
        self.form.is_valid()
        data = self.form.cleaned_data
        if data.get("zone"):
            return Zone.objects.filter(pk=data["zone"].pk)
        if data.get("plan"):
            return Zone.objects.filter(pk=data["plan"].zone_id)
        return Zone.objects.filter(pk__in=self.plans.values("zone")).order_by("code")


# The filters an export's subtitle names (the list and the period are said apart).
DESCRIBED = ("zone", "plan", "unit", "leader", "kind", "status", "reporting", "q")
