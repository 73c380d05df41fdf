"""Reading and checking a typed year-to-date figure.

Pure functions: they take the raw text and the facts they judge against, and
return the value with any problem, in the user's language. Nothing is saved here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded

import cn2an
from django.utils import translation
from django.utils.translation import gettext as _

from core.figures import (
    COUNT_UNITS,
    DECIMAL_PLACES,
    figure_problem,
    figure_text,
    places_and_integer_digits,
    read_plain,
    whole_number_problem,
)
from targets import kinds
from targets.choices import Standing

# Full-width forms of ASCII (U+FF01–U+FF5E: １２３．５，％) and the ideographic
# space, as a Chinese input method types them. Nothing else is folded: NFKC
# would also read ² as 2, ½ as 1⁄2 and ⑫ as 12, figures nobody typed.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: ord(" ")}

# A unit of measure as (power of ten, base): 万元 is 10⁴ 元, ‰ is 10⁻¹ %. A bare
# magnitude (万, 亿) has no base: it takes the field's, where the field's unit
# counts or measures something (元, 美元, 平方米, 个 …), never a rate.
_UNITS: dict[str, tuple[int, str | None]] = {
    "元": (0, "元"),
    "千元": (3, "元"),
    "万元": (4, "元"),
    "亿元": (8, "元"),
    "美元": (0, "美元"),
    "万美元": (4, "美元"),
    "亿美元": (8, "美元"),
    "平方米": (0, "平方米"),
    "万平方米": (4, "平方米"),
    "米": (0, "米"),
    "千米": (3, "米"),
    "公里": (3, "米"),
    "%": (0, "%"),
    "‰": (-1, "%"),
    "万": (4, None),
    "亿": (8, None),
}
for _count in sorted(COUNT_UNITS | {"亩", "吨"}):
    _UNITS[_count] = (0, _count)
# Longest first, so 万元 wins over 元 and 万平方米 over 平方米.
_SUFFIXES = sorted(_UNITS, key=len, reverse=True)
_RATES = {"%"}  # bases a bare 万 or 亿 never applies to

# Digits grouped by commas in threes: 1,234 and 1,234,567.5 (a comma anywhere
# else, as in 1,5, is a mistyped point or a typo, not a separator).
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?\Z")
# A plain number followed by Chinese magnitudes in rising order: 1.5千, 3百, 2十万.
_MAGNITUDES = {"十": 1, "百": 2, "千": 3, "万": 4, "亿": 8}
_SCALED = re.compile(r"(?P<number>[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+))(?P<scale>[十百千万亿]+)\Z")
# Chinese numerals (三百, 十二, 一二三, 壹佰) and the digits cn2an reads among them (12万3).
_NUMERAL_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖幺"
_NUMERAL = re.compile(rf"[负+-]?[0-9{_NUMERAL_DIGITS}十百千万亿拾佰仟]+\Z")
_FRACTION_DIGITS = dict(zip("零〇一二三四五六七八九", "00123456789", strict=True)) | dict(
    zip("壹贰叁肆伍陆柒捌玖", "123456789", strict=True)
)
MAX_TYPED = 60  # characters of a typed figure; a longer one is not a figure
# Shifting the point of at most MAX_TYPED digits never rounds in this context;
# the traps make sure of it.
_EXACT = Context(prec=2 * MAX_TYPED, traps=[Inexact, Rounded, InvalidOperation])


class FigureError(Exception):
    """A typed figure that cannot be read; the message is for the user."""


def parse_figure(raw: str, *, field_unit: str) -> Decimal:
    """Read a typed figure into the field's unit, exactly, or say why not.

    Accepts full-width characters, thousands separators (1,234), Chinese
    numerals (三百, 十二, 三点五) and a unit that converts into the field's
    (3.2亿 in a 万元 field is 32000). Refuses what it would have to guess or
    change: a comma that is not a thousands separator (1,5), any other
    character (1²), a bare 万 or 亿 for a rate (3.2亿 in a % field), a unit
    that does not convert, and a figure that does not fit a figure column
    (core.figures) as it stands, before or after conversion (1元 into 亿元 is
    0.00000001: refused, not rounded to 0).
    """
    text = (raw or "").translate(_FULL_WIDTH).strip()
    if not text:
        raise FigureError(_("Enter a number."))
    if len(text) > MAX_TYPED:
        raise FigureError(_("“%(raw)s” is not a number.") % {"raw": text[:20] + "…"})
    suffix = next((unit for unit in _SUFFIXES if text.endswith(unit) and len(text) > len(unit)), None)
    number = _read_number(text[: -len(suffix)].rstrip() if suffix else text, raw=raw.strip())
    if suffix is None or suffix == field_unit.strip():
        return _fitting(number)
    converted = _convert(number, typed=suffix, field_unit=field_unit.strip(), raw=raw.strip())
    places, _digits = places_and_integer_digits(converted)
    if places > DECIMAL_PLACES:
        raise FigureError(
            _(
                "“%(raw)s” is %(value)s %(unit)s, with more than %(n)d decimal places: it would be rounded. "
                "Round it yourself if that is what you mean."
            )
            % {"raw": raw.strip(), "value": figure_text(converted), "unit": field_unit, "n": DECIMAL_PLACES}
        )
    return _fitting(converted)


def _fitting(number: Decimal) -> Decimal:
    problem = figure_problem(number)
    if problem:
        raise FigureError(problem)
    return _tidy(number)


def _convert(number: Decimal, *, typed: str, field_unit: str, raw: str) -> Decimal:
    """``number`` in unit ``typed`` as a number in ``field_unit``: a shift of its
    decimal point, so exact whatever its digits."""
    typed_power, typed_base = _UNITS[typed]
    field = _UNITS.get(field_unit)
    if field is None:
        if typed_base is None and field_unit == "":
            raise FigureError(_("“%(raw)s” carries a unit; this field takes a plain number.") % {"raw": raw})
        raise FigureError(
            _("“%(raw)s” is in %(typed)s, which does not convert into %(unit)s.")
            % {"raw": raw, "typed": typed, "unit": field_unit or _("a plain number")}
        )
    field_power, field_base = field
    if typed_base is None and field_base in _RATES:
        raise FigureError(
            _("“%(raw)s”: %(typed)s counts an amount and does not apply to a figure in %(unit)s.")
            % {"raw": raw, "typed": typed, "unit": field_unit}
        )
    if typed_base is not None and typed_base != field_base:
        raise FigureError(
            _("“%(raw)s” is in %(typed)s, which does not convert into %(unit)s.")
            % {"raw": raw, "typed": typed, "unit": field_unit}
        )
    return number.scaleb(typed_power - field_power, _EXACT)


def _read_number(text: str, *, raw: str) -> Decimal:
    """The number ``text`` writes, exactly: plain or grouped digits, digits with
    Chinese magnitudes (1.5千), or Chinese numerals (三百, 三点五)."""
    if "," in text:
        if not _GROUPED.match(text):
            raise FigureError(
                _(
                    "“%(raw)s”: a comma is read only as a thousands separator, as in 1,234 or 1,234,567.5; "
                    "write decimals with a point."
                )
                % {"raw": raw}
            )
        text = text.replace(",", "")
    number = read_plain(text)
    if number is not None:
        return number
    scaled = _SCALED.match(text)
    if scaled:
        powers = [_MAGNITUDES[character] for character in scaled["scale"]]
        if powers == sorted(set(powers)):
            return Decimal(scaled["number"]).scaleb(sum(powers), _EXACT)
    if _NUMERAL.match(text.replace("点", "", 1)) and "." not in text:
        number = _read_numeral(text)
        if number is not None:
            return number
    raise FigureError(_("“%(raw)s” is not a number.") % {"raw": raw})


def _read_numeral(text: str) -> Decimal | None:
    """Chinese numerals: the whole part through cn2an (which must give a whole
    number), the digits after 点 one by one, so that nothing goes through a float."""
    whole, point, fraction = text.partition("点")
    sign = ""
    if whole[:1] in ("负", "-", "+"):
        sign, whole = ("-" if whole[0] != "+" else ""), whole[1:]
    if not whole:
        return None
    try:
        integer = cn2an.cn2an(whole, "smart")
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    if not isinstance(integer, int) or integer < 0:
        return None
    if not point:
        return Decimal(f"{sign}{integer}")
    digits = "".join(_FRACTION_DIGITS.get(character, character) for character in fraction)
    if not digits.isascii() or not (digits.isdigit() or digits == ""):
        return None
    return Decimal(f"{sign}{integer}.{digits}")


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
    confirmed_value: Decimal | None = None,
) -> FigureCheck:
    """Check a year-to-date figure against the target and the last periods,
    by what the kind's figures may be (``targets.kinds``: a share done, a
    signed rate, a year-to-date total).

    ``previous`` is the last approved year-to-date figure of the same year
    (month ``previous_month``), ``before_previous`` the one before it
    (``progress.selectors.period_rows``): a draft or a figure waiting for
    review is no standard to hold this one to. A figure in a unit that counts
    whole things (个, 家, 项 …) is a whole number (``core.figures``).
    ``confirmed_value`` is a figure the user confirmed before (kept on the
    report): the same figure again needs no new confirmation.
    """
    check = FigureCheck()
    rules = kinds.get(kind)
    if rules.figures.standing:
        return _standing_check(raw, check)
    try:
        value = parse_figure(raw, field_unit=rules.figure_unit(unit))
    except FigureError as error:
        check.error = str(error)
        return check
    check.value = value
    if value < 0 and not rules.figures.signed:
        check.error = _("This target cannot be negative.")
        return check
    whole = whole_number_problem(value, unit=rules.figure_unit(unit))
    if whole:
        check.error = whole
        return check
    if rules.figures.share_done and value > 100:
        check.error = _("The share done runs from 0 to 100%.")
        return check
    if rules.figures.share_done and previous is not None and value < previous and not note.strip():
        check.needs_note = _("Less done than last period (%(previous)s%%): say why.") % {"previous": previous}
        return check
    if not rules.figures.cumulative:
        return check
    if previous is not None and value < previous and not note.strip():
        check.needs_note = _(
            "The year-to-date figure is below last period's (%(previous)s): write the reason in the note."
        ) % {"previous": figure_text(previous)}
        return check
    if confirmed or (confirmed_value is not None and value == confirmed_value):
        return check
    if target_value is not None and target_value > 0 and value > 2 * target_value:
        check.needs_confirmation = _(
            "%(value)s is more than twice the annual target (%(target)s): confirm it is right."
        ) % {"value": figure_text(value), "target": figure_text(target_value)}
        return check
    increment = _previous_increment(previous, before_previous, previous_month)
    if previous is not None and increment is not None and increment > 0:
        months = month - (previous_month or month - 1)
        this_increment = (value - previous) / max(months, 1)
        if this_increment > 3 * increment:
            check.needs_confirmation = _(
                "This period adds %(added)s, over three times the previous monthly increment (%(increment)s): "
                "confirm it is right."
            ) % {"added": figure_text(value - previous), "increment": figure_text(increment)}
    return check


def standing_of(raw: str) -> Standing | None:
    """The standing a clerk chose or a sheet holds: its code, its label in
    either language, or a common word for it (已完成, 按计划推进, 滞后 …);
    None for anything else."""
    text = raw.strip().lower()
    for standing in Standing:
        written = {str(standing.value), *(word.lower() for word in _STANDING_WORDS[standing])}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                written.add(str(standing.label).lower())
        if text in written:
            return standing
    return None


# What a sheet or a clerk may write for each standing, besides its label.
_STANDING_WORDS: dict[int, tuple[str, ...]] = {
    Standing.LAGGING: ("滞后", "进度滞后", "lagging"),
    Standing.ON_SCHEDULE: ("按计划推进", "正常推进", "正常", "on schedule", "on track"),
    Standing.DONE: ("已完成", "完成", "done"),
}


def standing_names() -> tuple[str, ...]:
    """The standings' Chinese names, best first (已完成, 按计划推进, 滞后): the
    words a task item's figure is written as whatever the reader's language,
    as the API's schema states them."""
    return tuple(_STANDING_WORDS[standing][0] for standing in reversed(Standing))


def _standing_check(raw: str, check: FigureCheck) -> FigureCheck:
    standing = standing_of(raw)
    if standing is None:
        check.error = _("Choose where the task stands: done, on schedule or lagging behind plan.")
    else:
        check.value = Decimal(int(standing))
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


# --- what a row must hold before it is submitted ---------------------------------------


@dataclass(frozen=True)
class Requirement:
    """A field a row must fill before it is submitted (a draft may leave it blank).

    ``when_standing``: the field is required only while the row's standing is
    that one (a task item's 存在问题, when it lags). The period form marks the
    fields from these, and the service refuses a submission by them, so the
    page's marks and the refusal never disagree."""

    field: str
    when_standing: Standing | None = None

    def applies(self, standing: Decimal | int | None) -> bool:
        """Whether the field is required for a row whose standing is ``standing``."""
        return self.when_standing is None or (standing is not None and int(standing) == int(self.when_standing))


def submit_requirements(kind: str) -> tuple[Requirement, ...]:
    """The fields a row of ``kind`` must fill to be submitted: the figure (a
    task item's standing) and the progress, and for a task item the reason
    under problems while it lags behind plan."""
    required = [Requirement("value"), Requirement("progress")]
    if kinds.get(kind).figures.standing:
        required.append(Requirement("problems", when_standing=Standing.LAGGING))
    return tuple(required)


def missing_for_submit(kind: str, *, typed: dict[str, str], standing: Decimal | None) -> dict[str, str]:
    """The required fields (``submit_requirements``) left blank in ``typed``
    (field name → text), each with the message to show beside it.
    ``standing`` is the row's checked figure when it is a task item's."""
    is_item = kinds.get(kind).figures.standing
    messages = {
        "value": _("Choose where the task stands before submitting.")
        if is_item
        else _("Enter this period's figure before submitting."),
        "progress": _("Describe the progress before submitting."),
        "problems": _("The task is lagging behind plan: say why under problems before submitting."),
    }
    missing = {}
    for requirement in submit_requirements(kind):
        if requirement.applies(standing) and not (typed.get(requirement.field) or "").strip():
            missing[requirement.field] = messages[requirement.field]
    return missing
