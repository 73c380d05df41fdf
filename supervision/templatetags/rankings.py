"""The heading of a unit ranking with its basis, for any page that shows one
(the dashboard's ranking box, the ranking page): the words come from
``supervision.selectors.ranking_title``, as in the bulletin."""

from __future__ import annotations

from django import template

from progress.periods import Period
from supervision.choices import DEFAULT_SCORE_MODE
from supervision.selectors import ranking_title as _ranking_title

register = template.Library()


@register.simple_tag
def ranking_title(period: Period, mode: str = DEFAULT_SCORE_MODE) -> str:
    """The heading "考核排名(年度累计,1-8月)": the ranking of ``period`` on the basis ``mode``
    (by default the one the dashboard's box and the bulletin rank on)."""
    return _ranking_title(mode=mode, period=period)
