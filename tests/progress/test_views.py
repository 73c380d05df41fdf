"""Entry and review pages: flows as users go through them, and every permission case."""

from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.html import escape

from progress.choices import ReportStatus
from progress.models import Report, ReportEvent
from tests.factories import MembershipFactory, ReportFactory, UserFactory
from zones.choices import Role


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


def period_url(desk, unit=None, period="2026-03"):
    return reverse(
        "progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": (unit or desk.unit).pk, "period": period}
    )


def row_data(target, value, progress="推进中", version="", **extra):
    prefix = f"r{target.pk}-"
    data = {
        f"{prefix}present": "1",
        f"{prefix}value": value,
        f"{prefix}progress": progress,
        f"{prefix}version": version,
    }
    data.update({f"{prefix}{key}": item for key, item in extra.items()})
    return data


def full_post(desk, action="save", versions=None):
    versions = versions or {}
    data = {"action": action}
    for target, value in ((desk.amount, "32.5"), (desk.growth, "14.2"), (desk.count, "5")):
        data |= row_data(target, value, version=str(versions.get(target.pk, "")))
    return data


def test_staff_home_lists_the_open_period_with_each_target_state_and_days_left(client, desk):
    client.force_login(desk.staff)
    page = client.get(reverse("progress:mine")).content.decode()
    assert "固定资产投资" in page and "新开工项目" in page
    assert "未填报" in page
    assert "3 天" in page or "3天" in page  # due on 5 April, today 2 April


def test_saving_a_partial_draft_and_then_submitting(client, desk):
    client.force_login(desk.staff)
    response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "3.2亿"))
    assert response.status_code == 302
    assert Report.objects.get(target=desk.amount).value == Decimal("3.2")
    versions = dict(Report.objects.values_list("target_id", "version"))
    response = client.post(period_url(desk), full_post(desk, "submit", versions))
    assert response.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.SUBMITTED}


def test_a_refused_figure_is_shown_beside_its_field_and_keeps_everything_typed(client, desk):
    client.force_login(desk.staff)
    data = {"action": "save"} | row_data(desk.amount, "三亿多", progress="项目推进顺利") | row_data(desk.count, "7")
    response = client.post(period_url(desk), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "不是数字" in page
    assert 'value="三亿多"' in page and "项目推进顺利" in page and 'value="7"' in page
    # The refused row saved nothing; the good one went through on its own merits.
    assert not Report.objects.filter(target=desk.amount).exists()
    assert Report.objects.get(target=desk.count).value == Decimal(7)


@pytest.mark.parametrize(
    ("target", "typed", "words"),
    [
        ("count", "1,5", "thousands separator"),  # saved as 15 before
        ("count", "1²", "not a number"),  # saved as 12 before
        ("growth", "3.2亿", "does not apply to a figure in %"),  # saved as 320000000 before
        ("amount", "1234567890123.4567", "at most 11 digits before the point"),  # saved rounded before
        ("amount", "1元", "more than 4 decimal places"),  # saved as 0 before
        ("count", "9999999999999999.9999", "at most 11 digits before the point"),  # broke the pages before
    ],
)
def test_a_figure_that_would_change_on_the_way_in_is_refused_on_the_page(client, desk, target, typed, words):
    client.force_login(desk.staff)
    data = {"action": "save"} | row_data(getattr(desk, target), typed, confirmed="1")
    response = client.post(period_url(desk), data, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400 and words in page
    assert f'value="{escape(typed)}"' in page
    assert not Report.objects.exists()


def test_a_correction_that_would_change_on_the_way_in_is_refused(client, desk):
    report = ReportFactory(
        target=desk.count,
        year=2026,
        month=3,
        value=Decimal(5),
        status="approved",
        submitted_at="2026-04-01T00:00Z",
        approved_at="2026-04-01T00:00Z",
    )
    client.force_login(desk.reviewer)
    url = reverse("progress:correct", args=[report.pk])
    data = {"value": "1,5", "reason": "统计局反馈", "version": report.version}
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "thousands separator" in response.content.decode()
    report.refresh_from_db()
    assert report.value == Decimal(5)


def test_a_fall_needs_a_reason_and_a_jump_needs_confirmation_on_the_page(client, desk):
    ReportFactory(
        target=desk.amount,
        year=2026,
        month=2,
        value=Decimal(40),
        status="approved",
        submitted_at="2026-03-03T10:00Z",
        approved_at="2026-03-04T10:00Z",
    )
    client.force_login(desk.staff)
    page = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "30")).content.decode()
    assert "低于上期" in page
    page = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "300")).content.decode()
    assert "两倍" in page and "我确认" in page
    response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "300", confirmed="1"))
    assert response.status_code == 302


def test_a_stale_save_is_refused_showing_the_change_and_keeping_input(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "10"))
    colleague = MembershipFactory(unit=desk.unit, role=Role.STAFF, user=UserFactory(first_name="王五")).user
    other = client.__class__()
    other.force_login(colleague)
    other.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "12", version="1"))
    response = client.post(
        period_url(desk), {"action": "save"} | row_data(desk.amount, "15", progress="我的说明", version="1")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "王五" in page and "12" in page
    assert 'value="15"' in page and "我的说明" in page
    assert Report.objects.get(target=desk.amount).value == Decimal(12)
    # Saving again after reading the change goes through with the new version.
    response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "15", version="2"))
    assert response.status_code == 302


def test_the_reviewer_returns_with_a_reason_the_staff_see_it_and_resubmit(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    ids = list(Report.objects.values_list("pk", flat=True))
    client.force_login(desk.reviewer)
    assert "固定资产投资" in client.get(reverse("progress:review")).content.decode()
    response = client.post(reverse("progress:review"), {"action": "return", "report": ids[:1], "reason": ""})
    assert response.status_code == 400 and not Report.objects.filter(status="returned").exists()
    client.post(reverse("progress:review"), {"action": "return", "report": ids[:1], "reason": "请核对统计口径"})
    returned = Report.objects.get(pk=ids[0])
    assert returned.status == ReportStatus.RETURNED
    client.force_login(desk.staff)
    assert "请核对统计口径" in client.get(reverse("progress:mine")).content.decode()
    versions = dict(Report.objects.values_list("target_id", "version"))
    data = {"action": "submit"} | row_data(returned.target, "33", version=str(versions[returned.target_id]))
    assert client.post(period_url(desk), data).status_code == 302
    client.force_login(desk.reviewer)
    client.post(reverse("progress:review"), {"action": "approve", "report": ids})
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    page = client.get(reverse("progress:target", args=[returned.target_id])).content.decode()
    assert "请核对统计口径" in page  # the history keeps the reason


@pytest.mark.parametrize(
    ("who", "method", "status"),
    [
        ("other_staff", "get_period", 403),
        ("other_staff", "post_period", 403),
        ("reviewer", "post_period", 403),
        ("leader", "post_period", 403),
        ("leader", "get_period", 200),
        ("outsider", "get_period", 403),
        ("outsider", "target", 404),
        ("staff", "review", 403),
        ("other_reviewer", "approve", 403),
        ("staff", "reopen", 403),
        ("reviewer", "correct_other", 404),
    ],
)
def test_permissions(client, desk, who, method, status):
    from tests.factories import PlanFactory

    users = {
        "staff": desk.staff,
        "reviewer": desk.reviewer,
        "other_staff": desk.other_staff,
        "leader": MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.LEADER).user,
        "other_reviewer": MembershipFactory(unit=desk.other_unit, role=Role.REVIEWER).user,
        "outsider": MembershipFactory(role=Role.STAFF).user,  # staff of a unit in another zone
    }
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    client.force_login(users[who])
    if method == "get_period":
        response = client.get(period_url(desk))
    elif method == "post_period":
        response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "99", version="1"))
    elif method == "target":
        response = client.get(reverse("progress:target", args=[desk.amount.pk]))
    elif method == "review":
        response = client.get(reverse("progress:review"))
    elif method == "approve":
        response = client.post(
            reverse("progress:review"),
            {"action": "approve", "report": list(Report.objects.values_list("pk", flat=True))},
        )
    elif method == "reopen":
        response = client.get(reverse("progress:reopen", args=[desk.plan.pk]))
    else:
        other_plan_report = ReportFactory(target__task__plan=PlanFactory())
        response = client.get(reverse("progress:correct", args=[other_plan_report.pk]))
    assert response.status_code == status
    if status == 403:
        assert "无权" in response.content.decode() or "不是" in response.content.decode()
    assert not Report.objects.filter(value=99).exists()
    assert not Report.objects.filter(status="approved").exists()


def test_a_closed_period_shows_read_only_and_refuses_posts(client, desk, settings):
    client.force_login(desk.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with mock.patch("core.clock.today", return_value=desk.today.replace(month=5)):
        page = client.get(period_url(desk)).content.decode()
        assert 'data-period-state="locked">Closed<' in page and 'name="r' not in page
        ask = reverse("progress:late_request_new", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
        assert f'href="{ask}"' in page  # where the staff meet the closed month, they may ask to report late
        response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "1"))
    assert "The deadline of this period has passed" in response.content.decode()
    assert not Report.objects.exists()


def test_a_closed_month_is_never_called_closed_out_on_the_period_pages(client, desk):
    """已销号 is the closing of a follow-up notice; a closed month reads 已截止."""
    client.force_login(desk.staff)
    with mock.patch("core.clock.today", return_value=desk.today.replace(month=5)):
        pages = [
            client.get(reverse("progress:plan_periods", args=[desk.plan.pk, desk.unit.pk])),
            client.get(period_url(desk)),
            client.get(reverse("progress:mine")),
        ]
    for response in pages:
        text = response.content.decode()
        assert 'data-period-state="locked"' in text
        assert "已销号" not in text


def test_a_future_or_malformed_period_is_refused(client, desk):
    client.force_login(desk.staff)
    assert client.get(period_url(desk, period="2026-13")).status_code == 404
    response = client.post(period_url(desk, period="2026-07"), {"action": "save"} | row_data(desk.amount, "1"))
    assert "尚未开始" in response.content.decode()
    assert not Report.objects.exists()


def test_the_zone_admin_reopens_a_closed_period_and_the_unit_can_enter_again(client, desk):
    admin = MembershipFactory(unit=None, zone=desk.plan.zone, role=Role.ADMIN).user
    late = desk.today.replace(month=5)
    with mock.patch("core.clock.today", return_value=late):
        client.force_login(admin)
        response = client.post(
            reverse("progress:reopen", args=[desk.plan.pk]),
            {"unit": desk.unit.pk, "period": "2026-03", "until": "2026-05-10", "reason": ""},
        )
        assert response.status_code == 400
        client.post(
            reverse("progress:reopen", args=[desk.plan.pk]),
            {"unit": desk.unit.pk, "period": "2026-03", "until": "2026-05-10", "reason": "统计数据延迟"},
        )
        client.force_login(desk.staff)
        response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "1"))
    assert response.status_code == 302
    assert ReportEvent.objects.filter(action="saved").count() == 1


def test_a_correction_through_the_page_is_recorded(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    client.force_login(desk.reviewer)
    client.post(
        reverse("progress:review"), {"action": "approve", "report": list(Report.objects.values_list("pk", flat=True))}
    )
    report = Report.objects.get(target=desk.amount)
    url = reverse("progress:correct", args=[report.pk])
    assert f'name="version" value="{report.version}"' in client.get(url).content.decode()
    assert client.post(url, {"value": "33", "reason": "", "version": report.version}).status_code == 400
    assert client.post(url, {"value": "33", "reason": "统计局反馈", "version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.value == Decimal(33)
    assert ReportEvent.objects.filter(report=report, action="corrected", comment="统计局反馈").exists()


def test_an_implausible_correction_on_the_page_asks_for_the_confirmation(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    client.force_login(desk.reviewer)
    client.post(
        reverse("progress:review"), {"action": "approve", "report": list(Report.objects.values_list("pk", flat=True))}
    )
    report = Report.objects.get(target=desk.amount)
    url = reverse("progress:correct", args=[report.pk])
    assert 'name="confirmed"' not in client.get(url).content.decode()
    typed = {"value": "300", "reason": "统计局反馈", "version": report.version}
    asked = client.post(url, typed)
    assert asked.status_code == 400 and 'name="confirmed"' in asked.content.decode()
    assert Report.objects.get(pk=report.pk).value != Decimal(300)
    assert client.post(url, typed | {"confirmed": "on"}).status_code == 302
    assert Report.objects.get(pk=report.pk).value == Decimal(300)


def test_the_period_page_query_count_does_not_grow_with_targets(client, desk, django_assert_max_num_queries):
    from tests.factories import TargetFactory

    client.force_login(desk.staff)
    with django_assert_max_num_queries(20) as few:
        client.get(period_url(desk))
    for n in range(15):
        TargetFactory(task=desk.task, indicator=f"指标{n}", order=10 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(period_url(desk))


def test_a_co_operating_units_staff_sees_on_the_period_pages_only_the_targets_it_shares(client, desk):
    """The period page shows what Target.objects.visible_to shows (the target page and the API
    answer 404 for the rest): another of the lead unit's tasks stays hidden, counts included."""
    from tests.factories import TargetFactory, TaskFactory

    shared_task = TaskFactory(plan=desk.plan, lead_unit=desk.unit, heading="共建园区")
    shared_task.co_units.add(desk.other_unit)
    shared = TargetFactory(task=shared_task, indicator="共建项目", unit="个", value=Decimal(4))
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit") | row_data(shared, "2"))
    assert Report.objects.filter(year=2026, month=3, status="submitted").count() == 4

    client.force_login(desk.other_staff)
    assert client.get(reverse("progress:target", args=[desk.amount.pk])).status_code == 404
    page = client.get(period_url(desk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "共建项目" in text
    assert "固定资产投资" not in text and "新开工项目" not in text
    periods = client.get(reverse("progress:plan_periods", args=[desk.plan.pk, desk.unit.pk]))
    march = next(p for p in periods.context["periods"] if str(p["period"]) == "2026-03")
    assert march["counts"]["submitted"] == 1


def test_the_review_page_refuses_to_let_the_submitter_approve_with_a_message(client, desk):
    MembershipFactory(user=desk.staff, unit=desk.unit, role=Role.REVIEWER)
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    ids = list(Report.objects.values_list("pk", flat=True))
    response = client.post(reverse("progress:review"), {"action": "approve", "report": ids})
    assert response.status_code == 400
    assert any("固定资产投资" in str(message) for message in response.context["messages"])
    assert not Report.objects.filter(status="approved").exists()


def test_a_stale_correction_on_the_page_is_refused_with_the_current_figure(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    client.force_login(desk.reviewer)
    client.post(
        reverse("progress:review"), {"action": "approve", "report": list(Report.objects.values_list("pk", flat=True))}
    )
    report = Report.objects.get(target=desk.amount)
    shown = report.version
    url = reverse("progress:correct", args=[report.pk])
    assert client.post(url, {"value": "33", "reason": "统计局反馈", "version": shown}).status_code == 302
    response = client.post(url, {"value": "35", "reason": "另一处反馈", "version": shown})
    assert response.status_code == 400
    page = response.content.decode()
    assert "另一处反馈" in page  # what was typed is kept
    assert f'name="version" value="{shown + 1}"' in page  # a deliberate second try goes through
    report.refresh_from_db()
    assert report.value == Decimal(33)
    assert ReportEvent.objects.filter(report=report, action="corrected").count() == 1
    missing = client.post(url, {"value": "35", "reason": "另一处反馈"})
    assert missing.status_code == 400 and missing.context["form"].errors["version"]
    assert 'role="alert"' in missing.content.decode()
    report.refresh_from_db()
    assert report.value == Decimal(33)


NOT_IDS = ["²", "9" * 5000, "99999999999999999999"]


@pytest.mark.parametrize("bad", NOT_IDS)
def test_the_review_ignores_report_values_that_are_not_ids(client, desk, bad):
    client.force_login(desk.staff)
    client.post(period_url(desk), full_post(desk, "submit"))
    client.force_login(desk.reviewer)
    response = client.post(reverse("progress:review"), {"action": "approve", "report": [bad]})
    assert response.status_code == 400 and not Report.objects.filter(status=ReportStatus.APPROVED).exists()
    first = Report.objects.order_by("pk").first()
    response = client.post(reverse("progress:review"), {"action": "approve", "report": [bad, first.pk]})
    assert response.status_code == 302
    assert list(Report.objects.filter(status=ReportStatus.APPROVED)) == [first]


@pytest.mark.parametrize("bad", ["²", "9" * 5000, "-1", "2147483648"])
def test_a_version_that_is_not_a_version_counts_as_none_and_overwrites_nothing(client, desk, bad):
    client.force_login(desk.staff)
    client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "10"))
    response = client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "15", version=bad))
    assert response.status_code == 400
    assert Report.objects.get(target=desk.amount).value == Decimal(10)


def test_a_returned_report_saved_with_its_figure_cleared_is_refused_beside_the_field(client, desk):
    """Found by the page fuzzer: the draft save of a returned row without its figure broke the
    "a sent report has a figure" constraint (a 500)."""
    report = ReportFactory(
        target=desk.amount,
        year=2026,
        month=3,
        value=Decimal("30"),
        status="returned",
        submitted_at="2026-04-01T00:00Z",
        returned_at="2026-04-01T01:00Z",
        return_reason="数据有误",
    )
    client.force_login(desk.staff)
    data = {"action": "save"} | row_data(desk.amount, "", version=str(report.version))
    response = client.post(period_url(desk), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "returned" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.value) == ("returned", Decimal("30"))
