"""The benchmarks and load-data commands live in the bench app, out of the
production apps, and still run as ``manage.py bench_…`` with their options.
(bench_recompute runs in tests/progress/engine/test_bulk.py, bench_month_end_users
in tests/load/test_month_end.py.)"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command, get_commands

from plans.models import Plan
from tests.factories import ZoneFactory
from zones.models import Membership, Zone

BENCH_COMMANDS = {
    "bench_export",
    "bench_import",
    "bench_recompute",
    "bench_month_end_users",
    "bench_dashboard_users",
    "bench_pages",
}


def run(name: str, **options) -> str:
    out = StringIO()
    call_command(name, stdout=out, **options)
    return out.getvalue()


def test_every_bench_command_comes_from_the_bench_app():
    found = {name: app for name, app in get_commands().items() if name.startswith("bench")}
    assert found == dict.fromkeys(BENCH_COMMANDS, "bench")


def test_the_import_bench_times_the_parser_on_a_synthetic_plan_of_the_size_asked():
    printed = run("bench_import", size=3000, runs=1)
    assert printed.startswith("synthetic plan of 3000 bytes: ")
    assert "tasks" in printed and "plan_parse over 1 runs: CPU mean" in printed


@pytest.mark.django_db
def test_the_export_bench_exports_every_row_it_built_and_leaves_nothing_behind():
    printed = run("bench_export", rows=30, no_memory=True)
    assert "built 30 rows" in printed
    assert "xlsx: 30 rows" in printed and "csv: 30 rows" in printed
    assert not Zone.objects.filter(code__startswith="bench-").exists()
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_the_dashboard_users_bench_makes_one_leader_per_bench_zone():
    zones = [ZoneFactory(code=f"bench-{n:03d}") for n in range(3)]
    ZoneFactory(code="elsewhere")
    assert run("bench_dashboard_users", leaders=2) == "2 bench leaders ready\n"
    leaders = Membership.objects.filter(role="leader").order_by("user__username")
    assert [(m.user.username, m.zone_id) for m in leaders] == [
        ("bench_leader_0", zones[0].pk),
        ("bench_leader_1", zones[1].pk),
    ]


@pytest.mark.django_db
def test_the_dashboard_users_bench_asks_for_the_bench_zones_first():
    with pytest.raises(CommandError, match="bench_recompute --keep"):
        run("bench_dashboard_users")


@pytest.mark.django_db
def test_the_pages_bench_times_every_month_end_request_and_measures_the_same_work_when_run_again(tmp_path):
    from progress.models import Report

    run("bench_month_end_users", units=6, units_per_zone=3, targets_per_unit=4, out=str(tmp_path))
    first = run("bench_pages", n=2, dir=str(tmp_path))
    lines = {line[:34].strip(): line.split() for line in first.splitlines()[1:]}
    # The leader's task tree and the fixed cost of every page (run_overhead).
    overhead = {"task tree", "my account (overhead)", "login page GET"}
    assert overhead <= set(lines)
    assert set(lines) - overhead == {
        "my reports",
        "period form GET (empty)",
        "period form: save draft POST",
        "period form GET (drafts)",
        "autosave draft POST",
        "period form: submit POST",
        "API targets of the unit",
        "API reports of the period",
        "API period submission POST",
        "plan dashboard (cold cache)",
        "plan dashboard (cached)",
        "region",
        "my tasks (staff)",
        "my tasks (leader)",
        "target page (leader)",
        "target page (staff)",
    }
    # Every request answered as it should, and the submissions went through: 2 by the form, 2 by the API.
    assert {fields[-1] for fields in lines.values()} <= {"200", "302"}
    assert lines["period form: save draft POST"][-1] == "302"
    assert Report.objects.filter(status="submitted").values("target__task__lead_unit").distinct().count() == 4
    # A second run starts from the same empty period and so runs the same queries.
    second = run("bench_pages", n=2, dir=str(tmp_path))
    queries = lambda text: [line.split()[-2] for line in text.splitlines()[1:]]  # noqa: E731
    assert queries(second) == queries(first)


@pytest.mark.django_db
def test_the_pages_bench_asks_for_its_dataset_first(tmp_path):
    with pytest.raises(CommandError, match="bench_month_end_users"):
        run("bench_pages", dir=str(tmp_path))
