"""Data-quality pages of the work portal: the overview and one check's offending records."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yaojian.core import regions
from yaojian.core.excel import export_response
from yaojian.core.forms import paginate
from yaojian.datacenter.quality import selectors, tables
from yaojian.datacenter.quality.registers import ENTERPRISES, REGISTERS, division_name


@login_required
def overview(request):
    user = selectors.require_regulator(request.user)
    register = request.GET.get("register", ENTERPRISES)
    if register not in REGISTERS:
        register = ENTERPRISES
    report = selectors.overview(user)
    context = {
        "nav": "quality",
        "report": report,
        "register": REGISTERS[register],
        "tabs": tables.tabs(report, register),
        "checks": tables.checks_table(report, register),
        "table": tables.division_table(report, register),
        "chart": tables.chart_data(report, register),
        "single_division": regions.level_of(user.bureau.region_code) == regions.COUNTY,
    }
    return render(request, "datacenter/quality/overview.html", context)


@login_required
def findings(request, code: str):
    user = selectors.require_regulator(request.user)
    check = selectors.get_check(code)
    register = REGISTERS[check.register]
    division = request.GET.get("division", "")
    offenders = selectors.findings(user, code, division or None)
    if request.GET.get("export") == "xlsx":
        return export_response(
            filename=f"quality-{code}",
            sheet=str(check.label),
            columns=export_columns(check),
            rows=offenders.iterator(chunk_size=500),
        )
    page = paginate(request, offenders)
    context = {
        "nav": "quality",
        "check": check,
        "register": register,
        "division": division,
        "divisions": selectors.divisions_for(user),
        "page": page,
        "rows": tables.finding_rows(check, check.register, page.object_list),
    }
    return render(request, "datacenter/quality/findings.html", context)


def export_columns(check):
    register = REGISTERS[check.register]
    return [
        (_("Division"), lambda obj: division_name(obj.division)),
        *register.columns,
        (_("Finding"), check.detail),
    ]
