"""One FilterSet for the page, the export and the API: the lists, the
filters, the period and the user's scope."""

import datetime as dt
from decimal import Decimal as D

import pytest

from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from supervision.filtersets import SupervisionFilterSet
from targets.models import TargetResult
from tests.factories import MembershipFactory, UserFactory
from tests.supervision.conftest import AS_OF
from zones.choices import Role

pytestmark = pytest.mark.django_db


def indicators(filterset):
    return {result.target.indicator for result in filterset.qs}


def test_the_flagged_list_holds_lagging_seriously_lagging_and_overdue_items_worst_first(zone):
    filterset = SupervisionFilterSet({"list": "flagged"}, user=zone.supervisor)
    rows = list(filterset.qs)
    assert {r.target.indicator for r in rows} == {
        "新开工项目",
        "引进亿元以上项目",
        "实际利用外资",
        "研发投入占比",
        "完成招商中心建设",
    }
    statuses = [r.status for r in rows]
    assert statuses.index("lagging") > statuses.index("serious") > statuses.index("overdue")


def test_a_missing_report_is_not_a_progress_status_and_stays_out_of_the_progress_lists(zone):
    """The returned target's June report is missing: its May figure, carried, is on time
    progress. It is on the 逾期未报 list, and on none of the progress lists."""
    returned = zone.returned.indicator
    for kind in ("flagged", "serious", "lagging", "overdue"):
        assert returned not in indicators(SupervisionFilterSet({"list": kind}, user=zone.supervisor))
    assert returned in indicators(SupervisionFilterSet({"list": "unsubmitted"}, user=zone.supervisor))
    row = SupervisionFilterSet({}, user=zone.supervisor).qs.get(target=zone.returned)
    assert (row.status, row.reporting) == ("on_track", "missing")
    assert (row.data_year, row.data_month) == (2014, 5)  # the figure's age: 数据截至1-5月


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("serious", {"新开工项目", "引进亿元以上项目"}),
        ("lagging", {"实际利用外资", "研发投入占比"}),
        ("overdue", {"完成招商中心建设"}),
        ("unsubmitted", {"研发投入占比", '=HYPERLINK("http://x")', "完成招商中心建设"}),
        ("pending", set()),
        ("returned", {'=HYPERLINK("http://x")'}),
    ],
)
def test_each_list_picks_its_items(zone, kind, expected):
    assert indicators(SupervisionFilterSet({"list": kind}, user=zone.supervisor)) == expected


def test_the_pending_list_holds_the_reports_waiting_for_review_and_they_do_not_count(zone):
    june = zone.returned.reports.get(year=2014, month=6)
    june.status, june.value = ReportStatus.SUBMITTED, D(20)  # resubmitted: 100% if it counted
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    assert indicators(SupervisionFilterSet({"list": "pending"}, user=zone.supervisor)) == {zone.returned.indicator}
    assert zone.returned.indicator not in indicators(SupervisionFilterSet({"list": "returned"}, user=zone.supervisor))
    row = SupervisionFilterSet({}, user=zone.supervisor).qs.get(target=zone.returned)
    assert (row.status, row.reporting, row.actual) == ("on_track", "pending", D(10))  # May's approved figure


def test_without_a_list_every_target_of_the_period_is_a_row(zone):
    assert len(SupervisionFilterSet({}, user=zone.supervisor).qs) == 7


def test_the_period_defaults_to_the_month_just_closed_and_can_be_chosen(zone, clock_at):
    assert SupervisionFilterSet({}, user=zone.supervisor).chosen_period == Period(2014, 6)
    clock_at(dt.date(2014, 7, 5))  # June's reports are due today: May is the month just closed
    assert SupervisionFilterSet({}, user=zone.supervisor).chosen_period == Period(2014, 5)
    clock_at(dt.date(2014, 9, 30))  # nobody reported July or August: still the month just closed
    assert SupervisionFilterSet({}, user=zone.supervisor).chosen_period == Period(2014, 8)
    march = SupervisionFilterSet({"period": "2014-03", "list": "flagged"}, user=zone.supervisor)
    assert march.chosen_period == Period(2014, 3)
    assert {r.month for r in march.qs} == {3}
    assert "实际利用外资" in indicators(march)


def test_a_period_outside_the_plans_is_an_error_and_falls_back_to_the_default(zone):
    filterset = SupervisionFilterSet({"period": "2031-02"}, user=zone.supervisor)
    assert not filterset.is_valid() and "period" in filterset.errors
    assert filterset.chosen_period == Period(2014, 6)


def test_filters_by_unit_leader_kind_status_and_words(zone):
    def rows(**data):
        return indicators(SupervisionFilterSet(data, user=zone.supervisor))

    assert rows(unit=zone.invest.pk) == {"引进亿元以上项目", "实际利用外资", "完成招商中心建设"}
    assert rows(leader=zone.leader.pk, list="serious") == {"新开工项目"}
    assert rows(kind="milestone") == {"完成招商中心建设"}
    assert rows(status=["lagging", "on_track"]) == {
        "实际利用外资",
        "研发投入占比",
        "固定资产投资",
        '=HYPERLINK("http://x")',
    }
    assert rows(q="外资") == {"实际利用外资"}


def test_filters_by_progress_status_and_reporting_status_apart_or_together(zone):
    def rows(**data):
        return indicators(SupervisionFilterSet(data, user=zone.supervisor))

    assert rows(reporting=["late"]) == {"引进亿元以上项目"}
    assert rows(reporting=["missing"]) == {"研发投入占比", '=HYPERLINK("http://x")', "完成招商中心建设"}
    assert rows(reporting=["missing"], status=["lagging"]) == {"研发投入占比"}
    assert rows(reporting=["reported", "late"], list="serious") == {"新开工项目", "引进亿元以上项目"}
    refused = SupervisionFilterSet({"reporting": ["lagging"]}, user=zone.supervisor)
    assert not refused.is_valid() and "reporting" in refused.errors  # a progress word is no reporting status


def test_filters_by_zone_and_plan_keep_to_what_the_user_may_see(zone):
    superuser = UserFactory(username="root", is_superuser=True)
    assert "他区指标" in indicators(SupervisionFilterSet({}, user=superuser))
    assert indicators(SupervisionFilterSet({"zone": zone.zone.pk}, user=superuser)) == indicators(
        SupervisionFilterSet({}, user=zone.supervisor)
    )
    # A zone the supervisor does not see is not a valid choice.
    foreign = SupervisionFilterSet({"zone": zone.other_plan.zone_id}, user=zone.supervisor)
    assert "zone" in foreign.errors
    assert "他区指标" not in indicators(foreign)


def test_rows_are_scoped_by_the_user_before_anything_else(zone):
    assert "他区指标" not in indicators(SupervisionFilterSet({}, user=zone.supervisor))
    assert indicators(SupervisionFilterSet({}, user=zone.other_supervisor)) == {"他区指标"}
    # Unit staff see their unit's targets only; a stranger sees nothing, even unbound.
    assert indicators(SupervisionFilterSet({}, user=zone.invest_staff)) == {
        "引进亿元以上项目",
        "实际利用外资",
        "完成招商中心建设",
    }
    stranger = UserFactory(username="stranger")
    assert list(SupervisionFilterSet(None, user=stranger).qs) == []
    assert SupervisionFilterSet(None, user=stranger).qs.model is TargetResult


def test_the_rows_carry_the_report_state_and_open_notice(zone):
    from supervision.services import notices_issue

    notices_issue(
        target_ids=[zone.serious.pk],
        period=zone.period,
        reply_by=zone.today,
        requirement="请答复",
        by=zone.supervisor,
        today=zone.today,
    )
    rows = {r.target_id: r for r in SupervisionFilterSet({}, user=zone.supervisor).qs}
    assert rows[zone.returned.pk].report_status == "returned"
    assert rows[zone.unsubmitted.pk].report_status is None
    assert rows[zone.serious.pk].open_notice_id is not None
    assert rows[zone.lagging.pk].open_notice_id is None


def test_a_request_provides_the_user_as_drf_would(zone, rf):
    request = rf.get("/", {"list": "lagging"})
    request.user = zone.supervisor
    filterset = SupervisionFilterSet(request.GET, request=request)
    assert indicators(filterset) == {"实际利用外资", "研发投入占比"}


def test_a_leader_of_two_zones_chooses_among_both(zone):
    MembershipFactory(user=zone.leader, zone=zone.other_plan.zone, unit=None, role=Role.LEADER)
    filterset = SupervisionFilterSet({}, user=zone.leader)
    assert set(filterset.form.fields["zone"].queryset) == {zone.zone, zone.other_plan.zone}


def test_a_reader_without_a_published_plan_gets_an_empty_valid_list(db):
    from tests.factories import PlanFactory

    plan = PlanFactory(status="draft")
    leader = UserFactory(username="lonely")
    MembershipFactory(user=leader, zone=plan.zone, unit=None, role=Role.LEADER)
    filterset = SupervisionFilterSet({}, user=leader)
    assert filterset.is_valid() and list(filterset.qs) == []


def test_a_plan_reporting_from_july_lists_every_target_in_july_and_nothing_before(zone, clock_at):
    from plans.models import Plan
    from targets.models import Target

    Plan.objects.filter(pk=zone.plan.pk).update(reports_from=dt.date(2014, 7, 1))
    plan = Plan.objects.get(pk=zone.plan.pk)
    targets_recompute(targets=list(Target.objects.filter(task__plan=plan)), plan=plan, as_of=dt.date(2014, 7, 10))
    clock_at(dt.date(2014, 7, 10))
    july = SupervisionFilterSet({}, user=zone.supervisor)
    assert july.chosen_period == Period(2014, 7)  # the default month is never before the start
    assert len(july.qs) == 7 and {r.reporting for r in july.qs} == {"not_yet"}
    june = SupervisionFilterSet({"period": "2014-06", "list": "unsubmitted"}, user=zone.supervisor)
    assert not june.qs.exists()  # June was owed nothing: not overdue
