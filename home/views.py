"""The home page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import clock
from core.models import Notification
from core.notifications import notifications_mark_read, notifications_of
from home.setup import setup_of
from home.todo import todo_of
from plans.models import Plan
from zones.choices import Role
from zones.selectors import memberships_of, regions_of, zones_visible_to

NOTIFICATIONS_PER_PAGE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands: what waits for them (the to-do of each of their
    roles), their roles, the regions they compare, and each visible zone's plans."""
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
    memberships = list(memberships_of(request.user))
    roles = frozenset(membership.role for membership in memberships)
    context = {
        "memberships": memberships,
        "regions": regions_of(request.user),
        "plans": plans,
        "todo": todo_of(request.user, roles=roles, today=clock.today()),
        "setup": setup_of(request.user) if Role.ADMIN in roles else [],
        "today": clock.today(),
    }
    return render(request, "home/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """The bell's page: the person's notifications, newest first, unread
    marked; a POST marks them all read."""
    if request.method == "POST":
        count = notifications_mark_read(request.user)
        messages.success(request, _("Marked %(n)d notifications read.") % {"n": count})
        return redirect("notifications")
    page = Paginator(notifications_of(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "home/notifications.html", {"page": page, "notifications": page.object_list})


@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Open one notification: mark it read and go where it points (the
    person's own only; another's is not found)."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    notifications_mark_read(request.user, ids=[notification.pk])
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("notifications")
