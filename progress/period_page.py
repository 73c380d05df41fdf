"""What the unit's period form shows besides the reports: each row's marks of
what a submission needs, what was typed when a save comes back, and the
summary of a save that went through for some rows and not for others.

The view (``progress.views.period_form``) and the autosave endpoint
(``progress.views.period_draft``) build their answers here, so that both say
the same about a row."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from core.templatetags.taizhang import figure_input
from progress.selectors import Row
from progress.services import SaveResult
from progress.validation import standing_of, submit_requirements
from targets.choices import Standing
from targets.templatetags.statuses import written_for

# The standings a task item's row offers, best first, as the select lists them.
STANDING_CHOICES = [(str(standing.value), standing.label) for standing in reversed(Standing)]


def standing_shown(row: Row, typed: dict | None) -> str | None:
    """The standing a task item's select shows (its code as text, "" for none):
    what was typed when the form comes back with errors, else the report's;
    None for a row of another kind, which shows a number input."""
    if not row.target.kind_entry.figures.standing:
        return None
    if typed is not None:
        standing = standing_of(typed["raw_value"])
    elif row.report is not None and row.report.value is not None:
        standing = standing_of(str(int(row.report.value)))
    else:
        standing = None
    return "" if standing is None else str(standing.value)


@dataclass
class Marks:
    """Which of a row's fields a submission needs (``progress.validation.submit_requirements``):
    ``now`` the fields marked as the page opens, ``when`` the fields needed only
    while the row's standing is a given one (field → standing code), which the
    page's script marks and unmarks as the standing changes."""

    now: set[str] = field(default_factory=set)
    when: dict[str, str] = field(default_factory=dict)


def row_marks(row: Row, standing: str | None) -> Marks:
    """The marks of one row, given the standing it shows ("" or None for none)."""
    marks = Marks()
    shown = int(standing) if standing else None
    for requirement in submit_requirements(row.target.kind):
        if requirement.when_standing is not None:
            marks.when[requirement.field] = str(int(requirement.when_standing))
        if requirement.applies(shown):
            marks.now.add(requirement.field)
    return marks


# The narrative fields of a row, as the form's columns name them.
TEXT_COLUMNS = (
    ("progress", _lazy("Progress")),
    ("problems", _lazy("Problems")),
    ("next_steps", _lazy("Next steps")),
)


@dataclass
class TextCell:
    """One narrative field of an editable row: what it shows, its message and its mark."""

    name: str
    label: str
    text: str
    error: str
    marked: bool  # needed to submit, as the page opens
    required_when: str = ""  # needed only under this standing (its code), else ""


def text_cells(row: Row, *, typed: dict | None, errors: dict[str, str], marks: Marks) -> list[TextCell]:
    """The row's progress, problems and next steps: what was typed when the form
    comes back, else the report's; each with its message and its mark."""
    cells = []
    for name, label in TEXT_COLUMNS:
        if typed is not None:
            text = typed.get(name, "")
        else:
            text = getattr(row.report, name, "") if row.report is not None else ""
        cells.append(
            TextCell(
                name=name,
                label=str(label),
                text=text,
                error=errors.get(name, ""),
                marked=name in marks.now,
                required_when=marks.when.get(name, ""),
            )
        )
    return cells


@dataclass
class Attention:
    """A row a save left as it was, with the first thing to fix, for the summary's link."""

    target_id: int
    indicator: str
    message: str


@dataclass
class SaveSummary:
    """What a save of the period form did, row by row, for the box at the top of the page."""

    submit: bool
    done: int
    attention: list[Attention]
    blank: int

    @property
    def headline(self) -> str:
        done = (
            ngettext("%(n)d report was submitted for review.", "%(n)d reports were submitted for review.", self.done)
            if self.submit
            else ngettext("%(n)d report was saved as a draft.", "%(n)d reports were saved as drafts.", self.done)
        ) % {"n": self.done}
        parts = [done] if self.done or not self.attention else []
        if self.attention:
            parts.append(
                ngettext(
                    "%(n)d row needs attention and was left as it was:",
                    "%(n)d rows need attention and were left as they were:",
                    len(self.attention),
                )
                % {"n": len(self.attention)}
            )
        return " ".join(parts)

    @property
    def blank_note(self) -> str:
        if not (self.submit and self.blank):
            return ""
        return ngettext(
            "%(n)d row is still empty and was not submitted.",
            "%(n)d rows are still empty and were not submitted.",
            self.blank,
        ) % {"n": self.blank}


def save_summary(result: SaveResult, rows: list[Row], *, submit: bool) -> SaveSummary:
    """The summary of a partial save (``unit_period_save(partial=True)``), its
    rows needing attention in the order of the page."""
    conflicts = {conflict.target_id for conflict in result.conflicts}
    attention = []
    for row in rows:
        target_id = row.target.pk
        if target_id in result.errors:
            message = next(iter(result.errors[target_id].values()))
        elif target_id in conflicts:
            message = _("Changed by someone else meanwhile: check their figure, then save again.")
        else:
            continue
        attention.append(Attention(target_id=target_id, indicator=row.target.indicator, message=message))
    done = result.submitted if submit else result.saved
    return SaveSummary(submit=submit, done=done, attention=attention, blank=len(result.blank))


def status_marks(rows: list[Row]) -> dict[str, SafeString]:
    """Each status among the rows as ``progress/_status.html`` writes it, rendered
    once per status (not once per row)."""
    return {
        status: render_to_string("progress/_status.html", {"status": status}) for status in {row.status for row in rows}
    }


def row_item(
    row: Row,
    *,
    typed: dict | None,
    errors: dict[str, str],
    editable: bool,
    contributions: list,
    status_mark: SafeString,
) -> dict:
    """What the period form's template shows of one row, worked out once here so
    that the row loop only writes it out: the row's marks and cells, its links and
    the figures as people read them."""
    target, report = row.target, row.report
    standing = standing_shown(row, typed)
    marks = row_marks(row, standing)
    if standing is not None:
        subline = f"{target.task.number}{target.get_kind_display()}"
    else:
        subline = f"{target.task.number}{Truncator(target.task.heading).chars(24)}"
    item = {
        "row": row,
        "t": target,
        "report": report,
        "typed": typed,
        "errors": errors,
        "editable": editable,
        "standing": standing,
        "marks": marks,
        "contributions": contributions,
        "status_mark": status_mark,
        "target_url": reverse("progress:target", args=[target.pk]),
        "subline": subline,
        "previous_written": written_for(row.previous_value, target),
        "evidence": getattr(report, "evidence", None) if report is not None else None,
    }
    if editable:
        item["texts"] = text_cells(row, typed=typed, errors=errors, marks=marks)
        if typed:
            item["version"] = "" if typed.get("version") is None else typed["version"]
            item["value_input"] = typed.get("raw_value", "")
            item["value_note"] = typed.get("value_note", "")
            confirmed = bool(typed.get("confirmed"))
        else:
            version = report.version if report is not None else None
            item["version"] = "" if version is None else version
            item["value_input"] = figure_input(report.value if report is not None else None)
            item["value_note"] = report.value_note if report is not None else ""
            confirmed = bool(report is not None and report.value_confirmed)
        item["confirm_checked"] = confirmed
        item["confirm_shown"] = bool(errors.get("confirmed")) or confirmed
        item["value_needed"] = "value" in marks.now
    else:
        item["value_written"] = written_for(report.value, target) if report is not None else "—"
    return item
