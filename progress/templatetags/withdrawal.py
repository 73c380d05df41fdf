"""What the period form's withdraw box (templates/progress/_withdraw.html) lists.

A filter rather than a line of the period view, so the box joins the form
through one include and reads only what the form already has."""

from __future__ import annotations

from django import template

from progress.choices import ReportStatus

register = template.Library()


@register.filter
def waiting_review(items) -> list:
    """The period form's rows whose report was submitted and nobody has
    reviewed yet: the ones the staff may still withdraw. Takes the form's
    items (dicts holding ``row``) or the rows themselves, and gives rows."""
    rows = [item.get("row") if isinstance(item, dict) else item for item in items or []]
    return [
        row for row in rows if getattr(row, "report", None) is not None and row.report.status == ReportStatus.SUBMITTED
    ]
