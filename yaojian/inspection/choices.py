from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InspectionKind(models.TextChoices):
    """Which rules an inspection checks; each kind has its checklist."""

    GSP_WHOLESALE = "gsp_wholesale", _("GSP, drug wholesale")
    GSP_RETAIL = "gsp_retail", _("GSP, retail pharmacy")
    GMP = "gmp", _("GMP, drug manufacturing")
    DEVICE_DISTRIBUTION = "device_distribution", _("Medical device distribution rules")
    DEVICE_PRODUCTION = "device_production", _("Medical device production rules")
    COSMETICS_PRODUCTION = "cosmetics_production", _("Cosmetics production rules")


# the kind that an enterprise of each registry type is inspected under by default
KIND_FOR_ENTERPRISE = {
    "drug_manufacturer": InspectionKind.GMP,
    "mah": InspectionKind.GMP,
    "wholesaler": InspectionKind.GSP_WHOLESALE,
    "retail_chain_hq": InspectionKind.GSP_WHOLESALE,
    "retail_chain_store": InspectionKind.GSP_RETAIL,
    "retail_pharmacy": InspectionKind.GSP_RETAIL,
    "medical_institution": InspectionKind.GSP_RETAIL,
    "device_manufacturer": InspectionKind.DEVICE_PRODUCTION,
    "device_distributor": InspectionKind.DEVICE_DISTRIBUTION,
    "cosmetics_manufacturer": InspectionKind.COSMETICS_PRODUCTION,
}


class Status(models.TextChoices):
    PENDING = "pending", _("Awaiting scheduling")
    SCHEDULED = "scheduled", pgettext_lazy("inspection status", "Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Checklist submitted")
    RECTIFYING = "rectifying", _("Rectification required")
    RECTIFICATION_SUBMITTED = "rectification_submitted", _("Rectification submitted")
    CLOSED = "closed", pgettext_lazy("inspection status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("inspection status", "Cancelled")


OPEN_STATUSES = frozenset(
    {
        Status.PENDING,
        Status.SCHEDULED,
        Status.IN_PROGRESS,
        Status.SUBMITTED,
        Status.RECTIFYING,
        Status.RECTIFICATION_SUBMITTED,
    }
)
FIELD_STATUSES = frozenset({Status.SCHEDULED, Status.IN_PROGRESS})
# an enterprise sees its inspection once the checklist is submitted (random inspections are
# unannounced: 双随机 inspections are not notified in advance)
ENTERPRISE_VISIBLE = frozenset(
    {
        Status.SUBMITTED,
        Status.RECTIFYING,
        Status.RECTIFICATION_SUBMITTED,
        Status.CLOSED,
    }
)


class Outcome(models.TextChoices):
    PASS = "pass", _("Passed")
    RECTIFY = "rectify", _("Rectification required")
    REFER = "refer", _("Referred to a penalty case")


class Origin(models.TextChoices):
    RANDOM_DRAW = "random_draw", _("Random draw (双随机)")
    LICENCE_COMMITMENT = "licence_commitment", _("Verification after a commitment-based licence")
    COMPLAINT = "complaint", _("Complaint or report")
    TRACE_ANOMALY = "trace_anomaly", _("Traceability anomaly")
    SAMPLING = "sampling", _("Non-conforming sample")
    REFERRAL = "referral", _("Referral from another bureau")
    ROUTINE = "routine", _("Routine or targeted inspection")


class ItemResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    NON_COMPLIANT = "non_compliant", _("Not compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Grade(models.TextChoices):
    """The grading of a defect (GSP/GMP inspection practice: 严重缺陷、主要缺陷、一般缺陷)."""

    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class RectificationDecision(models.TextChoices):
    PENDING = "", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
