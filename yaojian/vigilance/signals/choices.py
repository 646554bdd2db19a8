"""Choices of signal detection and signal review."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly")
    MANUAL = "manual", _("On demand")


class SignalStatus(models.TextChoices):
    NEW = "new", _("New")
    ASSESSING = "assessing", _("Under assessment")
    VALIDATED = "validated", _("Validated")
    REFUTED = "refuted", _("Refuted")
    ACTIONED = "actioned", _("Action taken")


class SignalAction(models.TextChoices):
    LABEL_CHANGE = "label_change", _("Label change")
    RISK_COMMUNICATION = "risk_communication", _("Risk communication")
    REFERRAL = "referral", _("Referral to the national centre")


class Method(models.TextChoices):
    PRR = "prr", _("PRR")
    ROR = "ror", _("ROR")
    BCPNN = "bcpnn", _("BCPNN (IC025)")
    MGPS = "mgps", _("MGPS (EB05)")
