"""The import review assigns each task: lead unit, co-operating units,
responsible leader and deadline, picked from the zone's own units and
leaders, proposed from what the document says (牵头单位：…)."""

# ruff: noqa: F811 - the review fixtures of test_views are imported and then named as parameters
import datetime as dt

import pytest

from core.people import display_name
from plans.models import Plan, Task
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.imports.test_views import (  # noqa: F401 - the fixtures
    REVIEW,
    admin,
    as_admin,
    english,
    nothing_created,
    other_zone,
    review_post,
    upload,
    zone,
)
from zones.choices import Role


@pytest.fixture
def units(zone):
    return {name: UnitFactory(zone=zone, name=name) for name in ("招商局", "经济发展局", "科技局")}


@pytest.fixture
def leader(zone, units):
    user = UserFactory(username="wang", first_name="强", last_name="王")
    MembershipFactory(user=user, zone=zone, unit=None, role=Role.LEADER)
    return user


def task_index(response, heading: str) -> int:
    return next(i for i, task in enumerate(response.context["review"].parsed.tasks) if task.heading == heading)


def test_the_review_proposes_the_unit_the_document_names(as_admin, zone, units, leader):
    response = upload(as_admin, zone)
    i = task_index(response, "招商引资")
    form = response.context["review"].task_forms[i]
    assert form["lead_unit"].value() == "招商局"
    html = response.content.decode()
    assert f'name="k{i}-lead_unit"' in html and f'name="k{i}-leader"' in html
    assert '<option value="wang">' in html  # the zone's leader, by name
    assert display_name(leader) in html


def test_confirming_creates_the_tasks_as_assigned(as_admin, zone, units, leader):
    response = upload(as_admin, zone)
    i = task_index(response, "项目推进")
    data = review_post(
        response,
        **{
            f"k{i}-lead_unit": "经济发展局",
            f"k{i}-co_units": ["招商局", "科技局"],
            f"k{i}-leader": "wang",
            f"k{i}-deadline_date": "2027-10-31",
        },
    )
    assert as_admin.post(REVIEW, data).status_code == 302
    task = Task.objects.get(plan__zone=zone, heading="项目推进")
    assert (task.lead_unit, task.leader, task.deadline) == (units["经济发展局"], leader, dt.date(2027, 10, 31))
    assert set(task.co_units.values_list("name", flat=True)) == {"招商局", "科技局"}
    # the task's item carries its deadline (every task in the ledger)
    assert task.targets.get(kind="task").deadline == dt.date(2027, 10, 31)
    # a unit the reviewer cleared is none, whatever the document said
    assert Task.objects.get(plan__zone=zone, heading="企业培育").lead_unit is None


def test_another_zones_unit_is_refused_and_nothing_is_created(as_admin, zone, other_zone, units):
    UnitFactory(zone=other_zone, name="外区财政局")
    response = upload(as_admin, zone)
    i = task_index(response, "项目推进")
    data = review_post(response, **{f"k{i}-lead_unit": "外区财政局"})
    again = as_admin.post(REVIEW, data)
    assert again.status_code == 200
    assert again.context["review"].task_forms[i].errors["lead_unit"]
    assert nothing_created() and not Plan.objects.exists()


def test_a_unit_the_zone_does_not_have_is_named_with_a_hint(as_admin, zone):
    response = upload(as_admin, zone)  # the zone has no 招商局
    i = task_index(response, "招商引资")
    assert response.context["review"].task_forms[i]["lead_unit"].value() == ""
    assert "招商局" in response.content.decode()
