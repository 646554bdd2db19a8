"""Choices of penalty cases (行政处罚案件)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    SAMPLING = "sampling", _("Sampling and testing")
    COMPLAINT = "complaint", _("Complaint or report")
    TRACE_ANOMALY = "trace_anomaly", _("Traceability anomaly")
    REFERRAL = "referral", _("Referral from another bureau")
    OTHER = "other", _("Other")


class SourceStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the filing decision")
    PROPOSED = "proposed", _("Filing proposed")
    FILED = "filed", _("Filed as a case")
    NOT_FILED = "not_filed", _("Not filed")


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Filing proposed")
    NOT_FILED = "not_filed", _("Filing refused")
    INVESTIGATING = "investigating", _("Under investigation")
    NOTIFIED = "notified", _("Rights notice served")
    HEARING = "hearing", _("Hearing requested")
    HEARD = "heard", _("Hearing held")
    DECIDED = "decided", _("Decided, in execution")
    CLOSED = "closed", _("Closed")
    ANNULLED = "annulled", _("Decision annulled or changed")
    TRANSFERRING = "transferring", _("Transfer awaiting acceptance")


# the 90-day decision clock runs from filing until the decision
CLOCK_RUNNING = frozenset({Status.INVESTIGATING, Status.NOTIFIED, Status.HEARING, Status.HEARD})
OPEN_STATUSES = CLOCK_RUNNING | {Status.PROPOSED, Status.DECIDED, Status.TRANSFERRING}
FINAL_STATUSES = frozenset({Status.NOT_FILED, Status.CLOSED, Status.ANNULLED})
# what the party sees: from the rights notice on (the investigation itself is not published to it)
PARTY_VISIBLE = frozenset(
    {
        Status.NOTIFIED,
        Status.HEARING,
        Status.HEARD,
        Status.DECIDED,
        Status.CLOSED,
        Status.ANNULLED,
    }
)


class PartyKind(models.TextChoices):
    ORGANISATION = "organisation", _("Legal person or other organisation")
    NATURAL_PERSON = "natural_person", _("Natural person (incl. individual business)")


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Documentary evidence")
    PHOTO = "photo", _("Photo or video still")
    INQUIRY = "inquiry", _("Inquiry record (询问笔录)")
    ON_SITE = "on_site", _("On-site inspection record (现场笔录)")
    TEST_REPORT = "test_report", _("Test or inspection report")
    OTHER = "other", _("Other")


class PauseReason(models.TextChoices):
    HEARING = "hearing", _("Hearing")
    TESTING = "testing", _("Testing, inspection or appraisal (检测检验鉴定)")
    SUSPENSION = "suspension", _("Suspension of the case (中止)")
    ANNOUNCEMENT = "announcement", _("Public announcement (公告)")


class ExtensionLevel(models.TextChoices):
    HEAD = "head", _("Approved by the bureau head (30 days)")
    COLLECTIVE = "collective", _("Decided by collective discussion of the bureau heads")


class Discretion(models.TextChoices):
    EXEMPT = "exempt", _("No penalty (首违不罚 / minor and corrected)")
    MITIGATED = "mitigated", _("Mitigated, below the minimum (减轻)")
    LIGHTER = "lighter", _("Lighter (从轻)")
    ORDINARY = "ordinary", _("Ordinary (一般)")
    HEAVIER = "heavier", _("Heavier (从重)")


class PaymentMode(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")
    FULL = "full", _("Paid in full")
    INSTALMENTS = "instalments", _("Payment by instalments (approved)")
    DEFERRED = "deferred", _("Payment deferred (approved)")
    COURT = "court", _("Enforcement applied for at the court")
    NOT_APPLICABLE = "n/a", _("No payment due")


class PublicationState(models.TextChoices):
    NONE = "", _("Not to be published")
    DUE = "due", _("To be published")
    PUBLISHED = "published", _("Published")
    WITHDRAWAL_DUE = "withdrawal_due", _("To be withdrawn")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed early")


class RemovalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the bureau's decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", pgettext_lazy("application for removal", "Refused")
