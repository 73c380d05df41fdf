"""The one rule of text every format can carry: what the writers make of it, and
the refusal of it where text comes in."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core.text import illegal_count, text_problem, validate_text, xml_safe

FORBIDDEN = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]


@pytest.mark.parametrize("character", FORBIDDEN)
def test_xml_safe_leaves_no_character_that_xml_forbids(character):
    safe = xml_safe(f"完成{character}投资")
    assert character not in safe
    assert safe.encode("utf-8").decode("utf-8") == safe  # encodable: no lone surrogate left
    assert safe.replace("\n", "") == "完成投资"


def test_a_vertical_tab_or_a_form_feed_becomes_a_line_break_and_the_rest_is_dropped():
    assert xml_safe("一\x0b二\x0c三\x00四\x07") == "一\n二\n三四"
    assert illegal_count("一\x0b二\x0c三\x00四\x07") == 4


@pytest.mark.parametrize(
    "text", ["", "完成投资32.5亿元", "第一行\n第二行\r\n\t缩进", "emoji 😀 and ＝", "\u3000全角空格"]
)
def test_xml_safe_keeps_legal_text_as_it_is(text):
    assert xml_safe(text) is text
    assert text_problem(text) is None
    validate_text(text)


@pytest.mark.parametrize("character", FORBIDDEN)
def test_the_validator_refuses_each_forbidden_character_naming_it(character):
    with translation.override("en"), pytest.raises(ValidationError) as refusal:
        validate_text(f"完成{character}投资")
    assert refusal.value.code == "control_character"
    assert f"U+{ord(character):04X}" in refusal.value.messages[0]
    assert "invisible control character" in refusal.value.messages[0]


def test_in_text_of_several_lines_the_message_names_the_line():
    with translation.override("en"):
        assert "Line 3 " in text_problem("一\n二\n三\x0b\n四")
        assert "Line" not in text_problem("一二三\x0b")
