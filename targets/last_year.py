"""Last year's monthly year-to-date figures of a plan's targets (上年同期数据), and the
plan's time basis: what the page, the sheet and the import from last year's ledger share.

Seasonal time progress and the year-end projection (``targets.metrics``,
``targets.outlook``) read a target's ``baseline_by_month``; a growth target
reported as its amount reads the same map for its rate. So the grid holds the
plan's amounts with a value (the kinds that follow a trajectory) and its
growth targets reported as an amount, month by month.

A cell is read by the one rule of figures (``core.figures``): plain digits
(full-width digits read as digits), at most four places, a whole number in a
unit that counts whole things, and never below zero (a year-to-date figure of
last year). ``grid_read`` reads typed cells and says what is wrong beside each;
``grid_save`` writes a grid that has nothing wrong, in one transaction, and a
plan out of draft is then owed a recompute (``targets.owed``), as the
assignment page does.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.figures import figure_problem, figure_text, read_plain, whole_number_problem
from plans.choices import PlanStatus, TimeBasis
from plans.models import Plan
from targets import kinds
from targets.choices import ReportedAs
from targets.models import Target, month_map
from targets.owed import plans_mark

MONTHS = tuple(range(1, 13))
# A cell typed longer than this is not a figure (and is kept short on the page).
CELL_LENGTH = 40


def grid_filter() -> Q:
    """The targets that take last year's monthly figures: an amount with a value, or a growth
    (decrease) target reported as its year-to-date amount."""
    amounts = kinds.q(lambda kind: kind.judging.trajectory) & Q(value__isnull=False)
    growth = kinds.q(lambda kind: kind.year_on_year) & Q(reported_as=ReportedAs.AMOUNT)
    return amounts | growth


def grid_targets(plan: Plan) -> list[Target]:
    """The plan's targets of the grid, in plan order, with their tasks (one query)."""
    return list(
        Target.objects.filter(grid_filter(), task__plan=plan)
        .select_related("task")
        .order_by("task__order", "order", "pk")
    )


def stored_months(target: Target) -> dict[int, Decimal]:
    """The target's stored map, read as the engine reads it; an unreadable one as empty."""
    if not target.baseline_by_month:
        return {}
    try:
        return month_map(target.baseline_by_month)
    except ValueError:
        return {}


def cell_unit(target: Target) -> str:
    """The unit a figure of the row is in (none for a growth rate's amount)."""
    return target.figure_unit


@dataclass
class Cell:
    """One month of a row: as typed (or stored), its figure, what is wrong with it."""

    month: int
    typed: str = ""
    value: Decimal | None = None
    error: str = ""
    changed: bool = False


@dataclass
class GridRow:
    """A target's row: twelve cells and what was stored before."""

    target: Target
    cells: list[Cell] = field(default_factory=list)
    stored: dict[int, Decimal] = field(default_factory=dict)
    note: str = ""  # where a row's figures come from (an import), for the page

    @property
    def errors(self) -> list[str]:
        return [cell.error for cell in self.cells if cell.error]

    @property
    def values(self) -> dict[int, Decimal]:
        return {cell.month: cell.value for cell in self.cells if cell.value is not None}

    @property
    def changed(self) -> bool:
        return not self.errors and self.values != self.stored

    @property
    def named_cells(self) -> list[tuple[str, Cell]]:
        """Each cell with its input's name on the page."""
        return [(cell_name(self.target.pk, cell.month), cell) for cell in self.cells]

    @property
    def without_december(self) -> bool:
        """Figures without December's give no season (the share needs last year's whole)."""
        return bool(self.values) and 12 not in self.values


def cell_read(raw: str, *, unit: str) -> tuple[Decimal | None, str]:
    """A typed cell as (figure, "") or (None, what is wrong); an empty cell is (None, "")."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return None, ""
    number = read_plain(text) if len(text) <= CELL_LENGTH else None
    if number is None:
        return None, _("“%(raw)s” is not a number: write it as 12 or 3.5.") % {"raw": text[:CELL_LENGTH]}
    problem = figure_problem(number) or whole_number_problem(number, unit=unit)
    if problem:
        return None, problem
    if number < 0:
        return None, _("A year-to-date figure is not below zero.")
    return number, ""


def row_stored(target: Target) -> GridRow:
    """A target's row as stored."""
    stored = stored_months(target)
    cells = [
        Cell(month=month, typed=figure_text(stored[month]) if month in stored else "", value=stored.get(month))
        for month in MONTHS
    ]
    return GridRow(target=target, cells=cells, stored=stored)


def row_typed(target: Target, typed: Mapping[int, str], *, keep_untyped: bool = False) -> GridRow:
    """A target's row from typed cells, each checked. ``keep_untyped``: a month not in
    ``typed`` keeps its stored figure (an import fills what it found and nothing else)."""
    row = row_stored(target)
    unit = cell_unit(target)
    for cell in row.cells:
        if cell.month not in typed and keep_untyped:
            continue
        raw = (typed.get(cell.month) or "").strip()
        cell.typed = raw
        cell.value, cell.error = cell_read(raw, unit=unit)
        cell.changed = bool(cell.error) or cell.value != row.stored.get(cell.month)
    return row


def grid_stored(plan: Plan) -> list[GridRow]:
    return [row_stored(target) for target in grid_targets(plan)]


def grid_read(targets: list[Target], data: Mapping[str, str]) -> list[GridRow]:
    """The rows of a posted grid: cell ``c<target id>-<month>``."""
    return [
        row_typed(target, {month: str(data.get(cell_name(target.pk, month), "")) for month in MONTHS})
        for target in targets
    ]


def cell_name(target_id: int, month: int) -> str:
    return f"c{target_id}-{month}"


def stored_map(values: Mapping[int, Decimal]) -> dict[str, str] | None:
    """A month map as stored: {"1": "12.5", …} in month order; None for no figure."""
    return {str(month): figure_text(values[month]) for month in sorted(values)} or None


class GridRefused(Exception):
    """Nothing was saved: a cell is wrong, or a target is not of the plan's grid."""


def grid_save(plan: Plan, values: Mapping[int, Mapping[int, Decimal]], *, time_basis: str | None = None) -> int:
    """Store the given months of the given targets (target id → {month: figure}; a target
    given replaces its map whole, one not given is left alone) and the plan's time basis;
    the number of targets changed. Every figure is checked again here, whoever calls; a plan
    out of draft whose judgement changed is owed a recompute."""
    targets = {target.pk: target for target in grid_targets(plan)}
    if set(values) - set(targets):
        raise GridRefused(_("A target named is not among this plan's amounts."))
    if time_basis is not None and time_basis not in TimeBasis.values:
        raise GridRefused(_("Choose straight line or seasonal."))
    changed: list[Target] = []
    for pk, months in values.items():
        target = targets[pk]
        for month, value in months.items():
            problem = "" if month in MONTHS else _("Months run from 1 to 12.")
            problem = problem or cell_read(figure_text(value), unit=cell_unit(target))[1]
            if problem:
                raise GridRefused(problem)
        if dict(months) != stored_months(target):
            target.baseline_by_month = stored_map(months)
            changed.append(target)
    basis_changed = time_basis is not None and time_basis != plan.time_basis
    with transaction.atomic():
        if changed:
            Target.objects.bulk_update(changed, ["baseline_by_month"])
        if basis_changed:
            plan.time_basis = time_basis
            plan.save(update_fields=["time_basis", "updated_at"])
        if (changed or basis_changed) and plan.status != PlanStatus.DRAFT:
            plans_mark([plan.pk])
    return len(changed)
