from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """Product categories of the annual sampling plan (国家/省药品抽检计划 分类)."""

    CHEMICAL = "chemical", _("Chemical drugs")
    TCM_PATENT = "tcm_patent", _("Chinese patent medicines")
    TCM_PIECE = "tcm_piece", _("TCM decoction pieces")
    BIOLOGIC = "biologic", _("Biological products")
    DEVICE = "device", _("Medical devices")
    COSMETIC = "cosmetic", _("Cosmetics")


# categories whose products are drugs (a recall order under 药品召回管理办法 applies)
DRUG_CATEGORIES = frozenset(
    {Category.CHEMICAL, Category.TCM_PATENT, Category.TCM_PIECE, Category.BIOLOGIC}
)


class Risk(models.TextChoices):
    HIGH = "high", _("High risk")
    MEDIUM = "medium", _("Medium risk")
    LOW = "low", _("Low risk")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", pgettext_lazy("plan status", "Closed")


class TaskStatus(models.TextChoices):
    PLANNED = "planned", _("To be sampled")
    SAMPLED = "sampled", _("Sampled and sealed")
    SENT = "sent", _("Sent to the laboratory")
    RECEIVED = "received", _("Received by the laboratory")
    TESTED = "tested", _("Tested")
    SERVED = "served", _("Result served")
    RETEST_REQUESTED = "retest_requested", _("Re-test requested")
    RETESTED = "retested", _("Re-tested")
    CLOSED = "closed", pgettext_lazy("task status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("task status", "Cancelled")


# what an enterprise never sees: a task before the samplers come (sampling is unannounced)
HIDDEN_FROM_ENTERPRISE = frozenset({TaskStatus.PLANNED, TaskStatus.CANCELLED})
OPEN_TASK_STATUSES = frozenset(
    {
        TaskStatus.PLANNED,
        TaskStatus.SAMPLED,
        TaskStatus.SENT,
        TaskStatus.RECEIVED,
        TaskStatus.TESTED,
        TaskStatus.SERVED,
        TaskStatus.RETEST_REQUESTED,
        TaskStatus.RETESTED,
    }
)


class Conclusion(models.TextChoices):
    CONFORMING = "conforming", _("Conforming")
    NON_CONFORMING = "non_conforming", _("Non-conforming")


class ResultKind(models.TextChoices):
    FIRST = "first", _("First test")
    RETEST = "retest", _("Re-test")


class Stage(models.TextChoices):
    """The chain of custody of a sample, in order (retained and returned are alternatives)."""

    SAMPLED = "sampled", _("Sampled")
    SEALED = "sealed", _("Sealed")
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received by the laboratory")
    TESTED = "tested", _("Tested")
    RETAINED = "retained", _("Retained (留样)")
    RETURNED = "returned", _("Returned to the enterprise")


STAGE_ORDER = [Stage.SAMPLED, Stage.SEALED, Stage.SENT, Stage.RECEIVED, Stage.TESTED]
FINAL_STAGES = frozenset({Stage.RETAINED, Stage.RETURNED})


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    CASH = "cash", _("Cash against receipt")
    CARD = "card", _("Official card (公务卡)")
    INVOICE = "invoice", _("Invoice settled by the bureau")


class Measure(models.TextChoices):
    """Risk-control measures for a non-conforming product (药品管理法 第一百条)."""

    SEIZURE = "seizure", _("Seizure and sealing (查封扣押)")
    SUSPEND_SALES = "suspend_sales", _("Order to stop sales and use")
    RECALL = "recall", _("Recall ordered")
    NONE_NEEDED = "none_needed", _("No measure needed")
