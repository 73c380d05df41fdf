"""What the page fuzzer types into a field: the values the page offers, and the ones a page must
survive (figures no column can hold, numbers in other scripts, ids of other zones, control
characters, very long text, deeply nested JSON), as hypothesis strategies.

A case changes a few fields of a form and keeps the others as the page offers them, so that
the changed ones get past the form's other checks to the code behind it; a changed field gets a
nasty value of its own kind (a figure for a figure, a date for a date) or of any kind.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

# Figures: too large or too precise for the columns, written the Chinese or the European way,
# with units, exponents or digits of other scripts.
NUMBERS = (
    "9999999999999999.9999",
    "99999999999999999999.99",
    "1234567890123.4567",
    "0.000001",
    "0.00000000000000000001",
    "1e400",
    "-1e400",
    "1E-400",
    "1e5",
    "NaN",
    "-Infinity",
    "inf",
    "1,5",
    "1,234,567",
    "1²",
    "²",
    "3.2亿",
    "5万",
    "12%",
    "٣",
    "١٢٫٥",
    "①",
    "１２３．５",
    "一百二十",
    "-0",
    "+5",
    "-1",
    "0",
    " 12 ",
    "1.2.3",
    "1_000",
    "0x1F",
    ".5",
    "5.",
    "9" * 40,
    "9" * 5000,
)
# Ids: numbers a URL converter or an int() may take or refuse, and numbers no database key holds.
IDS = (
    "0",
    "-1",
    "00001",
    "1.0",
    " 1",
    "1²",
    "²",
    "٣",
    "１",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "1e3",
    "9" * 5000,
)
PERIODS = (
    "2014-06",
    "2014-6",
    "2014-13",
    "2014-00",
    "0000-01",
    "0001-01",
    "9999-12",
    "10000-01",
    "2014-1²",
    "２０１４-０６",
    "2014-06-01",
    "-2014-06",
    "2014/06",
    "201406",
    "2014-06 ",
)
DATES = (
    "2014-07-31",
    "2014-02-30",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2014-7-1",
    "31/07/2014",
    "2014-07-31T10:00",
    "2014-07-31 10:00:00",
    "２０１４-０７-３１",
    "2014-07-3²",
)
NESTED_JSON = ('{"a":' * 5000 + "1" + "}" * 5000, "[" * 5000 + "]" * 5000)
CONTROL = "".join(map(chr, range(32))) + "\x7f\x85\u2028\u2029\ufeff\u200b\u202e"

# Text of any script but surrogates, which no request can carry.
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@st.composite
def control_text(draw) -> str:
    """Text with control characters (NUL, vertical tab, line separators) in it."""
    parts = draw(st.lists(st.one_of(_text, st.text(st.sampled_from(CONTROL), min_size=1, max_size=3)), max_size=4))
    return "".join(parts) + draw(st.text(st.sampled_from(CONTROL), min_size=1, max_size=2))


@st.composite
def long_text(draw, *, limit: int = 20_000) -> str:
    """A string of a few thousand to ``limit`` characters, a short piece repeated."""
    piece = draw(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8))
    size = draw(st.integers(min_value=250, max_value=limit))
    return (piece * (size // len(piece) + 1))[:size]


def nasty(*, ids: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Any value a page must survive in any field (``ids``: other zones' and other objects' ids)."""
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.sampled_from(IDS + tuple(ids)),
        st.sampled_from(PERIODS + DATES),
        st.just(""),
        _text,
        control_text(),
        long_text(),
        st.sampled_from(NESTED_JSON),
    )


_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")
_DATE_NAMES = ("until", "expected", "reply_by", "deadline", "date")


def typed(name: str, kind: str, offered: list[str], *, ids: tuple[str, ...] = ()) -> st.SearchStrategy[str] | None:
    """The nasty values of the field's own kind (a figure, an id, a date, a period), which get
    further than any: a form checks a field of that kind with the code made for it."""
    families = []
    if kind == "date" or name.endswith(_DATE_NAMES):
        families.append(st.sampled_from(DATES))
    if "period" in name:
        families.append(st.sampled_from(PERIODS))
    numeric = [value for value in offered if _NUMERIC.match(value)]
    if kind == "number" or name.endswith(("value", "year", "value_high", "stretch")) or numeric:
        families.append(st.sampled_from(NUMBERS))
    if kind in ("select", "select-multiple", "checkbox", "hidden") and numeric:
        families.append(st.sampled_from(IDS + ids))
    return st.one_of(*families) if families else None


def mutated(name: str, kind: str, offered: list[str], *, ids: tuple[str, ...] = ()) -> st.SearchStrategy:
    """A field changed: a value of its kind or any nasty one, the field repeated with several
    values, or no field at all (``MISSING``)."""
    own = typed(name, kind, offered, ids=ids)
    one = st.one_of(own, own, nasty(ids=ids)) if own is not None else nasty(ids=ids)
    return st.integers(min_value=0, max_value=9).flatmap(
        lambda choice: one if choice < 7 else st.lists(one, min_size=2, max_size=3) if choice < 9 else st.just(MISSING)
    )


def retyped(name: str, kind: str, offered: list[str], *, ids: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """One other value for a field a user types into: of its kind, or text with control
    characters, or very long text, or any nasty value."""
    own = typed(name, kind, offered, ids=ids)
    text = st.one_of(control_text(), long_text(), nasty(ids=ids))
    return st.one_of(own, text) if own is not None else text


MISSING = object()
