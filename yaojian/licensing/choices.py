from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MatterKind(models.TextChoices):
    NEW = "new", _("New licence")
    CHANGE = "change", pgettext_lazy("matter kind", "Change")
    RENEWAL = "renewal", _("Renewal")
    CANCELLATION = "cancellation", _("Cancellation")
    FILING = "filing", _("Filing")


class HandlingLevel(models.TextChoices):
    PROVINCE = "province", _("Province bureau")
    CITY = "city", _("City bureau")
    COUNTY = "county", _("County bureau")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting acceptance")
    CORRECTING = "correcting", _("Correction requested")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    REVIEWING = "reviewing", _("Under review")
    INSPECTING = "inspecting", _("On-site inspection")
    DECIDING = "deciding", _("Awaiting decision")
    ISSUED = "issued", _("Approved and issued")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATUSES = frozenset(
    {Status.SUBMITTED, Status.CORRECTING, Status.REVIEWING, Status.INSPECTING, Status.DECIDING}
)
CLOCK_RUNNING = frozenset({Status.REVIEWING, Status.INSPECTING, Status.DECIDING})
FINAL_STATUSES = frozenset({Status.NOT_ACCEPTED, Status.ISSUED, Status.REFUSED, Status.WITHDRAWN})


class Route(models.TextChoices):
    NORMAL = "normal", _("Ordinary review")
    COMMITMENT = "commitment", _("Commitment-based (告知承诺)")


class PauseReason(models.TextChoices):
    INSPECTION = "inspection", _("On-site inspection")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    HEARING = "hearing", _("Hearing")


class CheckResult(models.TextChoices):
    PASS = "pass", _("Passed")
    WARN = "warn", _("Warning")
    FAIL = "fail", _("Failed")
    NOT_APPLICABLE = "n/a", _("Not applicable")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("One choice")
    MULTI = "multi", _("Several choices")
    LICENCE = "licence", _("One of the enterprise's licences")
