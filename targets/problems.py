"""What the database would refuse about a target, in words.

One check for every way a target is written by hand: the import review (its proposed targets),
the plan's assignment page (a target the importer missed) and anything else that adds one. It
states the model's constraints and the figure columns' limits (``core.figures``) as messages tied
to the field they are about, so that a page shows them beside the field instead of a raw
constraint name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.figures import figure_problem
from targets import kinds
from targets.choices import Comparator


class TargetDraft(Protocol):
    """What a target about to be written holds (an imported ``ParsedTarget``, a page's draft)."""

    indicator: str
    kind: str
    comparator: str
    value: object
    value_high: object
    stretch: object
    start_value: object
    unit: str
    deadline_date: dt.date | None
    quote: str


def decimal_or_none(value) -> Decimal | None:
    """A proposal's number as a Decimal, as it is (``target_problems`` says whether it is a
    figure the database keeps exactly; nothing is rounded here)."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# The figures of a target, by field, with how a message names them.
_FIGURES = (
    ("value", _lazy("the value")),
    ("value_high", _lazy("the high end")),
    ("stretch", _lazy("the stretch value")),
    ("start_value", _lazy("the starting level")),
)


@dataclass(frozen=True)
class TargetProblem:
    """What the database would refuse about a proposed target: the message, and the field of
    the draft it is about (None: the target as a whole), for a page to show it there."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return self.message


def target_problems(target: TargetDraft) -> list[TargetProblem]:
    """What the database would refuse about ``target``, in words (the model's constraints, and
    figures that the figure columns would not keep exactly: core.figures)."""
    problems: list[TargetProblem] = []

    def problem(field: str | None, message: str) -> None:
        problems.append(TargetProblem(field, message))

    figures: dict[str, Decimal | None] = {}
    for name, label in _FIGURES:
        number = figures[name] = decimal_or_none(getattr(target, name, None))
        trouble = None if number is None else figure_problem(number)
        if trouble:
            problem(name, _("%(field)s %(value)s: %(problem)s") % {"field": label, "value": number, "problem": trouble})
    kind = kinds.find(target.kind)
    if not problems:  # the rules between figures compare them: a refused figure would only add noise
        _figure_rules(target, kind, figures["value"], figures["value_high"], figures["stretch"], problem)
    comparators = {choice.value for choice in Comparator}
    if kind is None:
        problem("kind", _("unknown kind “%(kind)s”") % {"kind": target.kind})
    if target.comparator not in comparators:
        problem("comparator", _("unknown comparator “%(comparator)s”") % {"comparator": target.comparator})
    if kind is not None and kind.at_most and target.comparator != Comparator.AT_MOST:
        problem("comparator", _("a ceiling must be “at most”"))
    if kind is not None and kind.needs_deadline and not target.deadline_date:
        problem("deadline_date", _("a milestone needs a due date"))
    if not (target.indicator or "").strip():
        problem("indicator", _("the indicator is empty"))
    elif len(target.indicator) > 200:
        problem("indicator", _("the indicator is longer than 200 characters"))
    if len(target.unit or "") > 20:
        problem("unit", _("the unit is longer than 20 characters"))
    if len(target.quote or "") > 500:
        problem(None, _("the quoted clause is longer than 500 characters"))
    return problems


def _figure_rules(target: TargetDraft, kind: kinds.Kind | None, value, high, stretch, problem) -> None:
    """The model's constraints between the figures, by what the kind calls for (targets.kinds)."""
    if kind is not None and kind.needs_value and value is None:
        problem("value", _("a quantitative target needs a value"))
    if target.comparator == Comparator.RANGE and high is None:
        problem("value_high", _("a range needs its high end"))
    if high is not None and (target.comparator != Comparator.RANGE or value is None or high <= value):
        problem("value_high", _("the high end of a range must be above its low end"))
    if stretch is not None and (target.comparator == Comparator.AT_MOST or value is None or stretch <= value):
        problem("stretch", _("a stretch value must be above the target value"))
    if value is not None and value < 0 and not (kind is not None and kind.negative_value):
        problem("value", _("only a growth rate may be negative"))
