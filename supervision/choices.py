from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from targets.choices import ReportingStatus, Status


class ListKind(models.TextChoices):
    """The supervision lists: what needs following up in a period.

    Two questions, never mixed: the first four lists are by progress status
    (targets.choices.Status, judged on approved figures), the last three by
    reporting status (targets.choices.ReportingStatus, and a returned report).
    A missing report is never a progress status. The words are the
    vocabulary's own; the filters are ``supervision.filtersets.LIST_RULES``.
    """

    FLAGGED = "flagged", _("Everything flagged")
    SERIOUS = Status.SERIOUS.value, Status.SERIOUS.label
    LAGGING = Status.LAGGING.value, Status.LAGGING.label
    OVERDUE = Status.OVERDUE.value, _("Overdue (deadlines and milestones)")
    UNSUBMITTED = "unsubmitted", ReportingStatus.MISSING.label
    PENDING = ReportingStatus.PENDING.value, ReportingStatus.PENDING.label
    RETURNED = "returned", _("Returned, not resubmitted")


PROGRESS_LISTS = (ListKind.FLAGGED, ListKind.SERIOUS, ListKind.LAGGING, ListKind.OVERDUE)
REPORTING_LISTS = (ListKind.UNSUBMITTED, ListKind.PENDING, ListKind.RETURNED)


class NoticeState(models.TextChoices):
    """督办单: issued → answered → closed; while issued the unit may ask for
    an extension, which supervision grants (new reply date) or refuses."""

    ISSUED = "issued", _("Awaiting answer")
    EXTENSION_REQUESTED = "extension", _("Extension requested")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (NoticeState.ISSUED, NoticeState.EXTENSION_REQUESTED, NoticeState.ANSWERED)


class NoticeLevel(models.IntegerChoices):
    """How far an unanswered notice has escalated."""

    NORMAL = 0, _("Normal")
    REMINDED = 1, _("Reminded")
    RED = 2, _("Red")


class NoticeAction(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated to red")
    ANSWERED = "answered", _("Answered")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    CLOSED = "closed", _("Closed")


class ScoreMode(models.TextChoices):
    """The basis of a unit ranking (supervision.selectors.unit_scores), named
    wherever a ranking is shown: the month alone (月度) or the year to the
    month (年度累计)."""

    MONTH = "month", pgettext_lazy("ranking basis", "Monthly")
    YEAR = "year", pgettext_lazy("ranking basis", "Year to date")


# The basis shown when none is asked for: the ranking page, the dashboard's
# ranking box and the bulletin all rank on it, so their figures agree.
DEFAULT_SCORE_MODE = ScoreMode.YEAR


class NoticeStep(StrEnum):
    """The steps of a notice after it is issued: the one vocabulary of the
    page's URLs (supervision.urls, /supervision/notices/<id>/<step>/), the
    API's actions (/api/v1/notices/<id>/<step>/) and the services."""

    ANSWER = "answer"
    REQUEST_EXTENSION = "request-extension"
    GRANT_EXTENSION = "grant-extension"
    REFUSE_EXTENSION = "refuse-extension"
    CLOSE = "close"


# Who takes each step ("unit": the lead unit's staff and reviewers;
# "supervision": the zone's supervision team) and the states it starts from.
# The services, the notice page and the API all read this one table.
STEP_BY_UNIT, STEP_BY_SUPERVISION = "unit", "supervision"
NOTICE_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    NoticeStep.ANSWER: (STEP_BY_UNIT, (NoticeState.ISSUED, NoticeState.EXTENSION_REQUESTED)),
    NoticeStep.REQUEST_EXTENSION: (STEP_BY_UNIT, (NoticeState.ISSUED,)),
    NoticeStep.GRANT_EXTENSION: (STEP_BY_SUPERVISION, (NoticeState.EXTENSION_REQUESTED,)),
    NoticeStep.REFUSE_EXTENSION: (STEP_BY_SUPERVISION, (NoticeState.EXTENSION_REQUESTED,)),
    NoticeStep.CLOSE: (STEP_BY_SUPERVISION, (NoticeState.ISSUED, NoticeState.ANSWERED)),
}
