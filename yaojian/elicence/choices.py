from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class KeyStatus(models.TextChoices):
    ACTIVE = "active", _("Active (signs new licences)")
    RETIRED = "retired", _("Retired (still verifies what it signed)")
    COMPROMISED = "compromised", _("Compromised (its signatures are not trusted)")


class Verdict(models.TextChoices):
    """The answer of a verification, by number, QR code or offline."""

    VALID = "valid", pgettext_lazy("e-licence verdict", "Valid")
    EXPIRED = "expired", pgettext_lazy("e-licence verdict", "Expired")
    SUSPENDED = "suspended", pgettext_lazy("e-licence verdict", "Suspended")
    REVOKED = "revoked", pgettext_lazy("e-licence verdict", "Revoked")
    CANCELLED = "cancelled", pgettext_lazy("e-licence verdict", "Cancelled")
    SUPERSEDED = "superseded", pgettext_lazy("e-licence verdict", "Superseded by a newer version")
    UNKNOWN = "unknown", pgettext_lazy("e-licence verdict", "Unknown")
    ALTERED = "altered", pgettext_lazy("e-licence verdict", "Altered or forged")


class InputKind(models.TextChoices):
    """What a visitor typed or scanned on the verification page."""

    NUMBER = "number", _("a licence number")
    PAYLOAD = "payload", _("the code of an electronic licence's QR code")
    URL = "url", _("the link of an electronic licence's QR code")
    TRACE_CODE = "trace_code", _("a drug traceability code")
    EMPTY = "empty", _("nothing")
