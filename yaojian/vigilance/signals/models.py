"""Models of signal detection: runs, their results, and signals under review.

Signal work belongs to the province monitoring centre: these rows have no jurisdiction of
their own (a run covers the whole province) and are read only by the centre's analysts
(`signals.access`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.vigilance.signals.choices import (
    RunStatus,
    RunTrigger,
    SignalAction,
    SignalStatus,
)

__all__ = ["Signal", "SignalHistory", "SignalResult", "SignalRun"]


class SignalRun(models.Model):
    """One signal-detection run over the case database (nightly or on demand)."""

    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=RunTrigger.choices)
    # thresholds, stratify, squash, ic_method, since, until, min_count
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # alpha1, beta1, alpha2, beta2, p, minimum, converged, num_close, points
    hyperparameters = models.JSONField(_("MGPS hyperparameters"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # a queued run whose task was lost is queued again (`services.requeue_stale_queued_runs`)
    requeue_count = models.PositiveSmallIntegerField(_("times queued again"), default=0)
    requeued_at = models.DateTimeField(_("last queued again at"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("report-product-event rows"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    pair_count = models.PositiveIntegerField(_("product-event pairs"), default=0)
    result_count = models.PositiveIntegerField(_("results stored"), default=0)
    signal_count = models.PositiveIntegerField(_("pairs flagged"), default=0)
    new_signal_count = models.PositiveIntegerField(_("new signals"), default=0)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("signal run")
        verbose_name_plural = _("signal runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="signal_run_finished_after_start",
                condition=models.Q(finished_at__isnull=True)
                | models.Q(started_at__isnull=False, finished_at__gte=models.F("started_at")),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def duration(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class SignalResult(models.Model):
    """The figures of one product-event pair in one run (undefined or infinite: null)."""

    run = models.ForeignKey(
        SignalRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run")
    )
    product = models.CharField(_("product"), max_length=250)
    # the pair's event is the MedDRA PT `event_code` when the reactions were coded (`event`
    # is then the PT's name when the run stored it, for display and search); a reaction
    # without a code is its own event, keyed on its normalised text (`event_code` blank)
    event = models.CharField(_("event"), max_length=250)
    event_code = models.CharField(_("MedDRA PT code"), max_length=8, blank=True)
    product_ref = models.ForeignKey(
        "registry.Product",
        verbose_name=_("registered product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    n = models.PositiveIntegerField(_("reports (N)"))
    product_reports = models.PositiveIntegerField(_("reports of the product"))
    event_reports = models.PositiveIntegerField(_("reports of the event"))
    expected = models.FloatField(_("expected (E)"))
    prr = models.FloatField(_("PRR"), null=True, blank=True)
    prr_lower95 = models.FloatField(_("PRR lower 95%"), null=True, blank=True)
    chi2 = models.FloatField(_("chi-square (Yates)"), null=True, blank=True)
    ror = models.FloatField(_("ROR"), null=True, blank=True)
    ror_lower95 = models.FloatField(_("ROR lower 95%"), null=True, blank=True)
    ic = models.FloatField(_("IC"), null=True, blank=True)
    ic025 = models.FloatField(_("IC025"), null=True, blank=True)
    ebgm = models.FloatField(_("EBGM"), null=True, blank=True)
    eb05 = models.FloatField(_("EB05"), null=True, blank=True)
    eb95 = models.FloatField(_("EB95"), null=True, blank=True)
    flag_prr = models.BooleanField(_("PRR signal"), default=False)
    flag_ror = models.BooleanField(_("ROR signal"), default=False)
    flag_bcpnn = models.BooleanField(_("BCPNN signal"), default=False)
    flag_mgps = models.BooleanField(_("MGPS signal"), default=False)
    flagged = models.BooleanField(_("flagged by a method"), default=False)

    class Meta:
        verbose_name = _("signal result")
        verbose_name_plural = _("signal results")
        ordering = ["-eb05", "product", "event"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "product", "event_code"],
                condition=~models.Q(event_code=""),
                name="signal_result_unique_coded_pair",
            ),
            models.UniqueConstraint(
                fields=["run", "product", "event"],
                condition=models.Q(event_code=""),
                name="signal_result_unique_text_pair",
            ),
            models.CheckConstraint(name="signal_result_n_positive", condition=models.Q(n__gte=1)),
        ]
        indexes = [
            models.Index(fields=["run", "flagged", "n"]),
            models.Index(fields=["run", "product"]),
            models.Index(fields=["run", "event"]),
            models.Index(fields=["run", "event_code"]),
        ]

    def __str__(self) -> str:
        return f"{self.product} / {self.event}"

    @property
    def methods(self) -> list[str]:
        return [m for m in ("prr", "ror", "bcpnn", "mgps") if getattr(self, f"flag_{m}")]


class Signal(models.Model):
    """A product-event pair under review by the monitoring centre (one per pair).

    The event is a MedDRA PT (`event_code`) or, for reactions reported without a code, the
    normalised text (`event_code` blank), as in `SignalResult`.
    """

    product = models.CharField(_("product"), max_length=250)
    event = models.CharField(_("event"), max_length=250)
    event_code = models.CharField(_("MedDRA PT code"), max_length=8, blank=True)
    product_ref = models.ForeignKey(
        "registry.Product",
        verbose_name=_("registered product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SignalStatus.choices, default=SignalStatus.NEW
    )
    action = models.CharField(_("action"), max_length=20, choices=SignalAction.choices, blank=True)
    first_run = models.ForeignKey(
        SignalRun,
        verbose_name=_("first detected in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_result = models.ForeignKey(
        SignalResult,
        verbose_name=_("latest figures"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    methods = models.JSONField(_("methods that flagged it"), default=list, blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "event_code"],
                condition=~models.Q(event_code=""),
                name="signal_unique_coded_pair",
            ),
            models.UniqueConstraint(
                fields=["product", "event"],
                condition=models.Q(event_code=""),
                name="signal_unique_text_pair",
            ),
            models.CheckConstraint(
                name="signal_action_only_when_actioned",
                condition=models.Q(status="actioned", action__gt="")
                | (~models.Q(status="actioned") & models.Q(action="")),
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.product} / {self.event}"


class SignalHistory(models.Model):
    """One step of a signal's review (append-only)."""

    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, related_name="history", verbose_name=_("signal")
    )
    action = models.CharField(_("step"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("signal history")
        verbose_name_plural = _("signal history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.signal_id}: {self.from_status} → {self.to_status}"
