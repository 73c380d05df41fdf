"""Text that every format the app writes can carry.

XML 1.0 forbids most control characters (U+0000–U+0008, U+000B, U+000C,
U+000E–U+001F), the non-characters U+FFFE and U+FFFF, and a lone surrogate
cannot even be encoded as UTF-8. The xlsx, docx and csv writers cannot put
them in a file (openpyxl and python-docx raise, a zip stream breaks half
way), PostgreSQL refuses NUL, and nobody types them on purpose: they come
from copying out of other programs (Word's manual line break is U+000B, a
page break U+000C) or from a client that sends garbage.

So they are refused where text comes in (``validate_text``, applied by
``core.forms.CleanTextForm``, ``core.models.CleanTextModel`` and the API's
serializers, and ``text_problem`` for the period rows), and every writer
passes text through ``xml_safe`` on its own, for data stored before the
refusal or written by hand into the database. Tab, line feed and carriage
return are legal and stay: multi-line text needs them.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# The characters XML 1.0 forbids, as the body of a regex character class that
# Python and ECMA-262 (the API schema's dialect) read alike.
XML_ILLEGAL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
# Python strings can also hold lone surrogates (JSON's "\ud800" decodes to one).
XML_ILLEGAL = re.compile(f"[{XML_ILLEGAL_CLASS}\\ud800-\\udfff]")
# What a vertical tab (Word's manual line break) and a form feed (a page break)
# mean in text; the other characters mean nothing and are dropped.
_AS_LINE_BREAK = {"\x0b": "\n", "\x0c": "\n"}
CODE = "control_character"
# The longest free text a person writes in one field (a period's progress,
# problems and next steps, a notice's requirement and answers): pages, the
# API and the services refuse more, with the one message of ``too_long``.
TEXT_LIMIT = 4000
# The longest reason or note beside a decision (returning or correcting a
# figure, reopening a period, a late-report request and its decision).
REASON_LIMIT = 2000


def _replacement(match: re.Match[str]) -> str:
    return _AS_LINE_BREAK.get(match.group(), "")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot carry: a vertical tab or a
    form feed becomes a line break, the others are dropped."""
    # Most text is printable (no control character, no line break): str.isprintable
    # says so faster than the pattern, which an export runs for every cell.
    if text.isprintable() or XML_ILLEGAL.search(text) is None:
        return text
    return XML_ILLEGAL.sub(_replacement, text)


def illegal_count(text: str) -> int:
    """How many characters ``xml_safe`` replaces or drops in ``text``."""
    return len(XML_ILLEGAL.findall(text))


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be saved (naming the first forbidden character and,
    in text of several lines, its line), in the user's language; ``None`` when it can."""
    match = XML_ILLEGAL.search(text)
    if match is None:
        return None
    character = f"U+{ord(match.group()):04X}"
    if "\n" in text:
        return _(
            "Line %(line)d of this text holds an invisible control character (%(character)s), which cannot be "
            "saved: remove it (retype the text around it if need be)."
        ) % {"line": text.count("\n", 0, match.start()) + 1, "character": character}
    return _(
        "This text holds an invisible control character (%(character)s), which cannot be saved: remove it "
        "(retype the text around it if need be)."
    ) % {"character": character}


def too_long(limit: int) -> str:
    """The message for text longer than ``limit`` characters, in the user's language."""
    return _("At most %(n)d characters.") % {"n": limit}


@deconstructible
class TextValidator:
    """Refuses text holding a character XML cannot carry (see the module's docstring)."""

    code = CODE

    def __call__(self, value: object) -> None:
        if isinstance(value, str):
            problem = text_problem(value)
            if problem is not None:
                raise ValidationError(problem, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator)

    def __hash__(self) -> int:
        return hash(TextValidator)


validate_text = TextValidator()


# ASCII punctuation that Chinese typography writes full-width when it stands
# next to a Chinese character (on either side): "各单位:" → "各单位：".
_FULL_WIDTH = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
_HAN = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_ASCII_BESIDE_HAN = re.compile(rf"(?<=[{_HAN}])\s*([,:;()!?])|([,:;()!?])\s*(?=[{_HAN}])")


def full_width_punctuation(text: str) -> str:
    """``text`` with the ASCII , : ; ( ) ! ? that touch a Chinese character
    made full-width (and the space around them dropped), for documents written
    in Chinese from words that may have come in with ASCII punctuation (an
    explanation, a unit's reason). Punctuation between Latin letters or digits
    ("1,000", "10:30") stays as it is."""
    return _ASCII_BESIDE_HAN.sub(lambda m: _FULL_WIDTH[m.group(1) or m.group(2)], text)
