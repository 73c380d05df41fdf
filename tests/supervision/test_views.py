"""The supervision pages: who may open them, what they show, forms that keep
input on errors, and query counts that do not grow with rows."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.periods import Period
from progress.choices import ReportStatus
from progress.engine.recompute import targets_recompute
from supervision.choices import NoticeState
from supervision.models import Notice
from tests.factories import TargetFactory, TaskFactory, UserFactory
from tests.supervision.conftest import AS_OF, approve

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(f"supervision:{name}", args=args), params)
    return response, response.content.decode()


# --- the lists ----------------------------------------------------------------------------


def test_the_supervisor_sees_the_flagged_list_with_explanations_and_export_links(client, zone):
    response, html = page(client, zone.supervisor, "index")
    assert response.status_code == 200
    assert "新开工项目" in html and "1-6月完成1.2个" in html and "固定资产投资" not in html
    assert "导出Excel" in html and "export.xlsx?list=flagged" in html
    assert "对所选事项督办" in html


def test_the_tabs_and_filters_narrow_the_list(client, zone):
    _response, html = page(client, zone.supervisor, "index", list="unsubmitted", unit=zone.econ.pk)
    assert "研发投入占比" in html and "完成招商中心建设" not in html and "新开工项目" not in html
    _response, html = page(client, zone.supervisor, "index", list="")
    assert "固定资产投资" in html


def rows_of(response) -> dict[str, tuple]:
    """The list's rows by indicator: (progress status, reporting status, age, pending report)."""
    return {
        result.target.indicator: (result.status, result.reporting, result.data_month, pending)
        for result, _explanation, pending, _returned, _pace in response.context["rows"]
    }


def test_every_row_shows_the_progress_status_and_apart_the_reporting_status(client, zone):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response, html = page(client, zone.supervisor, "index", list="")
    rows = rows_of(response)
    assert rows["研发投入占比"][:3] == ("lagging", "missing", 5)
    assert rows["引进亿元以上项目"][:3] == ("serious", "late", 6)
    row = html[html.index(f'data-target="{zone.unsubmitted.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'data-status="lagging">Lagging<' in row and 'data-reporting="missing">Overdue, not reported<' in row
    assert "Figure as of months 1–5" in row  # the carried figure's age
    returned = html[html.index(f'data-target="{zone.returned.pk}"') :]
    assert 'data-status="on_track"' in returned[: returned.index("</tr>")]


def test_the_lists_filter_by_reporting_status_and_never_mix_it_into_progress(client, zone):
    response, _html = page(client, zone.supervisor, "index", list="unsubmitted")
    assert set(rows_of(response)) == {"研发投入占比", zone.returned.indicator, "完成招商中心建设"}
    response, _html = page(client, zone.supervisor, "index", list="", reporting="late")
    assert set(rows_of(response)) == {"引进亿元以上项目"}
    response, _html = page(client, zone.supervisor, "index")  # the flagged list
    assert zone.returned.indicator not in rows_of(response)
    assert all(status in ("lagging", "serious", "overdue") for status, *_rest in rows_of(response).values())


def test_a_figure_waiting_for_review_is_shown_marked_and_not_counted(client, zone):
    june = zone.returned.reports.get(year=2014, month=6)
    june.status, june.value = ReportStatus.SUBMITTED, D(20)
    june.save()
    targets_recompute(targets=[zone.returned], plan=zone.plan, as_of=AS_OF)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response, html = page(client, zone.supervisor, "index", list="pending")
    ((status, reporting, data_month, pending),) = rows_of(response).values()
    assert (status, reporting, data_month, pending.value) == ("on_track", "pending", 5, D(20))
    assert f'data-pending="{zone.returned.pk}"' in html and "20家" in html


def test_the_list_counts_every_row_and_pages_through_all_of_them(client, zone):
    more = [
        TargetFactory(task=TaskFactory(plan=zone.plan, lead_unit=zone.invest), indicator=f"追加{n:03d}", value=D(100))
        for n in range(150)
    ]
    for target in more:
        approve(target, 6, 1)
    targets_recompute(targets=more, plan=zone.plan, as_of=AS_OF)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    first, html = page(client, zone.supervisor, "index", list="serious")
    assert 'data-count="152"' in html and "152 rows in all" in html
    assert "101–152 of 152" not in html and "1–100 of 152" in html and 'rel="next"' in html
    second, html = page(client, zone.supervisor, "index", list="serious", page=2)
    shown = set(rows_of(first)) | set(rows_of(second))
    assert len(rows_of(second)) == 52 and len(shown) == 152
    assert "101–152 of 152" in html and 'rel="next"' not in html


def test_the_lists_default_to_the_month_just_closed(client, zone, clock_at):
    clock_at(dt.date(2014, 8, 20))  # July closed on 08-05, though nobody reported it
    response, _html = page(client, zone.supervisor, "index")
    assert response.context["period"] == Period(2014, 7)
    client.force_login(zone.supervisor)
    form = client.get(reverse("supervision:bulletins")).context["form"]
    assert form["period"].value() == "2014-07"
    ranking = client.get(reverse("supervision:ranking")).context["period"]
    assert ranking == Period(2014, 7)
    assert client.get(reverse("supervision:ledger")).context["period"] == Period(2014, 7)
    download = client.get(reverse("supervision:ledger_unit", args=[zone.plan.pk, zone.econ.pk]))
    assert "2014年1-7月" in load_workbook(io.BytesIO(download.content)).active["A1"].value


def test_a_bad_filter_is_shown_and_the_page_still_answers(client, zone):
    response, html = page(client, zone.supervisor, "index", period="2099-13")
    assert response.status_code == 400 and "有效" in html


def test_a_leader_reads_the_lists_without_issuing(client, zone):
    response, html = page(client, zone.leader, "index")
    assert response.status_code == 200 and "对所选事项督办" not in html


@pytest.mark.parametrize("who", ["staff", "invest_staff"])
def test_unit_staff_and_strangers_are_refused_the_lists(client, zone, who):
    assert page(client, getattr(zone, who), "index")[0].status_code == 403
    assert page(client, getattr(zone, who), "export_xlsx")[0].status_code == 403
    assert page(client, UserFactory(username="nobody"), "ranking")[0].status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("supervision:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_page_query_count_does_not_grow_with_rows(client, zone, django_assert_max_num_queries):
    client.force_login(zone.supervisor)
    url = reverse("supervision:index")
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    more = []
    for n in range(25):
        target = TargetFactory(
            task=TaskFactory(plan=zone.plan, lead_unit=zone.invest), indicator=f"指标{n}", value=D(100)
        )
        approve(target, 6, 1)
        more.append(target)
    targets_recompute(targets=more, plan=zone.plan, as_of=AS_OF)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "指标24" in html


# --- notices --------------------------------------------------------------------------------


def test_the_supervisor_raises_a_notice_from_the_list(client, zone, clock_at):
    clock_at(zone.today)
    client.force_login(zone.supervisor)
    url = reverse("supervision:notice_new")
    form = client.get(url, {"target": [zone.serious.pk, zone.projects.pk], "period": "2014-06"}).content.decode()
    assert "新开工项目" in form and "引进亿元以上项目" in form and "2014-07-17" in form  # seven days by default
    response = client.post(
        url,
        {
            "target": [zone.serious.pk, zone.projects.pk],
            "period": "2014-06",
            "reply_by": "2014-07-20",
            "requirement": "请于期限前答复",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("supervision:notices")
    assert Notice.objects.count() == 2


def test_a_refused_notice_form_keeps_what_was_typed(client, zone, clock_at):
    clock_at(zone.today)
    client.force_login(zone.supervisor)
    response = client.post(
        reverse("supervision:notice_new"),
        {"target": [zone.serious.pk], "period": "2014-06", "reply_by": "2014-07-01", "requirement": "保留这段要求"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "答复期限不能早于今天" in html and "保留这段要求" in html and 'value="2014-07-01"' in html
    assert not Notice.objects.exists()


def test_only_supervision_opens_the_notice_form(client, zone):
    client.force_login(zone.leader)
    assert client.get(reverse("supervision:notice_new"), {"target": zone.serious.pk}).status_code == 403


def test_the_unit_answers_on_the_notice_page_and_the_supervisor_closes_it(client, zone, issue):
    notice = issue(zone.serious).notices[0]
    url = reverse("supervision:notice", args=[notice.pk])
    _response, html = page(client, zone.staff, "notices")
    assert notice.number in html
    client.force_login(zone.staff)
    html = client.get(url).content.decode()
    assert "答复" in html and "申请延期" in html and "销号" not in html
    # A refused answer keeps the text.
    refused = client.post(
        reverse("supervision:notice_act", args=[notice.pk, "answer"]), {"reason": "原因保留", "expected": "2014-09-30"}
    )
    assert refused.status_code == 400 and "原因保留" in refused.content.decode()
    done = client.post(
        reverse("supervision:notice_act", args=[notice.pk, "answer"]),
        {"reason": "土地未落实", "measures": "加快审批", "expected": "2099-09-30"},
    )
    assert done.status_code == 302
    # The unit head (its reviewer) signs the answer off before supervision sees it.
    client.force_login(zone.reviewer)
    assert "审签" in client.get(url).content.decode()
    signed = client.post(reverse("supervision:notice_act", args=[notice.pk, "sign-off"]), {"note": ""})
    assert signed.status_code == 302
    client.force_login(zone.supervisor)
    html = client.get(url).content.decode()
    assert "土地未落实" in html and "销号" in html
    # 新开工项目 is still seriously lagging: closing asks for a confirmation naming it.
    assert 'id="items-behind"' in html and "新开工项目（严重滞后）" in html
    warned = client.post(reverse("supervision:notice_act", args=[notice.pk, "close"]), {"note": "已整改"})
    assert warned.status_code == 400 and "新开工项目（严重滞后）" in warned.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.ANSWERED
    client.post(reverse("supervision:notice_act", args=[notice.pk, "close"]), {"note": "已整改", "confirm": "on"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    html = client.get(url).content.decode()
    assert html.count("<li>") >= 3 and "已整改" in html


def test_another_units_staff_cannot_open_or_answer_a_notice(client, zone, issue):
    notice = issue(zone.serious).notices[0]
    client.force_login(zone.invest_staff)
    assert client.get(reverse("supervision:notice", args=[notice.pk])).status_code == 403
    response = client.post(
        reverse("supervision:notice_act", args=[notice.pk, "answer"]),
        {"reason": "x", "measures": "y", "expected": "2099-01-01"},
    )
    assert response.status_code == 403
    assert notice.number not in page(client, zone.invest_staff, "notices")[1]


def test_the_staff_cannot_close_and_the_leader_only_reads(client, zone, issue):
    notice = issue(zone.serious).notices[0]
    client.force_login(zone.staff)
    response = client.post(reverse("supervision:notice_act", args=[notice.pk, "close"]), {"note": "自行销号"})
    assert response.status_code == 403
    _response, html = page(client, zone.leader, "notice", notice.pk)
    assert 'id="close"' not in html and 'id="answer"' not in html and notice.number in html


def test_the_extension_journey_on_the_pages(client, zone, issue):
    notice = issue(zone.serious).notices[0]
    client.force_login(zone.reviewer)
    client.post(
        reverse("supervision:notice_act", args=[notice.pk, "request-extension"]),
        {"until": "2014-07-31", "reason": "待审批"},
    )
    client.force_login(zone.supervisor)
    html = client.get(reverse("supervision:notice", args=[notice.pk])).content.decode()
    assert "同意" in html and "不同意" in html
    client.post(reverse("supervision:notice_act", args=[notice.pk, "grant-extension"]), {"note": ""})
    notice.refresh_from_db()
    assert notice.reply_by == dt.date(2014, 7, 31) and notice.state == NoticeState.ISSUED


def test_the_notices_list_query_count_does_not_grow(client, zone, issue, django_assert_max_num_queries):
    issue(zone.serious)
    client.force_login(zone.supervisor)
    url = reverse("supervision:notices")
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    issue(zone.projects)
    issue(zone.unsubmitted)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count("督办〔2014〕") == 3


def test_the_notices_list_counts_every_notice_and_pages_through_them(client, zone, issue, monkeypatch):
    for target in [zone.serious, zone.projects, zone.unsubmitted, zone.lagging, zone.milestone]:
        issue(target)
    monkeypatch.setattr("supervision.views.PAGE_SIZE", 2)
    client.force_login(zone.supervisor)
    first = client.get(reverse("supervision:notices"))
    third = client.get(reverse("supervision:notices"), {"page": 3})
    assert 'data-count="5"' in first.content.decode()
    assert len(first.context["notices"]) == 2 and len(third.context["notices"]) == 1


def test_strangers_have_no_notices_page(client, zone):
    assert page(client, UserFactory(username="nobody"), "notices")[0].status_code == 403


# --- ranking and ledger -----------------------------------------------------------------------


def test_the_ranking_page_shows_scores_in_order_with_the_rules(client, zone):
    response, html = page(client, zone.supervisor, "ranking", period="2014-06")
    assert response.status_code == 200
    assert response.context["mode"] == "year"  # by default on the basis the dashboard and the bulletin use
    assert [(s.name, s.score) for s in response.context["scores"]] == [("经济发展局", D("63.9")), ("招商局", D("35.2"))]
    assert "按时报送" in html
    monthly, _html = page(client, zone.leader, "ranking", period="2014-06", mode="month")
    assert [(s.name, s.score) for s in monthly.context["scores"]] == [
        ("经济发展局", D("47.3")),
        ("招商局", D("33.0")),
    ]


def test_the_ranking_page_names_its_basis(client, zone):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    _response, html = page(client, zone.supervisor, "ranking", period="2014-06")
    assert 'id="ranking-title" data-mode="year">Ranking of units (Year to date, months 1–6)</h2>' in html
    _response, html = page(client, zone.supervisor, "ranking", period="2014-06", mode="month")
    assert 'id="ranking-title" data-mode="month">Ranking of units (Monthly, Month 6)</h2>' in html


def test_the_ranking_page_query_count_is_fixed(client, zone, django_assert_max_num_queries):
    client.force_login(zone.supervisor)
    url = reverse("supervision:ranking")
    client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_a_plan_of_another_zone_is_refused(client, zone):
    assert page(client, zone.supervisor, "ranking", plan=zone.other_plan.pk)[0].status_code == 403


def test_the_ledger_page_offers_each_unit_and_leader(client, zone):
    _response, html = page(client, zone.supervisor, "ledger")
    assert "经济发展局" in html and "招商局" in html and "李明" in html
    _response, html = page(client, zone.staff, "ledger")
    assert "经济发展局" in html and "招商局" not in html


# --- ids that are not ids --------------------------------------------------------------------

NOT_IDS = ["²", "9" * 5000, "99999999999999999999", "0"]


@pytest.mark.parametrize("bad", NOT_IDS)
@pytest.mark.parametrize("name", ["ranking", "ledger", "bulletins"])
def test_a_plan_parameter_that_is_not_an_id_is_a_bad_request(client, zone, name, bad):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response, html = page(client, zone.supervisor, name, plan=bad)
    assert response.status_code == 400
    assert "could not be read" in html


@pytest.mark.parametrize("bad", NOT_IDS)
@pytest.mark.parametrize("key", ["plan", "zone", "unit", "leader"])
def test_a_filter_that_is_not_an_id_is_shown_as_a_bad_filter_and_exports_nothing(client, zone, key, bad):
    assert page(client, zone.supervisor, "index", **{key: bad})[0].status_code == 400
    for export in ("export_xlsx", "export_csv"):
        response = page(client, zone.supervisor, export, **{key: bad})[0]
        assert response.status_code == 302 and response["Location"].startswith(reverse("supervision:index"))


@pytest.mark.parametrize("bad", NOT_IDS)
def test_the_notice_form_ignores_targets_that_are_not_ids(client, zone, bad):
    client.force_login(zone.supervisor)
    url = reverse("supervision:notice_new")
    response = client.get(url, {"target": [bad, zone.lagging.pk], "period": "2014-06"})
    assert response.status_code == 200 and "实际利用外资" in response.content.decode()
    assert client.get(url, {"target": bad}).status_code == 302
    response = client.post(
        url, {"targets": f"{bad},{bad}", "period": "2014-06", "reply_by": "2014-07-20", "requirement": "整改"}
    )
    assert response.status_code == 302 and not Notice.objects.exists()


def test_a_notice_form_posting_more_ids_than_a_page_can_is_answered_not_failed(client, zone):
    client.force_login(zone.supervisor)
    unknown = ",".join(str(n) for n in range(10_000_000, 10_300_000))  # 300,000 ids of nothing
    response = client.post(
        reverse("supervision:notice_new"),
        {"targets": unknown, "period": "2014-06", "reply_by": "2014-07-20", "requirement": "整改"},
    )
    assert response.status_code == 302 and not Notice.objects.exists()
