"""What the period form's withdraw box (templates/progress/_withdraw.html) lists.

A filter rather than a line of the period view, so the box joins the form
through one include and reads only what the form already has."""

from __future__ import annotations

from django import template

from progress.choices import ReportStatus

register = template.Library()


@register.filter
def waiting_review(items) -> list:
    """The period form's rows (dicts with ``row``) whose report was submitted
    and nobody has reviewed yet: the ones the staff may still withdraw."""
    return [
        item
        for item in items or []
        if item["row"].report is not None and item["row"].report.status == ReportStatus.SUBMITTED
    ]
