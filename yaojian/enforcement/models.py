"""Administrative penalty cases (行政处罚案件), from the clue (线索) to closure (结案) and the
publication of the decision.

The law behind the fields: 行政处罚法 (2021), 市场监督管理行政处罚程序规定 (the procedure:
15 working days to decide on filing, 90 calendar days from filing to the decision, extensions
and excluded periods), 市场监督管理行政处罚听证办法 (hearing requests within 5 working days,
notice 7 days before), 市场监督管理行政处罚信息公示规定 (publication within 20 working days,
display windows, withdrawal within 3 working days).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yaojian.core import crypto, masking, scoping
from yaojian.enforcement.choices import (
    Discretion,
    EvidenceKind,
    ExtensionLevel,
    PartyKind,
    PauseReason,
    PaymentMode,
    PublicationState,
    RemovalStatus,
    SourceKind,
    SourceStatus,
    Status,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class CaseSource(models.Model):
    """A clue (案件线索) awaiting the bureau's decision whether to file a case.

    The enterprise's county bureau decides within 15 working days of finding the clue
    (程序规定 第十八条), extendable once by 15 working days with the bureau head's approval.
    """

    kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices, db_index=True)
    ref = models.CharField(_("reference in the source module"), max_length=100, blank=True)
    summary = models.TextField(_("summary"))
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="case_sources",
    )
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("division code"), max_length=6, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=SourceStatus.choices,
        default=SourceStatus.PENDING,
        db_index=True,
    )
    found_on = models.DateField(_("found on"))
    decide_by = models.DateField(_("filing decision due"))
    extended = models.BooleanField(_("extended by 15 working days"), default=False)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("reasons"), blank=True)
    registered_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    registered_by_name = models.CharField(_("registered by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("case clue")
        verbose_name_plural = _("case clues")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "decide_by"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.enterprise_id} {self.summary[:30]}"


def party_id_context(digest: str) -> bytes:
    """The associated data binding an encrypted party ID number to its hash."""
    return f"penalty-party:{digest}".encode()


class Case(models.Model):
    """One administrative penalty case (ordinary procedure)."""

    number = models.CharField(_("case number"), max_length=40, blank=True)
    source = models.OneToOneField(
        CaseSource, verbose_name=_("clue"), on_delete=models.PROTECT, related_name="case"
    )
    source_kind = models.CharField(_("source"), max_length=20, choices=SourceKind.choices)
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("handling bureau"),
        on_delete=models.PROTECT,
        related_name="penalty_cases",
    )
    region_code = models.CharField(_("division code"), max_length=6)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PROPOSED
    )
    title = models.CharField(_("case"), max_length=200)
    facts = models.TextField(_("facts found"), blank=True)
    party_kind = models.CharField(
        _("party"), max_length=16, choices=PartyKind.choices, default=PartyKind.ORGANISATION
    )
    party_name = models.CharField(_("party's name"), max_length=200)
    # Sensitive: the natural person's resident ID number is kept SM4-encrypted and shown masked;
    # the keyed hash (the registry's, so the same person hashes alike) finds the case again.
    party_id_number_enc = models.CharField(
        _("party's ID number (natural persons, encrypted)"), max_length=200, blank=True
    )
    party_id_number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    provision = models.CharField(_("legal provision"), max_length=30, blank=True)
    goods_value = models.DecimalField(
        _("value of the goods (货值金额)"), null=True, blank=True, **MONEY
    )
    officers = models.ManyToManyField(
        USER, verbose_name=_("case officers"), related_name="penalty_cases", blank=True
    )
    proposed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filing_approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    # the 90-day clock (calendar days): extensions approved, days paused, the deadline today
    extension_days = models.PositiveIntegerField(_("extension (calendar days)"), default=0)
    deadline = models.DateField(_("decision due"), null=True, blank=True)
    # the deadline while the clock runs (empty otherwise): what the overdue and near-due lists
    # filter and sort on, through its own index
    due_on = models.DateField(_("decision due (clock running)"), null=True, blank=True)
    # the rights notice (行政处罚事先告知书)
    notified_on = models.DateField(_("rights notice served on"), null=True, blank=True)
    proposed_penalty = models.JSONField(_("proposed penalty"), default=dict, blank=True)
    hearing_right = models.BooleanField(_("party may request a hearing"), default=False)
    statement_due = models.DateField(_("statement due"), null=True, blank=True)
    hearing_request_due = models.DateField(_("hearing request due"), null=True, blank=True)
    rights_waived_on = models.DateField(_("rights waived on"), null=True, blank=True)
    # the decision (行政处罚决定书)
    decision_number = models.CharField(
        _("decision number"), max_length=60, blank=True, db_index=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    discretion = models.CharField(
        _("discretion"), max_length=10, choices=Discretion.choices, blank=True
    )
    discretion_reasons = models.TextField(_("reasons for the discretion"), blank=True)
    warning = models.BooleanField(_("warning"), default=False)
    public_criticism = models.BooleanField(_("public criticism (通报批评)"), default=False)
    fine = models.DecimalField(_("fine (yuan)"), default=0, **MONEY)
    confiscated_income = models.DecimalField(
        _("illegal income confiscated (yuan)"), default=0, **MONEY
    )
    confiscated_goods = models.CharField(_("goods confiscated"), max_length=300, blank=True)
    licence_revoked = models.BooleanField(_("licence revoked"), default=False)
    decision_text = models.TextField(_("decision"), blank=True)
    # execution (履行)
    payment_mode = models.CharField(
        _("execution"), max_length=12, choices=PaymentMode.choices, blank=True
    )
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    paid_total = models.DecimalField(_("paid so far (yuan)"), default=0, **MONEY)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # calendar days from filing to the decision and to closure (for the leaders' averages)
    decision_days = models.PositiveIntegerField(_("days to decision"), null=True, blank=True)
    closure_days = models.PositiveIntegerField(_("days to closure"), null=True, blank=True)
    annulled_on = models.DateField(_("annulled on"), null=True, blank=True)
    annulment_reason = models.TextField(_("reason for annulment or change"), blank=True)
    # transfer to the competent bureau (移送)
    transfer_to = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("transfer to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transfer_region_code = models.CharField(max_length=6, blank=True, db_index=True)
    transfer_reason = models.TextField(_("reason for the transfer"), blank=True)
    # publication (信息公示)
    publication_state = models.CharField(
        _("publication"), max_length=16, choices=PublicationState.choices, blank=True
    )
    publication_due = models.DateField(_("publish by"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    display_until = models.DateField(_("shown until"), null=True, blank=True)
    withdrawal_due = models.DateField(_("withdraw by"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_paths = scoping.ScopePaths(region="region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("penalty case")
        verbose_name_plural = _("penalty cases")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # the list's order (newest first) under each filter it offers
            models.Index(fields=["-created_at", "-id"], name="case_created"),
            models.Index(fields=["region_code", "-created_at", "-id"], name="case_region_created"),
            models.Index(fields=["status", "-created_at", "-id"], name="case_status_created"),
            models.Index(fields=["source_kind", "-created_at", "-id"], name="case_source_created"),
            models.Index(fields=["due_on"], name="case_due_on"),
            # the leaders' figures group by status and source: read from the index alone
            models.Index(fields=["status", "source_kind", "region_code"], name="case_figures"),
            models.Index(fields=["enterprise", "decided_on"], name="case_enterprise_decided"),
        ]
        constraints = [
            models.CheckConstraint(name="case_fine_not_negative", condition=models.Q(fine__gte=0)),
            models.CheckConstraint(
                name="case_paid_not_negative", condition=models.Q(paid_total__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enforcement:case_detail", args=[self.pk])

    def party_id_number(self) -> str:
        """The party's ID number in full (for the case's own documents; pages show it masked)."""
        if not self.party_id_number_enc:
            return ""
        return crypto.sm4_decrypt(
            self.party_id_number_enc, context=party_id_context(self.party_id_number_hash)
        )

    @property
    def party_id_number_masked(self) -> str:
        return masking.mask_id_number(self.party_id_number())

    @property
    def imposes_penalty(self) -> bool:
        return bool(
            self.warning
            or self.public_criticism
            or self.fine
            or self.confiscated_income
            or self.confiscated_goods
            or self.licence_revoked
        )

    @property
    def outstanding(self):
        return max(self.fine + self.confiscated_income - self.paid_total, 0)


class CaseEvent(models.Model):
    """One step of a case: who, when, from which state to which (the case's history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=14, blank=True)
    to_status = models.CharField(_("to"), max_length=14, blank=True)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class Evidence(models.Model):
    """A piece of evidence: a file whose type is what its content says, with its SM3 digest."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    collected_on = models.DateField(_("collected on"))
    file = models.FileField(_("file"), upload_to="enforcement/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=60, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    sm3 = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["collected_on", "pk"]

    def __str__(self) -> str:
        return self.title


class CasePause(models.Model):
    """Time not counted in the 90 days (程序规定 第六十四条第二款): hearing, testing…"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=14, choices=PauseReason.choices)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("excluded period")
        verbose_name_plural = _("excluded periods")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                name="case_pause_ends_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.start}–{self.end or ''}"


class CaseExtension(models.Model):
    """An approved extension of the 90-day limit (程序规定 第六十四条第一款)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    level = models.CharField(_("approved by"), max_length=12, choices=ExtensionLevel.choices)
    days = models.PositiveIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("approved on"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["approved_on", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.days}"


class Statement(models.Model):
    """The party's statement and defence (陈述、申辩)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("statement"))
    waives_rest = models.BooleanField(_("waives the remaining rights"), default=False)
    submitted_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reply = models.TextField(_("the bureau's assessment"), blank=True)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.submitted_at:%Y-%m-%d}"


class Hearing(models.Model):
    """A hearing (听证): requested by the party, notified 7 days before, held, recorded."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="hearing")
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.CharField(_("hearing officer"), max_length=100, blank=True)
    notice_sent_on = models.DateField(_("notice sent on"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    record = models.TextField(_("hearing record"), blank=True)
    outcome = models.TextField(_("opinion of the hearing officer"), blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.case_id} {self.requested_on}"


class Payment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("receipt or bank reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(name="payment_positive", condition=models.Q(amount__gt=0))
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.amount}"


class RemovalApplication(models.Model):
    """The party's application to stop showing a published decision early (信用修复)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="removal_applications")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=RemovalStatus.choices, default=RemovalStatus.PENDING
    )
    applied_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reasons"), blank=True)

    class Meta:
        verbose_name = _("application for early removal")
        verbose_name_plural = _("applications for early removal")
        ordering = ["-applied_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"
