from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CodeScheme(models.TextChoices):
    CN20 = "cn20", _("Chinese 20-digit drug traceability code")
    GTIN = "gtin", _("GS1 GTIN")
    UDI_MA = "udi_ma", _("MA code (device UDI)")
    TCM = "tcm", _("TCM decoction-piece batch code")


class PackageLevel(models.IntegerChoices):
    UNIT = 1, _("Sales unit (pack)")
    CASE = 2, pgettext_lazy("packaging level", "Case")
    PALLET = 3, _("Pallet")


class CodeStatus(models.TextChoices):
    """The current state of one code, maintained as events arrive."""

    ACTIVE = "active", _("Active (held)")
    IN_TRANSIT = "in_transit", _("In transit")
    DISPENSED = "dispensed", _("Dispensed or sold")
    RETURNED = "returned", _("Returned")
    RECALLED = "recalled", _("Recalled")
    DESTROYED = "destroyed", _("Destroyed")
    EXPIRED = "expired", _("Expired")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class SiteKind(models.TextChoices):
    SITE = "site", _("Site (location)")
    PARTY = "party", _("Party")


class AnomalyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class RecallLevel(models.TextChoices):
    # Drug recall rules (药品召回管理办法, 2022): notify within 1, 3 or 7 days by level.
    LEVEL_I = "I", _("Level I (serious health hazard)")
    LEVEL_II = "II", _("Level II (temporary or reversible hazard)")
    LEVEL_III = "III", _("Level III (hazard unlikely)")


class RecallStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class VerificationResult(models.TextChoices):
    """Answers of the public verification, modelled on the EU hub's alert reasons."""

    AUTHENTIC = "authentic", _("Authentic")
    UNKNOWN_CODE = "unknown_code", _("Unknown code")
    UNKNOWN_BATCH = "unknown_batch", _("Unknown batch")
    BATCH_MISMATCH = "batch_mismatch", _("Batch does not match")
    EXPIRY_MISMATCH = "expiry_mismatch", _("Expiry date does not match")
    DISPENSED = "dispensed", _("Already dispensed")
    RECALLED = "recalled", _("Recalled")
    EXPIRED = "expired", _("Expired")
    DESTROYED = "destroyed", _("Destroyed")
    SUSPECT = "suspect", _("Suspect")
