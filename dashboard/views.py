"""Leadership pages: where the zone stands, what lags, who is behind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import clock
from core.params import parse_int
from dashboard import regions
from dashboard.board import plan_board
from dashboard.selectors import tally, task_item_problems, task_tree, tree_lines, tree_results
from plans.models import Plan, Task
from plans.periods import YEARS, Period, default_period
from zones import policy
from zones.models import Region
from zones.selectors import accessed_region_ids, comparison_region_id


def _readable_plans(user):
    return Plan.objects.readable_by(user, whole_zones_only=True)


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
    plans = list(_readable_plans(request.user).select_related("zone__region").order_by("zone__code", "-start_year"))
    if len(plans) == 1:
        return redirect("dashboard:plan", plan_id=plans[0].pk)
    if not plans and not Task.objects.filter(leader=request.user).exists():
        raise PermissionDenied(_("The dashboard is for the zone's leadership, supervision and administration."))
    accessed = accessed_region_ids(request.user)
    for plan in plans:  # a province office compares a zone among the whole province's
        plan.compare_region_id = comparison_region_id(plan.zone.region, user=request.user, accessed=accessed)
    return render(request, "dashboard/index.html", {"plans": plans})


# Rows per page of the dashboard's lagging list (the whole list pages through).
LAGGING_PER_PAGE = 25


@login_required
def plan_dashboard(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id)
    period = _period_of(request, plan)
    board = plan_board(plan=plan, period=period)
    lagging = Paginator(board.lagging, LAGGING_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "period": period,
        "periods": _period_choices(plan),
        "headline": board.headline,
        "unreported_headline": board.unreported_headline,
        "tally": board.tally,
        "lagging": lagging,
        "heading_for_miss": board.heading_for_miss,
        "outlook_html": board.outlook_html,
        "panels_top": board.panels_top,
        "panels_end": board.panels_end,
        "computed_at": board.computed_at,
        "compare_region_id": comparison_region_id(
            plan.zone.region, user=request.user, accessed=accessed_region_ids(request.user)
        ),
    }
    return render(request, "dashboard/plan.html", context)


@login_required
def plan_tree(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_for(request, plan_id)
    period = _period_of(request, plan)
    roots = task_tree(plan=plan, period=period)
    counted = tally(tree_results(roots))
    return render(
        request,
        "dashboard/tree.html",
        {
            "plan": plan,
            "period": period,
            "periods": _period_choices(plan),
            "roots": roots,
            "lines": tree_lines(roots),
            "tally": counted,
            "computed_at": counted.computed_at,
        },
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """分管领导: the tasks assigned to me and how they stand, each plan in its
    month just closed: each task's status (targets.task_status, the deciding
    target named), its item's standing in words and 存在问题 of its approved
    report, beside its targets; counted 指标 N · 任务 M."""
    tasks = Task.objects.filter(leader=request.user).select_related("plan", "plan__zone", "lead_unit")
    plans = Plan.objects.filter(pk__in=tasks.values("plan")).order_by("-start_year")
    sections = []
    for plan in plans:
        period = default_period(plan)
        mine = {task.pk for task in tasks if task.plan_id == plan.pk}
        roots = _only([node for node in task_tree(plan=plan, period=period) if _contains(node, mine)], mine)
        task_item_problems(_nodes(roots))
        counted = tally(tree_results(roots))
        sections.append(
            {"plan": plan, "period": period, "roots": roots, "lines": tree_lines(roots, mine=True), "tally": counted}
        )
    return render(request, "dashboard/mine.html", {"sections": sections})


def _nodes(nodes):
    """Every node of the given subtrees."""
    for node in nodes:
        yield node
        yield from _nodes(node.children)


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
    """A city's or province's zones side by side on one indicator, in one year."""
    area = get_object_or_404(Region.objects.select_related("parent"), pk=region_id)
    seen = policy.zones_seen_whole(request.user)
    zones = seen.filter(Q(region=area) | Q(region__parent=area)).select_related("region")
    asked = request.GET.get("year", "")
    year = parse_int(asked, low=YEARS[0], high=YEARS[1])
    comparison = regions.compare(
        zones=zones,
        year=year,
        indicator=request.GET.get("indicator", ""),
        today=clock.today(),
    )
    if not comparison.zone_count:
        raise PermissionDenied(_("You may not compare the zones of this region."))
    context = {
        "region": area,
        "comparison": comparison,
        "bad_year": asked if asked and year is None else "",
        "nearby": regions.nearby(area, seen=seen),
    }
    return render(request, "dashboard/region.html", context)
