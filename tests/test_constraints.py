"""Every invariant the database holds is refused at the database, whatever
code path writes the row."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plans.models import Plan, Task
from progress.choices import ReportStatus
from targets import kinds
from targets.choices import Comparator, ReportedAs
from targets.models import Milestone, Target
from tests.factories import (
    MembershipFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
    UnitFactory,
    UserFactory,
    ZoneFactory,
)
from zones.choices import RegionLevel, Role
from zones.models import Membership, Region, Unit

pytestmark = pytest.mark.django_db


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_a_second_report_for_the_same_target_and_period_is_refused():
    report = ReportFactory()
    refused(lambda: ReportFactory(target=report.target, year=report.year, month=report.month))
    ReportFactory(target=report.target, year=report.year, month=report.month + 1)  # another period is fine


@pytest.mark.parametrize("month", [0, 13])
def test_a_report_month_outside_1_to_12_is_refused(month):
    refused(lambda: ReportFactory(month=month))


def test_a_submitted_report_needs_a_value_and_a_submission_time():
    refused(lambda: ReportFactory(status=ReportStatus.SUBMITTED, value=None))
    refused(lambda: ReportFactory(status=ReportStatus.SUBMITTED, submitted_at=None))


def test_an_approved_report_needs_its_approval_time():
    from django.utils import timezone

    refused(lambda: ReportFactory(status=ReportStatus.APPROVED, submitted_at=timezone.now(), approved_at=None))


def test_a_returned_report_needs_a_reason():
    from django.utils import timezone

    refused(lambda: ReportFactory(status=ReportStatus.RETURNED, returned_at=timezone.now(), return_reason=""))
    ReportFactory(status=ReportStatus.RETURNED, returned_at=timezone.now(), return_reason="数据口径不一致")


def test_a_draft_may_be_partial():
    assert ReportFactory(value=None).status == ReportStatus.DRAFT


def test_a_range_whose_high_end_is_below_its_low_end_is_refused():
    refused(lambda: TargetFactory(comparator=Comparator.RANGE, value=Decimal(15), value_high=Decimal(10)))
    refused(lambda: TargetFactory(comparator=Comparator.RANGE, value=Decimal(15), value_high=Decimal(15)))
    TargetFactory(comparator=Comparator.RANGE, value=Decimal(10), value_high=Decimal(15))


def test_a_range_needs_its_high_end_and_only_a_range_has_one():
    refused(lambda: TargetFactory(comparator=Comparator.RANGE, value_high=None))
    refused(lambda: TargetFactory(comparator=Comparator.AT_LEAST, value=Decimal(10), value_high=Decimal(15)))


def test_a_quantitative_target_needs_a_value():
    refused(lambda: TargetFactory(kind=kinds.AMOUNT.key, value=None))


def test_a_milestone_needs_a_due_date():
    refused(lambda: TargetFactory(kind=kinds.MILESTONE.key, value=None, deadline=None))


def test_a_ceiling_is_an_at_most_target():
    refused(lambda: TargetFactory(kind=kinds.CEILING.key, comparator=Comparator.AT_LEAST, value=Decimal(6)))


def test_a_stretch_value_lies_above_the_target():
    refused(lambda: TargetFactory(value=Decimal(15), stretch=Decimal(10)))
    TargetFactory(kind=kinds.GROWTH_RATE.key, unit="%", value=Decimal(10), stretch=Decimal(15))


def test_a_target_weight_is_positive_and_an_amount_not_negative():
    refused(lambda: TargetFactory(weight=Decimal(0)))
    refused(lambda: TargetFactory(kind=kinds.AMOUNT.key, value=Decimal(-1)))
    TargetFactory(kind=kinds.GROWTH_RATE.key, value=Decimal(-2), unit="%")  # a planned fall is allowed


def test_reporting_a_growth_target_as_an_amount_needs_a_baseline():
    refused(lambda: TargetFactory(kind=kinds.GROWTH_RATE.key, reported_as=ReportedAs.AMOUNT, baseline=None))
    refused(lambda: TargetFactory(kind=kinds.AMOUNT.key, reported_as=ReportedAs.AMOUNT, baseline=Decimal(1)))
    TargetFactory(kind=kinds.GROWTH_RATE.key, reported_as=ReportedAs.AMOUNT, baseline=Decimal("120.5"))


def test_a_plan_cannot_end_before_it_starts_and_reports_fall_due_within_a_month():
    zone = ZoneFactory()
    refused(lambda: Plan.objects.create(zone=zone, title="x", start_year=2022, end_year=2020))
    refused(lambda: Plan.objects.create(zone=zone, title="y", start_year=2020, end_year=2020, due_day=31))
    refused(lambda: Plan.objects.create(zone=zone, title="z", start_year=2020, end_year=2020, rate_lag_points=0))
    Plan.objects.create(zone=zone, title="三年行动计划", start_year=2020, end_year=2022)


def test_two_tasks_of_a_plan_cannot_share_a_path():
    task = TaskFactory(path="二 > 3")
    refused(lambda: TaskFactory(plan=task.plan, path="二 > 3"))
    TaskFactory(plan=PlanFactory(), path="二 > 3")  # another plan may


def test_a_task_cannot_be_its_own_parent():
    task = TaskFactory()
    task.parent_id = task.pk
    refused(lambda: Task.objects.filter(pk=task.pk).update(parent_id=task.pk))


def test_unit_names_are_unique_within_a_zone_only():
    unit = UnitFactory(name="财政局")
    refused(lambda: Unit.objects.create(zone=unit.zone, name="财政局"))
    UnitFactory(name="财政局")


def test_staff_and_reviewer_memberships_need_a_unit_and_are_not_duplicated():
    zone = ZoneFactory()
    user = UserFactory()
    refused(lambda: Membership.objects.create(user=user, zone=zone, unit=None, role=Role.STAFF))
    refused(lambda: Membership.objects.create(user=user, zone=zone, unit=None, role=Role.REVIEWER))
    Membership.objects.create(user=user, zone=zone, role=Role.LEADER)
    refused(lambda: Membership.objects.create(user=user, zone=zone, role=Role.LEADER))
    membership = MembershipFactory(user=user, unit=UnitFactory(zone=zone), role=Role.STAFF)
    refused(lambda: Membership.objects.create(user=user, zone=zone, unit=membership.unit, role=Role.STAFF))
    # The same user may hold several roles.
    Membership.objects.create(user=user, zone=zone, unit=membership.unit, role=Role.REVIEWER)


def test_a_city_sits_in_a_province_and_a_province_is_top_level():
    province = Region.objects.create(name="河南省", level=RegionLevel.PROVINCE)
    refused(lambda: Region.objects.create(name="新乡市", level=RegionLevel.CITY))
    refused(lambda: Region.objects.create(name="郑州市", level=RegionLevel.PROVINCE, parent=province))
    Region.objects.create(name="新乡市", level=RegionLevel.CITY, parent=province)


def test_a_membership_unit_from_another_zone_fails_validation():
    from django.core.exceptions import ValidationError

    membership = Membership(user=UserFactory(), zone=ZoneFactory(), unit=UnitFactory(), role=Role.STAFF)
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_the_milestone_proxy_lists_only_milestones_and_saves_as_one():
    task = TaskFactory()
    TargetFactory(task=task)
    import datetime as dt

    milestone = Milestone.objects.create(task=task, indicator="完成行政服务中心建设", deadline=dt.date(2014, 12, 31))
    assert list(Milestone.objects.all()) == [milestone]
    assert Target.objects.get(pk=milestone.pk).kind == kinds.MILESTONE.key
    assert (milestone.title, milestone.due_date) == ("完成行政服务中心建设", dt.date(2014, 12, 31))


def test_a_trajectory_must_map_months_to_numbers():
    from django.core.exceptions import ValidationError

    target = TargetFactory.build(task=TaskFactory(), trajectory={"6": "250", "12": "500"})
    target.full_clean()
    target.trajectory = {"13": "1"}
    with pytest.raises(ValidationError):
        target.full_clean()
    target.trajectory = {"6": "很多"}
    with pytest.raises(ValidationError):
        target.full_clean()


@pytest.mark.parametrize("field", ["trajectory", "baseline_by_month"])
@pytest.mark.parametrize(
    "months",
    [
        {"6": "1e400"},  # judged, it made the recompute raise
        {"6": "0.000001"},
        {"6": "100000000000"},
        {"6": "NaN"},
        {"6": "1_000"},
        {"6": " "},
        {"6": True},
        {"6": [1]},
        {"٣": "1"},
        {"+3": "1"},
    ],
)
def test_a_month_map_holds_only_figures_under_month_keys(field, months):
    from django.core.exceptions import ValidationError

    target = TargetFactory.build(task=TaskFactory(), **{field: months})
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert field in refused.value.message_dict


def test_a_month_map_takes_figures_as_strings_or_json_numbers():
    target = TargetFactory.build(
        task=TaskFactory(), trajectory={"3": 12.5, "06": "250", "12": 500}, baseline_by_month={"12": "99999999999.9999"}
    )
    target.full_clean()


def test_a_report_holds_yi_yuan_figures_to_four_decimals():
    report = ReportFactory(value=Decimal("12345678.1234"))
    report.refresh_from_db()
    assert report.value == Decimal("12345678.1234")


def test_every_figure_column_holds_the_largest_figure_exactly_on_every_database():
    """SQLite keeps decimals as floats: DECIMAL(15, 4) is what it keeps exactly (core.figures)."""
    largest, smallest = Decimal("99999999999.9999"), Decimal("-99999999999.9999")
    target = TargetFactory(
        kind=kinds.GROWTH_RATE.key,
        unit="万元",
        value=largest - 1,
        value_high=largest,
        comparator=Comparator.RANGE,
        baseline=largest,
        start_value=smallest,
    )
    report = ReportFactory(target=target, value=largest)
    target.refresh_from_db()
    report.refresh_from_db()
    assert (target.value, target.value_high, target.baseline, target.start_value, report.value) == (
        largest - 1,
        largest,
        largest,
        smallest,
        largest,
    )
    stretched = TargetFactory(value=Decimal("0.0001"), stretch=largest)
    stretched.refresh_from_db()
    assert (stretched.value, stretched.stretch) == (Decimal("0.0001"), largest)


def test_a_reporting_start_not_on_the_first_of_a_month_is_refused():
    import datetime as dt

    plan = PlanFactory()
    refused(lambda: Plan.objects.filter(pk=plan.pk).update(reports_from=dt.date(2014, 6, 15)))
    Plan.objects.filter(pk=plan.pk).update(reports_from=dt.date(2014, 6, 1))
