"""A figure: the one definition of a number people type and the database keeps.

Every figure column (a target's value, range end, stretch, baseline and start;
a report's year-to-date value; a result's actual) is ``DECIMAL(15, 4)``, made
by ``figure_field``, and a figure is accepted only when ``figure_problem``
finds nothing wrong with it: the period form, the period sheet and the API
(through ``progress.validation.parse_figure``), the importer and the month
maps of a target all ask it, and the admin's decimal fields keep the same
limits (max_digits, decimal_places); so a figure is stored exactly as typed
or refused with a message, never silently altered.

Why fifteen digits. SQLite, the default database, has no decimal type: a
column of NUMERIC affinity keeps a decimal as a 64-bit float (or as an integer
when it is whole), and Django reads it back with 15 significant digits and
then quantizes it to the column's places. A float holds every decimal of at
most 15 significant digits exactly (DBL_DIG), so such a figure comes back as
typed; a sixteenth digit is lost, and a value that then needs more digits than
the column's ``max_digits`` makes the read raise, so that every page listing
it answers 500 until someone edits the database. PostgreSQL holds the same
``DECIMAL(15, 4)`` exactly, so a figure accepted on one database reads back
the same on the other.

Why four places. Four decimals keep 亿元 figures to the 万元 (0.0001亿元 is
1万元), and leave eleven digits before the point: up to 99,999,999,999.9999,
nearly 1000亿 in 元, far more in 万元 or 亿元.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _

MAX_DIGITS = 15
DECIMAL_PLACES = 4
INTEGER_DIGITS = MAX_DIGITS - DECIMAL_PLACES
LARGEST = Decimal(10**MAX_DIGITS - 1).scaleb(-DECIMAL_PLACES)  # 99999999999.9999
# The largest figure with one decimal: the engine rounds rates to one decimal
# and keeps them within this, so that a rounded rate is still a figure.
LARGEST_ONE_DECIMAL = Decimal(10**INTEGER_DIGITS * 10 - 1).scaleb(-1)  # 99999999999.9

# Units that count whole things: a figure in one of them is a whole number
# (竣工项目 10.5个 is a typo, not a figure). Only the bare unit counts: 万个,
# 个百分点 or 万人次 may well carry decimals. The importer reads these as
# counts in a plan's text, and the demo writes whole figures for them.
COUNT_UNITS: frozenset[str] = frozenset(
    (
        "个", "家", "项", "件", "名", "人次", "人", "位", "户", "套", "座", "幢", "栋", "条", "处", "所", "场",
        "次", "期", "批", "台", "辆", "部", "篇", "款", "种", "株", "棵", "艘", "架", "份", "宗", "起", "支", "例",
        "张", "间", "只", "头", "台套", "个床位", "张床位", "床",
    )
)  # fmt: skip


# A number written plainly in ASCII: digits, one optional point, an optional
# sign; no exponent, grouping, underscore or space. Decimal() would read more
# (1_000, 1e3, ٣, NaN), and PostgreSQL's numeric input other things again.
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)\Z")


def read_plain(text: str) -> Decimal | None:
    """``text`` as the exact decimal it writes if it is a plain number, else None."""
    return Decimal(text) if PLAIN_NUMBER.match(text) else None


def figure_field(verbose_name: str | Promise, **kwargs) -> models.DecimalField:
    """A figure column: ``DECIMAL(15, 4)``, empty allowed unless told otherwise."""
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, **kwargs)


def places_and_integer_digits(value: Decimal) -> tuple[int, int]:
    """How many decimal places and digits before the point ``value`` needs,
    trailing zeros aside (1.5000 needs one place). Counted on the digits
    themselves: ``normalize`` would round to the context's 28 digits first."""
    _sign, digits, exponent = value.as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0 and exponent < 0:
        digits.pop()
        exponent += 1
    if digits == [0]:
        return 0, 0
    places = max(0, -exponent)
    return places, max(0, len(digits) + exponent)


def figure_text(value: Decimal | int | None, *, grouped: bool = False, blank: str = "—") -> str:
    """A figure as people write it: its digits without trailing zeros and never
    in exponent notation (15.76, 6, 32000, 0.0001), exactly (not rounded to a
    decimal context's precision); ``grouped`` separates thousands with commas
    (12,345.6), as the pages' figure cells show them; ``blank`` stands for no
    figure. Sentences, target labels, inputs and sheets write it ungrouped, so
    that it reads back as typed."""
    if value is None:
        return blank
    text = format(Decimal(value), ",f" if grouped else "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def figure_with_unit(value: Decimal | int | None, unit: str, *, grouped: bool = False, blank: str = "—") -> str:
    """A figure followed by its unit (43.2亿元, 15.7%), or ``blank`` alone when
    there is no figure: "—亿元" reads as a figure in 亿元 that is a dash."""
    if value is None:
        return blank
    return figure_text(value, grouped=grouped) + (unit or "").strip()


def counts_whole(unit: str) -> bool:
    """Whether a figure in ``unit`` counts whole things (个, 家, 项 …)."""
    return (unit or "").strip() in COUNT_UNITS


def whole_number_problem(value: Decimal, *, unit: str) -> str | None:
    """What is wrong with ``value`` as a figure in ``unit``, where the unit
    counts whole things and the value has a fraction, in the user's language;
    else None. The one rule the period form, the sheet, the API and a
    correction all meet through ``progress.validation.check_figure``."""
    if not counts_whole(unit) or value == value.to_integral_value():
        return None
    return _("%(value)s %(unit)s: a figure in %(unit)s counts whole things; enter a whole number.") % {
        "value": figure_text(value),
        "unit": unit.strip(),
    }


def figure_problem(value: object) -> str | None:
    """What keeps ``value`` from being stored exactly as a figure, in the user's
    language, or None when it fits. Only a ``Decimal`` (or an ``int``) can be a
    figure: a float already carries binary digits that nobody typed."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return _("Enter a number.")
    value = Decimal(value)
    if not value.is_finite():
        return _("Enter a finite number.")
    places, integer_digits = places_and_integer_digits(value)
    if integer_digits > INTEGER_DIGITS:
        return _("The number is too large: at most %(n)d digits before the point.") % {"n": INTEGER_DIGITS}
    if places > DECIMAL_PLACES:
        return _("Use at most %(n)d decimal places.") % {"n": DECIMAL_PLACES}
    return None
