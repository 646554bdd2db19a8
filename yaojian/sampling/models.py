"""Sampling and testing (药品质量抽查检验管理办法): plans, tasks, samples, laboratory results.

A bureau's annual plan sets target counts by product category and risk; tasks sample one batch
of one product at one enterprise; the sample travels a recorded chain of custody to a
laboratory, whose result per test item decides conformity; the enterprise may ask for a
re-test within 7 working days of receiving the result (药品管理法 第一百零二条); a
non-conforming product gets a risk-control decision within 7 days; the result is published.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.sampling.choices import (
    Category,
    Conclusion,
    Measure,
    PaymentMethod,
    PlanStatus,
    ResultKind,
    Risk,
    Stage,
    TaskStatus,
)


class Lab(models.Model):
    """A testing institute (药品检验机构) and the bureau whose staff enter its results."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("bureau of the institute"),
        on_delete=models.PROTECT,
        related_name="sampling_labs",
        help_text=_("Analysts and reviewers of this bureau enter the laboratory's results."),
    )
    accreditation = models.CharField(_("accreditation (CMA/CNAS)"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    # reference data: every regulator reads it, enterprises choose a re-test laboratory from it
    scope_paths = scoping.ScopePaths(province_wide=True, public=lambda: Q(active=True))

    class Meta:
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A bureau's annual sampling plan."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    title = models.CharField(_("title"), max_length=200)
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("jurisdiction"), max_length=6, db_index=True)
    basis = models.TextField(_("legal basis and priorities"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_by_name = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["-year", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sampling:plan_detail", args=[self.pk])


class PlanLine(models.Model):
    """A target: so many batches of a category at a risk level in the plan's year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices)
    target = models.PositiveIntegerField(_("target batches"), validators=[MinValueValidator(1)])
    note = models.CharField(_("focus"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["category", "risk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "category", "risk"], name="sampling_plan_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.get_risk_display()} ×{self.target}"


class PlanEvent(models.Model):
    """One transition of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.action}"


class Task(models.Model):
    """Sampling one batch of one product at one enterprise, and everything that follows."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="tasks"
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices)
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("sampling bureau"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise sampled"),
        on_delete=models.PROTECT,
        related_name="sampling_tasks",
    )
    region_code = models.CharField(_("jurisdiction"), max_length=6, db_index=True)
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sampling_tasks",
    )
    product_name = models.CharField(_("product name"), max_length=200)
    batch_no = models.CharField(_("batch number"), max_length=40)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=10, default="盒")
    samplers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("samplers"), related_name="sampling_tasks"
    )
    lab = models.ForeignKey(
        Lab, verbose_name=_("laboratory"), on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("sample by"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.PLANNED,
        db_index=True,
    )
    # the result and the enterprise's rights
    conclusion = models.CharField(
        _("conclusion"), max_length=16, choices=Conclusion.choices, blank=True, db_index=True
    )
    served_on = models.DateField(_("result served on"), null=True, blank=True)
    retest_deadline = models.DateField(_("re-test may be requested until"), null=True, blank=True)
    retest_requested_at = models.DateTimeField(_("re-test requested at"), null=True, blank=True)
    retest_reason = models.TextField(_("reason for the re-test"), blank=True)
    retest_lab = models.ForeignKey(
        Lab,
        verbose_name=_("re-test laboratory"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("sampling task")
        verbose_name_plural = _("sampling tasks")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region_code", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.product_name} {self.batch_no}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sampling:task_detail", args=[self.pk])

    @property
    def is_drug(self) -> bool:
        from yaojian.sampling.choices import DRUG_CATEGORIES

        return self.category in DRUG_CATEGORIES


class TaskEvent(models.Model):
    """One transition of a task's workflow: who did what, when, from which state."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"


class SampleRecord(models.Model):
    """The sampling record and voucher (抽样记录及凭证), signed by the enterprise.

    Samples are bought: the law forbids charging the enterprise (药品管理法 第一百条 "抽查
    检验应当按照规定抽样，并不得收取任何费用；抽样应当购买样品"), so a record states the
    price paid and how.
    """

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="sample")
    record_number = models.CharField(_("sampling record number"), max_length=40, unique=True)
    sampled_at = models.DateTimeField(_("sampled at"))
    place = models.CharField(_("place of sampling"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity taken"), validators=[MinValueValidator(1)])
    sealed_ids = models.JSONField(_("seal numbers of the samples"), default=list)
    price_paid = models.DecimalField(_("price paid (yuan)"), max_digits=10, decimal_places=2)
    payment_method = models.CharField(
        _("payment method"), max_length=10, choices=PaymentMethod.choices
    )
    payment_reference = models.CharField(_("receipt or payment reference"), max_length=60)
    enterprise_signatory = models.CharField(_("signed for the enterprise by"), max_length=100)
    enterprise_acknowledged = models.BooleanField(_("the enterprise signed the record"))
    enterprise_remarks = models.TextField(_("the enterprise's remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("sampling record")
        verbose_name_plural = _("sampling records")
        constraints = [
            models.CheckConstraint(name="sampling_sample_paid", condition=Q(price_paid__gt=0)),
            # a refusal to sign is noted in the remarks (办法: 拒绝签字的，抽样人员注明)
            models.CheckConstraint(
                name="sampling_sample_signed_or_noted",
                condition=Q(enterprise_acknowledged=True) | ~Q(enterprise_remarks=""),
            ),
        ]

    def __str__(self) -> str:
        return self.record_number


class Handover(models.Model):
    """One link of the chain of custody: who handed the sample to whom, when and where."""

    sample = models.ForeignKey(SampleRecord, on_delete=models.CASCADE, related_name="handovers")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    place = models.CharField(_("where"), max_length=200)
    handed_by = models.CharField(_("handed over by"), max_length=150)
    received_by = models.CharField(_("received by"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "stage"], name="sampling_handover_once")
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.stage}"


class Result(models.Model):
    """A laboratory's report on the sample: the first test, or the re-test."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="results")
    kind = models.CharField(_("kind"), max_length=8, choices=ResultKind.choices)
    lab = models.ForeignKey(Lab, verbose_name=_("laboratory"), on_delete=models.PROTECT)
    report_number = models.CharField(_("report number"), max_length=40, unique=True)
    tested_on = models.DateField(_("report date"))
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        ordering = ["entered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "kind"], name="sampling_result_once")
        ]

    def __str__(self) -> str:
        return self.report_number

    @property
    def failed_items(self) -> list[ResultItem]:
        return [item for item in self.items.all() if not item.conforming]


class ResultItem(models.Model):
    """One test item: what was tested, against which standard and limit, with what result."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="items")
    item = models.CharField(_("test item"), max_length=100)
    standard = models.CharField(_("standard"), max_length=200)
    limit = models.CharField(_("limit"), max_length=100)
    value = models.CharField(_("result"), max_length=100)
    conforming = models.BooleanField(_("conforming"))

    class Meta:
        verbose_name = _("test item")
        verbose_name_plural = _("test items")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.item


class RiskControl(models.Model):
    """The decision on control measures for a non-conforming product, due within 7 days."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="risk_control")
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("decide by"), db_index=True)
    measure = models.CharField(_("measure"), max_length=14, choices=Measure.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    note = models.TextField(_("grounds and details"), blank=True)
    recall_number = models.CharField(_("recall order"), max_length=30, blank=True)
    recall_id = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("risk control")
        verbose_name_plural = _("risk controls")

    def __str__(self) -> str:
        return f"{self.task_id} {self.measure or '-'}"

    @property
    def decided(self) -> bool:
        return self.decided_on is not None

    def overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.decided and today > self.due_on
