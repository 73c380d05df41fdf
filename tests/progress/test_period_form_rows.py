"""The period form takes each row on its own merits (issue 19): valid rows are saved or
submitted, invalid ones keep their stored state and come back with their message and what
was typed, a summary links to them; what a submission needs is marked before the first
try, from the one rule the service applies; the autosave saves drafts through the same save."""

import json
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from progress.choices import ReportStatus
from progress.models import Report
from progress.services import RowInput, unit_period_save
from progress.validation import Requirement, missing_for_submit, submit_requirements
from targets import kinds
from targets.choices import Standing
from targets.task_items import task_items_ensure
from tests.factories import MembershipFactory, ReportFactory, UserFactory
from zones.choices import Role


@pytest.fixture(autouse=True)
def today(desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        yield desk.today


def period_url(desk, name="progress:period", period="2026-03"):
    return reverse(name, kwargs={"plan_id": desk.plan.pk, "unit_id": desk.unit.pk, "period": period})


def row_data(target, value, progress="推进中", version="", **extra):
    prefix = f"r{target.pk}-"
    data = {f"{prefix}present": "1", f"{prefix}value": value, f"{prefix}progress": progress}
    data[f"{prefix}version"] = version
    data.update({f"{prefix}{key}": text for key, text in extra.items()})
    return data


def row_html(page: str, target) -> str:
    match = re.search(rf'<tr[^>]*id="row-{target.pk}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {target}"
    return match.group(1)


def test_submitting_with_one_bad_row_submits_the_others_and_keeps_the_bad_rows_stored_draft(client, desk):
    draft = ReportFactory(target=desk.count, year=2026, month=3, value=Decimal(4), progress="旧说明", status="draft")
    client.force_login(desk.staff)
    data = (
        {"action": "submit"}
        | row_data(desk.amount, "32.5", progress="完成投资")
        | row_data(desk.growth, "14.2", progress="增速平稳")
        | row_data(desk.count, "五个多", progress="我新写的说明", version=str(draft.version))
    )
    response = client.post(period_url(desk), data)
    page = response.content.decode()
    assert response.status_code == 400
    submitted = Report.objects.filter(status=ReportStatus.SUBMITTED)
    assert set(submitted.values_list("target_id", flat=True)) == {desk.amount.pk, desk.growth.pk}
    draft.refresh_from_db()
    assert (draft.value, draft.progress, draft.status, draft.version) == (Decimal(4), "旧说明", "draft", 1)
    # The summary counts both and links to the row needing attention, whose typing is kept.
    summary = re.search(r'id="save-summary".*?</li></ul>', page, re.S).group(0)
    assert "已提交2项" in summary.replace(" ", "") and "1项" in summary
    assert f'href="#row-{desk.count.pk}"' in summary and "新开工项目" in summary
    row = row_html(page, desk.count)
    assert 'value="五个多"' in row and "我新写的说明" in row and "不是数字" in row
    # The rows that went through are shown as stored: submitted, no longer editable.
    assert f'name="r{desk.amount.pk}-value"' not in page


def test_a_second_submit_after_fixing_the_bad_row_sends_it_too(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), {"action": "submit"} | row_data(desk.amount, "32.5") | row_data(desk.count, "x"))
    response = client.post(period_url(desk), {"action": "submit"} | row_data(desk.count, "5"))
    assert response.status_code == 302
    assert Report.objects.get(target=desk.count).status == ReportStatus.SUBMITTED


def test_a_submit_passes_over_empty_rows_and_says_so(client, desk):
    client.force_login(desk.staff)
    data = {"action": "submit"} | row_data(desk.amount, "32.5") | row_data(desk.growth, "", progress="")
    response = client.post(period_url(desk), data, follow=True)
    assert response.redirect_chain
    text = response.content.decode()
    assert "已提交1项" in text.replace(" ", "") and "1项尚未填写" in text.replace(" ", "")
    assert list(Report.objects.values_list("target_id", flat=True)) == [desk.amount.pk]


def test_a_draft_save_keeps_good_rows_when_another_is_refused(client, desk):
    client.force_login(desk.staff)
    data = {"action": "save"} | row_data(desk.amount, "1²") | row_data(desk.growth, "14.2", progress="")
    response = client.post(period_url(desk), data)
    assert response.status_code == 400
    assert Report.objects.get(target=desk.growth).status == ReportStatus.DRAFT
    assert not Report.objects.filter(target=desk.amount).exists()
    assert "草稿已保存1项" in response.content.decode().replace(" ", "")


def test_a_stale_row_is_left_alone_while_the_others_are_saved(client, desk):
    client.force_login(desk.staff)
    client.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "10"))
    colleague = MembershipFactory(unit=desk.unit, role=Role.STAFF, user=UserFactory(first_name="王五")).user
    other = client.__class__()
    other.force_login(colleague)
    other.post(period_url(desk), {"action": "save"} | row_data(desk.amount, "12", version="1"))
    data = {"action": "save"} | row_data(desk.amount, "15", version="1") | row_data(desk.count, "6")
    response = client.post(period_url(desk), data)
    page = response.content.decode()
    assert response.status_code == 400 and "王五" in page
    assert Report.objects.get(target=desk.amount).value == Decimal(12)
    assert Report.objects.get(target=desk.count).value == Decimal(6)
    # The stale row keeps what was typed with the current version, so saving again is deliberate.
    row = row_html(page, desk.amount)
    assert 'value="15"' in row and f'name="r{desk.amount.pk}-version" value="2"' in row


def test_the_conflict_table_writes_a_task_items_standing_in_words(client, desk):
    task_items_ensure(desk.plan)
    item = desk.task.targets.task_items().get()
    client.force_login(desk.staff)
    client.post(period_url(desk), {"action": "save"} | row_data(item, str(Standing.ON_SCHEDULE.value)))
    colleague = MembershipFactory(unit=desk.unit, role=Role.STAFF).user
    other = client.__class__()
    other.force_login(colleague)
    other.post(period_url(desk), {"action": "save"} | row_data(item, str(Standing.DONE.value), version="1"))
    response = client.post(period_url(desk), {"action": "save"} | row_data(item, "0", version="1"))
    table = re.search(r"<h2>[^<]*</h2>\s*<table.*?</table>", response.content.decode(), re.S).group(0)
    assert str(Standing.DONE.label) in table


def test_required_fields_are_marked_before_the_first_try_by_the_services_rule(client, desk):
    task_items_ensure(desk.plan)
    item = desk.task.targets.task_items().get()
    client.force_login(desk.staff)
    page = client.get(period_url(desk)).content.decode()
    figure_row, item_row = row_html(page, desk.amount), row_html(page, item)

    def marked(row, target, name):
        label = re.search(rf'<label class="field-label" for="r{target.pk}-{name}">(.*?)</label>', row, re.S)
        mark = re.search(r'<span class="req"[^>]*>', label.group(1))
        return None if mark is None else ("hidden" not in mark.group(0))

    assert marked(figure_row, desk.amount, "value") and marked(figure_row, desk.amount, "progress")
    assert marked(figure_row, desk.amount, "problems") is None and marked(figure_row, desk.amount, "next_steps") is None
    assert marked(item_row, item, "value") and marked(item_row, item, "progress")
    assert marked(item_row, item, "problems") is False  # present, shown once the standing is 滞后
    assert f'data-required-when="{Standing.LAGGING.value}"' in item_row
    # A row saved as lagging opens with its reason marked.
    client.post(period_url(desk), {"action": "save"} | row_data(item, str(Standing.LAGGING.value)))
    item_row = row_html(client.get(period_url(desk)).content.decode(), item)
    assert marked(item_row, item, "problems") is True


def test_the_marks_and_the_refusal_come_from_one_rule():
    figure = submit_requirements(kinds.AMOUNT.key)
    item = submit_requirements(kinds.TASK.key)
    assert [r.field for r in figure] == ["value", "progress"]
    assert Requirement("problems", when_standing=Standing.LAGGING) in item
    lagging = missing_for_submit(kinds.TASK.key, typed={"value": "0", "progress": "x"}, standing=Decimal(0))
    assert list(lagging) == ["problems"]
    assert missing_for_submit(kinds.TASK.key, typed={"value": "1", "progress": "x"}, standing=Decimal(1)) == {}
    assert set(missing_for_submit(kinds.AMOUNT.key, typed={}, standing=None)) == {"value", "progress"}


def test_the_service_partial_save_reports_versions_errors_and_blanks(desk):
    result = unit_period_save(
        plan=desk.plan,
        unit=desk.unit,
        period=desk.period,
        by=desk.staff,
        submit=True,
        today=desk.today,
        partial=True,
        rows=[
            RowInput(desk.amount.pk, "32.5", progress="推进"),
            RowInput(desk.growth.pk, "-"),
            RowInput(desk.count.pk),
        ],
    )
    assert not result.ok and result.submitted == 1
    assert set(result.errors) == {desk.growth.pk} and result.blank == [desk.count.pk]
    assert result.versions == {desk.amount.pk: 1}


def autosave(client, desk, data):
    response = client.post(period_url(desk, "progress:period_draft"), data)
    return response, json.loads(response.content) if response["Content-Type"] == "application/json" else None


def test_the_autosave_saves_drafts_row_by_row_and_answers_versions_and_errors(client, desk):
    client.force_login(desk.staff)
    response, answer = autosave(client, desk, row_data(desk.amount, "30") | row_data(desk.count, "不知道"))
    assert response.status_code == 200
    report = Report.objects.get(target=desk.amount)
    assert (report.value, report.status) == (Decimal(30), ReportStatus.DRAFT)
    assert answer["versions"] == {str(desk.amount.pk): report.version}
    assert "不是数字" in answer["errors"][str(desk.count.pk)]["value"]
    assert re.match(r"已自动保存 \d\d:\d\d", answer["status"])
    assert not Report.objects.filter(target=desk.count).exists()
    # The next autosave carries the version it was given.
    response, answer = autosave(client, desk, row_data(desk.amount, "31", version=str(report.version)))
    assert answer["ok"] and Report.objects.get(target=desk.amount).value == Decimal(31)


def test_the_autosave_never_submits_and_leaves_a_changed_row_alone(client, desk):
    client.force_login(desk.staff)
    autosave(client, desk, {"action": "submit"} | row_data(desk.amount, "30"))
    assert Report.objects.get(target=desk.amount).status == ReportStatus.DRAFT
    _response, answer = autosave(client, desk, row_data(desk.amount, "99", version=""))
    assert str(desk.amount.pk) in answer["conflicts"] and not answer["ok"]
    assert Report.objects.get(target=desk.amount).value == Decimal(30)


def test_the_autosave_refuses_a_closed_period_others_and_gets(client, desk):
    client.force_login(desk.staff)
    with mock.patch("core.clock.today", return_value=desk.today.replace(month=5, day=1)):
        closed, answer = autosave(client, desk, row_data(desk.amount, "30"))
    assert closed.status_code == 409 and answer["status"]
    assert client.get(period_url(desk, "progress:period_draft")).status_code == 405
    client.force_login(desk.other_staff)
    assert client.post(period_url(desk, "progress:period_draft"), row_data(desk.amount, "30")).status_code == 403
    client.force_login(desk.reviewer)
    assert client.post(period_url(desk, "progress:period_draft"), row_data(desk.amount, "30")).status_code == 403
    assert not Report.objects.exists()


def test_the_form_names_its_autosave_endpoint_and_script(client, desk):
    client.force_login(desk.staff)
    page = client.get(period_url(desk)).content.decode()
    assert f'data-autosave="{period_url(desk, "progress:period_draft")}"' in page
    assert "js/period_form.js" in page
    client.force_login(desk.reviewer)
    assert "data-autosave=" not in client.get(period_url(desk)).content.decode()
