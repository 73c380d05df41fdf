"""The change log speaks the reader's words: the fields' names and the
values' labels, never "status: draft → submitted"."""

import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from progress.history import Change, change_lines
from progress.models import ReportEvent
from tests.progress.test_views import full_post, period_url

pytestmark = pytest.mark.django_db


def test_the_changes_of_an_event_name_their_fields_and_values():
    changes = {
        "status": ["draft", "submitted"],
        "return_reason": ["", "请核对统计口径"],
        "value": ["12.5000", "13.0000"],
        "progress": [None, "完成前期工作"],
    }
    with translation.override("zh-hans"):
        lines = change_lines(changes)
    assert lines == [
        Change("状态", "草稿", "已提交"),
        Change("退回原因", "—", "请核对统计口径"),
        Change("累计值", "12.5", "13"),
        Change("进展情况", "—", "完成前期工作"),
    ]


def test_a_field_the_report_no_longer_has_keeps_its_stored_name():
    assert change_lines({"old_field": ["a", "b"]}) == [Change("old_field", "a", "b")]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_target_page_shows_the_history_in_words(client, desk):
    with mock.patch("core.clock.today", return_value=desk.today):
        client.force_login(desk.staff)
        client.post(period_url(desk), full_post(desk, "submit"))
        assert ReportEvent.objects.filter(action="submitted").exists()
        page = client.get(reverse("progress:target", args=[desk.amount.pk])).content.decode()
    history = text_of(page[page.index('id="history"') :])
    assert "状态 ：— → 已提交" in history
    assert "累计值 ：— → 32.5" in history
    assert "status" not in history and "submitted" not in history
