"""The import review adds what the reading missed: a numbered item under a chosen item, and a
target with its indicator, kind, value, unit and deadline, through the importer's own checks;
the edits made so far stay, and the draft plan is created with them."""

# ruff: noqa: F811 - the review fixtures of test_views are imported and then named as parameters
import datetime as dt
from decimal import Decimal

from plans.models import Plan, Task
from targets import kinds
from targets.models import Target
from tests.imports.test_views import (  # noqa: F401 - the fixtures
    REVIEW,
    admin,
    as_admin,
    english,
    nothing_created,
    review_post,
    upload,
    zone,
)


def index_of(response, heading: str) -> int:
    return next(i for i, task in enumerate(response.context["review"].parsed.tasks) if task.heading == heading)


def test_a_task_is_added_under_its_parent_and_created(as_admin, zone):
    first = upload(as_admin, zone)
    parent = index_of(first, "招商引资")
    title = first.context["review"].plan_form.initial["title"]
    data = review_post(
        first,
        action="add_task",
        **{
            "add-task-parent": str(parent),
            "add-task-number": "9.",
            "add-task-heading": "优化营商环境",
            f"k{parent}-heading": "招商引资工作",  # an edit made before adding stays
        },
    )
    response = as_admin.post(REVIEW, data)
    assert response.status_code == 200
    tasks = response.context["review"].parsed.tasks
    added = index_of(response, "优化营商环境")
    assert tasks[added].parent_path == tasks[index_of(response, "招商引资工作")].path
    assert nothing_created()
    created = as_admin.post(REVIEW, review_post(response, action="confirm"))
    assert created.status_code == 302
    plan = Plan.objects.get(zone=zone, title=title)
    task = Task.objects.get(plan=plan, heading="优化营商环境")
    assert task.parent.heading == "招商引资工作"
    assert Target.objects.filter(task=task, kind=kinds.TASK.key).exists()  # its task item


def test_a_target_is_added_and_created(as_admin, zone):
    first = upload(as_admin, zone)
    task = index_of(first, "招商引资")
    count = len(first.context["review"].parsed.targets)
    data = review_post(
        first,
        action="add_target",
        **{
            "add-target-task": str(task),
            "add-target-indicator": "年底前建成政务服务中心",
            "add-target-kind": kinds.MILESTONE.key,
            "add-target-value": "100",
            "add-target-unit": "%",
            "add-target-deadline_date": "2027-12-31",
        },
    )
    response = as_admin.post(REVIEW, data)
    assert len(response.context["review"].parsed.targets) == count + 1
    assert "added by hand" in response.content.decode()
    assert as_admin.post(REVIEW, review_post(response, action="confirm")).status_code == 302
    target = Target.objects.get(indicator="年底前建成政务服务中心")
    assert (target.kind, target.value, target.deadline, target.task.heading) == (
        kinds.MILESTONE.key,
        Decimal(100),
        dt.date(2027, 12, 31),
        "招商引资",
    )


def test_a_bad_addition_is_refused_beside_its_field_and_the_proposal_is_unchanged(as_admin, zone):
    first = upload(as_admin, zone)
    task = index_of(first, "招商引资")
    count = len(first.context["review"].parsed.targets)
    for extra, words in [
        ({"add-target-value": "很多", "add-target-kind": kinds.AMOUNT.key}, "add-target-value"),
        ({"add-target-value": "", "add-target-kind": kinds.MILESTONE.key}, "needs a due date"),
        ({"add-target-value": "5", "add-target-kind": kinds.TASK.key}, "add-target-kind"),
    ]:
        data = review_post(
            first,
            action="add_target",
            **{"add-target-task": str(task), "add-target-indicator": "政务服务中心", "add-target-unit": "", **extra},
        )
        response = as_admin.post(REVIEW, data)
        html = response.content.decode()
        assert len(response.context["review"].parsed.targets) == count
        assert response.context["add_target_form"].errors
        assert words in html or words in str(response.context["add_target_form"].errors)
        assert 'value="政务服务中心"' in html  # what was typed is kept
    taken = review_post(
        first,
        action="add_task",
        **{"add-task-parent": "", "add-task-number": first.context["review"].parsed.tasks[task].path},
        **{"add-task-heading": "重复"},
    )
    response = as_admin.post(REVIEW, taken)
    assert "already a task numbered" in response.content.decode()
    assert nothing_created()
