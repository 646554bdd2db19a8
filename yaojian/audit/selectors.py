"""Reading the audit log: only the audit administrator, and only within their jurisdiction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core import regions


def require_auditor(user: Any) -> None:
    from yaojian.accounts.services import require_role

    require_role(user, Role.AUDIT_ADMIN, action="audit.view")


def audit_list(
    user: Any,
    *,
    username: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    outcome: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries the audit administrator may read, newest first.

    A province-level auditor reads the whole log (enterprise and anonymous actors included);
    a city or county auditor reads what regulators of their jurisdiction did.
    """
    require_auditor(user)
    entries = AuditEntry.objects.all()
    code = user.bureau.region_code
    if regions.level_of(code) != regions.PROVINCE:
        low, high = regions.jurisdiction_range(code)
        entries = entries.filter(actor_org__gte=low, actor_org__lte=high)
    if username:
        entries = entries.filter(actor_username=username)
    if action:
        entries = entries.filter(action__startswith=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if outcome:
        entries = entries.filter(outcome=outcome)
    tz = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=dt.datetime.combine(since, dt.time.min, tzinfo=tz))
    if until:
        entries = entries.filter(
            at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    return entries.order_by("-seq")


def action_names(user: Any) -> list[str]:
    """The actions that occur in what this auditor may read (for the filter's suggestions)."""
    entries = audit_list(user).order_by("action")
    return list(entries.values_list("action", flat=True).distinct()[:500])
