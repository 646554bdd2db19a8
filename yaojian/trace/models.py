"""Traceability: the code register, EPCIS events, the current state of every code, recalls.

Codes are stored in their canonical form (`yaojian.trace.codes.canonical`), so that a pack
written as a DataMatrix scan, a GS1 Digital Link or an EPC URN is one row.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.trace.choices import (
    AnomalyStatus,
    CodeScheme,
    CodeStatus,
    JobStatus,
    PackageLevel,
    RecallLevel,
    RecallStatus,
    SiteKind,
    VerificationResult,
)


class CodeRule(models.Model):
    """A product identifier filed by an enterprise: the "address service" resolves codes by it.

    `product_key` is the parser's class key: "cn:" + the 7-digit product identifier of a
    Chinese code, "gtin:" + a GTIN-14, "ma:" + an MA code's DI, "tcm:" + a credit code.
    """

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="code_rules",
    )
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="code_rules",
    )
    scheme = models.CharField(_("code format"), max_length=8, choices=CodeScheme.choices)
    product_key = models.CharField(_("product identifier"), max_length=64, unique=True)
    package_level = models.PositiveSmallIntegerField(
        _("package level"), choices=PackageLevel.choices, default=PackageLevel.UNIT
    )
    units_per_package = models.PositiveIntegerField(_("units per package"), null=True, blank=True)
    package_spec = models.CharField(_("package specification"), max_length=200, blank=True)
    region_code = models.CharField(_("division"), max_length=6, db_index=True)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    active = models.BooleanField(_("in use"), default=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("code rule")
        verbose_name_plural = _("code rules")
        ordering = ["product_key"]

    def __str__(self) -> str:
        return self.product_key


class Batch(models.Model):
    """A production batch of one product, with the chain of a TCM decoction piece's batch."""

    product = models.ForeignKey(
        "registry.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    product_key = models.CharField(_("product identifier"), max_length=64)
    batch_no = models.CharField(_("batch number"), max_length=40)
    holder = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("holder of the batch"),
        on_delete=models.PROTECT,
        related_name="trace_batches",
    )
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("packs commissioned"), default=0)
    # decoction pieces: herb source (origin, harvest), processing, inspection report
    herb_origin = models.CharField(_("herb origin"), max_length=200, blank=True)
    harvest_date = models.DateField(_("harvest date"), null=True, blank=True)
    processing = models.CharField(_("processing"), max_length=200, blank=True)
    inspection_report = models.CharField(_("inspection report"), max_length=200, blank=True)
    region_code = models.CharField(_("division"), max_length=6, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    # Every regulator of the province traces any batch sold in it; holders are scoped apart.
    scope_paths = scoping.ScopePaths(enterprise="holder_id", province_wide=True)

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["product_key", "batch_no"]
        constraints = [
            models.UniqueConstraint(fields=["product_key", "batch_no"], name="trace_batch_unique")
        ]
        indexes = [models.Index(fields=["product", "batch_no"])]

    def __str__(self) -> str:
        return f"{self.product_key} {self.batch_no}"


class Site(models.Model):
    """A location (SGLN) or party (PGLN, credit code) registered to one enterprise."""

    identifier = models.CharField(_("identifier"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=SiteKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="trace_sites",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    region_code = models.CharField(_("division"), max_length=6, db_index=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("site or party")
        verbose_name_plural = _("sites and parties")
        ordering = ["identifier"]

    def __str__(self) -> str:
        return self.name or self.identifier


class CaptureJob(models.Model):
    """One EPCIS capture (a document or an upload), kept until every event is stored.

    The document is written to disk before the 202 answer, so an acknowledged capture
    survives a crash: the worker (or the next start) picks up jobs still waiting.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="capture_jobs",
    )
    region_code = models.CharField(_("division"), max_length=6, db_index=True)
    submitted_by = models.CharField(_("submitted by"), max_length=150)
    channel = models.CharField(_("channel"), max_length=12, default="epcis")  # epcis, upload
    content_type = models.CharField(_("content type"), max_length=80)
    path = models.CharField(_("stored document"), max_length=300)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    rollback = models.BooleanField(_("all or nothing"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    events_total = models.PositiveIntegerField(_("events"), default=0)
    events_stored = models.PositiveIntegerField(_("events stored"), default=0)
    events_duplicate = models.PositiveIntegerField(_("events already stored"), default=0)
    events_refused = models.PositiveIntegerField(_("events refused"), default=0)
    epcs = models.PositiveBigIntegerField(_("codes"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # {prefix: URI} declared by the document (@context or xmlns), read once when the job runs:
    # stored bodies keep extension names like "example:myField", which XML answers must qualify
    namespaces = models.JSONField(_("namespaces"), default=dict, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="sender_id")

    class Meta:
        verbose_name = _("capture job")
        verbose_name_plural = _("capture jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)


class Event(models.Model):
    """One stored EPCIS event, as sent (`body`), with the fields queries filter on."""

    # unique and indexed through Meta rather than unique=/db_index=: on PostgreSQL those also
    # build a second, pattern-matching ("_like") index per column, which no query of these
    # high-volume tables uses (it took 1.4 GB at 10 M codes and slowed every insert)
    event_id = models.CharField(_("event ID"), max_length=200, null=True, blank=True)
    event_hash = models.CharField(_("event hash"), max_length=100)
    type = models.CharField(_("event type"), max_length=24)
    action = models.CharField(_("action"), max_length=8, blank=True)
    biz_step = models.CharField(_("business step"), max_length=200, blank=True)
    disposition = models.CharField(_("disposition"), max_length=200, blank=True)
    event_time = models.DateTimeField(_("event time"), db_index=True)
    record_time = models.DateTimeField(_("record time"), default=timezone.now, db_index=True)
    read_point = models.CharField(_("read point"), max_length=200, blank=True)
    biz_location = models.CharField(_("business location"), max_length=200, blank=True)
    sender = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="trace_events",
    )
    region_code = models.CharField(_("division"), max_length=6)
    job = models.ForeignKey(
        CaptureJob, verbose_name=_("capture job"), null=True, on_delete=models.SET_NULL
    )
    body = models.JSONField(_("event"))
    corrected_by = models.CharField(_("error declared"), max_length=200, blank=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="sender_id")

    class Meta:
        verbose_name = _("traceability event")
        verbose_name_plural = _("traceability events")
        ordering = ["record_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event_id"], name="trace_event_id_unique"),
            models.UniqueConstraint(fields=["event_hash"], name="trace_event_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["biz_step"], name="trace_event_biz_step"),
            models.Index(fields=["sender", "record_time"]),
            models.Index(fields=["region_code", "record_time"]),
        ]

    def __str__(self) -> str:
        return self.event_id or self.event_hash

    def published(self) -> dict:
        """The event as query answers give it: the body as sent, with this repository's
        recordTime (EPCIS 2.0: set by the repository when it stored the event; a recordTime
        the sender put in its document is not ours to repeat)."""
        stamp = self.record_time.astimezone(dt.UTC).isoformat(timespec="milliseconds")
        return {**self.body, "recordTime": stamp.replace("+00:00", "Z")}


class EventCode(models.Model):
    """Which codes an event names, and in which role: the index behind per-code queries."""

    ROLE_EPC, ROLE_PARENT, ROLE_CHILD, ROLE_INPUT, ROLE_OUTPUT, ROLE_CLASS = (
        "epc",
        "parent",
        "child",
        "input",
        "output",
        "class",
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("code"), max_length=200)
    role = models.CharField(_("role"), max_length=8)

    class Meta:
        indexes = [models.Index(fields=["code", "event"])]

    def __str__(self) -> str:
        return f"{self.role} {self.code}"


class CodeState(models.Model):
    """The current state of one code, updated incrementally by each event that names it."""

    # unique and indexed through Meta, not unique=/db_index=: see Event
    code = models.CharField(_("code"), max_length=200)
    product_key = models.CharField(_("product identifier"), max_length=64, blank=True)
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.SET_NULL
    )
    batch_no = models.CharField(_("batch number"), max_length=40, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CodeStatus.choices, default=CodeStatus.ACTIVE
    )
    holder = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("current holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # while in transit: the consignee named by the shipment, when the sender named one
    next_holder = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("consignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("division of the holder"), max_length=6, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    parent = models.CharField(_("packed in"), max_length=200, blank=True)
    commissioned_at = models.DateTimeField(_("commissioned at"), null=True, blank=True)
    dispensed_at = models.DateTimeField(_("dispensed at"), null=True, blank=True)
    dispense_count = models.PositiveSmallIntegerField(_("times dispensed"), default=0)
    last_event_time = models.DateTimeField(_("last event at"), null=True, blank=True)
    last_biz_step = models.CharField(_("last business step"), max_length=200, blank=True)
    # region codes the code passed through, in order (the public answer shows their cities)
    path = models.JSONField(_("divisions passed"), default=list, blank=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="holder_id")

    class Meta:
        verbose_name = _("code state")
        verbose_name_plural = _("code states")
        constraints = [models.UniqueConstraint(fields=["code"], name="trace_codestate_code_unique")]
        indexes = [
            models.Index(fields=["parent"], name="trace_codestate_parent"),
            models.Index(fields=["batch", "holder"]),
            models.Index(fields=["product_key", "batch_no"]),
        ]

    def __str__(self) -> str:
        return self.code


class Anomaly(models.Model):
    """A warning raised by a rule, with its evidence."""

    rule = models.CharField(_("rule"), max_length=40, db_index=True)
    code = models.CharField(_("code"), max_length=200, blank=True, db_index=True)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trace_anomalies",
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), null=True, blank=True, on_delete=models.SET_NULL
    )
    region_code = models.CharField(_("division"), max_length=6, db_index=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=AnomalyStatus.choices, default=AnomalyStatus.OPEN
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("traceability anomaly")
        verbose_name_plural = _("traceability anomalies")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "code", "event"], name="trace_anomaly_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.code}"


class Recall(models.Model):
    number = models.CharField(_("recall number"), max_length=40, unique=True)
    level = models.CharField(_("level"), max_length=3, choices=RecallLevel.choices)
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    batches = models.ManyToManyField(Batch, verbose_name=_("batches"), related_name="recalls")
    reason = models.TextField(_("reason"))
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("ordered by"), on_delete=models.PROTECT
    )
    region_code = models.CharField(_("division"), max_length=6, db_index=True)
    issued_by = models.CharField(_("issued by"), max_length=150)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    notify_by = models.DateField(_("holders notified by"))
    status = models.CharField(
        _("status"), max_length=10, choices=RecallStatus.choices, default=RecallStatus.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="holders__enterprise_id")

    class Meta:
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class RecallHolder(models.Model):
    """One holder in a recall's scope: what it held when the order was issued."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="holders")
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("holder"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("packs held at the order"), default=0)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recall", "enterprise"], name="trace_recall_holder")
        ]

    def __str__(self) -> str:
        return f"{self.recall_id}: {self.enterprise_id}"


class Verification(models.Model):
    """One public verification: kept with where and when (no personal data)."""

    code_text = models.CharField(_("code as entered"), max_length=200)
    code = models.CharField(_("code"), max_length=200, blank=True, db_index=True)
    result = models.CharField(_("result"), max_length=16, choices=VerificationResult.choices)
    client = models.CharField(_("client (hashed)"), max_length=64, db_index=True)
    region_code = models.CharField(_("division reported"), max_length=6, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.code_text} {self.result}"
