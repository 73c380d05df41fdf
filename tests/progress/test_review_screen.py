"""The reviewer's screen: each row with its context, nothing ticked for the reviewer, approving
the clean rows, and a refused step that keeps every tick and reason."""

import datetime as dt
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from progress.choices import ReportStatus
from progress.models import Report
from progress.review import review_groups
from tests.factories import ReportFactory, TargetFactory
from zones import policy


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


AT = timezone.make_aware(dt.datetime(2026, 4, 1, 10))


def report(desk, target, value, status=ReportStatus.SUBMITTED, month=3, **fields):
    extra = {}
    if status != ReportStatus.DRAFT:
        extra = {"submitted_at": AT, "submitted_by": desk.staff}
    if status == ReportStatus.APPROVED:
        extra |= {"approved_at": AT, "approved_by": desk.reviewer}
    return ReportFactory(target=target, year=2026, month=month, status=status, value=Decimal(value), **extra, **fields)


@pytest.fixture
def queue(desk):
    """March waits for review: the investment fell from an approved 27.45 to 20 (with a note), the
    growth rate is behind its target, the projects count on (its February figure is a draft)."""
    report(desk, desk.amount, "27.45", ReportStatus.APPROVED, month=2)
    report(desk, desk.count, "2", ReportStatus.APPROVED, month=1)
    report(desk, desk.count, "9", ReportStatus.DRAFT, month=2)
    return {
        "amount": report(
            desk,
            desk.amount,
            "20",
            value_note="统计口径调整",
            progress="完成投资20亿元",
            problems="两个项目未开工",
            next_steps="加快土地报批",
        ),
        "growth": report(desk, desk.growth, "14.2", progress="增速回落"),
        "count": report(desk, desk.count, "5", progress="新开工5个", returned_at=AT, return_reason="请核实"),
    }


def row_html(page: str, report_id: int) -> str:
    match = re.search(rf'<tr data-report="{report_id}".*?</tr>', page, re.S)
    assert match, f"no row for report {report_id}"
    return match.group(0)


def test_each_row_shows_its_context_and_nothing_is_ticked(client, desk, queue):
    client.force_login(desk.reviewer)
    page = client.get(reverse("progress:review")).content.decode()
    assert not re.search(r'name="report"[^>]*checked', page)
    assert "data-select-all" in page and "review.js" in page
    amount = row_html(page, queue["amount"].pk)
    assert "27.45亿元" in amount and "2026年1-2月" in amount  # the previous approved figure
    assert "-7.45亿元" in amount and "低于上期已审核累计值" in amount and "data-drop" in amount
    assert "完成15.4%" in amount and "序时25%" in amount  # 20 of 130 against 3 of 12 months
    assert 'data-status="lagging"' in amount  # 9.6 points behind
    for text in ("统计口径调整", "完成投资20亿元", "两个项目未开工", "加快土地报批"):
        assert text in amount
    growth = row_html(page, queue["growth"].pk)
    assert 'data-status="lagging"' in growth and "data-drop" not in growth
    count = row_html(page, queue["count"].pk)
    assert "2个" in count and "2026年1月" in count and "9个" not in count  # the draft is no 上期
    assert "重新提交" in count and "请核实" in count and "data-resubmitted" in count
    assert "+3个" in count


def test_the_status_if_approved_is_the_engines_judgement(desk, queue):
    from targets.facts import facts_of
    from targets.judgement import Observation
    from targets.metrics import judge

    (group,) = review_groups(units=policy.review_units(desk.reviewer))
    for row in group.rows:
        expected = judge(facts_of(row.target, desk.plan), Observation(2026, 3, row.report.value))
        assert row.judgement == expected
    assert [row.clean for row in group.rows] == [False, True, True]


def test_approving_the_clean_rows_leaves_the_fall_waiting(client, desk, queue):
    client.force_login(desk.reviewer)
    (group,) = review_groups(units=policy.review_units(desk.reviewer))
    response = client.post(reverse("progress:review"), {"action": f"approve_clean:{group.key}"})
    assert response.status_code == 302
    statuses = {key: Report.objects.get(pk=r.pk).status for key, r in queue.items()}
    assert statuses == {"amount": "submitted", "growth": "approved", "count": "approved"}
    # With only the fall left, there is nothing clean to approve.
    response = client.post(reverse("progress:review"), {"action": f"approve_clean:{group.key}"})
    assert response.status_code == 400 and Report.objects.get(pk=queue["amount"].pk).status == "submitted"


def test_a_jump_the_entry_checks_question_is_not_clean(client, desk):
    report(desk, desk.count, "2", ReportStatus.APPROVED, month=2)
    jump = report(desk, desk.count, "17", value_note="集中开工", progress="集中开工")
    (group,) = review_groups(units=policy.review_units(desk.reviewer))
    (row,) = group.rows
    assert row.warning and not row.drops and not row.clean
    client.force_login(desk.reviewer)
    page = client.get(reverse("progress:review")).content.decode()
    assert "data-warning" in row_html(page, jump.pk)


def test_a_return_without_reason_keeps_every_tick_and_the_typed_reasons(client, desk, queue):
    february = report(desk, desk.growth, "13", month=2)
    client.force_login(desk.reviewer)
    groups = review_groups(units=policy.review_units(desk.reviewer))
    assert len(groups) == 2
    feb, mar = sorted(groups, key=lambda g: g.period.month)
    data = {
        "report": [february.pk, queue["amount"].pk, queue["count"].pk],
        "action": f"return:{mar.key}",
        f"reason-{mar.key}": "  ",
        f"reason-{feb.key}": "二月先写的原因",
    }
    response = client.post(reverse("progress:review"), data)
    assert response.status_code == 400
    page = response.content.decode()
    for ticked in (february.pk, queue["amount"].pk, queue["count"].pk):
        assert re.search(rf'value="{ticked}"[^>]*checked', page)
    assert not re.search(rf'value="{queue["growth"].pk}"[^>]*checked', page)
    opened = rf'<details class="return-box" open>\s*<summary>[^<]*</summary>\s*<label for="reason-{mar.key}"'
    assert re.search(opened, page)
    assert "二月先写的原因" in page
    assert set(Report.objects.filter(month__in=[2, 3], status="returned")) == set()
    # With the reason, only the March group's ticked reports go back; February's tick stays unused.
    data[f"reason-{mar.key}"] = "请核对统计口径"
    assert client.post(reverse("progress:review"), data).status_code == 302
    returned = set(Report.objects.filter(status="returned").values_list("pk", flat=True))
    assert returned == {queue["amount"].pk, queue["count"].pk}
    assert Report.objects.get(pk=february.pk).status == "submitted"


def test_approving_the_selected_acts_on_the_pressed_groups_ticks_only(client, desk, queue):
    february = report(desk, desk.growth, "13", month=2)
    client.force_login(desk.reviewer)
    _feb, mar = sorted(review_groups(units=policy.review_units(desk.reviewer)), key=lambda g: g.period.month)
    data = {"report": [february.pk, queue["growth"].pk], "action": f"approve:{mar.key}"}
    assert client.post(reverse("progress:review"), data).status_code == 302
    assert Report.objects.get(pk=queue["growth"].pk).status == "approved"
    assert Report.objects.get(pk=february.pk).status == "submitted"
    # A group that no longer waits (or never existed) changes nothing.
    response = client.post(reverse("progress:review"), {"report": [february.pk], "action": "approve:9-9-2026-03"})
    assert response.status_code == 400 and Report.objects.get(pk=february.pk).status == "submitted"


def test_a_returned_item_links_the_staff_to_its_row_on_the_period_form(client, desk, queue):
    client.force_login(desk.reviewer)
    client.post(
        reverse("progress:review"), {"report": [queue["growth"].pk], "action": "return", "reason": "请补充说明"}
    )
    client.force_login(desk.staff)
    page = client.get(reverse("progress:mine")).content.decode()
    form_url = reverse("progress:period", args=[desk.plan.pk, desk.unit.pk, "2026-03"])
    assert f'href="{form_url}#row-{desk.growth.pk}"' in page
    assert f'id="row-{desk.growth.pk}"' in client.get(form_url).content.decode()


def test_the_review_page_query_count_does_not_grow_with_rows(client, desk, queue, django_assert_max_num_queries):
    client.force_login(desk.reviewer)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("progress:review"))
    for n in range(12):
        target = TargetFactory(task=desk.task, indicator=f"指标{n}", unit="个", value=Decimal(10), order=10 + n)
        report(desk, target, "1", ReportStatus.APPROVED, month=2)
        report(desk, target, str(n), returned_at=AT if n % 2 else None, return_reason="请核实" if n % 2 else "")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("progress:review")).content.decode()
    assert page.count('name="report"') == 15


def test_a_reason_the_text_rules_refuse_keeps_the_box_open_with_the_rules_word(client, desk, queue):
    client.force_login(desk.reviewer)
    (group,) = review_groups(units=policy.review_units(desk.reviewer))
    data = {"report": [queue["growth"].pk], "action": f"return:{group.key}", f"reason-{group.key}": "口" * 5000}
    response = client.post(reverse("progress:review"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<details class="return-box" open>' in page and 'role="alert"' in page
    assert "口" * 5000 in page and Report.objects.get(pk=queue["growth"].pk).status == "submitted"
