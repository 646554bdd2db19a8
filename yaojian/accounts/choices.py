from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    REGULATOR = "regulator", _("Regulator")
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLIC = "public", _("Member of the public")


class Role(models.TextChoices):
    APPROVER = "approver", _("Approver")
    REVIEWER = "reviewer", _("Reviewer")
    INSPECTOR = "inspector", _("Inspector")
    CASE_OFFICER = "case_officer", _("Case officer")
    ANALYST = "analyst", _("Analyst")
    LEADER = "leader", _("Leader")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


# 等保 "three separated administrators": no account may hold two of these.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = frozenset(Role) - SEPARATED_ADMIN_ROLES


class BureauLevel(models.TextChoices):
    PROVINCE = "province", _("Province bureau")
    CITY = "city", _("City bureau")
    COUNTY = "county", _("County bureau")


class EnterpriseRight(models.TextChoices):
    """Rights a master account grants to its sub-accounts. The master holds them all."""

    VIEW = "view", _("View the enterprise's records")
    APPLY = "apply", _("Submit licensing applications and filings")
    TRACE = "trace", _("Report traceability data")
    REPORT = "report", _("Submit reports (adverse reactions, self-inspections)")
    RESPOND = "respond", _("Answer regulators (corrections, rectifications)")
    TOKENS = "tokens", _("Manage API tokens for machine clients")
