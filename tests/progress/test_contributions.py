"""A co-operating unit's part of a task's monthly progress (配合任务): written on
its own period form and saved with it, refused where the unit does not
co-operate or the month is closed, and read, once submitted, by the lead unit
and the reviewer beside the task."""

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.text import TEXT_LIMIT
from progress.choices import ContributionStatus, ReportStatus
from progress.contributions import ContributionInput, contribution_rows, submitted_contributions
from progress.models import Report, TaskContribution
from progress.services import unit_period_save
from targets.choices import Standing
from targets.task_items import task_items_ensure
from tests.factories import MembershipFactory, PlanFactory, ReportFactory, UnitFactory, UserFactory
from zones.choices import Role
from zones.models import Membership
from zones.services import zone_admin_group_ensure


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


@pytest.fixture
def item(desk):
    """The item of 推进重点项目建设 (led by 经济发展局), on which 财政局 co-operates."""
    desk.task.co_units.add(desk.other_unit)
    task_items_ensure(desk.plan)
    return desk.task.targets.task_items().get()


def send_own(desk):
    """财政局 has sent every report it leads this month: only its part is left to write."""
    for target in desk.other_target.task.targets.all():
        ReportFactory(target=target, year=2026, month=3, value=Decimal(1), status=ReportStatus.SUBMITTED,
                      submitted_at=timezone.now())  # fmt: skip


def period_url(desk, unit, period="2026-03"):
    return reverse("progress:period", kwargs={"plan_id": desk.plan.pk, "unit_id": unit.pk, "period": period})


def part_data(item, progress="配合完成资金拨付", problems="", next_steps="", version="", action="save"):
    prefix = f"c{item.pk}-"
    return {
        "action": action,
        f"{prefix}present": "1",
        f"{prefix}progress": progress,
        f"{prefix}problems": problems,
        f"{prefix}next_steps": next_steps,
        f"{prefix}version": version,
    }


def part_html(page: str, item) -> str:
    match = re.search(rf'<tr[^>]*id="part-{item.pk}">(.*?)</tr>', page, re.S)
    assert match, "no co-operation row for the item"
    return match.group(1)


def submitted_part(desk, item, *, month=3, unit=None, progress="配合完成资金拨付", status=ContributionStatus.SUBMITTED):
    return TaskContribution.objects.create(
        target=item,
        unit=unit or desk.other_unit,
        year=2026,
        month=month,
        progress=progress,
        problems="资金未到位",
        next_steps="下月拨付",
        status=status,
        submitted_at=timezone.now() if status == ContributionStatus.SUBMITTED else None,
    )


# --- the model ----------------------------------------------------------------------------


def test_a_unit_has_one_part_per_item_and_period(desk, item):
    submitted_part(desk, item)
    with pytest.raises(IntegrityError), transaction.atomic():
        submitted_part(desk, item, progress="第二份")
    submitted_part(desk, item, month=4)  # another month is another part


def test_a_submitted_part_records_when(desk, item):
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskContribution.objects.create(
            target=item, unit=desk.other_unit, year=2026, month=3, status=ContributionStatus.SUBMITTED
        )


# --- the co-operating unit's form ---------------------------------------------------------


def test_the_co_operating_units_form_lists_the_task_with_three_text_boxes(client, desk, item):
    send_own(desk)
    client.force_login(desk.other_staff)
    page = client.get(period_url(desk, desk.other_unit)).content.decode()
    assert 'id="co-operation"' in page and "配合任务" in page
    row = part_html(page, item)
    assert "推进重点项目建设" in row and "经济发展局" in row
    for name in ("progress", "problems", "next_steps"):
        assert f'name="c{item.pk}-{name}"' in row
    # Save and submit are still offered, for the part.
    assert 'value="submit"' in page


def test_the_lead_units_form_has_no_co_operation_section_for_its_own_task(client, desk, item):
    client.force_login(desk.staff)
    page = client.get(period_url(desk, desk.unit)).content.decode()
    assert 'id="co-operation"' not in page


def test_a_saved_part_is_a_draft_and_the_lead_unit_does_not_see_it(client, desk, item):
    client.force_login(desk.other_staff)
    response = client.post(period_url(desk, desk.other_unit), part_data(item, problems="  资金未到位 "), follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert said == ["本单位在1项配合任务中的进展已存为草稿。"]  # nothing about reports, none of which changed
    part = TaskContribution.objects.get()
    assert (part.target, part.unit, part.year, part.month) == (item, desk.other_unit, 2026, 3)
    assert (part.progress, part.problems, part.status) == ("配合完成资金拨付", "资金未到位", ContributionStatus.DRAFT)
    assert part.updated_by == desk.other_staff and part.submitted_at is None
    client.force_login(desk.staff)
    assert "配合完成资金拨付" not in client.get(period_url(desk, desk.unit)).content.decode()


def test_a_submitted_part_shows_read_only_beside_the_lead_units_task_row(client, desk, item):
    send_own(desk)
    client.force_login(desk.other_staff)
    response = client.post(period_url(desk, desk.other_unit), part_data(item, action="submit"))
    assert response.status_code == 302
    part = TaskContribution.objects.get()
    assert part.status == ContributionStatus.SUBMITTED and part.submitted_by == desk.other_staff
    client.force_login(desk.staff)
    page = client.get(period_url(desk, desk.unit)).content.decode()
    shown = re.search(rf'id="row-{item.pk}">.*?</tr>\s*<tr class="contributions">(.*?)</tr>', page, re.S)
    assert shown, "the part is not under the item's row"
    assert "【财政局】</strong>配合完成资金拨付" in shown.group(1)
    assert "<textarea" not in shown.group(1)
    # The lead unit cannot write the co-operating unit's part from its own form.
    assert f'name="c{item.pk}-progress"' not in page


def test_an_unchanged_draft_is_sent_by_submit_and_a_later_edit_makes_it_a_draft_again(client, desk, item):
    send_own(desk)
    client.force_login(desk.other_staff)
    client.post(period_url(desk, desk.other_unit), part_data(item))
    client.post(period_url(desk, desk.other_unit), part_data(item, version="1", action="submit"))
    part = TaskContribution.objects.get()
    assert (part.status, part.version) == (ContributionStatus.SUBMITTED, 2)
    client.post(period_url(desk, desk.other_unit), part_data(item, progress="改写", version="2"))
    part.refresh_from_db()
    assert (part.progress, part.status) == ("改写", ContributionStatus.DRAFT)
    assert submitted_contributions(targets=[item.pk], period=desk.period) == {}


def test_submitting_a_part_needs_its_progress(client, desk, item):
    send_own(desk)
    client.force_login(desk.other_staff)
    response = client.post(
        period_url(desk, desk.other_unit), part_data(item, progress="", problems="资金未到位", action="submit")
    )
    assert response.status_code == 400
    row = part_html(response.content.decode(), item)
    assert "资金未到位</textarea>" in row and 'class="error"' in row
    assert not TaskContribution.objects.exists()


@pytest.mark.parametrize(
    "field, text",
    [("progress", "资金\x00拨付"), ("problems", "\x1b[31m"), ("next_steps", "长" * (TEXT_LIMIT + 1))],
)
def test_refused_text_saves_nothing_and_keeps_what_was_typed(client, desk, item, field, text):
    client.force_login(desk.other_staff)
    data = part_data(item)
    data[f"c{item.pk}-{field}"] = text
    response = client.post(period_url(desk, desk.other_unit), data)
    assert response.status_code == 400
    assert not TaskContribution.objects.exists()
    row = part_html(response.content.decode(), item)
    assert 'class="error"' in row
    if field != "progress":
        assert "配合完成资金拨付</textarea>" in row


def test_a_refused_part_is_held_back_while_the_units_own_figure_goes_through(client, desk, item):
    """Each on its own merits (the page's partial save): 财政局 leads a figure
    too; a bad part is not saved and comes back marked, the figure is saved."""
    client.force_login(desk.other_staff)
    data = part_data(item, progress="坏\x07")
    data.update({f"r{desk.other_target.pk}-present": "1", f"r{desk.other_target.pk}-value": "3"})
    data[f"r{desk.other_target.pk}-version"] = ""
    response = client.post(period_url(desk, desk.other_unit), data)
    assert response.status_code == 400
    assert not TaskContribution.objects.exists()
    assert Report.objects.get(target=desk.other_target).value == 3
    assert 'class="error"' in part_html(response.content.decode(), item)


def test_a_part_changed_meanwhile_is_refused_then_saved_on_a_second_try(client, desk, item):
    client.force_login(desk.other_staff)
    submitted_part(desk, item, progress="同事写的")  # version 1, saved by a colleague
    response = client.post(period_url(desk, desk.other_unit), part_data(item, progress="我写的", version=""))
    assert response.status_code == 400
    row = part_html(response.content.decode(), item)
    assert "同事写的" in row and "我写的</textarea>" in row
    assert f'name="c{item.pk}-version" value="1"' in row
    assert TaskContribution.objects.get().progress == "同事写的"
    response = client.post(period_url(desk, desk.other_unit), part_data(item, progress="我写的", version="1"))
    assert response.status_code == 302
    assert TaskContribution.objects.get().progress == "我写的"


def test_a_closed_month_refuses_a_part_and_shows_it_read_only(client, desk, item):
    submitted_part(desk, item)
    client.force_login(desk.other_staff)
    with mock.patch("core.clock.today", return_value=dt.date(2026, 5, 1)):
        response = client.post(period_url(desk, desk.other_unit), part_data(item, progress="迟到的", version="1"))
        assert TaskContribution.objects.get().progress == "配合完成资金拨付"
        page = client.get(period_url(desk, desk.other_unit)).content.decode()
    assert response.status_code == 200 and "迟到的" not in response.content.decode()
    row = part_html(page, item)
    assert "配合完成资金拨付" in row and "<textarea" not in row


# --- who may write a part -----------------------------------------------------------------


def test_a_unit_that_does_not_co_operate_is_refused(client, desk, item):
    """A third unit of the zone, not named on the task, forges a part on its own form."""
    third = UnitFactory(zone=desk.plan.zone, name="规划局")
    clerk = MembershipFactory(unit=third, role=Role.STAFF, user=UserFactory(username="third")).user
    client.force_login(clerk)
    assert 'id="co-operation"' not in client.get(period_url(desk, third)).content.decode()
    with pytest.raises(PermissionDenied):
        unit_period_save(
            plan=desk.plan,
            unit=third,
            period=desk.period,
            rows=[],
            by=clerk,
            contributions=[ContributionInput(target_id=item.pk, progress="冒充")],
        )
    assert client.post(period_url(desk, third), part_data(item)).status_code == 302  # the forged box is not read
    assert not TaskContribution.objects.exists()


def test_another_zones_unit_named_on_the_task_is_refused(client, desk, item):
    """A unit of another zone named a co-operating unit by mistake writes nothing here."""
    stranger = UnitFactory(zone=PlanFactory().zone, name="外区财政局")
    desk.task.co_units.add(stranger)
    clerk = MembershipFactory(unit=stranger, role=Role.STAFF, user=UserFactory(username="stranger")).user
    with pytest.raises(PermissionDenied):
        unit_period_save(
            plan=desk.plan,
            unit=stranger,
            period=desk.period,
            rows=[],
            by=clerk,
            contributions=[ContributionInput(target_id=item.pk, progress="越界")],
        )
    assert not contribution_rows(plan=desk.plan, unit=stranger, period=desk.period)
    client.force_login(clerk)
    assert client.get(period_url(desk, stranger)).status_code == 404  # not a unit of the plan's zone
    assert not TaskContribution.objects.exists()


def test_the_lead_units_staff_cannot_write_the_co_operating_units_part(client, desk, item):
    client.force_login(desk.staff)
    response = client.post(period_url(desk, desk.other_unit), part_data(item))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        unit_period_save(
            plan=desk.plan,
            unit=desk.other_unit,
            period=desk.period,
            rows=[],
            by=desk.staff,
            contributions=[ContributionInput(target_id=item.pk, progress="代写")],
        )
    assert not TaskContribution.objects.exists()


# --- the reviewer -------------------------------------------------------------------------


def test_the_reviewer_sees_the_submitted_parts_beside_the_item_and_no_draft(client, desk, item):
    ReportFactory(
        target=item,
        year=2026,
        month=3,
        value=Decimal(Standing.ON_SCHEDULE),
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        progress="牵头推进",
    )
    submitted_part(desk, item)
    drafting = UnitFactory(zone=desk.plan.zone, name="规划局")
    desk.task.co_units.add(drafting)
    submitted_part(desk, item, unit=drafting, progress="草稿内容", status=ContributionStatus.DRAFT)
    submitted_part(desk, item, month=2, progress="上月的")  # another month's part is not this report's
    client.force_login(desk.reviewer)
    page = client.get(reverse("progress:review")).content.decode()
    shown = re.search(r'<tr class="contributions">(.*?)</tr>', page, re.S)
    assert shown and "【财政局】</strong>配合完成资金拨付" in shown.group(1)
    assert "草稿内容" not in page and "上月的" not in page


# --- the way to the form ------------------------------------------------------------------


def test_my_reports_leads_a_co_operating_unit_to_its_part(client, desk, item):
    submitted_part(desk, item)
    client.force_login(desk.other_staff)
    page = client.get(reverse("progress:mine")).content.decode()
    home = re.search(r'id="co-operation-home">(.*?)</section>', page, re.S)
    assert home, "no co-operation tasks on my reports"
    assert f'href="{period_url(desk, desk.other_unit)}#co-operation"' in home.group(1)
    assert re.search(r'<td class="num">1</td><td class="num">1</td>', home.group(1))  # one task, its part submitted
    client.force_login(desk.staff)  # the lead unit co-operates on nothing
    assert 'id="co-operation-home"' not in client.get(reverse("progress:mine")).content.decode()


# --- the admin ----------------------------------------------------------------------------


def test_the_admin_shows_a_part_read_only_to_its_zones_administrator_only(client, desk, item):
    part = submitted_part(desk, item)
    ours = UserFactory(username="zone_admin", is_staff=True)
    theirs = UserFactory(username="foreign_admin", is_staff=True)
    for user, zone in ((ours, desk.plan.zone), (theirs, PlanFactory().zone)):
        user.groups.add(zone_admin_group_ensure())
        Membership.objects.create(user=user, zone=zone, role=Role.ADMIN)
    url = reverse("admin:progress_taskcontribution_change", args=[part.pk])
    client.force_login(ours)
    page = client.get(url)
    assert page.status_code == 200 and "配合完成资金拨付" in page.content.decode()
    assert 'name="progress"' not in page.content.decode()
    client.post(url, {"progress": "改写"})
    assert TaskContribution.objects.get().progress == "配合完成资金拨付"
    client.force_login(theirs)
    assert client.get(url).status_code in (302, 404)


# --- the history --------------------------------------------------------------------------


def test_the_history_records_each_change_and_others_read_the_submissions_only(client, desk, item):
    send_own(desk)
    client.force_login(desk.other_staff)
    url = period_url(desk, desk.other_unit)
    client.post(url, part_data(item, progress="初稿"))
    client.post(url, part_data(item, progress="第一次提交", version="1", action="submit"))
    client.post(url, part_data(item, progress="中途草稿", version="2"))
    client.post(url, part_data(item, progress="第二次提交", next_steps="下月验收", version="3", action="submit"))
    part = TaskContribution.objects.get()
    actions = [(event.action, event.changes) for event in part.events.order_by("at", "id")]
    assert [action for action, _changes in actions] == ["saved", "saved", "submitted", "saved", "saved", "submitted"]
    assert actions[0][1] == {"progress": [None, "初稿"]}
    submissions = [changes for action, changes in actions if action == "submitted"]
    assert submissions == [
        {"progress": [None, "第一次提交"]},
        # Against the previous submission: the draft in between is nobody else's business.
        {"progress": ["第一次提交", "第二次提交"], "next_steps": [None, "下月验收"]},
    ]
    client.force_login(desk.staff)
    page = client.get(reverse("progress:target", args=[item.pk])).content.decode()
    shown = re.search(r'id="co-operation-history">(.*?)</section>', page, re.S).group(1)
    assert "第二次提交" in shown and "财政局" in shown and "下步措施" in shown
    assert "中途草稿" not in page and "初稿" not in page
