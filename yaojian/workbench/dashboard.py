"""The counts on a regulator's home page, all within their jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils import timezone

from yaojian.core import regions
from yaojian.registry import selectors as registry
from yaojian.registry.choices import EnterpriseKind
from yaojian.workbench import selectors


def regulator_dashboard(user: Any) -> dict[str, Any]:
    enterprises = registry.enterprise_list(user)
    todos = selectors.todo_list(user)
    now = timezone.now()
    by_kind = list(enterprises.order_by().values("kind").annotate(n=Count("id")).order_by("-n"))
    return {
        "counts": {
            "enterprises": enterprises.count(),
            "unverified": enterprises.filter(verified_at__isnull=True).count(),
            "todos": todos.count(),
            "overdue": todos.filter(due_at__lt=now).count(),
            "expiring": registry.licence_list(user, expiring="90").count(),
        },
        "latest_todos": todos[:6],
        "by_division": _by_division(user, enterprises),
        "by_kind_labels": [
            {"label": str(EnterpriseKind(row["kind"]).label), "n": row["n"]} for row in by_kind
        ],
    }


def _by_division(user: Any, enterprises) -> list[dict[str, Any]]:
    """Enterprise counts per division one level below the user's bureau (or per county)."""
    code = user.bureau.region_code
    level = regions.level_of(code)
    if level == regions.COUNTY:
        return []
    width = 4 if level == regions.PROVINCE else 6
    counts: dict[str, int] = {}
    for region_code, n in enterprises.order_by().values_list("region_code").annotate(n=Count("id")):
        key = region_code[:width].ljust(6, "0")
        counts[key] = counts.get(key, 0) + n
    return [
        {"code": child.code, "name": child.display_name, "count": counts.get(child.code, 0)}
        for child in regions.children(code)
    ]
