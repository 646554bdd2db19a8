from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnterpriseKind(models.TextChoices):
    DRUG_MANUFACTURER = "drug_manufacturer", _("Drug manufacturer")
    MAH = "mah", _("Marketing-authorisation holder")
    WHOLESALER = "wholesaler", _("Drug wholesaler")
    RETAIL_CHAIN_HQ = "retail_chain_hq", _("Retail pharmacy chain (headquarters)")
    RETAIL_CHAIN_STORE = "retail_chain_store", _("Retail pharmacy chain store")
    RETAIL_PHARMACY = "retail_pharmacy", _("Independent retail pharmacy")
    MEDICAL_INSTITUTION = "medical_institution", _("Medical institution")
    DEVICE_MANUFACTURER = "device_manufacturer", _("Medical device manufacturer")
    DEVICE_DISTRIBUTOR = "device_distributor", _("Medical device distributor")
    COSMETICS_MANUFACTURER = "cosmetics_manufacturer", _("Cosmetics manufacturer")
    ONLINE_PLATFORM = "online_platform", _("Online trading platform")


RETAIL_KINDS = frozenset({EnterpriseKind.RETAIL_PHARMACY, EnterpriseKind.RETAIL_CHAIN_STORE})


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("In business")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class RiskGrade(models.TextChoices):
    """Supervision grade used to weight inspection draws until the credit module exists."""

    A = "A", _("A (low risk)")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D (high risk)")


class LicenceKind(models.TextChoices):
    DRUG_MANUFACTURING = "drug_manufacturing", _("Drug manufacturing licence")
    DRUG_WHOLESALE = "drug_wholesale", _("Drug trading licence (wholesale)")
    DRUG_RETAIL_CHAIN_HQ = (
        "drug_retail_chain_hq",
        _("Drug trading licence (retail chain headquarters)"),
    )
    DRUG_RETAIL_CHAIN_STORE = (
        "drug_retail_chain_store",
        _("Drug trading licence (retail chain store)"),
    )
    DRUG_RETAIL = "drug_retail", _("Drug trading licence (retail)")
    DEVICE_TRADING_III = "device_trading_iii", _("Medical device trading licence (class III)")
    DEVICE_TRADING_II = "device_trading_ii", _("Medical device trading filing (class II)")
    DEVICE_MANUFACTURING = "device_manufacturing", _("Medical device manufacturing licence")
    COSMETICS_MANUFACTURING = "cosmetics_manufacturing", _("Cosmetics manufacturing licence")
    ONLINE_DRUG_SALES = "online_drug_sales", _("Online drug sales filing")


FILING_KINDS = frozenset({LicenceKind.DEVICE_TRADING_II, LicenceKind.ONLINE_DRUG_SALES})
# 药品经营许可证 classification (first letter of the number) by licence kind
DRUG_TRADING_CLASS_OF = {
    LicenceKind.DRUG_WHOLESALE: "wholesale",
    LicenceKind.DRUG_RETAIL_CHAIN_HQ: "retail_chain_hq",
    LicenceKind.DRUG_RETAIL_CHAIN_STORE: "retail_chain_store",
    LicenceKind.DRUG_RETAIL: "retail",
}


class LicenceStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", pgettext_lazy("licence status", "Suspended")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", pgettext_lazy("licence status", "Cancelled")
    EXPIRED = "expired", _("Expired")


class ProductKind(models.TextChoices):
    DRUG = "drug", _("Drug")
    TCM_PIECE = "tcm_piece", _("TCM decoction piece")
    DEVICE = "device", _("Medical device")
    COSMETIC = "cosmetic", _("Cosmetic")


class RxClass(models.TextChoices):
    RX = "rx", _("Prescription")
    OTC_A = "otc_a", _("OTC class A")
    OTC_B = "otc_b", _("OTC class B")


class DeviceClass(models.TextChoices):
    I = "I", _("Class I")  # noqa: E741 - the official class names
    II = "II", _("Class II")
    III = "III", _("Class III")


class CosmeticCategory(models.TextChoices):
    SPECIAL = "special", _("Special (registered)")
    ORDINARY = "ordinary", _("Ordinary (filed)")


class ProductStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    CANCELLED = "cancelled", pgettext_lazy("approval status", "Cancelled")
    EXPIRED = "expired", _("Expired")


class PersonRole(models.TextChoices):
    LICENSED_PHARMACIST = "licensed_pharmacist", _("Licensed pharmacist")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")


class PharmacistCategory(models.TextChoices):
    PHARMACY = "pharmacy", _("Pharmacy (药学)")
    TCM_PHARMACY = "tcm_pharmacy", _("Traditional Chinese pharmacy (中药学)")
    BOTH = "both", _("Pharmacy and traditional Chinese pharmacy")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("In post")
    LEFT = "left", _("Left")


class TimelineKind(models.TextChoices):
    """What a module posts into an enterprise's or a product's file."""

    REGISTRATION = "registration", _("Registration")
    LICENCE = "licence", _("Licence")
    PRODUCT = "product", _("Product")
    PERSON = "person", _("People")
    APPLICATION = "application", _("Application")
    INSPECTION = "inspection", _("Inspection")
    SAMPLING = "sampling", _("Sampling")
    PENALTY = "penalty", _("Penalty")
    COMPLAINT = "complaint", _("Complaint")
    TRACE_ALERT = "trace_alert", _("Traceability alert")
    ADVERSE_REACTION = "adverse_reaction", _("Adverse reaction")
    CREDIT = "credit", _("Credit")
    RECALL = "recall", _("Recall")
    SIGNAL = "signal", _("Safety signal")


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Warning")
    ALERT = "alert", _("Alert")
