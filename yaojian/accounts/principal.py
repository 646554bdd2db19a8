"""The caller behind an API token, shaped like a user so that selectors treat both alike."""

from __future__ import annotations

from functools import cached_property

from yaojian.accounts.models import ApiToken
from yaojian.core import scoping


class MachinePrincipal:
    is_authenticated = True
    is_active = True
    is_regulator = False
    is_enterprise_user = True
    is_enterprise_master = False
    kind = "machine"
    pk = None
    id = None
    bureau_id = None
    role_set: frozenset[str] = frozenset()

    def __init__(self, token: ApiToken) -> None:
        self.token = token
        self.enterprise = token.enterprise
        self.enterprise_id = token.enterprise_id
        self.username = f"token:{token.prefix}"

    def __str__(self) -> str:
        return f"{self.token.name} ({self.username})"

    @cached_property
    def scope(self) -> scoping.Scope:
        return scoping.Scope(kind=scoping.ENTERPRISE, enterprise_id=self.enterprise_id)

    def has_role(self, *roles: str) -> bool:
        return False

    def has_enterprise_right(self, right: str) -> bool:
        return self.token.has_right(right)


class BureauAutomaton:
    """A bureau acting by rule, without a person: instant approvals (秒批) decided by the
    pre-checks. It may write the registers inside its bureau's jurisdiction only, and the audit
    log names it as the system of that bureau."""

    is_authenticated = True
    is_active = True
    is_regulator = True
    is_enterprise_user = False
    kind = "system"
    pk = None
    id = None
    enterprise_id = None
    full_name = ""
    role_set: frozenset[str] = frozenset({"approver"})

    def __init__(self, bureau) -> None:
        self.bureau = bureau
        self.bureau_id = bureau.pk
        self.username = f"system:{bureau.region_code}"

    def __str__(self) -> str:
        return self.username

    @property
    def organisation_label(self) -> str:
        return self.bureau.display_name

    @cached_property
    def scope(self) -> scoping.Scope:
        return scoping.Scope(kind=scoping.REGULATOR, region_code=self.bureau.region_code)

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set & set(roles))

    def has_enterprise_right(self, right: str) -> bool:
        return False
