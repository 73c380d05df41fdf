"""Leaders' instructions (领导批示): a leader writes one on a target, a task or a
notice; the unit sees it on its to-do and answers; the leader is told and
marks it read; the list, its export, the ledger, the bulletin and the API show it."""

import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from core.models import Notification
from supervision.bulletin import bulletin_content, bulletin_render
from supervision.choices import InstructionState
from supervision.exports import LEDGER_TASKS, ledger_workbook
from supervision.instruction_services import instruction_answer, instruction_create
from supervision.instructions import subject_of
from supervision.models import INSTRUCTION_LIMIT, Instruction
from supervision.selectors import ledger
from targets.models import Target
from targets.task_items import task_items_ensure

NEW = reverse("supervision:instruction_new")


def write(client, user, target, text="请加快新开工项目进度，月底前报进展。"):
    client.force_login(user)
    return client.post(NEW, {"subject": "target", "subject_id": target.pk, "text": text})


def answer_url(instruction):
    return reverse("supervision:instruction_answer", args=[instruction.pk])


@pytest.fixture
def english():
    """The ledger in English, so that its headers read as the code names them."""
    with translation.override("en"):
        yield


@pytest.fixture
def instructed(zone):
    return instruction_create(subject=subject_of(target=zone.serious), by=zone.leader, text="请加快新开工项目进度。")


def test_a_leader_writes_an_instruction_on_a_target_and_the_unit_is_told(client, zone):
    response = write(client, zone.leader, zone.serious)
    assert response.status_code == 302
    assert response["Location"] == reverse("progress:target", args=[zone.serious.pk])
    instruction = Instruction.objects.get()
    assert (instruction.target, instruction.unit, instruction.zone, instruction.author) == (
        zone.serious,
        zone.econ,
        zone.zone,
        zone.leader,
    )
    assert instruction.state == InstructionState.PENDING
    told = Notification.objects.filter(kind=Notification.Kind.INSTRUCTED)
    assert set(told.values_list("recipient", flat=True)) == {zone.staff.pk, zone.reviewer.pk}
    assert "请加快新开工项目进度" in told.first().text
    page = client.get(reverse("progress:target", args=[zone.serious.pk])).content.decode()
    assert 'id="instructions"' in page and "请加快新开工项目进度" in page and "待答复" in page


def test_on_a_task_item_page_the_instruction_is_on_the_task(client, zone):
    task_items_ensure(zone.plan)
    item = Target.objects.task_items().get(task=zone.serious.task)
    assert write(client, zone.leader, item).status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.target, instruction.task, instruction.unit) == (None, zone.serious.task, zone.econ)
    assert "请加快新开工项目进度" in client.get(reverse("progress:target", args=[zone.serious.pk])).content.decode()


def test_an_instruction_on_a_notice_goes_to_the_notices_unit(client, zone, issue):
    notice = issue(zone.projects).notices[0]
    client.force_login(zone.leader)
    response = client.post(NEW, {"subject": "notice", "subject_id": notice.pk, "text": "督办事项要按期办结。"})
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert (instruction.notice, instruction.unit) == (notice, zone.invest)
    client.force_login(zone.invest_staff)
    page = client.get(reverse("supervision:notice", args=[notice.pk])).content.decode()
    assert "督办事项要按期办结" in page and 'id="instruction-form"' not in page  # staff read, not write


@pytest.mark.parametrize("who", ["staff", "reviewer", "supervisor", "admin"])
def test_only_leaders_instruct(client, zone, who):
    response = write(client, getattr(zone, who), zone.serious)
    assert response.status_code == 403
    assert not Instruction.objects.exists()
    page = client.get(reverse("progress:target", args=[zone.serious.pk])).content.decode()
    assert 'id="instruction-form"' not in page


def test_another_zones_target_is_not_found(client, zone):
    response = write(client, zone.leader, zone.other_target)
    assert response.status_code == 404
    assert not Instruction.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "请填写批示内容。"),
        ("请加快\x0b进度", "控制字符"),
        ("快" * (INSTRUCTION_LIMIT + 1), str(INSTRUCTION_LIMIT)),
    ],
)
def test_bad_instructions_are_refused_in_chinese_and_keep_what_was_typed(client, zone, text, message):
    response = write(client, zone.leader, zone.serious, text=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "未保存" in page
    if text.strip():
        assert text.strip()[:20] in page  # what was typed is still in the form
    assert not Instruction.objects.exists()
    assert not Notification.objects.exists()


def test_the_database_keeps_an_instruction_on_exactly_one_subject(zone, instructed):
    with pytest.raises(IntegrityError), transaction.atomic():
        Instruction.objects.filter(pk=instructed.pk).update(task=zone.serious.task)
    with pytest.raises(IntegrityError), transaction.atomic():
        Instruction.objects.filter(pk=instructed.pk).update(target=None)


def test_the_unit_sees_it_on_its_to_do_and_answers_and_the_leader_is_told(client, zone, instructed):
    client.force_login(zone.staff)
    home = client.get("/").content.decode()
    assert 'id="todo-instructions"' in home and 'data-badge="instructions">1<' in home
    assert f'data-instruction="{instructed.pk}"' in home
    response = client.post(answer_url(instructed), {"answer": "已协调土地指标，7月底前开工3个。"})
    assert response.status_code == 302
    instructed.refresh_from_db()
    assert instructed.state == InstructionState.ANSWERED
    assert (instructed.answered_by, instructed.answer) == (zone.staff, "已协调土地指标，7月底前开工3个。")
    told = Notification.objects.get(kind=Notification.Kind.INSTRUCTION_ANSWERED)
    assert told.recipient == zone.leader and "已协调土地指标" in told.text
    assert 'id="todo-instructions"' not in client.get("/").content.decode()
    # The answer shows under the instruction wherever it shows.
    client.force_login(zone.leader)
    for url in (
        reverse("progress:target", args=[zone.serious.pk]),
        reverse("supervision:instruction", args=[instructed.pk]),
        reverse("supervision:instructions"),
    ):
        assert "已协调土地指标" in client.get(url).content.decode(), url


def test_the_leader_marks_the_answer_read_and_nobody_else_does(client, zone, instructed):
    instruction_answer(instruction=instructed, by=zone.reviewer, answer="已部署。")
    read = reverse("supervision:instruction_read", args=[instructed.pk])
    client.force_login(zone.supervisor)
    assert client.post(read).status_code == 403
    client.force_login(zone.leader)
    assert client.post(read).status_code == 302
    instructed.refresh_from_db()
    assert instructed.state == InstructionState.READ and instructed.read_at is not None


def test_another_unit_cannot_answer_and_another_zone_does_not_find_it(client, zone, instructed):
    client.force_login(zone.invest_staff)
    assert client.post(answer_url(instructed), {"answer": "越权答复"}).status_code == 404
    client.force_login(zone.other_supervisor)
    assert client.get(reverse("supervision:instruction", args=[instructed.pk])).status_code == 404
    client.force_login(zone.leader)  # reads it, but answers for no unit
    assert client.post(answer_url(instructed), {"answer": "代答"}).status_code == 403
    instructed.refresh_from_db()
    assert instructed.state == InstructionState.PENDING and instructed.answer == ""


@pytest.mark.parametrize(("answer", "message"), [("", "请填写答复内容。"), ("已\x00部署", "控制字符")])
def test_a_bad_answer_is_refused_and_nothing_changes(client, zone, instructed, answer, message):
    client.force_login(zone.staff)
    response = client.post(answer_url(instructed), {"answer": answer})
    assert response.status_code == 400 and message in response.content.decode()
    instructed.refresh_from_db()
    assert instructed.state == InstructionState.PENDING
    assert not Notification.objects.filter(kind=Notification.Kind.INSTRUCTION_ANSWERED).exists()


def test_answering_twice_is_refused(zone, instructed):
    instruction_answer(instruction=instructed, by=zone.staff, answer="第一次")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        instruction_answer(instruction=instructed, by=zone.reviewer, answer="第二次")
    instructed.refresh_from_db()
    assert instructed.answer == "第一次"


def test_the_list_filters_pages_and_exports_with_formulas_neutralised(client, zone):
    first = instruction_create(subject=subject_of(target=zone.serious), by=zone.leader, text="=HYPERLINK(1)")
    instruction_create(subject=subject_of(target=zone.lagging), by=zone.leader, text="招商要提速")
    instruction_answer(instruction=first, by=zone.staff, answer="+已落实")
    client.force_login(zone.leader)
    page = client.get(reverse("supervision:instructions"), {"state": "pending"}).content.decode()
    assert "招商要提速" in page and "=HYPERLINK(1)" not in page
    page = client.get(reverse("supervision:instructions"), {"unit": zone.econ.pk}).content.decode()
    assert "=HYPERLINK(1)" in page and "招商要提速" not in page
    assert client.get(reverse("supervision:instructions"), {"page": "x"}).status_code == 200
    response = client.get(reverse("supervision:instructions_xlsx"), {"unit": zone.econ.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows(min_row=4, values_only=True) for cell in row]
    assert "'=HYPERLINK(1)" in cells and "'+已落实" in cells and "招商要提速" not in cells
    # The unit's staff list only their unit's.
    client.force_login(zone.invest_staff)
    page = client.get(reverse("supervision:instructions")).content.decode()
    assert "招商要提速" in page and "HYPERLINK" not in page


def test_the_ledger_has_a_leaders_instructions_column(zone, instructed, english):
    instruction_answer(instruction=instructed, by=zone.staff, answer="已协调土地指标")
    book = ledger(plan=zone.plan, period=zone.period, unit=zone.econ)
    sheet = load_workbook(io.BytesIO(ledger_workbook(book, subject="经济发展局"))).worksheets[0]
    headers = [cell.value for cell in sheet[3]]
    assert "Leaders' instructions" in headers and len(headers) == len(LEDGER_TASKS)
    rows = [dict(zip(headers, row, strict=True)) for row in sheet.iter_rows(min_row=4, values_only=True)]
    cell = rows[0]["Leaders' instructions"]
    assert "李明" in cell and "请加快新开工项目进度" in cell and "2014-07-10" in cell
    assert "已协调土地指标" in cell and "经济发展局" in cell


def test_the_bulletin_lists_the_periods_instructions_and_answers(zone, clock_at, instructed):
    import datetime as dt

    from plans.periods import Period

    instruction_answer(instruction=instructed, by=zone.staff, answer="已协调土地指标")
    july = Period(2014, 7)
    content = bulletin_content(plan=zone.plan, period=july, number=1, today=dt.date(2014, 8, 10))
    assert [(line.leader, line.text, line.answer, line.unit) for line in content.instructions] == [
        ("李明", "请加快新开工项目进度。", "已协调土地指标", "经济发展局")
    ]
    text = "\n".join(
        cell.text for table in Document(io.BytesIO(bulletin_render(content))).tables for cell in table._cells
    )
    assert "请加快新开工项目进度" in text and "已协调土地指标" in text
    june = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today)
    assert june.instructions == []  # written in July


def test_the_api_lists_what_the_user_may_read(client, zone, instructed):
    client.force_login(zone.staff)
    rows = client.get("/api/v1/instructions/").json()["results"]
    assert [row["id"] for row in rows] == [instructed.pk] and rows[0]["state"] == "pending"
    client.force_login(zone.invest_staff)
    assert client.get("/api/v1/instructions/").json()["results"] == []
    assert client.get(f"/api/v1/instructions/{instructed.pk}/").status_code == 404
