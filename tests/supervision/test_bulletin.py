"""The monthly bulletin: a Word document laid out as an official notice,
generated on demand or by the monthly job, stored and listed."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from docx import Document

from core.models import JobRun
from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from supervision import tasks
from supervision.bulletin import bulletin_build, bulletin_content, bulletin_render, red_and_black_lists
from supervision.choices import ScoreMode
from supervision.models import Bulletin, SupervisionRule
from supervision.selectors import UnitScore, ranking_title, unit_scores
from supervision.services import bulletin_generate, bulletins_publish
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.factories import ReportFactory, TaskFactory
from tests.supervision.conftest import AS_OF, approve, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def text_of(document) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_bulletin_opens_as_an_official_notice_with_figures_ranking_lists_items_and_notices(zone, issue):
    issue(zone.serious)
    document = Document(io.BytesIO(bulletin_build(plan=zone.plan, period=zone.period, today=zone.today)))
    text = text_of(document)
    title = next(p for p in document.paragraphs if p.text == "关于2014年1-6月重点工作推进情况的通报")
    assert title.alignment == 1  # centred
    assert title.runs[0].font.color.rgb == (0xC0, 0x00, 0x00)
    assert f"{zone.zone.short_name}管督〔2014〕1号" in text and "第1期" in text
    assert "各单位：" in text
    assert "纳入督查的目标共7项" in text
    ranking, lagging, notices = document.tables
    assert table_rows(ranking)[0] == ["排名", "单位", "得分", "完成率", "按时报送率", "红灯指标", "逾期督办"]
    # Year to date, as the ranking page and the dashboard rank by default (test_scores has the sums).
    assert [row[:3] for row in table_rows(ranking)[1:]] == [["1", "经济发展局", "63.9"], ["2", "招商局", "35.2"]]
    assert "红榜：无。" in text  # every unit has a red target
    assert "黑榜：招商局（红灯指标2项、逾期督办0件）、经济发展局（红灯指标1项、逾期督办0件）。" in text
    items = {row[1]: row for row in table_rows(lagging)[1:]}
    assert set(items) == {"新开工项目", "引进亿元以上项目", "实际利用外资", "研发投入占比", "完成招商中心建设"}
    assert items["新开工项目"][3:] == ["经济发展局", "李明", "严重滞后", "已报"]
    assert items["引进亿元以上项目"][5:] == ["严重滞后", "补报"]
    assert items["研发投入占比"][5:] == ["滞后", "逾期未报"]
    assert "数据截至1-5月" in items["研发投入占比"][2]  # the carried figure says its age
    assert "已下发督办单1件" in text
    assert table_rows(notices)[1][0] == "督办〔2014〕1号"
    assert text.splitlines()[-2] == f"{zone.zone.name}督查室" and text.splitlines()[-1] == "2014年7月10日"


def test_the_bulletin_names_its_ranking_basis_and_reports_the_reporting_apart(zone, settings):
    settings.LANGUAGE_CODE = "en"
    document = Document(io.BytesIO(bulletin_build(plan=zone.plan, period=zone.period, today=zone.today)))
    text = text_of(document)
    assert "2. Ranking of units (Year to date, months 1–6)" in text
    assert (
        "Reporting in 2014, months 1–6: 3 reported on time, 1 reported late, 0 awaiting review, "
        "3 overdue and not reported, 0 not yet due." in text
    )
    assert "Reports overdue and not sent: 经济发展局 (2)、招商局 (1)." in text


def test_the_bulletin_ranks_as_the_ranking_page_on_the_same_basis(zone):
    content = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today, mode=ScoreMode.MONTH)
    page = unit_scores(plan=zone.plan, period=zone.period, mode=ScoreMode.MONTH, today=zone.today)
    assert [(s.name, s.score, s.rank) for s in content.ranking] == [(s.name, s.score, s.rank) for s in page]
    assert content.ranking_title == ranking_title(mode=ScoreMode.MONTH, period=zone.period)


def test_a_figure_waiting_for_review_is_not_counted_in_the_bulletin(zone):
    before = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today)
    june = zone.returned.reports.get(year=2014, month=6)
    june.status, june.value = ReportStatus.SUBMITTED, D(20)
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    after = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today)
    assert after.counts == before.counts
    assert [(s.name, s.score) for s in after.ranking] == [(s.name, s.score) for s in before.ranking]
    assert (before.reporting["pending"], after.reporting["pending"]) == (0, 1)
    assert after.reporting["missing"] == before.reporting["missing"] - 1


def test_the_renderer_writes_a_document_whatever_characters_its_texts_hold(zone, issue):
    """python-docx refuses control characters and a lone surrogate cannot be encoded: the
    renderer drops them itself, whatever the content was read from."""
    issue(zone.serious)
    content = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today)
    content.zone = "园区\x00\ud800"
    content.lagging[0].explanation = "滞后\x0b原因\x1f"
    content.ranking[0].name = "单位\ufffe"
    content.open_notices[0].title = "督办\x07"
    document = Document(io.BytesIO(bulletin_render(content)))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    joined = "\n".join(texts)
    assert document.paragraphs[0].text.startswith("园区") and "\ud800" not in joined
    assert "滞后\n原因" in joined and "督办" in joined
    assert not {"\x00", "\x0b", "\x1f", "\ufffe", "\x07"} & set(joined)


def test_the_red_list_takes_the_best_clean_units_and_the_black_list_the_worst_flagged():
    def unit(name, score, red=0, notices=0):
        return UnitScore(unit_id=hash(name), name=name, score=score, red=red, overdue_notices=notices)

    ranking = [unit("甲", 90), unit("乙", 80, red=1), unit("丙", 70), unit("丁", 60), unit("戊", 50, notices=1)]
    red, black = red_and_black_lists(ranking)
    assert [u.name for u in red] == ["甲", "丙", "丁"]
    assert [u.name for u in black] == ["戊", "乙"]


def test_generating_stores_the_file_and_again_replaces_it_keeping_the_number(zone, media):
    first = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.supervisor, today=zone.today)
    assert (first.number, first.generated_by, first.size) == (1, zone.supervisor, first.file.size)
    assert first.title == "关于2014年1-6月重点工作推进情况的通报"
    old_path = first.file.path
    again = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.admin, today=zone.today)
    assert again.pk == first.pk and again.number == 1 and again.generated_by == zone.admin
    assert Bulletin.objects.count() == 1
    import os

    assert os.path.exists(again.file.path)
    assert old_path == again.file.path or not os.path.exists(old_path)
    may = bulletin_generate(plan=zone.plan, period=Period(2014, 5), by=zone.supervisor, today=zone.today)
    assert may.number == 2
    Document(may.file.open("rb"))  # a document Word opens


@pytest.mark.parametrize("who", ["leader", "staff", "other_supervisor"])
def test_only_supervision_generates(zone, who):
    with pytest.raises(PermissionDenied):
        bulletin_generate(plan=zone.plan, period=zone.period, by=getattr(zone, who))


def test_the_monthly_job_publishes_the_previous_month_on_the_plans_day_once(zone):
    assert bulletins_publish(today=dt.date(2014, 7, 9))["generated"] == 0
    # Both zones' published plans cover June 2014.
    assert bulletins_publish(today=dt.date(2014, 7, 10)) == {"generated": 2, "existing": 0, "failed": 0}
    bulletin = Bulletin.objects.get(plan=zone.plan)
    assert (bulletin.year, bulletin.month, bulletin.generated_by) == (2014, 6, None)
    assert bulletins_publish(today=dt.date(2014, 7, 11)) == {"generated": 0, "existing": 2, "failed": 0}
    SupervisionRule.objects.create(plan=zone.plan, bulletin_day=5)
    # July's reports are due on 08-05: its bulletin waits for the month to close.
    assert bulletins_publish(today=dt.date(2014, 8, 5))["generated"] == 0
    assert bulletins_publish(today=dt.date(2014, 8, 6))["generated"] == 1  # only this plan's day has come
    assert Bulletin.objects.get(plan=zone.plan, month=7).number == 2
    assert bulletins_publish(today=dt.date(2015, 3, 20))["generated"] == 0  # past the plan's span


def test_the_job_skips_draft_plans_and_records_its_run(zone):
    zone.plan.status = "draft"
    zone.plan.save()
    counts = tasks.publish_bulletins.apply(args=["2014-07-10"]).get()
    assert counts["generated"] == 1  # the other zone's plan only
    assert not Bulletin.objects.filter(plan=zone.plan).exists()
    assert JobRun.objects.get(kind="publish_bulletins").counts == counts


def test_the_bulletins_page_generates_lists_and_downloads(client, zone):
    client.force_login(zone.supervisor)
    url = reverse("supervision:bulletins")
    page = client.get(url)
    assert page.status_code == 200 and "生成通报" in page.content.decode()
    response = client.post(url, {"plan": zone.plan.pk, "period": "2014-06"})
    assert response.status_code == 302
    listing = client.get(url).content.decode()
    assert "关于2014年1-6月重点工作推进情况的通报" in listing
    bulletin = Bulletin.objects.get()
    download = client.get(reverse("supervision:bulletin_download", args=[bulletin.pk]))
    assert download["Content-Type"].endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    Document(io.BytesIO(b"".join(download.streaming_content)))


def test_the_bulletins_page_refuses_a_bad_period_and_keeps_the_choice(client, zone):
    client.force_login(zone.supervisor)
    response = client.post(reverse("supervision:bulletins"), {"plan": zone.plan.pk, "period": "2099-01"})
    assert response.status_code == 400
    assert not Bulletin.objects.exists()


def test_a_leader_reads_bulletins_but_cannot_generate_and_strangers_are_refused(client, zone):
    bulletin = bulletin_generate(plan=zone.plan, period=zone.period, by=zone.supervisor, today=zone.today)
    client.force_login(zone.leader)
    page = client.get(reverse("supervision:bulletins")).content.decode()
    assert "生成通报" not in page
    assert client.post(reverse("supervision:bulletins"), {"period": "2014-06"}).status_code == 403
    assert client.get(reverse("supervision:bulletin_download", args=[bulletin.pk])).status_code == 200
    client.force_login(zone.other_supervisor)
    assert client.get(reverse("supervision:bulletin_download", args=[bulletin.pk])).status_code == 403
    client.force_login(zone.staff)
    assert client.get(reverse("supervision:bulletins")).status_code == 403


def test_a_lagging_task_is_written_as_a_task_with_its_standing_and_the_reason_given(zone):
    task = TaskFactory(plan=zone.plan, lead_unit=zone.econ, number="3.", path="3", order=3,
                       heading="深化行政审批制度改革")  # fmt: skip
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    approve(item, 6, Standing.LAGGING, progress="方案待审定", problems="上级审批未完成")
    targets_recompute(targets=[item], plan=zone.plan, as_of=AS_OF)
    with translation.override("en"):
        content = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today)
        standing = item.written(D(Standing.LAGGING))
    lagging = next(entry for entry in content.lagging if entry.is_task)
    assert (lagging.indicator, lagging.explanation, lagging.status, lagging.unit) == (
        "Task: 深化行政审批制度改革",
        f"{standing}; problems: 上级审批未完成",
        "Lagging",
        "经济发展局",
    )
    assert [entry.is_task for entry in content.lagging].count(True) == 1  # the other tasks have no item result


@pytest.mark.parametrize("june", [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED])
def test_a_lagging_tasks_reason_comes_from_its_approved_report_only(zone, june):
    """June's report says something else and is not approved (a draft, one
    waiting for review, one returned): the bulletin gives May's approved
    standing with May's approved reason, never June's words."""
    task = TaskFactory(plan=zone.plan, lead_unit=zone.econ, number="3.", path="3", order=3,
                       heading="深化行政审批制度改革")  # fmt: skip
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    approve(item, 5, Standing.LAGGING, problems="上级审批未完成")
    sent = {} if june == ReportStatus.DRAFT else {"submitted_at": at(7, 3)}
    if june == ReportStatus.RETURNED:
        sent.update(returned_at=at(7, 4), return_reason="请补充")
    ReportFactory(target=item, year=2014, month=6, value=D(Standing.LAGGING), status=june, problems="未审核的说法",
                  **sent)  # fmt: skip
    targets_recompute(targets=[item], plan=zone.plan, as_of=AS_OF)
    with translation.override("en"):
        content = bulletin_content(plan=zone.plan, period=zone.period, number=1, today=zone.today)
        standing = item.written(D(Standing.LAGGING))
    (lagging,) = [entry for entry in content.lagging if entry.is_task]
    assert lagging.explanation == f"{standing}; problems: 上级审批未完成"
    assert "未审核的说法" not in lagging.explanation
