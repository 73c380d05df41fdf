"""The demo's zone files (demo/zones/*.yaml): what a seed document does not say.

A plan comes from its seed document through the importer; a zone file adds the zone, its units
and people, who leads which item, starting levels, last year's monthly figures (invented for the
amounts it does not name: ``demo.figures.last_year_series``), the time basis of the plan, and how
each target's demo figures run. A file holds facts only and no key set to its default: the defaults
live here, once (a target not named under ``runs`` runs on track; a task not named under
``tasks`` takes the lead unit and leader of the item above it).

Targets are named ``"<task path> | <indicator>"`` as the importer proposes them; a name that no
proposed target answers to is an error, so a change of the importer that moves a target is seen
at once (tests/demo) instead of leaving the demo silently short.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import yaml

from plans.choices import TimeBasis

ZONES_DIR = Path(__file__).resolve().parent / "zones"


class DemoDataError(ValueError):
    """A zone file that cannot be read as the demo needs it."""


class Run(StrEnum):
    """How a target's demo figures run against where it should be by now."""

    ON_TRACK = "on_track"
    AHEAD = "ahead"
    BEHIND = "behind"  # lagging (滞后)
    FAR_BEHIND = "far_behind"  # seriously lagging (严重滞后)
    DONE = "done"  # reached (an amount) or done (a milestone) before the month just closed
    STALLED = "stalled"  # a milestone that stops short of its date: overdue (逾期) once it passes


@dataclass(frozen=True)
class Assignment:
    """Who leads an item (牵头单位), who co-operates, and its responsible leader."""

    lead: str
    co: tuple[str, ...] = ()
    leader: str = ""


@dataclass(frozen=True)
class ZoneFile:
    key: str
    seed: str  # the seed document's file name under settings.DEMO_SEEDS_DIR
    year: int  # the document's (first) year
    years: int  # how many years the plan spans
    jan_feb_combined: bool
    code: str
    name: str
    short_name: str
    kind: str
    region: tuple[str, str]  # province, city
    prefix: str  # of the demo usernames: xx_admin, xx_leader1 …
    title: str
    units: dict[str, str]  # name → kind, in the zone's order
    leaders: tuple[str, ...]
    tasks: dict[str, Assignment]  # task path → assignment
    runs: dict[str, Run]  # target name → run
    starts: dict[str, Decimal]  # target name → starting level
    last_year: dict[str, tuple[Decimal, ...]]  # target name → last year's year-to-date figure, January–December
    drop: tuple[str, ...]  # target names the administrator unticks in the review
    headline: tuple[str, ...]  # the targets the dashboard shows first (主要指标)
    time_basis: str = TimeBasis.LINEAR  # what judges the plan's amounts: the straight line, or last year's season


_KEYS = {
    "seed",
    "year",
    "years",
    "jan_feb_combined",
    "zone",
    "prefix",
    "title",
    "units",
    "leaders",
    "tasks",
    "runs",
    "starts",
    "last_year",
    "drop",
    "headline",
    "time_basis",
}
_REQUIRED = {"seed", "year", "zone", "prefix", "title", "units", "leaders", "tasks"}
_ZONE_KEYS = {"code", "name", "short_name", "kind", "region"}


def _figure(value: object, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise DemoDataError(f"{where}: {value!r} is not a number")
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise DemoDataError(f"{where}: {value!r} is not a number") from None


def _assignment(path: str, value: object, where: str) -> Assignment:
    if isinstance(value, str):
        return Assignment(lead=value)
    if not isinstance(value, dict) or not value.get("lead") or set(value) - {"lead", "co", "leader"}:
        raise DemoDataError(f"{where}: task {path}: give a lead unit, or lead/co/leader")
    return Assignment(lead=value["lead"], co=tuple(value.get("co") or ()), leader=value.get("leader") or "")


def _time_basis(value: object, where: str) -> str:
    if value not in TimeBasis.values:
        raise DemoDataError(f"{where}: time_basis is linear or seasonal, not {value!r}")
    return str(value)


def zone_file_read(path: Path) -> ZoneFile:
    """Read and check one zone file; raises DemoDataError naming the file and the fault."""
    where = path.name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise DemoDataError(f"{where}: not a mapping")
    unknown, missing = set(data) - _KEYS, _REQUIRED - set(data)
    if unknown or missing:
        raise DemoDataError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    zone = data["zone"]
    if not isinstance(zone, dict) or set(zone) != _ZONE_KEYS:
        raise DemoDataError(f"{where}: zone needs exactly {sorted(_ZONE_KEYS)}")
    units = data["units"]
    if not isinstance(units, dict) or not units:
        raise DemoDataError(f"{where}: units is a mapping of name to kind")
    leaders = tuple(data["leaders"])
    tasks = {str(p): _assignment(str(p), v, where) for p, v in data["tasks"].items()}
    for path_, assignment in tasks.items():
        for name in (assignment.lead, *assignment.co):
            if name not in units:
                raise DemoDataError(f"{where}: task {path_}: no unit named {name}")
        if assignment.leader and assignment.leader not in leaders:
            raise DemoDataError(f"{where}: task {path_}: no leader named {assignment.leader}")
    runs: dict[str, Run] = {}
    for run, names in (data.get("runs") or {}).items():
        try:
            kind = Run(run)
        except ValueError:
            raise DemoDataError(f"{where}: unknown run {run!r} (one of {[r.value for r in Run]})") from None
        for name in names:
            runs[name] = kind
    last_year = {}
    for name, figures in (data.get("last_year") or {}).items():
        if not isinstance(figures, list) or len(figures) != 12:
            raise DemoDataError(f"{where}: last_year {name}: twelve year-to-date figures, January to December")
        last_year[name] = tuple(_figure(v, f"{where}: last_year {name}") for v in figures)
    return ZoneFile(
        key=path.stem,
        seed=data["seed"],
        year=int(data["year"]),
        years=int(data.get("years", 1)),
        jan_feb_combined=bool(data.get("jan_feb_combined", False)),
        code=zone["code"],
        name=zone["name"],
        short_name=zone["short_name"],
        kind=zone["kind"],
        region=(zone["region"][0], zone["region"][1]),
        prefix=data["prefix"],
        title=data["title"],
        units=dict(units),
        leaders=leaders,
        tasks=tasks,
        runs=runs,
        starts={name: _figure(v, f"{where}: starts {name}") for name, v in (data.get("starts") or {}).items()},
        last_year=last_year,
        drop=tuple(data.get("drop") or ()),
        headline=tuple(data.get("headline") or ()),
        time_basis=_time_basis(data.get("time_basis", TimeBasis.LINEAR), where),
    )


def zone_files(directory: Path = ZONES_DIR) -> list[ZoneFile]:
    """Every zone file, in the order of their names (00_xinxiang, 01_ningbo …)."""
    return [zone_file_read(path) for path in sorted(directory.glob("*.yaml"))]


def target_name(task_path: str, indicator: str) -> str:
    """How a zone file names a proposed target."""
    return f"{task_path} | {indicator}"
