"""A report's history (ReportEvent) in the reader's words.

Events store the changed fields by their model names and their raw values
("status: draft → submitted"); every page that shows the history renders it
here, with the fields' verbose names and the choices' labels
("状态: 草稿 → 已提交", "退回原因: — → 请核对统计口径").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

from core.templatetags.taizhang import figure
from progress.models import Report, ReportEvent

NOTHING = "—"


@dataclass(frozen=True)
class Change:
    """One field of one event: its name and its value before and after, as a person reads them."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    event: ReportEvent
    changes: list[Change]


def _value(field, value: object) -> str:
    if value is None or value == "":
        return NOTHING
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DecimalField":
        return figure(value)
    return str(value)


def change_lines(changes: dict) -> list[Change]:
    """The changes of an event, field by field, in the active language."""
    lines = []
    for name, pair in (changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list | tuple) else (None, pair)
        try:
            field = Report._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = capfirst(str(field.verbose_name)) if field is not None else name
        lines.append(Change(label, _value(field, old), _value(field, new)))
    return lines


def history_entries(events: Iterable[ReportEvent]) -> list[Entry]:
    """Events with their changes in words, for the pages that show a history."""
    return [Entry(event, change_lines(event.changes)) for event in events]
