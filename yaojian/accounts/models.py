"""Unified identity: bureaus with jurisdictions, accounts, roles, MFA, API tokens, sessions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from yaojian.accounts.choices import BureauLevel, EnterpriseRight, Role, UserKind
from yaojian.core import scoping
from yaojian.core.texts import chinese_or_english


class Bureau(models.Model):
    """A regulatory bureau; its jurisdiction is its administrative division and all below it."""

    region_code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=BureauLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    scope_paths = scoping.ScopePaths(region="region_code")

    class Meta:
        verbose_name = _("bureau")
        verbose_name_plural = _("bureaus")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return chinese_or_english(self.name, self.name_en)


class User(AbstractUser):
    """An account: a regulator in a bureau, an enterprise (master or sub-account), or the public."""

    kind = models.CharField(_("account type"), max_length=12, choices=UserKind.choices)
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    is_enterprise_master = models.BooleanField(_("master account"), default=False)
    enterprise_rights = models.JSONField(_("delegated rights"), default=list, blank=True)
    mfa_secret = models.CharField(_("TOTP secret (encrypted)"), max_length=200, blank=True)
    mfa_enabled_at = models.DateTimeField(_("second factor enabled at"), null=True, blank=True)
    mfa_last_step = models.BigIntegerField(_("last TOTP time step used"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password at next login"), default=False
    )
    failed_logins = models.PositiveSmallIntegerField(_("failed logins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    # the language the account last used the platform in (at login, or when it switched),
    # so that what reaches it outside a page (e-mail) is written in that language too
    language = models.CharField(_("language"), max_length=10, blank=True)

    objects = UserManager()

    scope_paths = scoping.ScopePaths(region="bureau__region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                name="regulator_has_bureau",
                condition=~models.Q(kind="regulator") | models.Q(bureau__isnull=False),
            ),
            models.CheckConstraint(
                name="enterprise_account_has_enterprise",
                condition=~models.Q(kind="enterprise") | models.Q(enterprise__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(is_enterprise_master=True),
                name="one_master_account_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    # --- who this account is ---------------------------------------------------------------
    @property
    def is_regulator(self) -> bool:
        return self.kind == UserKind.REGULATOR

    @property
    def is_enterprise_user(self) -> bool:
        return self.kind == UserKind.ENTERPRISE

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))

    def has_enterprise_right(self, right: str) -> bool:
        if not self.is_enterprise_user or not self.is_active:
            return False
        return self.is_enterprise_master or right in self.enterprise_rights

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))

    @cached_property
    def scope(self) -> scoping.Scope:
        if not self.is_active:
            return scoping.NOTHING
        if self.kind == UserKind.REGULATOR and self.bureau_id:
            return scoping.Scope(kind=scoping.REGULATOR, region_code=self.bureau.region_code)
        if self.kind == UserKind.ENTERPRISE and self.enterprise_id:
            return scoping.Scope(kind=scoping.ENTERPRISE, enterprise_id=self.enterprise_id)
        return scoping.NOTHING

    @property
    def organisation_label(self) -> str:
        if self.bureau_id:
            return self.bureau.display_name
        if self.enterprise_id:
            return self.enterprise.name
        return ""


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class RecoveryCode(models.Model):
    """One-time codes for when the authenticator is lost; only the SM3 hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} recovery code"


class UserSession(models.Model):
    """Which sessions belong to which account, so all of them can be ended at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A machine client's credential, scoped to one enterprise. Only the SM3 hash is kept."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    rights = models.JSONField(_("rights"), default=list)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    scope_paths = scoping.ScopePaths(region="enterprise__region_code", enterprise="enterprise_id")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def has_right(self, right: str) -> bool:
        return right in self.rights


ALL_ENTERPRISE_RIGHTS = [right.value for right in EnterpriseRight]
