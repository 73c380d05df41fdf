"""A report's history (ReportEvent), and a co-operating unit's part's
(ContributionEvent), in the reader's words.

Events store the changed fields by their model names and their raw values
("status: draft → submitted"); every page that shows the history renders it
here, with the fields' verbose names and the choices' labels
("状态: 草稿 → 已提交", "退回原因: — → 请核对统计口径").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.templatetags.taizhang import figure
from progress.models import ContributionEvent, Report, ReportEvent, TaskContribution
from targets.models import Target

NOTHING = "—"
# What an event may record that is not a field of the report: the file of evidence added or
# removed (progress.attachments), by its name and size.
OTHER_LABELS = {"attachment": gettext_lazy("Evidence")}


@dataclass(frozen=True)
class Change:
    """One field of one event: its name and its value before and after, as a person reads them."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    event: ReportEvent | ContributionEvent
    changes: list[Change]


def _value(field, value: object, *, standing: Target | None = None) -> str:
    if value is None or value == "":
        return NOTHING
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if standing is not None:
        try:
            return standing.written(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if field.get_internal_type() == "BooleanField":
        return _("yes") if str(value) == "True" else _("no")
    if field.get_internal_type() == "DecimalField":
        return figure(value)
    return str(value)


def change_lines(changes: dict, *, target: Target | None = None, model: type = Report) -> list[Change]:
    """The changes of an event, field by field, in the active language. With
    the report's ``target``, a task item's figure is its standing in words
    (按计划推进 → 滞后), never the code it is stored as. ``model`` names the
    fields (a report's, or a co-operating unit's part's)."""
    standing = target if target is not None and target.kind_entry.figures.standing else None
    lines = []
    for name, pair in (changes or {}).items():
        old, new = [*pair, None, None][:2] if isinstance(pair, list | tuple) else (None, pair)
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        label = capfirst(str(field.verbose_name)) if field is not None else str(OTHER_LABELS.get(name, name))
        item_value = standing if name == "value" else None
        if item_value is not None:
            label = capfirst(_("Where the task stands"))
        lines.append(Change(label, _value(field, old, standing=item_value), _value(field, new, standing=item_value)))
    return lines


def history_entries(events: Iterable[ReportEvent], *, target: Target | None = None) -> list[Entry]:
    """Events with their changes in words, for the pages that show a history
    (of one target's reports, given as ``target``)."""
    return [Entry(event, change_lines(event.changes, target=target)) for event in events]


def contribution_entries(events: Iterable[ContributionEvent]) -> list[Entry]:
    """Co-operating units' parts' events with their changes in words."""
    return [Entry(event, change_lines(event.changes, model=TaskContribution)) for event in events]
