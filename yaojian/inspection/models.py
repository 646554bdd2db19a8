"""Inspections in the field: checklists, findings, outcomes and rectification.

The random-draw models live in `draws/models.py` and are imported here so that Django sees
them as models of this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.inspection import choices as ic
from yaojian.inspection.draws.models import *  # noqa: F403


class Checklist(models.Model):
    """The checklist of one kind of inspection (GSP, GMP, …), as administrators configure it.

    One active checklist per kind is used for new inspections; an inspection keeps the
    checklist it was scheduled with, so changing a checklist never rewrites past results.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=ic.InspectionKind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"))
    active = models.BooleanField(_("used for new inspections"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(province_wide=True)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(active=True),
                name="inspection_one_active_checklist_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """One item to check: what, under which article, and whether it is a key item (关键项)."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("item code"), max_length=20)
    text = models.TextField(_("what is checked"))
    rule = models.CharField(_("rule or article"), max_length=200)
    key_item = models.BooleanField(_("key item"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "code"], name="inspection_item_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


class Inspection(models.Model):
    """One inspection of one enterprise, from scheduling to closure."""

    number = models.CharField(_("inspection number"), max_length=30, unique=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    # the enterprise's division, copied for scoping
    region_code = models.CharField(_("division code"), max_length=6, db_index=True)
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("bureau"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ic.InspectionKind.choices)
    checklist = models.ForeignKey(
        Checklist, verbose_name=_("checklist"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ic.Status.choices,
        default=ic.Status.PENDING,
        db_index=True,
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ic.Outcome.choices, blank=True, default=""
    )
    origin = models.CharField(_("origin"), max_length=30, choices=ic.Origin.choices)
    origin_ref = models.CharField(_("origin reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team"),
        related_name="inspection_teams",
        blank=True,
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("to be inspected by"), null=True, blank=True, db_index=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("checklist submitted at"), null=True, blank=True)
    # the idempotency key of the checklist submission: a second submission with it is a no-op
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    summary = models.TextField(_("summary of the inspection"), blank=True)
    acknowledged_by = models.CharField(_("enterprise representative"), max_length=100, blank=True)
    acknowledgement = models.TextField(_("representative's statement"), blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("outcome decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("reasons for the outcome"), blank=True)
    rectification_days = models.PositiveSmallIntegerField(
        _("rectification period (working days)"), null=True, blank=True
    )
    rectification_deadline = models.DateField(_("rectify by"), null=True, blank=True, db_index=True)
    case_ref = models.CharField(_("penalty case"), max_length=100, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["region_code", "status"]),
            models.Index(fields=["status", "rectification_deadline"]),
            models.Index(fields=["enterprise", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="inspection_rectification_has_deadline",
                condition=~models.Q(outcome="rectify")
                | models.Q(rectification_deadline__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspection:detail", args=[self.pk])

    @property
    def case_link(self) -> str:
        """The penalty-case clue this inspection was referred as, on the enforcement pages."""
        from django.urls import NoReverseMatch, reverse

        prefix = "enforcement-source:"
        if not self.case_ref.startswith(prefix):
            return ""
        try:
            return reverse("enforcement:source_detail", args=[int(self.case_ref[len(prefix) :])])
        except (NoReverseMatch, ValueError):
            return ""

    @property
    def visible_to_enterprise(self) -> bool:
        return self.status in ic.ENTERPRISE_VISIBLE

    def rectification_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.status == ic.Status.RECTIFYING
            and self.rectification_deadline
            and self.rectification_deadline < today
        )

    def inspection_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.status in (ic.Status.SCHEDULED, ic.Status.IN_PROGRESS)
            and self.due_date
            and self.due_date < today
        )


class InspectionResult(models.Model):
    """The inspector's answer for one checklist item."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=ic.ItemResult.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("item result")
        verbose_name_plural = _("item results")
        ordering = ["item__position", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="inspection_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id} {self.result}"


class Finding(models.Model):
    """A defect found: graded, with the rule it breaks."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grade = models.CharField(_("grade"), max_length=10, choices=ic.Grade.choices)
    rule = models.CharField(_("rule broken"), max_length=200)
    note = models.TextField(_("what was found"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.grade} {self.rule}"


class InspectionPhoto(models.Model):
    """A photo taken in the field; its type is what its bytes say."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to="inspections/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sm3 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Rectification(models.Model):
    """One submission of rectification evidence by the enterprise, and the inspector's answer."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="rectifications"
    )
    statement = models.TextField(_("rectification statement"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by_name = models.CharField(_("submitted by"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    on_time = models.BooleanField(_("within the deadline"), default=True)
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=ic.RectificationDecision.choices,
        blank=True,
        default=ic.RectificationDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.submitted_at:%Y-%m-%d}"


class RectificationEvidence(models.Model):
    """A file attached to a rectification (PDF, JPEG or PNG, by its bytes)."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="rectifications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sm3 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class InspectionEvent(models.Model):
    """One transition of an inspection's workflow: who did what, when, from which state."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("inspection step")
        verbose_name_plural = _("inspection steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.action}"


class InspectionNumber(models.Model):
    """The next serial of each inspection number series (bureau + year), under a row lock."""

    series = models.CharField(max_length=30, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("inspection number series")
        verbose_name_plural = _("inspection number series")

    def __str__(self) -> str:
        return f"{self.series} {self.last}"
