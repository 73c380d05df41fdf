"""The job log's scope for the runs about plans and targets (``core.job_scopes``):
a zone administrator reads the recomputes of their own zones' plans and
targets, by the rule of ``zones.policy.job_plan_filter``."""

from __future__ import annotations

from django.db.models import Q

from core.job_scopes import job_scope
from core.models import JobRun
from plans.models import Plan
from targets.models import Target
from zones import policy


@job_scope
def plan_and_target_runs(user) -> Q:
    """The runs about a plan or a target the user may read in the job log."""
    plans = policy.job_plan_filter(user, plan_prefix="")
    if plans is None:
        return Q()
    targets = policy.job_plan_filter(user, plan_prefix="task__plan__")
    return Q(subject_kind=JobRun.SubjectKind.PLAN, subject_id__in=Plan.objects.filter(plans).values("pk")) | Q(
        subject_kind=JobRun.SubjectKind.TARGET, subject_id__in=Target.objects.filter(targets).values("pk")
    )
