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
    """督办单: issued → (signed off by the unit head, where the zone asks for
    it) → answered → closed; while issued the unit may ask for an extension,
    which supervision grants (new reply date) or refuses. The unit head may
    return an answer instead of signing it off (back to issued)."""

    ISSUED = "issued", _("Awaiting answer")
    EXTENSION_REQUESTED = "extension", _("Extension requested")
    SIGN_OFF = "sign_off", _("Awaiting the unit head's sign-off")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATES = (NoticeState.ISSUED, NoticeState.EXTENSION_REQUESTED, NoticeState.SIGN_OFF, NoticeState.ANSWERED)
# The states in which the notice holds an answer (written, maybe not yet signed off).
ANSWER_STATES = (NoticeState.SIGN_OFF, NoticeState.ANSWERED)


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
    SIGNED_OFF = "signed_off", _("Signed off by the unit head")
    ANSWER_RETURNED = "answer_returned", _("Answer returned by the unit head")
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
    SIGN_OFF = "sign-off"
    RETURN_ANSWER = "return-answer"
    REQUEST_EXTENSION = "request-extension"
    GRANT_EXTENSION = "grant-extension"
    REFUSE_EXTENSION = "refuse-extension"
    CLOSE = "close"


# Who takes each step ("unit": the lead unit's staff and reviewers; "unit
# head": the lead unit's reviewers, zones.policy.can_sign_off; "supervision":
# the zone's supervision team) and the states it starts from.
# The services, the notice page and the API all read this one table.
STEP_BY_UNIT, STEP_BY_UNIT_HEAD, STEP_BY_SUPERVISION = "unit", "unit_head", "supervision"
NOTICE_STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    NoticeStep.ANSWER: (STEP_BY_UNIT, (NoticeState.ISSUED, NoticeState.EXTENSION_REQUESTED)),
    NoticeStep.SIGN_OFF: (STEP_BY_UNIT_HEAD, (NoticeState.SIGN_OFF,)),
    NoticeStep.RETURN_ANSWER: (STEP_BY_UNIT_HEAD, (NoticeState.SIGN_OFF,)),
    NoticeStep.REQUEST_EXTENSION: (STEP_BY_UNIT, (NoticeState.ISSUED,)),
    NoticeStep.GRANT_EXTENSION: (STEP_BY_SUPERVISION, (NoticeState.EXTENSION_REQUESTED,)),
    NoticeStep.REFUSE_EXTENSION: (STEP_BY_SUPERVISION, (NoticeState.EXTENSION_REQUESTED,)),
    NoticeStep.CLOSE: (STEP_BY_SUPERVISION, (NoticeState.ISSUED, NoticeState.ANSWERED)),
}


class AnswerKind(models.TextChoices):
    """What a notice's answer is about, chosen from its items' statuses by
    ``answer_kind_of`` (the one rule): a report not sent asks when it will be
    sent; a lagging figure asks why and by when it catches up; a missed date
    asks the new date and why."""

    LATE_REPORT = "late_report", _("A report not sent")
    LAGGING = "lagging", _("A lagging figure")
    MISSED_DATE = "missed_date", _("A missed date")


# Which answer an item's status at issue asks for; a notice with items of
# several kinds asks the one listed first here that it holds.
ANSWER_KIND_BY_STATUS = {
    Status.OVERDUE: AnswerKind.MISSED_DATE,
    Status.SERIOUS: AnswerKind.LAGGING,
    Status.LAGGING: AnswerKind.LAGGING,
}
ANSWER_KIND_ORDER = (AnswerKind.MISSED_DATE, AnswerKind.LAGGING, AnswerKind.LATE_REPORT)


def answer_kind_of(statuses) -> AnswerKind:
    """The answer a notice asks for, from its items' statuses at issue: any
    status not lagging or overdue (no figures, or none approved) is a report
    not sent."""
    kinds = {ANSWER_KIND_BY_STATUS.get(status, AnswerKind.LATE_REPORT) for status in statuses}
    return next((kind for kind in ANSWER_KIND_ORDER if kind in kinds), AnswerKind.LATE_REPORT)


# The fields an answer of each kind asks for, in order, each with its label
# and the message when it is left empty: the form, the API and the service
# read this one table. "reason" and "expected" are always asked (a notice's
# answer says why and by when); "measures" only where something must catch up.
ANSWER_FIELDS: dict[str, dict[str, tuple]] = {
    AnswerKind.LATE_REPORT: {
        "reason": (_("Why it was not reported"), _("Write why the report was not sent.")),
        "expected": (_("Will be reported on"), _("Give the date on which the report will be sent.")),
    },
    AnswerKind.LAGGING: {
        "reason": (_("Why it lags"), _("Write why the item lags.")),
        "measures": (_("Measures"), _("Write the measures the unit takes.")),
        "expected": (_("On track again by"), _("Give the date by which the item will be on track.")),
    },
    AnswerKind.MISSED_DATE: {
        "expected": (_("New completion date"), _("Give the new date by which the item will be completed.")),
        "reason": (_("Why the date was missed"), _("Write why the date was missed.")),
        "measures": (_("Measures"), _("Write the measures the unit takes.")),
    },
}


class InstructionState(models.TextChoices):
    """A leader's instruction (领导批示): it waits for the unit's answer
    (待答复), is answered (已答复), and its author marks the answer read
    (已阅), which closes it."""

    PENDING = "pending", _("Awaiting answer")
    ANSWERED = "answered", _("Answered")
    READ = "read", pgettext_lazy("instruction", "Read")


# The states in which the instruction holds an answer.
INSTRUCTION_ANSWERED_STATES = (InstructionState.ANSWERED, InstructionState.READ)


class InstructionSubject(models.TextChoices):
    """What an instruction is written on: exactly one of a target, a task or a notice."""

    TARGET = "target", _("Target")
    TASK = "task", _("Task")
    NOTICE = "notice", _("Follow-up notice")
