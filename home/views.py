"""The home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plans.models import Plan
from zones.selectors import memberships_of, regions_of, zones_visible_to


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands: their roles, the regions they compare, and each
    visible zone's plans."""
    plans = (
        Plan.objects.filter(zone__in=zones_visible_to(request.user))
        .select_related("zone", "zone__region", "zone__region__parent")
        .annotate(
            task_count=Count("tasks", distinct=True),
            target_count=Count("tasks__targets", distinct=True),
            demo_report_count=Count("tasks__targets__reports", filter=Q(tasks__targets__reports__is_demo=True)),
        )
        .order_by("zone__code", "-start_year")
    )
    context = {"memberships": memberships_of(request.user), "regions": regions_of(request.user), "plans": plans}
    return render(request, "home/home.html", context)
