"""Data quality over the API: the overview and one check's findings, for regulators only.

Mounted by `yaojian/api.py` (e.g. under /api/v1/quality).
"""

from ninja import Query, Router

from yaojian.core.errors import NotFound
from yaojian.core.schemas import paginate_queryset, with_problems
from yaojian.datacenter.quality import schemas, selectors
from yaojian.datacenter.quality.registers import REGISTERS, division_name

router = Router(tags=["data quality"])


def _check_out(check) -> dict:
    return {
        "code": check.code,
        "register": check.register,
        "dimension": check.dimension,
        "severity": check.severity,
        "label": str(check.label),
        "description": str(check.description),
    }


@router.get(
    "",
    response=with_problems(schemas.OverviewOut),
    by_alias=True,
    summary="Data-quality checks of the registers in the caller's jurisdiction, by division",
)
def quality_overview(request, filters: Query[schemas.OverviewFilters]):
    register = filters.register_
    if register and register not in REGISTERS:
        raise NotFound()
    report = selectors.overview(request.auth, [register] if register else None)
    divisions = report.rows()
    return {
        "region_code": report.region_code,
        "computed_at": report.computed_at,
        "divisions": [{"key": d.key, "name": d.name} for d in divisions],
        "checks": [
            {
                **_check_out(result.check),
                "checked": result.total_checked,
                "findings": result.total_found,
                "share_ok": result.share_ok,
                "divisions": [
                    {
                        "key": d.key,
                        "name": d.name,
                        "checked": result.checked[d.key],
                        "findings": result.found[d.key],
                    }
                    for d in divisions
                ],
            }
            for result in report.results.values()
        ],
    }


@router.get(
    "/{code}/findings",
    response=with_problems(schemas.FindingPage),
    by_alias=True,
    summary="The records that fail one check (404 for an unknown check or division)",
)
def quality_findings(request, code: str, filters: Query[schemas.FindingFilters]):
    offenders = selectors.findings(request.auth, code, filters.division or None)
    check = selectors.get_check(code)
    register = REGISTERS[check.register]
    page = paginate_queryset(offenders, filters)
    page["items"] = [
        {
            "id": obj.pk,
            "title": register.title(obj),
            "division_code": obj.division,
            "division_name": division_name(obj.division),
            "detail": check.detail(obj),
            "url": register.link(obj),
        }
        for obj in page["items"]
    ]
    return {"check": _check_out(check), **page}
