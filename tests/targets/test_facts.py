"""The facts a judgement reads of a target: its month maps are read by the
one function that checks them (targets.models.month_map)."""

from decimal import Decimal

import pytest

from progress.charts import target_chart
from targets.facts import facts_of
from targets.models import month_map
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def test_a_month_map_is_read_by_month_number_whatever_its_keys_digits():
    assert month_map({"03": 12.5, "6": "250", 12: 500}) == {3: Decimal("12.5"), 6: Decimal("250"), 12: Decimal(500)}


def test_the_facts_read_the_stored_maps_and_none_when_empty():
    target = TargetFactory(trajectory={"03": "12.5", "12": "18"}, baseline_by_month={})
    facts = facts_of(target, target.task.plan)
    assert facts.trajectory == {3: Decimal("12.5"), 12: Decimal(18)}
    assert facts.baseline_by_month is None


def test_the_chart_plots_the_trajectory_the_judgement_reads():
    target = TargetFactory(trajectory={"03": "4.5", "12": "18"})
    chart = target_chart(target=target, plan=target.task.plan, results=[])
    (line,) = [series for series in chart["series"] if series["kind"] == "trajectory"]
    assert (line["data"][2], line["data"][11]) == (4.5, 18.0)
    assert sum(value is not None for value in line["data"]) == 2
