"""Models of the random draw (双随机、一公开): the inspection item list, the inspector pool,
annual plans filed with the bureau above, and draws in batches with their recorded inputs.

The entity pool is the registry itself (`registry.Enterprise`, with its type, division and
`risk_grade`); a draw copies the part of it that it used into `Draw.inputs`, so that the draw
can be recomputed later from its record alone (see `algorithm.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import BureauLevel
from yaojian.core import scoping
from yaojian.inspection.draws.choices import (
    ConflictKind,
    DrawStatus,
    ItemKind,
    Outcome,
    PlanStatus,
    Qualification,
)
from yaojian.registry.choices import EnterpriseKind, RiskGrade

__all__ = [
    "Draw",
    "DrawPlan",
    "DrawSelection",
    "InspectionItem",
    "InspectorConflict",
    "InspectorProfile",
    "PlanEvent",
    "PlanItem",
]

RATIO_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class InspectionItem(models.Model):
    """One line of the inspection item list (随机抽查事项清单)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    ratio = models.DecimalField(
        _("sampling ratio (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=RATIO_VALIDATORS,
        help_text=_("General items: the share of the pool drawn. Key items: empty means all."),
    )
    enterprise_kinds = models.JSONField(_("enterprise types"), default=list)
    legal_basis = models.TextField(_("legal basis"))
    bureau_level = models.CharField(
        _("responsible bureau level"), max_length=10, choices=BureauLevel.choices
    )
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(province_wide=True)

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="general_item_has_ratio",
                condition=~models.Q(kind="general") | models.Q(ratio__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        errors = {}
        kinds = self.enterprise_kinds
        if not isinstance(kinds, list) or not kinds:
            errors["enterprise_kinds"] = _("Choose at least one enterprise type.")
        elif any(k not in EnterpriseKind.values for k in kinds):
            errors["enterprise_kinds"] = _("Unknown enterprise type.")
        if self.kind == ItemKind.GENERAL and (self.ratio is None or self.ratio <= 0):
            errors["ratio"] = _("A general item needs a sampling ratio above 0 %.")
        if errors:
            raise ValidationError(errors)

    def kind_labels(self) -> list[str]:
        return [str(EnterpriseKind(k).label) for k in self.enterprise_kinds]


class InspectorProfile(models.Model):
    """A regulator in the inspector pool: what they may inspect and whether they can lead."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.CASCADE,
        related_name="inspector_profile",
    )
    qualifications = models.JSONField(_("qualifications"), default=list)
    lead_qualified = models.BooleanField(_("qualified to lead a team"), default=False)
    available = models.BooleanField(_("available for draws"), default=True)
    unavailable_reason = models.CharField(_("why unavailable"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="user__bureau__region_code")

    class Meta:
        verbose_name = _("inspector profile")
        verbose_name_plural = _("inspector profiles")
        ordering = ["user__bureau__region_code", "user__username"]

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        quals = self.qualifications
        if not isinstance(quals, list) or any(q not in Qualification.values for q in quals):
            raise ValidationError({"qualifications": _("Unknown qualification.")})
        if not self.available and not self.unavailable_reason.strip():
            raise ValidationError(
                {"unavailable_reason": _("Say why the inspector is unavailable.")}
            )

    def qualification_labels(self) -> list[str]:
        return [str(Qualification(q).label) for q in self.qualifications]


class InspectorConflict(models.Model):
    """A declared conflict of interest: the inspector never inspects this enterprise."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind of conflict"), max_length=20, choices=ConflictKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="inspector__bureau__region_code")

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        ordering = ["inspector_id", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "enterprise", "kind"], name="unique_inspector_conflict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} × {self.enterprise} ({self.get_kind_display()})"


class DrawPlan(models.Model):
    """An annual random-inspection plan of one bureau, filed with the bureau above."""

    number = models.CharField(_("plan number"), max_length=40, unique=True)
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("division code"), max_length=6, db_index=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    grade_weights = models.JSONField(_("ratio multipliers by grade"), default=dict)
    team_size = models.PositiveSmallIntegerField(
        _("inspectors per team"), default=2, validators=[MinValueValidator(2), MaxValueValidator(5)]
    )
    max_load = models.PositiveSmallIntegerField(
        _("most inspections per inspector and draw"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("random-inspection plan")
        verbose_name_plural = _("random-inspection plans")
        ordering = ["-year", "region_code", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspection:plan_detail", args=[self.pk])


class PlanItem(models.Model):
    """An item of the list in a plan, with the ratio the plan applies to it."""

    plan = models.ForeignKey(DrawPlan, on_delete=models.CASCADE, related_name="plan_items")
    item = models.ForeignKey(InspectionItem, on_delete=models.PROTECT, related_name="+")
    ratio = models.DecimalField(
        _("sampling ratio (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=RATIO_VALIDATORS,
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["item__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "item"], name="unique_plan_item")]

    def __str__(self) -> str:
        return f"{self.plan.number} · {self.item.code}"


class PlanEvent(models.Model):
    """One step of a plan's workflow (the history row of every transition)."""

    plan = models.ForeignKey(DrawPlan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan.number} {self.action}"


class Draw(models.Model):
    """One batch drawn under a plan: seed, exact inputs and algorithm version are recorded."""

    plan = models.ForeignKey(DrawPlan, on_delete=models.PROTECT, related_name="draws")
    batch = models.PositiveSmallIntegerField(_("batch"))
    title = models.CharField(_("title"), max_length=200)
    region_code = models.CharField(_("division code"), max_length=6, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DrawStatus.choices, default=DrawStatus.DRAWN
    )
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("algorithm version"), max_length=40)
    inputs = models.JSONField(_("inputs"))
    inputs_digest = models.CharField(_("SM3 digest of the inputs"), max_length=64)
    result_digest = models.CharField(_("SM3 digest of the result"), max_length=64)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    inspect_by = models.DateField(_("inspections due by"), null=True, blank=True)
    completed_on = models.DateField(_("inspections completed on"), null=True, blank=True)
    results_due = models.DateField(_("results to be published by"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("last recomputed at"), null=True, blank=True)
    verified_ok = models.BooleanField(_("last recomputation identical"), null=True, blank=True)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["plan_id", "batch"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "batch"], name="unique_draw_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.number}-{self.batch:02d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("inspection:draw_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return str(self)

    @property
    def results_overdue(self) -> bool:
        return bool(
            self.results_due
            and self.results_published_at is None
            and timezone.localdate() > self.results_due
        )


class DrawSelection(models.Model):
    """One enterprise drawn, with its team; the result of its inspection is recorded here.

    The field inspection scheduled for it (`task_ref`, its number) copies its outcome here
    through the inspection services when it is decided and when its rectification is accepted;
    a result can also be recorded by hand (an enterprise found closed down, say).
    """

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="selections")
    position = models.PositiveIntegerField(_("position"))
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("grade at the draw"), max_length=1, choices=RiskGrade.choices)
    items = models.JSONField(_("items"), default=list)
    team = models.JSONField(_("team (inspector ids, lead first)"), default=list)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    task_ref = models.CharField(_("inspection task"), max_length=60, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    outcome_note = models.CharField(_("outcome note"), max_length=300, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    result_on = models.DateField(_("result recorded on"), null=True, blank=True)

    scope_paths = scoping.ScopePaths(region="draw__region_code")

    class Meta:
        verbose_name = _("drawn enterprise")
        verbose_name_plural = _("drawn enterprises")
        ordering = ["draw_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "enterprise"], name="unique_draw_enterprise"),
            models.UniqueConstraint(fields=["draw", "position"], name="unique_draw_position"),
        ]
        indexes = [models.Index(fields=["enterprise", "draw"])]

    def __str__(self) -> str:
        return f"{self.draw} · {self.enterprise}"
