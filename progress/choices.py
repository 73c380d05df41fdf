from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


# The reports whose figure counts: on dashboards, in rankings, exports, the
# bulletin and the engine's judgement. A submitted figure waiting for review
# is shown marked 待审核, never counted.
COUNTED: tuple[str, ...] = (ReportStatus.APPROVED,)
# The reports that were sent for review (and not returned since): they tell
# the reporting status (已报 / 待审核 / 补报).
SENT: tuple[str, ...] = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
# The reports the unit may still change in an open period (the rest wait for
# review or changed only through a recorded correction).
EDITABLE: tuple[str, ...] = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class LateRequestStatus(models.TextChoices):
    """Where a unit's request to report a closed month late (补报申请) stands."""

    PENDING = "pending", pgettext_lazy("late report", "Awaiting decision")
    GRANTED = "granted", pgettext_lazy("late report", "Granted")
    REFUSED = "refused", pgettext_lazy("late report", "Refused")


class ContributionStatus(models.TextChoices):
    """Where a co-operating unit's part of a task's monthly progress stands.
    It is not reviewed on its own: the lead unit's report of the task is.
    Only a submitted part is shown to the lead unit, the reviewer and in the
    ledger; a draft is the co-operating unit's own."""

    DRAFT = "draft", pgettext_lazy("contribution", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("contribution", "Submitted")
