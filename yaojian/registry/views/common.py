"""What every register page shares: regulators only, one view for the page, its htmx rows and
its Excel export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.shortcuts import render

from yaojian.core.excel import export_response
from yaojian.core.forms import paginate


def list_page(
    request,
    queryset,
    *,
    template: str,
    rows_template: str,
    nav: str,
    export_name: str,
    export_sheet: str,
    columns: Sequence[tuple[Any, Callable[[Any], Any]]],
    context: dict | None = None,
):
    """The list page, its rows alone for htmx, or the whole filtered list as .xlsx."""
    if request.GET.get("export") == "xlsx":
        return export_response(
            filename=export_name,
            sheet=export_sheet,
            columns=columns,
            rows=queryset.iterator(chunk_size=2000),
        )
    context = {"nav": nav, "page": paginate(request, queryset), **(context or {})}
    return render(
        request, rows_template if request.headers.get("HX-Request") else template, context
    )


def region_choices(user) -> list:
    from yaojian.core import regions

    code = user.bureau.region_code
    return [
        r for r in regions.divisions().values() if r.code != code and regions.contains(code, r.code)
    ]


def can_edit(user) -> bool:
    """Whether to offer edit buttons (the services check again on every write)."""
    from yaojian.registry.services.common import REGISTRY_ROLES

    return user.has_role(*REGISTRY_ROLES)
