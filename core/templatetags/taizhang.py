"""Template filters for figures as zones write them, and for people's names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from core.people import display_name as _display_name

register = template.Library()


@register.filter
def figure(value) -> str:
    """A stored figure without trailing zeros: 15.7600 → 15.76, 6.0000 → 6, None → —."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):,}"
    return f"{number.normalize():,f}"


@register.filter
def figure_input(value) -> str:
    """A stored figure for an input field: no trailing zeros, no separators, '' for None."""
    text = figure(value)
    return "" if text == "—" else text.replace(",", "")


@register.filter
def display_name(user) -> str:
    """A person as the app names them (core.people.display_name), — for nobody."""
    return _display_name(user or None, nobody="—")
