"""The month-end load harness: the dataset opens the right period to the right
people, the figures the users type pass the app's checks, and the checker
finds what is missing, changed or never sent."""

from __future__ import annotations

import datetime as dt
import json
import random
import stat
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from bench.management.commands.bench_month_end_users import lock_after_days_for, month_just_ended
from core import clock
from loadtests.month_end_check import Findings, check_figures, recompute_state
from loadtests.month_end_figures import every_nth, month_figure
from plans.periods import Period, PeriodState
from progress.engine.tasks import recompute_owed
from progress.models import Report
from progress.selectors import effective_period_state, period_rows
from progress.services import RowInput, unit_period_save
from progress.validation import check_figure
from targets.models import Target
from zones import policy
from zones.models import Unit, Zone


def test_the_period_submitted_at_month_end_is_the_month_before_today():
    assert month_just_ended(dt.date(2026, 11, 24)) == Period(2026, 10)
    assert month_just_ended(dt.date(2027, 1, 3)) == Period(2026, 12)


def test_the_lock_keeps_the_period_open_a_week_from_today():
    assert lock_after_days_for(Period(2026, 10), due_day=5, today=dt.date(2026, 11, 24)) == 26
    assert lock_after_days_for(Period(2026, 10), due_day=5, today=dt.date(2026, 11, 2)) == 10  # the default suffices


def test_every_nth_picks_exactly_the_share_spread_evenly():
    picked = [i for i in range(200) if every_nth(i, 0.25)]
    assert len(picked) == 50
    assert picked[:3] == [3, 7, 11]
    assert not any(every_nth(i, 0) for i in range(10))


@pytest.fixture
def month_end(db, tmp_path, settings):
    call_command("bench_month_end_users", units=4, units_per_zone=2, targets_per_unit=5, out=str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    return manifest, tmp_path


def test_each_staff_user_enters_for_a_unit_of_their_own_in_an_open_period(month_end):
    manifest, _ = month_end
    period = Period.parse(manifest["period"])
    assert period == month_just_ended(clock.today())
    assert len({entry["unit"] for entry in manifest["staff"]}) == 4
    for entry in manifest["staff"]:
        unit = Unit.objects.get(pk=entry["unit"])
        user = unit.memberships.get().user
        assert user.username == entry["username"]
        assert policy.can_enter(user, unit)
        plan = unit.zone.plans.get()
        assert effective_period_state(plan=plan, unit=unit, period=period, today=clock.today()) is PeriodState.OPEN
        rows = period_rows(plan=plan, unit=unit, period=period)
        assert [row.target.pk for row in rows] == [row["target"] for row in entry["targets"]]
        assert all(row.report is None for row in rows)  # nothing submitted yet
    assert len(manifest["leaders"]) == 2


def test_the_sessions_handed_to_the_load_test_are_logged_in_and_private(month_end):
    manifest, out = month_end
    path = out / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    credentials = json.loads(path.read_text())
    entry = manifest["staff"][0]
    client = Client()
    client.cookies[credentials["cookie"]] = credentials["sessions"][entry["username"]]
    page = client.get("/progress/")
    assert page.status_code == 200
    assert f"/progress/plans/{entry['plan']}/units/{entry['unit']}/periods/{manifest['period']}/" in page.text
    api = Client().get(
        f"/api/v1/targets/?plan={entry['plan']}&lead_unit={entry['unit']}",
        HTTP_AUTHORIZATION=f"Token {credentials['tokens'][entry['username']]}",
    )
    assert api.status_code == 200
    assert sorted(t["id"] for t in api.json()["results"]) == sorted(row["target"] for row in entry["targets"])


def test_a_second_build_replaces_the_first(month_end, tmp_path):
    call_command("bench_month_end_users", units=4, units_per_zone=2, targets_per_unit=5, out=str(tmp_path))
    assert Zone.objects.filter(code__startswith="monthend-").count() == 2
    assert Target.objects.filter(task__plan__zone__code__startswith="monthend-").count() == 20


def test_the_typed_figures_pass_the_apps_plausibility_checks(month_end):
    manifest, _ = month_end
    period = Period.parse(manifest["period"])
    rng = random.Random(7)
    for entry in manifest["staff"]:
        for row in entry["targets"]:
            target = Target.objects.get(pk=row["target"])
            previous = Decimal(row["previous"]) if row["previous"] else None
            for _ in range(20):
                check = check_figure(
                    month_figure(row, rng),
                    kind=target.kind,
                    unit=target.unit,
                    target_value=target.value,
                    previous=previous,
                    previous_month=period.month - 1 or None,
                    month=period.month,
                )
                assert not check.blocking, (target.kind, check)


def _submit(entry: dict, period: Period, figures: dict[int, str]) -> None:
    unit = Unit.objects.get(pk=entry["unit"])
    result = unit_period_save(
        plan=unit.zone.plans.get(),
        unit=unit,
        period=period,
        rows=[RowInput(target_id=t, raw_value=v, progress="月末填报") for t, v in figures.items()],
        by=unit.memberships.get().user,
        submit=True,
    )
    assert result.ok, result.errors


def _sent(entry: dict, period: Period, figures: dict[int, str]) -> dict:
    return {
        "username": entry["username"],
        "plan": entry["plan"],
        "unit": entry["unit"],
        "period": str(period),
        "via": "form",
        "figures": {str(t): v for t, v in figures.items()},
    }


def _figures(entry: dict) -> dict[int, str]:
    rng = random.Random(entry["unit"])
    return {row["target"]: month_figure(row, rng) for row in entry["targets"]}


def test_the_checker_accepts_figures_stored_exactly_as_confirmed(
    month_end, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(recompute_owed, "apply_async", lambda args, countdown=None: recompute_owed(*args))
    manifest, _ = month_end
    period = Period.parse(manifest["period"])
    first, second = manifest["staff"][:2]
    one, two = _figures(first), _figures(second)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(first, period, one)
        _submit(second, period, two)  # sent, then the run ended before the answer came
    findings = Findings()
    submitted = check_figures(manifest, [_sent(first, period, one)], [_sent(second, period, two)], findings)
    assert findings.problems == []
    assert findings.confirmed_units == 1 and findings.unconfirmed_units == 1
    assert len(submitted) == 10
    since = dt.datetime.fromisoformat(manifest["built_at"])
    waiting, wrong = recompute_state(submitted, since=since, period=period)
    assert (waiting, wrong) == ([], [])


def test_the_checker_reports_a_changed_missing_or_unsent_figure(month_end):
    manifest, _ = month_end
    period = Period.parse(manifest["period"])
    first, second, third = manifest["staff"][:3]
    one, two = _figures(first), _figures(second)
    _submit(first, period, one)
    _submit(third, period, _figures(third))  # in the database, sent by nobody
    target = next(iter(one))
    told = {**one, target: str(Decimal(one[target]) + 1)}
    findings = Findings()
    submitted = check_figures(manifest, [_sent(first, period, told), _sent(second, period, two)], [], findings)
    text = "\n".join(findings.problems)
    assert f"target {target}: value {Decimal(one[target]):.4f} in the database" in text
    assert "confirmed but not in the database" in text  # the second unit's figures were never stored
    assert f"unit {third['unit']}: 5 figures submitted that its user never sent" in text
    assert not findings.ok
    since = dt.datetime.fromisoformat(manifest["built_at"])
    waiting, _wrong = recompute_state(submitted, since=since, period=period)
    assert sorted(waiting) == sorted(Report.objects.filter(status="submitted").values_list("target_id", flat=True))


def test_the_freshness_summary_prints_the_delays_and_counts_a_timeout_as_a_problem(tmp_path, capsys):
    from loadtests.month_end_check import freshness_summary

    lines = [{"target": 10 + i, "plan": 1, "result_s": 1.0, "page_s": float(i + 1)} for i in range(20)]
    lines.append({"target": 99, "plan": 1, "timeout": "page"})
    lines.append({"target": 100, "plan": 1, "approved": True})  # the run ended before it was timed
    (tmp_path / "freshness-1.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    findings = Findings()

    probed = freshness_summary(tmp_path, findings)

    assert probed == frozenset([*range(10, 30), 99, 100])
    assert "20 probes, p50=11.0 s p95=20.0 s" in capsys.readouterr().out
    assert findings.problems == ["freshness probe: target 99 not shown on the dashboard within 120 s"]
