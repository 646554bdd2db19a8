from ninja import Query, Router

from yaojian.audit import schemas, selectors, services
from yaojian.core.schemas import paginate_queryset, with_problems

router = Router(tags=["audit"])


@router.get(
    "",
    response=with_problems(schemas.AuditPage),
    summary="Audit entries (audit administrator only)",
)
def audit_list(request, filters: Query[schemas.AuditFilters]):
    entries = selectors.audit_list(
        request.auth,
        username=filters.username,
        action=filters.action,
        object_type=filters.object_type,
        object_id=filters.object_id,
        outcome=filters.outcome,
        since=filters.since,
        until=filters.until,
    )
    return paginate_queryset(entries, filters)


@router.get(
    "/verify", response=with_problems(schemas.ChainReportOut), summary="Verify the SM3 hash chain"
)
def audit_verify(request):
    selectors.require_auditor(request.auth)
    return services.verify_chain().__dict__
