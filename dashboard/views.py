"""Leadership pages: where the zone stands, what lags, who is behind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dashboard import regions
from dashboard.selectors import (
    BAD,
    computed_at,
    default_period,
    latest_results,
    status_counts,
    task_tree,
)
from plans.choices import PlanStatus
from plans.models import Plan, Task
from progress.periods import Period
from supervision.choices import ScoreMode
from supervision.selectors import notice_summary, unit_scores
from targets.metrics import SEVERITY, Status
from targets.models import Target
from targets.selectors import result_explanation
from zones import policy
from zones.models import Region

STATUS_ORDER = [Status.COMPLETED, Status.ON_TRACK, Status.LAGGING, Status.SERIOUS, Status.OVERDUE, Status.NO_DATA]


def _readable_plans(user):
    return Plan.objects.filter(zone__in=policy.zones_seen_whole(user)).exclude(status=PlanStatus.DRAFT)


def _plan_for(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("zone", "zone__region"), pk=plan_id)
    if not policy.can_read_zone(request.user, plan.zone):
        raise PermissionDenied(_("The dashboard is for the zone's leadership, supervision and administration."))
    return plan


def _period_of(request: HttpRequest, plan: Plan) -> Period:
    text = request.GET.get("period", "")
    if not text:
        return default_period(plan)
    try:
        period = Period.parse(text)
    except ValueError:
        raise Http404(_("No such period.")) from None
    if not plan.start_year <= period.year <= plan.end_year:
        raise Http404(_("The period lies outside the plan."))
    return period


def _period_choices(plan: Plan) -> list[Period]:
    return [Period(y, m) for y in range(plan.start_year, plan.end_year + 1) for m in range(1, 13)]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    plans = list(_readable_plans(request.user).select_related("zone").order_by("zone__code", "-start_year"))
    if len(plans) == 1:
        return redirect("dashboard:plan", plan_id=plans[0].pk)
    if not plans and not Task.objects.filter(leader=request.user).exists():
        raise PermissionDenied(_("The dashboard is for the zone's leadership, supervision and administration."))
    return render(request, "dashboard/index.html", {"plans": plans})


@login_required
def plan_dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id)
    period = _period_of(request, plan)
    targets = Target.objects.filter(task__plan=plan)
    results = latest_results(targets=targets, period=period)
    severity = Case(*[When(status=s.value, then=Value(SEVERITY[s])) for s in Status], output_field=IntegerField())
    lagging = list(
        results.filter(status__in=BAD)
        .select_related("target__task__lead_unit", "target__task__leader")
        .annotate(severity=severity)
        .order_by("-severity", "gap", "target__task__order")[:60]
    )
    headline = list(
        results.filter(target__is_headline=True)
        .select_related("target__task")
        .order_by("target__task__order", "target__order")
    )
    headline_ids = {r.target_id for r in headline}
    unreported_headline = targets.filter(is_headline=True).exclude(pk__in=headline_ids)
    counts = status_counts(results)
    context = {
        "plan": plan,
        "period": period,
        "periods": _period_choices(plan),
        "headline": [(r, result_explanation(r, target=r.target, plan=plan)) for r in headline],
        "unreported_headline": unreported_headline,
        "counts": [(status, counts[status.value]) for status in STATUS_ORDER],
        "total": sum(counts.values()),
        "lagging": [(r, result_explanation(r, target=r.target, plan=plan)) for r in lagging],
        # The same scores as supervision's ranking, year to date.
        "ranking": unit_scores(plan=plan, period=period, mode=ScoreMode.YEAR),
        "computed_at": computed_at(plan),
        "notices": notice_summary(plan=plan),
    }
    return render(request, "dashboard/plan.html", context)


@login_required
def plan_tree(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id)
    period = _period_of(request, plan)
    return render(
        request,
        "dashboard/tree.html",
        {
            "plan": plan,
            "period": period,
            "periods": _period_choices(plan),
            "roots": task_tree(plan=plan, period=period),
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """分管领导: the tasks assigned to me and how they stand."""
    tasks = Task.objects.filter(leader=request.user).select_related("plan", "plan__zone", "lead_unit")
    plans = Plan.objects.filter(pk__in=tasks.values("plan")).order_by("-start_year")
    sections = []
    for plan in plans:
        period = default_period(plan)
        mine = {task.pk for task in tasks if task.plan_id == plan.pk}
        roots = [node for node in task_tree(plan=plan, period=period) if _contains(node, mine)]
        sections.append({"plan": plan, "period": period, "roots": _only(roots, mine)})
    return render(request, "dashboard/mine.html", {"sections": sections})


def _contains(node, ids) -> bool:
    return node.task.pk in ids or any(_contains(child, ids) for child in node.children)


def _only(nodes, ids):
    """The subtrees headed by the given tasks (a leader's tasks may sit at any depth)."""
    found = []
    for node in nodes:
        if node.task.pk in ids:
            found.append(node)
        else:
            found.extend(_only(node.children, ids))
    return found


@login_required
def region(request: HttpRequest, region_id: int) -> HttpResponse:
    """A city's or province's zones side by side on one indicator."""
    area = get_object_or_404(Region, pk=region_id)
    zones = policy.zones_seen_whole(request.user).filter(Q(region=area) | Q(region__parent=area))
    if not zones.exists():
        raise PermissionDenied(_("You may not compare the zones of this region."))
    comparison = regions.compare(zones=zones, indicator=request.GET.get("indicator", ""))
    return render(request, "dashboard/region.html", {"region": area, **comparison})
