from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    """The supervision lists: what needs following up in a period."""

    FLAGGED = "flagged", _("Everything flagged")
    SERIOUS = "serious", _("Seriously lagging")
    LAGGING = "lagging", _("Lagging")
    OVERDUE = "overdue", _("Overdue (deadlines and milestones)")
    UNSUBMITTED = "unsubmitted", _("Reports not submitted")
    RETURNED = "returned", _("Returned, not resubmitted")


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
    MONTH = "month", _("Monthly assessment")
    YEAR = "year", _("Annual assessment")


class NoticeStep(StrEnum):
    """The steps of a notice after it is issued (the API's action names)."""

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
