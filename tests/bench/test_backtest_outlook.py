"""backtest_outlook: the projection's back-test on last year's figures, per month and basis."""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tests.factories import PlanFactory, TargetFactory, TaskFactory, ZoneFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(r"^\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)$", re.M)


def run(**options) -> str:
    out = StringIO()
    call_command("backtest_outlook", stdout=out, **options)
    return out.getvalue()


def rows(printed: str) -> dict[int, tuple[int, str, str]]:
    return {int(m[1]): (int(m[2]), m[3], m[4]) for m in ROW.finditer(printed)}


def test_it_prints_each_bases_mean_error_as_worked_out_by_hand():
    """Two amounts: last year one ran on the straight line (half by June), the other slow (30%
    by June). From June the run-rate misses the first by 0 and the second by 40%: 20% on
    average; the zone's mean shape (40%) misses each by a quarter: 25%."""
    plan = PlanFactory(zone=ZoneFactory(code="bt-zone"), start_year=2026, end_year=2026, status="published")
    task = TaskFactory(plan=plan)
    TargetFactory(task=task, indicator="甲", unit="亿元", value=120, baseline_by_month={"6": "50", "12": "100"})
    TargetFactory(task=task, indicator="乙", unit="亿元", value=120, baseline_by_month={"6": "30", "12": "100"})
    TargetFactory(task=task, indicator="丙", unit="亿元", value=Decimal(9))  # no history: not measured
    printed = run(zone=["bt-zone"])
    table = rows(printed)
    assert sorted(table) == list(range(1, 12))
    assert table[6] == (2, "20.0%", "25.0%")
    assert all(count == 2 for count, _l, _s in table.values())
    assert "mean error, run-rate:" in printed and "over 11 plan-months" in printed


def test_a_plan_with_one_history_has_no_band_and_none_is_an_error():
    plan = PlanFactory(zone=ZoneFactory(code="bt-one"), start_year=2026, end_year=2026)
    TargetFactory(task=TaskFactory(plan=plan), unit="亿元", value=Decimal(5), baseline_by_month={"12": "4"})
    printed = run(plan=[plan.pk])
    assert rows(printed)[6] == (1, "—", "—") and "no band" in printed
    with pytest.raises(CommandError, match="load_demo"):
        run(zone=["no-such-zone"])


def test_on_the_demo_it_prints_plausible_errors_that_shrink_as_the_year_goes_on():
    if not Path(settings.DEMO_SEEDS_DIR).is_dir():
        pytest.skip("the seed documents are missing")
    from demo.overlay import zone_files
    from demo.services import demo_load

    demo_load(zones=[zone for zone in zone_files() if zone.code == "xinxiang-hitech"])
    table = rows(run())
    assert sorted(table) == list(range(1, 12))
    percent = {month: (float(linear[:-1]), float(seasonal[:-1])) for month, (_n, linear, seasonal) in table.items()}
    assert all(count >= 20 for count, _l, _s in table.values())
    assert all(0 < value < 150 for pair in percent.values() for value in pair)
    for basis in (0, 1):
        assert percent[11][basis] < percent[6][basis] < percent[3][basis]
    assert percent[11][1] < 20  # from November the season misses last year's totals by little
