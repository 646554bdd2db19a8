"""Choices of the random draw (双随机): item kinds, qualifications, plan and draw states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yaojian.registry.choices import EnterpriseKind, RiskGrade


class ItemKind(models.TextChoices):
    """一般检查事项 are drawn at a ratio; 重点检查事项 have no upper limit (all, by default)."""

    GENERAL = "general", _("General item (sampled at a ratio)")
    KEY = "key", _("Key item (no upper limit)")


class Qualification(models.TextChoices):
    GSP = "gsp", _("GSP (drug distribution and pharmacies)")
    GMP = "gmp", _("GMP (drug manufacturing)")
    DEVICE = "device", _("Medical devices")
    COSMETICS = "cosmetics", _("Cosmetics")


# The qualification an inspection team needs for each type of enterprise.
QUALIFICATION_FOR_KIND: dict[str, str] = {
    EnterpriseKind.DRUG_MANUFACTURER: Qualification.GMP,
    EnterpriseKind.MAH: Qualification.GMP,
    EnterpriseKind.WHOLESALER: Qualification.GSP,
    EnterpriseKind.RETAIL_CHAIN_HQ: Qualification.GSP,
    EnterpriseKind.RETAIL_CHAIN_STORE: Qualification.GSP,
    EnterpriseKind.RETAIL_PHARMACY: Qualification.GSP,
    EnterpriseKind.MEDICAL_INSTITUTION: Qualification.GSP,
    EnterpriseKind.ONLINE_PLATFORM: Qualification.GSP,
    EnterpriseKind.DEVICE_MANUFACTURER: Qualification.DEVICE,
    EnterpriseKind.DEVICE_DISTRIBUTOR: Qualification.DEVICE,
    EnterpriseKind.COSMETICS_MANUFACTURER: Qualification.COSMETICS,
}


class ConflictKind(models.TextChoices):
    FORMER_EMPLOYER = "former_employer", _("Former employer")
    RELATION = "relation", _("Relative or close relation works there")
    INTEREST = "interest", _("Financial or other interest")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed with the bureau above")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class DrawStatus(models.TextChoices):
    DRAWN = "drawn", _("Drawn (inspections under way)")
    COMPLETED = "completed", _("Inspections completed")


class Outcome(models.TextChoices):
    PENDING = "", _("Not yet inspected")
    PASS = "pass", _("No problem found")
    RECTIFY = "rectify", _("Rectification required")
    REFER = "refer", _("Referred for a penalty case")
    CLOSED = "closed", _("Not found or closed down")
    RECTIFIED = "rectified", _("Rectified (rectification accepted)")


# Default multipliers of the item ratio by supervision grade (差异化抽查: the higher the risk,
# the higher the ratio). A plan may set its own.
DEFAULT_GRADE_WEIGHTS = {RiskGrade.A: "0.5", RiskGrade.B: "1", RiskGrade.C: "2", RiskGrade.D: "4"}
