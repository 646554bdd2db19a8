"""The online service hall: the catalogue of matters and the applications made under them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.core.texts import chinese_or_english, join_clauses, reads_chinese
from yaojian.licensing.choices import HandlingLevel, MatterKind, PauseReason, Route, Status
from yaojian.registry.choices import LicenceKind


class Matter(models.Model):
    """A licensing or filing matter (事项) as administrators configure it, without code.

    `materials` and `form_fields` are lists validated by `licensing.config` (pydantic), so a
    misconfigured matter is refused when it is saved, not when an enterprise applies.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    kind = models.CharField(_("kind"), max_length=14, choices=MatterKind.choices)
    licence_kind = models.CharField(
        _("licence or filing"), max_length=30, choices=LicenceKind.choices
    )
    handling_level = models.CharField(_("handled by"), max_length=10, choices=HandlingLevel.choices)
    statutory_limit = models.PositiveSmallIntegerField(_("statutory limit (working days)"))
    committed_limit = models.PositiveSmallIntegerField(_("committed limit (working days)"))
    commitment_route = models.BooleanField(
        _("commitment-based route (告知承诺) applies"), default=False
    )
    decided_at_once = models.BooleanField(
        _("decided at once when every pre-check passes"),
        default=False,
        help_text=_("Filings, and the commitment-based route: approved on submission (秒批)."),
    )
    inspection_step = models.BooleanField(
        _("on-site inspection before the decision"), default=False
    )
    materials = models.JSONField(_("required materials"), default=list, blank=True)
    form_fields = models.JSONField(_("form fields"), default=list, blank=True)
    scope_choices = models.JSONField(
        _("scope items the licence may hold"), default=list, blank=True
    )
    active = models.BooleanField(_("open for applications"), default=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(province_wide=True, public=lambda: models.Q(active=True))

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["licence_kind", "kind", "code"]
        constraints = [
            models.CheckConstraint(
                name="matter_committed_within_statutory",
                condition=models.Q(committed_limit__lte=models.F("statutory_limit")),
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language, as `accounts.Bureau.display_name` does; a matter
        an administrator added without an English name reads in Chinese."""
        return chinese_or_english(self.name, self.name_en)


class Application(models.Model):
    number = models.CharField(_("application number"), max_length=30, unique=True)
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    handling_bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # the handling bureau's division, copied for scoping and for the efficiency view
    handling_region_code = models.CharField(_("division code"), max_length=6, db_index=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    route = models.CharField(_("route"), max_length=12, choices=Route.choices, default=Route.NORMAL)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    licence = models.ForeignKey(
        "registry.Licence",
        verbose_name=_("licence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    prechecks = models.JSONField(_("pre-check report"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    # the statutory clock (core.clock): limits copied from the matter when the clock starts
    statutory_limit = models.PositiveSmallIntegerField(_("statutory limit"), null=True, blank=True)
    committed_limit = models.PositiveSmallIntegerField(_("committed limit"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    # days the closed pauses pushed the deadline back (core.clock.ClockState.paused_days), so that
    # the nightly bulk recompute needs no per-application pause arithmetic
    paused_days = models.PositiveIntegerField(_("paused days"), default=0)
    deadline = models.DateField(_("statutory deadline"), null=True, blank=True, db_index=True)
    committed_deadline = models.DateField(_("committed deadline"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons"), blank=True)
    decision_basis = models.TextField(_("legal basis of the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # a person, or empty for an enterprise's machine client (then `created_by_name` names its token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by_name = models.CharField(_("created by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="handling_region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["enterprise", "matter", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.matter.display_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("licensing:application_detail", args=[self.pk])


class Material(models.Model):
    """An uploaded material; its type is what its content says, whatever its name."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="uploaded_materials"
    )
    code = models.CharField(_("material"), max_length=60)
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sm3 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by_name = models.CharField(_("uploaded by"), max_length=150, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["code", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Event(models.Model):
    """One transition of an application's workflow: who did what, when, from which state."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=14, blank=True)
    to_status = models.CharField(_("to"), max_length=14)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action}"


class CorrectionNotice(models.Model):
    """The one correction notice (补正告知) that lists every missing or faulty item at once."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="correction"
    )
    items = models.JSONField(_("items"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")

    def __str__(self) -> str:
        return f"{self.application_id} correction"


def correction_item(item: dict) -> str:
    """One item of a correction notice, with its reason, in the punctuation of the reader's
    language: the officer's words are kept as typed, only the brackets follow the reader."""
    if not item.get("reason"):
        return item["item"]
    if reads_chinese():
        return f"{item['item']}（{item['reason']}）"
    return f"{item['item']} ({item['reason']})"


def correction_list(items: list[dict]) -> str:
    """The items of a correction notice on one line, in the reader's language's punctuation."""
    return join_clauses(correction_item(item) for item in items)


class Pause(models.Model):
    """A pause of the statutory clock (on-site inspection, expert review, hearing)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=20, choices=PauseReason.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["start", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.reason} {self.start}"


class Extension(models.Model):
    """The one extension of 10 working days (行政许可法 第四十二条), approved by a leader."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="extension"
    )
    days = models.PositiveSmallIntegerField(_("working days"), default=10)
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.application_id} +{self.days}"


class NumberSequence(models.Model):
    """The next serial of each licence number series (kind + prefix), taken under a row lock."""

    series = models.CharField(max_length=60, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.series} {self.last}"
