from django.db import models
from django.utils.translation import gettext_lazy as _


class Comparator(models.TextChoices):
    AT_LEAST = ">=", _("at least")
    AT_MOST = "<=", _("at most")
    RANGE = "range", _("range")
    EXACTLY = "==", _("exactly (a fixed set)")


class ReportedAs(models.TextChoices):
    """How a growth or decrease target is reported: the year-to-date rate
    itself, or the year-to-date amount from which the rate is computed
    against the baseline's same period."""

    RATE = "rate", _("the rate")
    AMOUNT = "amount", _("the amount")


class Standing(models.IntegerChoices):
    """Where a task stands, as its lead unit reports it each period (a task
    item's figure, ``targets.kinds.TASK``): stored as the report's value, so
    that it is carried, reviewed, locked and corrected like any figure."""

    LAGGING = 0, _("Lagging behind plan")
    ON_SCHEDULE = 1, _("On schedule")
    DONE = 2, _("Done")


class Status(models.TextChoices):
    """Where a target stands for a period: the progress status, judged on the
    latest approved figure (targets.metrics). The one definition of these
    words: the engine's two paths, pages, lists, exports, the API and the
    bulletin read them from here."""

    COMPLETED = "completed", _("Completed")
    ON_TRACK = "on_track", _("On track")
    LAGGING = "lagging", _("Lagging")
    SERIOUS = "serious", _("Seriously lagging")
    OVERDUE = "overdue", _("Overdue")
    NO_DATA = "no_data", _("No data")


# How bad a status is; a task takes the worst (largest) of its targets'.
SEVERITY: dict[str, int] = {
    Status.COMPLETED: 0,
    Status.ON_TRACK: 1,
    Status.NO_DATA: 2,
    Status.LAGGING: 3,
    Status.SERIOUS: 4,
    Status.OVERDUE: 5,
}
# Statuses that call for attention: they raise a flag, fill the lagging lists
# and the dashboard's "what lags" (worst first, by SEVERITY).
BAD: tuple[str, ...] = (Status.LAGGING, Status.SERIOUS, Status.OVERDUE)
# Red: seriously lagging or overdue (scores deduct for them; notices escalate).
RED: tuple[str, ...] = (Status.SERIOUS, Status.OVERDUE)
# Shown in this order wherever statuses are counted side by side.
STATUS_ORDER: tuple[str, ...] = (
    Status.COMPLETED,
    Status.ON_TRACK,
    Status.LAGGING,
    Status.SERIOUS,
    Status.OVERDUE,
    Status.NO_DATA,
)


class ReportingStatus(models.TextChoices):
    """Whether a target's lead unit reported a period on time: the second
    question, always shown beside the progress status and never folded into
    it (a missing report does not make a target lag; time does)."""

    REPORTED = "reported", _("Reported")  # 已报: approved, submitted by the due day
    PENDING = "pending", _("Awaiting review")  # 待审核: submitted, not yet approved
    NOT_YET = "not_yet", _("Not yet reported")  # 未报: nothing submitted, before the due day
    MISSING = "missing", _("Overdue, not reported")  # 逾期未报: nothing submitted after the due day
    LATE = "late", _("Reported late")  # 补报: approved, submitted after the due day


class FlagChange(models.TextChoices):
    """How a target's status changed from one period to the next (a flag)."""

    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Escalated")
    EASED = "eased", _("Eased")
    RECOVERED = "recovered", _("Recovered")


# Reporting statuses that are a problem for the supervision team.
REPORTING_PROBLEMS: tuple[str, ...] = (ReportingStatus.MISSING,)


def sql_in(values) -> str:
    """A SQL list of string constants from one of the tuples above, for the
    set-based engine (the values are this module's own words, never input)."""
    return ", ".join(f"'{value}'" for value in values)


def sql_case(column: str, mapping: dict[str, int]) -> str:
    """A SQL CASE mapping a status column to the numbers of ``mapping``."""
    whens = " ".join(f"WHEN '{key}' THEN {number}" for key, number in mapping.items())
    return f"CASE {column} {whens} END"


class Outlook(models.TextChoices):
    """Where a target's year-end projection lands against its value
    (targets.outlook): met even at the band's low end, met only at its
    centre, or missed ("按当前进度预计年底未达标")."""

    MEET = "meet", _("Expected to be met")
    RISK = "risk", _("At risk")
    MISS = "miss", _("Expected to be missed")
