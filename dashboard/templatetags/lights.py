"""The status light and the reporting mark as tags: the one markup of each
(``dashboard/_light.html`` and ``dashboard/_reporting.html`` call them), drawn
without an include where a table draws hundreds of them."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from targets.templatetags.statuses import reporting_label, status_label

register = template.Library()


@register.simple_tag
def light(status) -> str:
    """A progress status's light with its word (— for none)."""
    return format_html(
        '<span class="light {}" data-status="{}">{}</span>', status or "none", status or "", status_label(status)
    )


@register.simple_tag
def reporting_mark(reporting) -> str:
    """A reporting status's mark with its word (— for none)."""
    return format_html(
        '<span class="rep {}" data-reporting="{}">{}</span>',
        reporting or "none",
        reporting or "",
        reporting_label(reporting),
    )
