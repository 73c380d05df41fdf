"""One scoring definition: the ranking page, the dashboard's ranking box and the
bulletin show the same figures on the same basis, and name that basis in the
same words."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document

from progress.engine.recompute import targets_recompute
from supervision.bulletin import bulletin_build
from supervision.choices import DEFAULT_SCORE_MODE, ScoreMode
from supervision.selectors import ranking_title, unit_scores
from targets.choices import Standing
from targets.models import Target
from targets.task_items import task_items_ensure
from tests.factories import TaskFactory
from tests.supervision.conftest import AS_OF, approve

pytestmark = pytest.mark.django_db


def ranked(scores) -> list[tuple[int, str, str]]:
    return [(s.rank, s.name, str(s.score)) for s in scores]


def heading(html: str) -> str:
    return re.search(r'<h2 id="ranking-title"[^>]*>([^<]*)</h2>', html).group(1)


def test_the_page_the_dashboard_and_the_bulletin_rank_alike_on_the_same_basis(client, zone, settings):
    settings.LANGUAGE_CODE = "en"  # the bulletin's language; the pages follow the browser's
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    cache.clear()
    client.force_login(zone.supervisor)
    ranking_page = client.get(reverse("supervision:ranking"), {"period": "2014-06"})
    dashboard = client.get(reverse("dashboard:plan", args=[zone.plan.pk]), {"period": "2014-06"})
    document = Document(io.BytesIO(bulletin_build(plan=zone.plan, period=zone.period, today=zone.today)))

    on_page = ranked(ranking_page.context["scores"])
    row = r'<tr data-unit="\d+" data-score="([^"]+)"><td class="num"[^>]*>(\d+)</td><td[^>]*>([^<]+)</td>'
    on_board = [(int(rank), name, score) for score, rank, name in re.findall(row, dashboard.content.decode())]
    in_bulletin = [
        (int(row.cells[0].text), row.cells[1].text, row.cells[2].text) for row in document.tables[0].rows[1:]
    ]
    assert on_page == on_board == in_bulletin == [(1, "经济发展局", "63.9"), (2, "招商局", "35.2")]

    title = ranking_title(mode=DEFAULT_SCORE_MODE, period=zone.period)
    assert title == "Ranking of units (Year to date, months 1–6)"
    assert heading(ranking_page.content.decode()) == title
    assert f"2. {title}" in [paragraph.text for paragraph in document.paragraphs]
    # The dashboard's box names the same basis in the same words (ScoreMode's), beside its month.
    html = dashboard.content.decode()
    basis = html[html.index("data-basis>") :]
    assert basis.startswith("data-basis>basis: Year to date · 2014, months 1–6</span>")


def test_a_lagging_task_item_moves_the_same_scores_on_the_page_the_dashboard_and_in_the_bulletin(client, zone):
    task = TaskFactory(plan=zone.plan, lead_unit=zone.econ, number="3.", path="3", order=3, heading="深化审批改革")
    task_items_ensure(zone.plan)
    item = Target.objects.get(task=task, kind="task")
    approve(item, 6, Standing.LAGGING, problems="上级审批未完成")
    targets_recompute(targets=[item], plan=zone.plan, as_of=AS_OF)
    cache.clear()
    client.force_login(zone.supervisor)
    ranking_page = client.get(reverse("supervision:ranking"), {"period": "2014-06"})
    dashboard = client.get(reverse("dashboard:plan", args=[zone.plan.pk]), {"period": "2014-06"})
    document = Document(io.BytesIO(bulletin_build(plan=zone.plan, period=zone.period, today=zone.today)))

    expected = ranked(unit_scores(plan=zone.plan, period=zone.period, mode=DEFAULT_SCORE_MODE, today=zone.today))
    row = r'<tr data-unit="\d+" data-score="([^"]+)"><td class="num"[^>]*>(\d+)</td><td[^>]*>([^<]+)</td>'
    on_board = [(int(rank), name, score) for score, rank, name in re.findall(row, dashboard.content.decode())]
    in_bulletin = [
        (int(row.cells[0].text), row.cells[1].text, row.cells[2].text) for row in document.tables[0].rows[1:]
    ]
    assert ranked(ranking_page.context["scores"]) == on_board == in_bulletin == expected
    scores = {name: score for _rank, name, score in expected}
    # 63.9 and 35.2 without task items: now each task's item is a report due every month (reported
    # only in June, by the third task), and the third task's lagging item adds 0 to its completion.
    assert scores == {"经济发展局": "47.0", "招商局": "31.3"}
    counted = dict(re.findall(r'<tr data-unit="(\d+)".*?data-items[^>]*>([^<]*)<', dashboard.content.decode()))
    assert counted == {str(zone.econ.pk): "4 · 2", str(zone.invest.pk): "3 · 1"}  # 指标 N · 任务 M


def test_another_basis_gives_other_figures_under_another_name(client, zone):
    client.force_login(zone.supervisor)
    monthly = client.get(reverse("supervision:ranking"), {"period": "2014-06", "mode": ScoreMode.MONTH})
    yearly = client.get(reverse("supervision:ranking"), {"period": "2014-06", "mode": ScoreMode.YEAR})
    assert ranked(monthly.context["scores"]) != ranked(yearly.context["scores"])
    assert heading(monthly.content.decode()) != heading(yearly.content.decode())
