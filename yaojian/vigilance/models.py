"""Adverse-reaction case reports (ICSRs), versions, duplicates, causality and MedDRA coding.

A `Case` is one adverse-reaction case as the monitoring centre knows it; every report about
it (the initial report, each follow-up, an E2B re-transmission) is a `CaseVersion` holding
the whole case as reported then (patient, reactions, drugs, reporter, narrative), so versions
can be compared. `Case.current_version` is the latest one. Dates that E2B(R3) carries with a
precision (year, month, day, time) are kept as their E2B text ("2022", "202206", "20220615")
so that nothing is rounded on the way in or out; `e2b.dates` converts.

The signal-detection models live in `signals/models.py` and are imported here so that
Django sees them as models of this app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import scoping
from yaojian.core.texts import chinese_or_english
from yaojian.core.validators import validate_region_code
from yaojian.vigilance.choices import (
    ActionTaken,
    AgeUnit,
    AssessorKind,
    CaseSource,
    CaseStatus,
    CausalityScale,
    Challenge,
    DrugRole,
    DuplicateStatus,
    MeddraLevel,
    Outcome,
    Qualification,
    ReportType,
    Sex,
    VersionKind,
)
from yaojian.vigilance.signals.models import *  # noqa: F403

# ---------------------------------------------------------------------------------------------
# MedDRA


class MeddraRelease(models.Model):
    """One loaded MedDRA distribution (or the project's synthetic term set)."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    language = models.CharField(_("language"), max_length=20, default="en")
    synthetic = models.BooleanField(_("synthetic test terms"), default=False)
    is_current = models.BooleanField(_("current"), default=False)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    term_count = models.PositiveIntegerField(_("terms"), default=0)

    class Meta:
        verbose_name = _("MedDRA release")
        verbose_name_plural = _("MedDRA releases")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_meddra",
            )
        ]

    def __str__(self) -> str:
        return f"MedDRA {self.version}"


class MeddraTerm(models.Model):
    """A term of one MedDRA version at one level.

    The hierarchy is multi-axial: `parents` links LLT→PT, PT→HLT, HLT→HLGT, HLGT→SOC; a PT
    may sit under several HLTs, `primary_soc_code` names its primary SOC. Codes are unique per
    version and level (every PT is also an LLT with the same code).
    """

    release = models.ForeignKey(
        MeddraRelease, on_delete=models.CASCADE, related_name="terms", verbose_name=_("release")
    )
    version = models.CharField(_("MedDRA version"), max_length=20, db_index=True)
    level = models.CharField(_("level"), max_length=4, choices=MeddraLevel.choices)
    code = models.CharField(_("code"), max_length=8, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    current = models.BooleanField(_("current (LLT)"), default=True)
    primary_soc_code = models.CharField(_("primary SOC code"), max_length=8, blank=True)
    parents = models.ManyToManyField(
        "self", symmetrical=False, related_name="children", blank=True, verbose_name=_("parents")
    )

    scope_paths = scoping.ScopePaths(public=lambda: models.Q(), province_wide=True)

    class Meta:
        verbose_name = _("MedDRA term")
        verbose_name_plural = _("MedDRA terms")
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["release", "level", "code"], name="meddra_term_unique")
        ]
        indexes = [models.Index(fields=["version", "level", "code"])]

    def __str__(self) -> str:
        return f"{self.display_name} [{self.code}]"

    @property
    def display_name(self) -> str:
        return chinese_or_english(self.name_zh, self.name)

    @property
    def pt(self) -> MeddraTerm | None:
        """The preferred term of an LLT (itself for a PT)."""
        if self.level == MeddraLevel.PT:
            return self
        if self.level == MeddraLevel.LLT:
            return self.parents.filter(level=MeddraLevel.PT).first()
        return None


# ---------------------------------------------------------------------------------------------
# Cases and versions


class Case(models.Model):
    """One adverse-reaction case; its content is in its versions.

    Jurisdiction: `region_code` is the division of the reporting institution or enterprise
    (or, for the public, the county the reporter chose); `enterprise` is the reporting
    enterprise (MAH or medical institution), which sees its own cases.
    """

    case_number = models.CharField(_("case number"), max_length=40, unique=True)
    safety_report_id = models.CharField(
        _("sender's safety report id (C.1.1)"), max_length=100, db_index=True
    )
    worldwide_id = models.CharField(
        _("worldwide unique case id (C.1.8.1)"), max_length=100, blank=True, db_index=True
    )
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.RECEIVED
    )
    region_code = models.CharField(
        _("division code"), max_length=6, validators=[validate_region_code], db_index=True
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("reporting enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adr_cases",
    )
    current_version = models.ForeignKey(
        "CaseVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    # denormalised from the current version for lists and the statutory clock
    serious = models.BooleanField(_("serious"), default=False)
    fatal = models.BooleanField(_("death"), default=False)
    aware_date = models.DateField(_("date the reporter learned of it"))
    received_date = models.DateField(_("date received by the centre"))
    report_deadline = models.DateField(_("statutory reporting deadline"))
    review_deadline = models.DateField(_("review deadline of the centre"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("adverse-reaction case")
        verbose_name_plural = _("adverse-reaction cases")
        ordering = ["-received_date", "-id"]
        indexes = [
            models.Index(fields=["region_code", "status"]),
            models.Index(fields=["status", "review_deadline"]),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def reported_late(self) -> bool:
        return self.received_date > self.report_deadline

    def review_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == CaseStatus.RECEIVED and self.review_deadline < today

    @property
    def active(self) -> bool:
        return self.status in (CaseStatus.RECEIVED, CaseStatus.ASSESSED)


class CaseVersion(models.Model):
    """The whole case as one report (initial, follow-up, merge) described it."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="versions", verbose_name=_("case")
    )
    number = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=12, choices=VersionKind.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # C.1 identification of the report
    safety_report_id = models.CharField(_("safety report id (C.1.1)"), max_length=100)
    worldwide_id = models.CharField(_("worldwide case id (C.1.8.1)"), max_length=100, blank=True)
    created_on = models.CharField(_("date of creation (C.1.2)"), max_length=24, blank=True)
    report_type = models.CharField(
        _("report type (C.1.3)"),
        max_length=2,
        choices=ReportType.choices,
        default=ReportType.SPONTANEOUS,
    )
    first_received = models.CharField(_("first received (C.1.4)"), max_length=24)
    most_recent = models.CharField(_("most recent information (C.1.5)"), max_length=24)
    # N.1 / N.2 transmission (E2B)
    batch = models.ForeignKey(
        "E2BBatch",
        verbose_name=_("E2B batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="versions",
    )
    batch_number = models.CharField(_("batch number (N.1.2)"), max_length=100, blank=True)
    message_id = models.CharField(_("message id (N.2.r.1)"), max_length=100, blank=True)
    sender_id = models.CharField(_("message sender (N.2.r.2)"), max_length=100, blank=True)
    receiver_id = models.CharField(_("message receiver (N.2.r.3)"), max_length=100, blank=True)
    sender_type = models.CharField(_("sender type (C.3.1)"), max_length=2, blank=True)
    sender_organisation = models.CharField(
        _("sender organisation (C.3.2)"), max_length=200, blank=True
    )
    # C.2 primary reporter
    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_qualification = models.CharField(
        _("qualification (C.2.r.4)"), max_length=2, choices=Qualification.choices, blank=True
    )
    reporter_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    reporter_country = models.CharField(_("country (C.2.r.3)"), max_length=2, blank=True)
    # D patient
    patient_name = models.CharField(_("patient (name or initials, D.1)"), max_length=100)
    patient_sex = models.CharField(_("sex (D.5)"), max_length=1, choices=Sex.choices, blank=True)
    patient_birth_date = models.CharField(_("date of birth (D.2.1)"), max_length=24, blank=True)
    patient_age = models.DecimalField(
        _("age at onset (D.2.2a)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    patient_age_unit = models.CharField(
        _("age unit (D.2.2b)"), max_length=6, choices=AgeUnit.choices, blank=True
    )
    patient_weight = models.DecimalField(
        _("weight kg (D.3)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    patient_height = models.DecimalField(
        _("height cm (D.4)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    patient_medical_history = models.TextField(_("medical history (D.7.2)"), blank=True)
    # H narrative
    narrative = models.TextField(_("case narrative (H.1)"), blank=True)
    reporter_comments = models.TextField(_("reporter's comments (H.2)"), blank=True)
    sender_comments = models.TextField(_("sender's comments (H.4)"), blank=True)

    scope_paths = scoping.ScopePaths(region="case__region_code", enterprise="case__enterprise_id")

    class Meta:
        verbose_name = _("case version")
        verbose_name_plural = _("case versions")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="case_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.number}"

    @property
    def age_years(self) -> float | None:
        if self.patient_age is None:
            return None
        factor = {"a": 1, "10.a": 10, "mo": 1 / 12, "wk": 1 / 52.18, "d": 1 / 365.25}
        return float(self.patient_age) * factor.get(self.patient_age_unit or "a", 1 / 8766)


class Reaction(models.Model):
    """E.i: one reaction/event of a version, coded in MedDRA (LLT and its PT)."""

    version = models.ForeignKey(
        CaseVersion, on_delete=models.CASCADE, related_name="reactions", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    reported_term = models.CharField(_("term as reported (E.i.1.1a)"), max_length=250, blank=True)
    llt_code = models.CharField(_("MedDRA LLT code (E.i.2.1b)"), max_length=8, blank=True)
    llt_name = models.CharField(_("LLT"), max_length=200, blank=True)
    pt_code = models.CharField(_("MedDRA PT code"), max_length=8, blank=True, db_index=True)
    pt_name = models.CharField(_("PT"), max_length=200, blank=True)
    meddra_version = models.CharField(_("MedDRA version (E.i.2.1a)"), max_length=20, blank=True)
    onset = models.CharField(_("onset (E.i.4)"), max_length=24, blank=True)
    end = models.CharField(_("end (E.i.5)"), max_length=24, blank=True)
    outcome = models.CharField(
        _("outcome (E.i.7)"), max_length=1, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    death = models.BooleanField(_("results in death"), default=False)
    life_threatening = models.BooleanField(_("life-threatening"), default=False)
    hospitalisation = models.BooleanField(_("hospitalisation"), default=False)
    disability = models.BooleanField(_("disability"), default=False)
    congenital_anomaly = models.BooleanField(_("congenital anomaly"), default=False)
    other_medically_important = models.BooleanField(_("other medically important"), default=False)
    country = models.CharField(_("country (E.i.9)"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.pt_name or self.reported_term

    @property
    def serious(self) -> bool:
        return any(
            (
                self.death,
                self.life_threatening,
                self.hospitalisation,
                self.disability,
                self.congenital_anomaly,
                self.other_medically_important,
            )
        )


class Drug(models.Model):
    """G.k: one drug of a version, with its role; matched to the product register if possible."""

    version = models.ForeignKey(
        CaseVersion, on_delete=models.CASCADE, related_name="drugs", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    role = models.CharField(_("role (G.k.1)"), max_length=1, choices=DrugRole.choices)
    name = models.CharField(_("name as reported (G.k.2.2)"), max_length=250)
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("registered product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adr_drugs",
    )
    approval_number = models.CharField(_("approval number"), max_length=100, blank=True)
    holder_name = models.CharField(_("MAH (G.k.3.3)"), max_length=200, blank=True)
    batch_number = models.CharField(_("batch/lot number"), max_length=100, blank=True)
    # G.k.4.r: one entry per dosage regimen:
    #   {"dose": "10", "unit": "mg", "frequency": "1", "frequency_unit": "d", "route": "048",
    #    "start": "20220101", "end": "20220110", "text": "..."}
    dosages = models.JSONField(_("dosage regimens (G.k.4.r)"), default=list, blank=True)
    indication = models.CharField(_("indication (G.k.7.r)"), max_length=250, blank=True)
    action_taken = models.CharField(
        _("action taken (G.k.8)"), max_length=1, choices=ActionTaken.choices, blank=True
    )
    dechallenge = models.CharField(
        _("dechallenge"), max_length=10, choices=Challenge.choices, blank=True
    )
    rechallenge = models.CharField(
        _("rechallenge"), max_length=10, choices=Challenge.choices, blank=True
    )

    class Meta:
        verbose_name = _("drug")
        verbose_name_plural = _("drugs")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.product.name if self.product_id else self.name


class Causality(models.Model):
    """A causality assessment of one drug-reaction pair of a case (G.k.9.i.2.r, or the centre's).

    `scale` says how `result` reads: the Chinese six-grade scale, WHO-UMC, or another method
    (free text as E2B carries it).
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="causalities", verbose_name=_("case")
    )
    version = models.ForeignKey(
        CaseVersion,
        on_delete=models.CASCADE,
        related_name="causalities",
        verbose_name=_("version assessed"),
    )
    drug_position = models.PositiveSmallIntegerField(_("drug"))
    reaction_position = models.PositiveSmallIntegerField(_("reaction"))
    assessor_kind = models.CharField(_("assessed by"), max_length=10, choices=AssessorKind.choices)
    source = models.CharField(_("source of assessment"), max_length=100, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    scale = models.CharField(_("scale"), max_length=10, choices=CausalityScale.choices)
    result = models.CharField(_("result"), max_length=100)
    comment = models.TextField(_("comment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessor"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    class Meta:
        verbose_name = _("causality assessment")
        verbose_name_plural = _("causality assessments")
        ordering = ["case", "version", "drug_position", "reaction_position", "assessed_at"]

    def __str__(self) -> str:
        return f"{self.result} ({self.get_scale_display()})"


# ---------------------------------------------------------------------------------------------
# Duplicates and merges


class DuplicateCandidate(models.Model):
    """A pair of cases that look like the same case from different reporters."""

    case_a = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    case_b = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("similarity"))
    reasons = models.JSONField(_("matching features"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    scope_paths = scoping.ScopePaths(region="case_a__region_code")

    class Meta:
        verbose_name = _("probable duplicate")
        verbose_name_plural = _("probable duplicates")
        ordering = ["-score", "-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                name="duplicate_pair_ordered", condition=models.Q(case_a__lt=models.F("case_b"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_a} ~ {self.case_b}"


class CaseMerge(models.Model):
    """The record of a merge: which case survives, which was merged, who, when, why."""

    survivor = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="merge_record")
    candidate = models.ForeignKey(
        DuplicateCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("case merge")
        verbose_name_plural = _("case merges")

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"


class CaseHistory(models.Model):
    """A history row per status transition of a case (workflows.py)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("case history")
        verbose_name_plural = _("case history")
        ordering = ["case", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


# ---------------------------------------------------------------------------------------------
# E2B(R3) exchange


class E2BBatch(models.Model):
    """One received (or sent) ICH E2B(R3) batch and its acknowledgement."""

    direction = models.CharField(
        _("direction"), max_length=3, choices=[("in", _("Received")), ("out", _("Sent"))]
    )
    batch_number = models.CharField(_("batch number (N.1.2)"), max_length=100, blank=True)
    sender_id = models.CharField(_("batch sender (N.1.3)"), max_length=100, blank=True)
    receiver_id = models.CharField(_("batch receiver (N.1.4)"), max_length=100, blank=True)
    transmitted = models.CharField(_("transmission date (N.1.5)"), max_length=24, blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    ack_code = models.CharField(_("acknowledgement"), max_length=2, blank=True)
    ack_xml = models.TextField(_("acknowledgement message"), blank=True)
    results = models.JSONField(_("per report"), default=list)
    error = models.TextField(_("batch error"), blank=True)
    region_code = models.CharField(_("division code"), max_length=6, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("received at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("E2B batch")
        verbose_name_plural = _("E2B batches")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.batch_number or f"batch {self.pk}"
