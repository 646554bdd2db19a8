"""Who may see and do signal work: the province monitoring centre's analysts.

Signals are computed over the whole province's cases, so they are the province bureau's
work. A regulator of the province bureau with the analyst role sees and acts (runs, review
steps); the province bureau's leaders may read. Any other regulator is refused with a clear
403; enterprises, the public and anonymous users get a 404 (they cannot learn the pages exist).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.core.errors import NotFound, PermissionDenied


def _province_regulator(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not getattr(user, "is_regulator", False):
        return False
    bureau = getattr(user, "bureau", None)
    return bool(bureau and bureau.region_code == settings.YAOJIAN_PROVINCE_CODE)


def can_view(user: Any) -> bool:
    return _province_regulator(user) and user.has_role(Role.ANALYST, Role.LEADER)


def can_act(user: Any) -> bool:
    return _province_regulator(user) and user.has_role(Role.ANALYST)


def require_view(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_regulator", False):
        raise NotFound()
    if not can_view(user):
        raise PermissionDenied(
            _(
                "Signal detection is the work of the province monitoring centre: it needs "
                "the analyst role in the province bureau."
            )
        )
    return user


def require_act(user: Any) -> Any:
    require_view(user)
    if not can_act(user):
        raise PermissionDenied(
            _(
                "Only analysts of the province monitoring centre may run detection or review signals."
            )
        )
    return user
