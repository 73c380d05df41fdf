"""The longest text a person writes, one limit for the pages, the API and the
services (core.text.TEXT_LIMIT for free text, REASON_LIMIT for a decision's reason)."""

import pytest
from django.utils import translation

from api.serializers import FigureInSerializer, ReturnSerializer
from core.text import REASON_LIMIT, TEXT_LIMIT, too_long
from progress.forms import ReturnForm
from progress.services import RowInput, unit_period_save
from supervision.forms import AnswerForm

pytestmark = pytest.mark.django_db


def _save(desk, target, progress: str):
    row = RowInput(target.pk, "3.2", progress=progress)
    return unit_period_save(
        plan=desk.plan, unit=desk.unit, period=desk.period, rows=[row], by=desk.staff, today=desk.today
    )


def test_the_period_form_takes_the_limit_and_refuses_one_character_more(desk):
    assert _save(desk, desk.amount, "进" * TEXT_LIMIT).ok
    with translation.override("en"):
        refused = _save(desk, desk.count, "进" * (TEXT_LIMIT + 1))
    assert refused.errors[desk.count.pk]["progress"] == "At most 4000 characters."


def test_the_notice_forms_and_the_api_take_the_same_limit():
    fits, over = "x" * TEXT_LIMIT, "x" * (TEXT_LIMIT + 1)
    answer = {"reason": fits, "measures": over, "expected": "2026-05-01"}
    form = AnswerForm(answer)
    assert not form.is_valid() and set(form.errors) == {"measures"}
    serializer = FigureInSerializer(data={"progress": fits, "problems": over})
    assert not serializer.is_valid() and set(serializer.errors) == {"problems"}


def test_a_reason_has_its_own_limit_on_the_page_and_in_the_api():
    assert ReturnForm({"reason": "x" * REASON_LIMIT}).is_valid()
    assert not ReturnForm({"reason": "x" * (REASON_LIMIT + 1)}).is_valid()
    assert ReturnSerializer(data={"reason": "x" * REASON_LIMIT}).is_valid()
    assert not ReturnSerializer(data={"reason": "x" * (REASON_LIMIT + 1)}).is_valid()


def test_the_message_names_the_limit():
    with translation.override("zh-hans"):
        assert too_long(TEXT_LIMIT) == "最多4000个字。"
