from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """When the scheduler last enqueued a periodic job; a restart does not enqueue it twice."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_result_id = models.CharField(_("last task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.name


class Heartbeat(models.Model):
    """The last time a process of each kind showed it was alive (worker, scheduler)."""

    kind = models.CharField(_("process"), max_length=30, unique=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.kind} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class HolidayOverride(models.Model):
    """One day of the statutory calendar entered by the system administrator.

    `chinese_calendar` knows the State Council's holidays and make-up working days (调休上班)
    only for the years its release ships; each December the State Council announces the next
    year's. A row here decides that day for the statutory clock (`yaojian.core.clock`), for any
    year: it fills a year the library does not know yet and corrects one it knows. Written only
    through `yaojian.core.services` (system administrator, audited).
    """

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked: a make-up working day (调休上班). Not ticked: a day off."),
    )
    name = models.CharField(
        _("name"), max_length=50, help_text=_("For example 元旦, 春节, 调休上班.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"
