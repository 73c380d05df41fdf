"""The late-report request pages as the staff and the zone office go through them."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingMail
from progress.choices import LateRequestStatus
from progress.models import LateReportRequest, PeriodReopening
from tests.factories import MembershipFactory, UnitFactory, UserFactory, ZoneFactory
from zones.choices import Role

TODAY = dt.date(2026, 4, 20)  # March locked on 16 April; April open


@pytest.fixture(autouse=True)
def clock():
    now = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(9)))
    with mock.patch("core.clock.today", return_value=TODAY), mock.patch("core.clock.now", return_value=now):
        yield


@pytest.fixture
def office(desk):
    desk.staff.email = "staff@example.cn"
    desk.staff.save()
    desk.admin = MembershipFactory(
        unit=None, zone=desk.plan.zone, role=Role.ADMIN, user=UserFactory(username="zone_admin")
    ).user
    return desk


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def ask_url(desk, period="2026-03"):
    return reverse("progress:late_request_new", args=[desk.plan.pk, desk.unit.pk, period])


def ask(client, desk, reason="统计局数据4月18日才核定"):
    client.force_login(desk.staff)
    return client.post(ask_url(desk), {"reason": reason})


def test_staff_meet_the_closed_month_on_my_reports_with_a_button_to_ask(english, office):
    english.force_login(office.staff)
    page = english.get(reverse("progress:mine")).content.decode()
    assert 'id="closed-months"' in page
    assert 'data-period="2026-03"' in page and f'href="{ask_url(office)}"' in page
    assert ">Closed<" in page


def test_asking_without_a_reason_keeps_the_page_and_records_nothing(english, office):
    response = ask(english, office, reason="  ")
    assert response.status_code == 400
    assert "Write why the month must be reported late." in response.content.decode()
    assert not LateReportRequest.objects.exists()


def test_staff_ask_the_zone_office_grants_and_the_staff_are_told_on_their_home_page(english, office):
    response = ask(english, office)
    late = LateReportRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("progress:late_request", args=[late.pk])
    detail = english.get(response["Location"]).content.decode()
    assert "统计局数据4月18日才核定" in detail and "Waiting for the zone office" in detail
    assert 'id="decide"' not in detail  # the staff do not decide
    # A second request for the month waits for the first: the page says so instead of a form.
    again = english.get(ask_url(office)).content.decode()
    assert 'id="late-request"' not in again and "waits for the zone office" in again

    english.force_login(office.admin)
    home = english.get(reverse("home")).content.decode()
    assert 'id="late-waiting"' in home and "1 late-report request waits for your decision." in home
    assert 'id="nav-late-requests"' in home and '<span class="badge count"' in home
    queue = english.get(reverse("progress:late_requests")).content.decode()
    assert "统计局数据4月18日才核定" in queue and "Awaiting decision (1)" in queue
    decide = reverse("progress:late_request_decide", args=[late.pk])
    response = english.post(decide, {"action": "grant", "until": "2026-04-27", "note": "同意"})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.status == LateRequestStatus.GRANTED and late.reopening == PeriodReopening.objects.get()
    assert OutgoingMail.objects.filter(to="staff@example.cn").count() == 1
    assert '<span class="badge count"' not in english.get(reverse("home")).content.decode()

    english.force_login(office.staff)
    home = english.get(reverse("home")).content.decode()
    assert 'id="late-decisions"' in home and "you may report until 2026-04-27" in home
    period = english.get(reverse("progress:period", args=[office.plan.pk, office.unit.pk, "2026-03"]))
    text = period.content.decode()
    assert 'data-period-state="open"' in text and 'name="r' in text  # the month takes figures again
    assert "may report until 2026-04-27" in text
    mine = english.get(reverse("progress:mine")).content.decode()
    assert "Reopened until 2026-04-27." in mine and 'data-period="2026-03"' not in mine.split('id="closed-months"')[-1]


def test_a_refusal_keeps_the_month_closed_and_shows_its_reason_to_the_staff(english, office):
    ask(english, office)
    late = LateReportRequest.objects.get()
    english.force_login(office.admin)
    decide = reverse("progress:late_request_decide", args=[late.pk])
    response = english.post(decide, {"action": "refuse", "reason": ""})
    assert response.status_code == 400 and "Write why the late report is refused." in response.content.decode()
    late.refresh_from_db()
    assert late.status == LateRequestStatus.PENDING
    response = english.post(decide, {"action": "refuse", "reason": "三月数据已由统计局直报"})
    assert response.status_code == 302

    english.force_login(office.staff)
    for url in (
        reverse("home"),
        reverse("progress:mine"),
        reverse("progress:period", args=[office.plan.pk, office.unit.pk, "2026-03"]),
        reverse("progress:late_request", args=[late.pk]),
    ):
        text = english.get(url).content.decode()
        assert "三月数据已由统计局直报" in text, url
    period = english.get(reverse("progress:period", args=[office.plan.pk, office.unit.pk, "2026-03"]))
    assert 'data-period-state="locked"' in period.content.decode()
    assert f'href="{ask_url(office)}"' in period.content.decode()  # they may ask again


def test_a_grant_until_a_past_day_keeps_what_was_typed_and_changes_nothing(english, office):
    ask(english, office)
    late = LateReportRequest.objects.get()
    english.force_login(office.admin)
    response = english.post(
        reverse("progress:late_request_decide", args=[late.pk]),
        {"action": "grant", "until": "2026-04-01", "note": "同意"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "today or later" in text and 'value="2026-04-01"' in text and "同意" in text
    assert not PeriodReopening.objects.exists()


def test_only_the_units_staff_ask_and_only_the_zone_office_decides(client, office):
    client.force_login(office.other_staff)
    assert client.post(ask_url(office), {"reason": "想补报"}).status_code == 403
    client.force_login(office.reviewer)
    assert client.get(ask_url(office)).status_code == 403
    ask(client, office)
    late = LateReportRequest.objects.get()
    decide = reverse("progress:late_request_decide", args=[late.pk])
    for user in (office.staff, office.reviewer):
        client.force_login(user)
        assert client.post(decide, {"action": "grant", "until": "2026-04-27"}).status_code == 403
    foreign = MembershipFactory(unit=None, zone=ZoneFactory(), role=Role.ADMIN).user
    client.force_login(foreign)
    assert client.post(decide, {"action": "grant", "until": "2026-04-27"}).status_code == 404
    assert client.get(reverse("progress:late_request", args=[late.pk])).status_code == 404
    late.refresh_from_db()
    assert late.status == LateRequestStatus.PENDING


def test_the_list_shows_its_full_count_and_pages_through_all_of_it(english, office, django_assert_max_num_queries):
    units = [UnitFactory(zone=office.plan.zone, name=f"单位{n}") for n in range(60)]
    at = timezone.now()
    LateReportRequest.objects.bulk_create(
        LateReportRequest(plan=office.plan, unit=unit, year=2026, month=2, reason=f"原因{n}", requested_at=at)
        for n, unit in enumerate(units)
    )
    english.force_login(office.admin)
    with django_assert_max_num_queries(20):
        first = english.get(reverse("progress:late_requests")).content.decode()
    assert "60 requests" in first and "Page 1 of 2" in first and "Awaiting decision (60)" in first
    second = english.get(reverse("progress:late_requests") + "?status=pending&page=2").content.decode()
    assert second.count('data-late-state="pending"') == 10


def test_all_periods_offer_the_late_report_only_to_the_staff_and_only_for_closed_months_to_report(client, office):
    url = reverse("progress:plan_periods", args=[office.plan.pk, office.unit.pk])
    client.force_login(office.staff)
    periods = {str(p["period"]): p for p in client.get(url).context["periods"]}
    assert periods["2026-03"]["can_ask_late"] and periods["2026-01"]["can_ask_late"]
    assert not periods["2026-04"]["can_ask_late"]  # open: enter it
    assert f'href="{ask_url(office)}"' in client.get(url).content.decode()
    client.force_login(office.reviewer)
    assert not any(p["can_ask_late"] for p in client.get(url).context["periods"])


def test_my_reports_and_all_periods_query_counts_do_not_grow_with_targets_or_requests(
    client, office, django_assert_max_num_queries
):
    from tests.factories import TargetFactory

    client.force_login(office.staff)
    pages = [reverse("progress:mine"), reverse("progress:plan_periods", args=[office.plan.pk, office.unit.pk])]
    counts = []
    for url in pages:
        with django_assert_max_num_queries(60) as few:
            client.get(url)
        counts.append(len(few.captured_queries))
    for n in range(10):
        TargetFactory(task=office.task, indicator=f"指标{n}", order=10 + n)
    ask(client, office)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            client.get(url)


def test_my_reports_reads_the_units_reopenings_once(client, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office.staff)
    with CaptureQueriesContext(connection) as run:
        assert client.get(reverse("progress:mine")).status_code == 200
    reads = [q for q in run.captured_queries if 'FROM "progress_periodreopening"' in q["sql"]]
    assert len(reads) <= 1
