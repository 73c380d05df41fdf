"""How a judgement's figures are written in its sentence, and the pieces of
sentence the kinds of target share (``targets.kinds`` writes each kind's
sentence with them, ``targets.explanations`` the rest)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from core.figures import figure_text
from targets.judgement import Judgement, TargetFacts


def number(value: Decimal | None) -> str:
    """A figure as a sentence writes it: 18, 43.2, 0.0001 (never 1E-4); — for
    none (``core.figures.figure_text``, ungrouped)."""
    return figure_text(value)


def percent(value: Decimal | None) -> str:
    """Percentages always with one decimal, as published: 68.0."""
    return "—" if value is None else f"{value:.1f}"


def unglued(sentence: str, unit: str) -> str:
    """``sentence`` with no unit (nor %) glued to a missing figure's dash:
    "完成—亿元" reads as a figure, "完成—" says there is none."""
    for suffix in {(unit or "").strip(), "%"} - {""}:
        sentence = sentence.replace("—" + suffix, "—")
    return sentence


def behind_or_ahead(judgement: Judgement, *, ahead: str, level: str, behind: str, values: dict) -> str:
    """The sentence of the three that fits the judgement's gap."""
    gap = judgement.gap or Decimal(0)
    template = ahead if gap > 0 else level if gap == 0 else behind
    return template % values


def extras(facts: TargetFacts) -> str:
    """The range's full value and the stretch value, shown beside the floor."""
    parts = []
    if facts.value_high is not None:
        parts.append(
            _(" (range %(low)s–%(high)s%(unit)s)")
            % {"low": number(facts.value), "high": number(facts.value_high), "unit": facts.unit}
        )
    if facts.stretch is not None:
        parts.append(_(" (stretch %(value)s%(unit)s)") % {"value": number(facts.stretch), "unit": facts.unit})
    return "".join(parts)
