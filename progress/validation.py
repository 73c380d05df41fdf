"""Reading and checking a typed year-to-date figure.

Pure functions: they take the raw text and the facts they judge against, and
return the value with any problem, in the user's language. Nothing is saved here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an
from django.utils.translation import gettext as _

from targets.choices import SIGNED_KINDS, TargetKind

MAX_INTEGER_DIGITS = 16  # Report.value is DECIMAL(20, 4)
DECIMAL_PLACES = 4
_QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)

# A unit of measure as (multiplier, base): 万元 is 10⁴ 元. A bare magnitude
# (万, 亿) has no base: it takes the field's.
_UNITS: dict[str, tuple[Decimal, str | None]] = {
    "元": (Decimal(1), "元"),
    "千元": (Decimal(10**3), "元"),
    "万元": (Decimal(10**4), "元"),
    "亿元": (Decimal(10**8), "元"),
    "美元": (Decimal(1), "美元"),
    "万美元": (Decimal(10**4), "美元"),
    "亿美元": (Decimal(10**8), "美元"),
    "平方米": (Decimal(1), "平方米"),
    "万平方米": (Decimal(10**4), "平方米"),
    "米": (Decimal(1), "米"),
    "千米": (Decimal(1000), "米"),
    "公里": (Decimal(1000), "米"),
    "%": (Decimal(1), "%"),
    "‰": (Decimal("0.1"), "%"),
    "万": (Decimal(10**4), None),
    "亿": (Decimal(10**8), None),
}
for _count in ("个", "家", "件", "项", "名", "套", "户", "条", "所", "座", "人", "批", "次", "亩", "台", "吨", "辆"):
    _UNITS[_count] = (Decimal(1), _count)
# Longest first, so 万元 wins over 元 and 万平方米 over 平方米.
_SUFFIXES = sorted(_UNITS, key=len, reverse=True)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class FigureError(Exception):
    """A typed figure that cannot be read; the message is for the user."""


def _unit_of(text: str) -> tuple[Decimal, str | None] | None:
    text = text.strip()
    if text in _UNITS:
        return _UNITS[text]
    return None


def parse_figure(raw: str, *, field_unit: str) -> Decimal:
    """Read a typed figure into the field's unit.

    Accepts full-width characters, thousands separators, Chinese numerals
    (三百, 十二) and a unit (3.2亿 in a 万元 field is 32000); refuses a unit
    that does not convert into the field's.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(",", "").replace(" ", "")
    if not text:
        raise FigureError(_("Enter a number."))
    suffix = next((unit for unit in _SUFFIXES if text.endswith(unit) and len(text) > len(unit)), None)
    number_text = text[: -len(suffix)] if suffix else text
    number = _read_number(number_text)
    if suffix is None or suffix == field_unit:
        _check_places(number)
        return number
    typed = _UNITS[suffix]
    target = _unit_of(field_unit)
    typed_base = typed[1]
    if target is None:
        if typed_base is None and field_unit == "":
            raise FigureError(_("“%(raw)s” carries a unit; this field takes a plain number.") % {"raw": raw})
        raise FigureError(
            _("“%(raw)s” is in %(typed)s, which does not convert into %(unit)s.")
            % {"raw": raw, "typed": suffix, "unit": field_unit or _("a plain number")}
        )
    if typed_base is not None and typed_base != target[1]:
        raise FigureError(
            _("“%(raw)s” is in %(typed)s, which does not convert into %(unit)s.")
            % {"raw": raw, "typed": suffix, "unit": field_unit}
        )
    converted = _tidy((number * typed[0] / target[0]).quantize(_QUANTUM, rounding=ROUND_HALF_UP))
    _check_places(converted)
    return converted


def _read_number(text: str) -> Decimal:
    if _NUMBER.match(text):
        return Decimal(text)
    try:
        value = cn2an.cn2an(text, "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        raise FigureError(_("“%(raw)s” is not a number.") % {"raw": text}) from None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise FigureError(_("“%(raw)s” is not a number.") % {"raw": text}) from None


def _check_places(number: Decimal) -> None:
    if not number.is_finite():
        raise FigureError(_("Enter a finite number."))
    _sign, digits, exponent = number.normalize().as_tuple()
    places = -exponent if exponent < 0 else 0
    integer_digits = len(digits) - places if exponent < 0 else len(digits) + exponent
    if places > DECIMAL_PLACES:
        raise FigureError(_("Use at most %(n)d decimal places.") % {"n": DECIMAL_PLACES})
    if integer_digits > MAX_INTEGER_DIGITS:
        raise FigureError(
            _("The number is too large: at most %(n)d digits before the point.") % {"n": MAX_INTEGER_DIGITS}
        )


@dataclass
class FigureCheck:
    """The outcome of checking one typed figure.

    ``error`` refuses the figure. ``needs_note`` and ``needs_confirmation``
    hold it until the user writes a reason or ticks the confirmation.
    """

    value: Decimal | None = None
    error: str = ""
    needs_note: str = ""
    needs_confirmation: str = ""

    @property
    def blocking(self) -> bool:
        return bool(self.error or self.needs_note or self.needs_confirmation)


def check_figure(
    raw: str,
    *,
    kind: str,
    unit: str,
    target_value: Decimal | None,
    previous: Decimal | None,
    before_previous: Decimal | None = None,
    previous_month: int | None = None,
    month: int,
    note: str = "",
    confirmed: bool = False,
) -> FigureCheck:
    """Check a year-to-date figure against the target and the last periods.

    ``previous`` is the last reported year-to-date figure of the same year
    (month ``previous_month``), ``before_previous`` the one before it.
    """
    check = FigureCheck()
    try:
        value = parse_figure(raw, field_unit="%" if kind == TargetKind.MILESTONE else unit)
    except FigureError as error:
        check.error = str(error)
        return check
    check.value = value
    if value < 0 and kind not in SIGNED_KINDS:
        check.error = _("This target cannot be negative.")
        return check
    if kind == TargetKind.MILESTONE and value > 100:
        check.error = _("The share done runs from 0 to 100%.")
        return check
    if kind == TargetKind.MILESTONE and previous is not None and value < previous and not note.strip():
        check.needs_note = _("Less done than last period (%(previous)s%%): say why.") % {"previous": previous}
        return check
    if kind != TargetKind.AMOUNT:
        return check
    if previous is not None and value < previous and not note.strip():
        check.needs_note = _(
            "The year-to-date figure is below last period's (%(previous)s): write the reason in the note."
        ) % {"previous": _plain(previous)}
        return check
    if confirmed:
        return check
    if target_value is not None and target_value > 0 and value > 2 * target_value:
        check.needs_confirmation = _(
            "%(value)s is more than twice the annual target (%(target)s): confirm it is right."
        ) % {"value": _plain(value), "target": _plain(target_value)}
        return check
    increment = _previous_increment(previous, before_previous, previous_month)
    if previous is not None and increment is not None and increment > 0:
        months = month - (previous_month or month - 1)
        this_increment = (value - previous) / max(months, 1)
        if this_increment > 3 * increment:
            check.needs_confirmation = _(
                "This period adds %(added)s, over three times the previous monthly increment (%(increment)s): "
                "confirm it is right."
            ) % {"added": _plain(value - previous), "increment": _plain(increment)}
    return check


def _previous_increment(
    previous: Decimal | None, before_previous: Decimal | None, previous_month: int | None
) -> Decimal | None:
    """The monthly increment that led to the previous figure."""
    if previous is None:
        return None
    if before_previous is not None:
        return previous - before_previous
    if previous_month:
        return previous / previous_month
    return None


def _tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (32000, not 3.2E+4)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
