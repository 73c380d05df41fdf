"""The plan's assignment page: each task's lead unit, co-operating units, leader and deadline
from the zone's own, a section carried down, another zone's ids refused, and a task or a
target the import missed added with its task item."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.choices import PlanStatus
from plans.models import Task
from targets import kinds
from targets.models import PendingPlanRecompute, Target
from targets.task_items import task_items_ensure
from tests.factories import MembershipFactory, PlanFactory, TaskFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role


@pytest.fixture
def zone(db):
    return ZoneFactory(code="assign-zone", short_name="分配区")


@pytest.fixture
def units(zone):
    return [UnitFactory(zone=zone, name=name) for name in ("招商局", "经济发展局", "科技局")]


@pytest.fixture
def leader(zone):
    user = UserFactory(username="wang", first_name="强", last_name="王")
    MembershipFactory(user=user, zone=zone, unit=None, role=Role.LEADER)
    return user


@pytest.fixture
def admin(zone):
    return MembershipFactory(user=UserFactory(username="assign-admin"), zone=zone, unit=None, role=Role.ADMIN).user


@pytest.fixture
def plan(zone):
    return PlanFactory(zone=zone, start_year=2026, end_year=2026)


def tree(plan, depth_two=2):
    """一、 with (一) and (二) under it; (一) with 1. … under it."""
    top = TaskFactory(plan=plan, number="一、", path="一", depth=0, order=1, heading="招商引资", lead_unit=None)
    first = TaskFactory(
        plan=plan, parent=top, number="(一)", path="一 > (一)", depth=1, order=2, heading="项目", lead_unit=None
    )
    leaves = [
        TaskFactory(
            plan=plan,
            parent=first,
            number=f"{n}.",
            path=f"一 > (一) > {n}",
            depth=2,
            order=2 + n,
            heading=f"任务{n}",
            lead_unit=None,
        )
        for n in range(1, depth_two + 1)
    ]
    second = TaskFactory(
        plan=plan,
        parent=top,
        number="(二)",
        path="一 > (二)",
        depth=1,
        order=10 + depth_two,
        heading="服务",
        lead_unit=None,
    )
    task_items_ensure(plan)
    return top, first, leaves, second


@pytest.fixture
def as_admin(client, admin):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(admin)
    return client


def url(plan):
    return reverse("targets:assign", kwargs={"plan_id": plan.pk})


def rows_post(response, **changes):
    """The page's assignment form as shown, with ``changes`` typed over it."""
    data = {"action": "save"}
    for row in response.context["rows"]:
        form = row["form"]
        for name, _field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, list):
                data[key] = value
            elif value is not None:
                data[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    data.update(changes)
    return data


def test_the_assignment_is_saved(as_admin, plan, units, leader):
    _top, _first, leaves, _second = tree(plan)
    page = as_admin.get(url(plan))
    assert page.status_code == 200
    leaf = leaves[0]
    data = rows_post(
        page,
        **{
            f"t{leaf.pk}-lead_unit": str(units[0].pk),
            f"t{leaf.pk}-co_units": [str(units[1].pk), str(units[2].pk)],
            f"t{leaf.pk}-leader": str(leader.pk),
            f"t{leaf.pk}-deadline": "2026-06-30",
        },
    )
    response = as_admin.post(url(plan), data)
    assert response.status_code == 302
    leaf.refresh_from_db()
    assert leaf.lead_unit == units[0] and leaf.leader == leader
    assert set(leaf.co_units.all()) == {units[1], units[2]}
    assert leaf.deadline == dt.date(2026, 6, 30)
    item = Target.objects.get(task=leaf, kind=kinds.TASK.key)
    assert item.deadline == dt.date(2026, 6, 30)  # the task item follows its task
    assert not PendingPlanRecompute.objects.filter(plan=plan).exists()  # a draft is owed nothing


def test_a_published_plan_is_owed_a_recompute_when_a_deadline_moves(as_admin, plan, units):
    plan.status = PlanStatus.PUBLISHED
    plan.save()
    _top, _first, leaves, _second = tree(plan)
    page = as_admin.get(url(plan))
    as_admin.post(url(plan), rows_post(page, **{f"t{leaves[1].pk}-deadline": "2026-09-30"}))
    assert PendingPlanRecompute.objects.filter(plan=plan).exists()
    assert Target.objects.get(task=leaves[1], kind=kinds.TASK.key).deadline == dt.date(2026, 9, 30)


def test_apply_to_the_section_fills_the_blank_tasks_under_it(as_admin, plan, units, leader):
    top, first, leaves, second = tree(plan)
    Task.objects.filter(pk=leaves[1].pk).update(lead_unit=units[2])
    page = as_admin.get(url(plan))
    data = rows_post(
        page,
        **{
            f"t{top.pk}-lead_unit": str(units[0].pk),
            f"t{top.pk}-leader": str(leader.pk),
            f"t{top.pk}-deadline": "2026-12-31",
            "apply": str(top.pk),
            f"mode-{top.pk}": "empty",
        },
    )
    assert as_admin.post(url(plan), data).status_code == 302
    for task in [first, leaves[0], second]:
        task.refresh_from_db()
        assert (task.lead_unit, task.leader, task.deadline) == (units[0], leader, dt.date(2026, 12, 31))
    leaves[1].refresh_from_db()
    assert leaves[1].lead_unit == units[2]  # its own unit stays
    assert leaves[1].leader == leader  # its blank leader is filled


def test_apply_to_every_task_overwrites(as_admin, plan, units):
    _top, first, leaves, second = tree(plan)
    Task.objects.filter(pk=leaves[1].pk).update(lead_unit=units[2])
    page = as_admin.get(url(plan))
    data = rows_post(
        page, **{f"t{first.pk}-lead_unit": str(units[1].pk), "apply": str(first.pk), f"mode-{first.pk}": "all"}
    )
    assert as_admin.post(url(plan), data).status_code == 302
    assert set(Task.objects.filter(parent=first).values_list("lead_unit", flat=True)) == {units[1].pk}
    second.refresh_from_db()
    assert second.lead_unit is None  # outside the section


@pytest.mark.parametrize("field", ["lead_unit", "co_units", "leader"])
def test_another_zones_unit_or_leader_is_refused_and_nothing_changes(as_admin, plan, units, leader, field):
    _top, _first, leaves, _second = tree(plan)
    other = ZoneFactory(code="other-zone", short_name="别的区")
    foreign_unit = UnitFactory(zone=other, name="招商局")
    foreign_leader = UserFactory(username="li")
    MembershipFactory(user=foreign_leader, zone=other, unit=None, role=Role.LEADER)
    foreign = foreign_leader.pk if field == "leader" else foreign_unit.pk
    page = as_admin.get(url(plan))
    leaf = leaves[0]
    data = rows_post(
        page,
        **{
            f"t{leaves[1].pk}-lead_unit": str(units[0].pk),  # a good change beside the bad one
            f"t{leaf.pk}-{field}": [str(foreign)] if field == "co_units" else str(foreign),
        },
    )
    response = as_admin.post(url(plan), data)
    assert response.status_code == 400
    assert "is not among them" in response.content.decode()
    assert not Task.objects.filter(plan=plan, lead_unit__isnull=False).exists()
    assert not Task.co_units.through.objects.exists()
    # What was typed is kept.
    row = next(r["form"] for r in response.context["rows"] if r["task"].pk == leaves[1].pk)
    assert row["lead_unit"].value() == str(units[0].pk)


def test_a_text_in_a_date_or_a_deadline_outside_the_plan_is_refused(as_admin, plan, units):
    _top, _first, leaves, _second = tree(plan)
    page = as_admin.get(url(plan))
    for value, words in [("明年", "Write the date as"), ("2031-01-31", "year, 2026")]:
        response = as_admin.post(url(plan), rows_post(page, **{f"t{leaves[0].pk}-deadline": value}))
        assert response.status_code == 400
        assert words in response.content.decode()
    leaves[0].refresh_from_db()
    assert leaves[0].deadline is None


def test_the_page_is_for_the_zones_administrators(client, plan, units):
    tree(plan)
    other_admin = MembershipFactory(
        user=UserFactory(username="other-admin"), zone=ZoneFactory(code="z2"), unit=None, role=Role.ADMIN
    ).user
    client.force_login(other_admin)
    assert client.get(url(plan)).status_code == 403
    staff = MembershipFactory(user=UserFactory(username="clerk"), unit=units[0], role=Role.STAFF).user
    client.force_login(staff)
    assert client.post(url(plan), {"action": "add_task", "add-task-number": "二、"}).status_code == 403


def test_adding_a_task_puts_it_under_its_parent_with_its_item(as_admin, plan, units, leader):
    _top, first, _leaves, _second = tree(plan)
    Task.objects.filter(pk=first.pk).update(lead_unit=units[1], leader=leader)
    response = as_admin.post(
        url(plan),
        {"action": "add_task", "add-task-parent": str(first.pk), "add-task-number": "3.", "add-task-heading": "新任务"},
    )
    assert response.status_code == 302
    task = Task.objects.get(plan=plan, heading="新任务")
    assert (task.parent, task.path, task.depth) == (first, "一 > (一) > 3.", 2)
    assert task.lead_unit == units[1] and task.leader == leader  # its section's, to start with
    ordered = list(Task.objects.filter(plan=plan).order_by("order").values_list("heading", flat=True))
    assert ordered == ["招商引资", "项目", "任务1", "任务2", "新任务", "服务"]
    assert Target.objects.filter(task=task, kind=kinds.TASK.key).exists()


def test_a_task_numbered_twice_is_refused_with_what_was_typed(as_admin, plan):
    _top, first, _leaves, _second = tree(plan)
    response = as_admin.post(
        url(plan),
        {"action": "add_task", "add-task-parent": str(first.pk), "add-task-number": "1", "add-task-heading": "重复"},
    )
    assert response.status_code == 400
    assert "already a task numbered 1" in response.content.decode()
    assert 'value="重复"' in response.content.decode()
    assert not Task.objects.filter(heading="重复").exists()


def test_adding_a_target(as_admin, plan):
    _top, _first, leaves, _second = tree(plan)
    response = as_admin.post(
        url(plan),
        {
            "action": "add_target",
            "add-target-task": str(leaves[0].pk),
            "add-target-indicator": "新签约项目",
            "add-target-kind": kinds.AMOUNT.key,
            "add-target-value": "１２",
            "add-target-unit": "个",
            "add-target-deadline_date": "2026-12-31",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(task=leaves[0], indicator="新签约项目")
    assert (target.kind, target.value, target.unit, target.deadline) == (
        kinds.AMOUNT.key,
        Decimal(12),
        "个",
        dt.date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("value", "kind", "deadline", "words"),
    [
        ("十二个", kinds.AMOUNT.key, "", "is not a number"),
        ("", kinds.AMOUNT.key, "", "needs a value"),
        ("", kinds.MILESTONE.key, "", "needs a due date"),
        ("5", kinds.AMOUNT.key, "2030-01-01", "year, 2026"),
        ("5", kinds.TASK.key, "", "Select a valid choice"),
    ],
)
def test_a_bad_target_is_refused_and_nothing_added(as_admin, plan, value, kind, deadline, words):
    _top, _first, leaves, _second = tree(plan)
    before = Target.objects.count()
    response = as_admin.post(
        url(plan),
        {
            "action": "add_target",
            "add-target-task": str(leaves[0].pk),
            "add-target-indicator": "建成政务服务中心",
            "add-target-kind": kind,
            "add-target-value": value,
            "add-target-unit": "",
            "add-target-deadline_date": deadline,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert words in html and 'value="建成政务服务中心"' in html
    assert Target.objects.count() == before


def test_queries_do_not_grow_with_the_tasks(as_admin, zone, units, leader):
    small, large = (
        PlanFactory(zone=zone, start_year=2026, end_year=2026),
        PlanFactory(zone=zone, start_year=2026, end_year=2026),
    )
    tree(small, depth_two=2)
    tree(large, depth_two=30)
    counts = {}
    for plan in (small, large):
        page = as_admin.get(url(plan))
        with CaptureQueriesContext(connection) as shown:
            as_admin.get(url(plan))
        data = rows_post(
            page,
            **{f"t{row['task'].pk}-lead_unit": str(units[0].pk) for row in page.context["rows"]},
            **{f"t{row['task'].pk}-deadline": "2026-11-30" for row in page.context["rows"]},
            **{f"t{row['task'].pk}-co_units": [str(units[1].pk)] for row in page.context["rows"]},
        )
        with CaptureQueriesContext(connection) as saved:
            assert as_admin.post(url(plan), data).status_code == 302
        counts[plan.pk] = (len(shown), len(saved))
    assert counts[small.pk] == counts[large.pk]


@pytest.mark.parametrize("kind", [key for key, _label in kinds.choices() if key != kinds.TASK.key])
def test_every_kind_offered_can_be_added(as_admin, plan, kind):
    _top, _first, leaves, _second = tree(plan)
    entry = kinds.get(kind)
    response = as_admin.post(
        url(plan),
        {
            "action": "add_target",
            "add-target-task": str(leaves[0].pk),
            "add-target-indicator": f"新增{kind}",
            "add-target-kind": kind,
            "add-target-value": "5" if entry.needs_value else "",
            "add-target-unit": "%" if not entry.needs_value else "亿元",
            "add-target-deadline_date": "2026-10-31",
        },
    )
    assert response.status_code == 302, response.context and response.context["target_form"].errors
    target = Target.objects.get(indicator=f"新增{kind}")
    assert target.kind == kind and target.deadline == dt.date(2026, 10, 31)


def test_a_published_plans_task_keeps_a_lead_unit(as_admin, plan, units):
    _top, _first, leaves, _second = tree(plan)
    Task.objects.filter(pk__in=[leaves[0].pk, leaves[1].pk]).update(lead_unit=units[0])
    plan.status = PlanStatus.PUBLISHED
    plan.save()
    page = as_admin.get(url(plan))
    response = as_admin.post(url(plan), rows_post(page, **{f"t{leaves[0].pk}-lead_unit": ""}))
    assert response.status_code == 400
    assert "keeps a lead unit" in response.content.decode()
    assert Task.objects.get(pk=leaves[0].pk).lead_unit == units[0]
    # Another unit is fine.
    response = as_admin.post(url(plan), rows_post(page, **{f"t{leaves[0].pk}-lead_unit": str(units[1].pk)}))
    assert response.status_code == 302
    assert Task.objects.get(pk=leaves[0].pk).lead_unit == units[1]
