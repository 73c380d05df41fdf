"""Template filters for figures as zones write them, and for people's names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from core.figures import figure_text, figure_with_unit
from core.people import display_name as _display_name

register = template.Library()


@register.filter
def figure(value) -> str:
    """A stored figure as the pages show it (core.figures.figure_text, grouped):
    15.7600 → 15.76, 12345 → 12,345, None → —; text that is no number as it is."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return figure_text(number, grouped=True)


@register.filter
def figure_in(value, unit) -> str:
    """``{{ value|figure_in:unit }}``: the figure with its unit glued on (12,345.6亿元),
    or — alone for none (``core.figures.figure_with_unit``)."""
    if value is None or value == "":
        return figure_with_unit(None, unit)
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return figure_with_unit(number, unit, grouped=True)


@register.filter
def figure_input(value) -> str:
    """A stored figure for an input field: no trailing zeros, no separators, '' for None."""
    text = figure(value)
    return "" if text == "—" else text.replace(",", "")


@register.filter
def display_name(user) -> str:
    """A person as the app names them (core.people.display_name), — for nobody."""
    return _display_name(user or None, nobody="—")


@register.simple_tag
def evidence_accept() -> str:
    """The file input's hint of the evidence it takes (.pdf,.png,…); the content decides."""
    from core.uploads import EVIDENCE_ACCEPT

    return EVIDENCE_ACCEPT


@register.simple_tag
def evidence_max_mb() -> str:
    """The largest evidence file, in MB as people write it (10, 2.5)."""
    from core.uploads import attachment_max_bytes, megabytes

    return megabytes(attachment_max_bytes())
