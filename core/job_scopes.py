"""Which job runs (``JobRun``) a user may read in the job log.

A run names its subject by kind and id (a plan, a target, a mail); which of
those subjects a user may see is for the apps that own them and for the policy
of the zones, both above core. So an app registers, when it starts, a function
that gives a user's filter on the runs (``job_scope``), and the job log asks
``jobs_visible_to``. A superuser reads every run; anyone else only the runs a
registered scope grants (none when none does: the nightly sweep and the mail
are the superuser's).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from core.models import JobRun

Scope = Callable[..., Q]
_scopes: list[Scope] = []


def job_scope(function: Scope) -> Scope:
    """Register ``function(user) -> Q`` (a filter on JobRun) as a part of what
    a user may read in the job log (a decorator; registering twice is once)."""
    if function not in _scopes:
        _scopes.append(function)
    return function


def jobs_visible_to(user) -> QuerySet[JobRun]:
    """The runs the user may read: every one for a superuser, else those of
    the registered scopes."""
    runs = JobRun.objects.all()
    if user.is_authenticated and user.is_superuser:
        return runs
    if not user.is_authenticated or not _scopes:
        return runs.none()
    return runs.filter(reduce(or_, (scope(user) for scope in _scopes)))
