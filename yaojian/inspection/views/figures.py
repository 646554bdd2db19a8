"""The leaders' figures page on inspections (work portal), with its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.audit import services as audit
from yaojian.core.excel import export_response
from yaojian.core.pages import regulator
from yaojian.inspection import figures as selectors


def _year(request) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= today.year + 1 else today.year


@login_required
def figures(request):
    user = regulator(request)
    data = selectors.figures(user, year=_year(request))
    if request.GET.get("format") == "xlsx":
        audit.record(actor=user, action="inspection.figures.export", detail=f"year={data.year}")
        return export_response(
            filename=f"inspection-figures-{data.year}",
            sheet=_("Inspection figures %(year)s") % {"year": data.year},
            columns=COLUMNS,
            rows=export_rows(data),
        )
    chart = {
        "names": {
            "register": _("Enterprises in the register"),
            "inspected": _("Enterprises inspected"),
            "coverage": _("Coverage %"),
            "past_due": _("Inspections past due"),
            "rectification_overdue": _("Rectifications overdue"),
            **{g.value: str(g.label) for g in selectors.GRADES},
        },
        "region": _coverage_chart(data.by_region),
        "kind": _coverage_chart(data.by_kind),
        "findings": {
            "labels": [r.label for r in data.findings],
            **{
                g.value: [r.grades.get(g.value, 0) for r in data.findings] for g in selectors.GRADES
            },
        },
        "overdue": {
            "labels": [r.label for r in data.overdue],
            "past_due": [r.past_due for r in data.overdue],
            "rectification_overdue": [r.rectification_overdue for r in data.overdue],
        },
    }
    return render(
        request,
        "inspection/figures.html",
        {
            "nav": "inspection",
            "figures": data,
            "years": selectors.years(),
            "chart": chart,
        },
    )


def _coverage_chart(rows) -> dict:
    return {
        "labels": [r.label for r in rows],
        "register": [r.register for r in rows],
        "inspected": [r.inspected for r in rows],
        "coverage": [r.coverage or 0 for r in rows],
    }


# One sheet, one row per table row; the first column names the table.
COLUMNS = [
    (gettext_lazy("Table"), lambda r: r["table"]),
    (gettext_lazy("Row"), lambda r: r["label"]),
    (gettext_lazy("Enterprises in the register"), lambda r: r.get("register")),
    (gettext_lazy("Enterprises inspected"), lambda r: r.get("inspected")),
    (gettext_lazy("Coverage %"), lambda r: r.get("coverage")),
    (gettext_lazy("Critical"), lambda r: r.get("critical")),
    (gettext_lazy("Major"), lambda r: r.get("major")),
    (gettext_lazy("Minor"), lambda r: r.get("minor")),
    (gettext_lazy("Findings"), lambda r: r.get("findings")),
    (gettext_lazy("Inspections past due"), lambda r: r.get("past_due")),
    (gettext_lazy("Rectifications overdue"), lambda r: r.get("rectification_overdue")),
]


def export_rows(data: selectors.Figures) -> list[dict]:
    rows: list[dict] = []
    total = _("Total")
    for table, coverage in (
        (_("Coverage by jurisdiction"), data.by_region),
        (_("Coverage by enterprise type"), data.by_kind),
    ):
        for row in [*coverage, data.total]:
            rows.append(
                {
                    "table": table,
                    "label": row.label or total,
                    "register": row.register,
                    "inspected": row.inspected,
                    "coverage": row.coverage,
                }
            )
    for row in [*data.findings, data.findings_total]:
        rows.append(
            {
                "table": _("Findings by checklist kind"),
                "label": row.label or total,
                **{g.value: row.grades.get(g.value, 0) for g in selectors.GRADES},
                "findings": row.total,
            }
        )
    for row in data.overdue:
        rows.append(
            {
                "table": _("Overdue items by jurisdiction"),
                "label": row.label,
                "past_due": row.past_due,
                "rectification_overdue": row.rectification_overdue,
            }
        )
    rows.append(
        {
            "table": _("Overdue items by jurisdiction"),
            "label": total,
            "past_due": data.past_due,
            "rectification_overdue": data.rectification_overdue,
        }
    )
    return rows
