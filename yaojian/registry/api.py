"""The registers over HTTP: /api/v1/registry/…, scoped exactly like the pages."""

from ninja import Query, Router

from yaojian.core.schemas import paginate_queryset, with_problems
from yaojian.registry import schemas, selectors

router = Router(tags=["registers"])


@router.get(
    "/enterprises", response=with_problems(schemas.EnterprisePage), summary="Search enterprises"
)
def enterprise_list(request, filters: Query[schemas.EnterpriseFilters]):
    enterprises = selectors.enterprise_list(
        request.auth,
        query=filters.q,
        kind=filters.kind,
        region_code=filters.region,
        status=filters.status,
        expiring=filters.expiring,
        sort=filters.sort,
    )
    return paginate_queryset(enterprises, filters)


@router.get(
    "/enterprises/{int:enterprise_id}",
    response=with_problems(schemas.EnterpriseOut),
    summary="One enterprise",
)
def enterprise_detail(request, enterprise_id: int):
    return selectors.enterprise_get(request.auth, enterprise_id)


@router.get(
    "/enterprises/{int:enterprise_id}/file",
    response=with_problems(schemas.EnterpriseFileOut),
    summary="The enterprise file (一企一档): everything about one enterprise",
)
def enterprise_file(request, enterprise_id: int, params: Query[schemas.FileParams]):
    file = selectors.enterprise_file(request.auth, enterprise_id, timeline_kind=params.kind)
    return {
        "enterprise": file.enterprise,
        "findings": file.findings,
        "licences": file.licences,
        "products": list(file.products),
        "product_count": file.product_count,
        "people": file.people,
        "sites": file.sites,
        "branches": list(file.branches),
        "timeline": list(file.timeline[: params.limit]),
        "history": list(file.history),
    }


@router.get(
    "/licences", response=with_problems(schemas.LicencePage), summary="Search licences and filings"
)
def licence_list(request, filters: Query[schemas.LicenceFilters]):
    licences = selectors.licence_list(
        request.auth,
        query=filters.q,
        kind=filters.kind,
        status=filters.status,
        region_code=filters.region,
        expiring=filters.expiring,
        sort=filters.sort,
    )
    return paginate_queryset(licences, filters)


@router.get(
    "/licences/{int:licence_id}", response=with_problems(schemas.LicenceOut), summary="One licence"
)
def licence_detail(request, licence_id: int):
    return selectors.licence_get(request.auth, licence_id)


@router.get(
    "/licences/{int:licence_id}/history",
    response=with_problems(list[schemas.ChangeOut]),
    summary="Every change of one licence",
)
def licence_history(request, licence_id: int):
    return list(selectors.history_of(selectors.licence_get(request.auth, licence_id)))


@router.get("/products", response=with_problems(schemas.ProductPage), summary="Search products")
def product_list(request, filters: Query[schemas.ProductFilters]):
    products = selectors.product_list(
        request.auth,
        query=filters.q,
        kind=filters.kind,
        status=filters.status,
        rx_class=filters.rx,
        enterprise_id=filters.enterprise,
        sort=filters.sort,
    )
    return paginate_queryset(products, filters)


@router.get(
    "/products/{int:product_id}", response=with_problems(schemas.ProductOut), summary="One product"
)
def product_detail(request, product_id: int):
    return selectors.product_get(request.auth, product_id)


@router.get(
    "/products/{int:product_id}/file",
    response=with_problems(schemas.ProductFileOut),
    summary="The product file (一品一档)",
)
def product_file(request, product_id: int, params: Query[schemas.FileParams]):
    file = selectors.product_file(request.auth, product_id, timeline_kind=params.kind)
    return {
        "product": file.product,
        "timeline": list(file.timeline[: params.limit]),
        "history": list(file.history),
        "batches": file.batches,
    }


@router.get(
    "/people",
    response=with_problems(schemas.PersonPage),
    summary="Licensed pharmacists and quality managers",
)
def person_list(request, filters: Query[schemas.PersonFilters]):
    people = selectors.person_list(
        request.auth,
        query=filters.q,
        role=filters.role,
        status=filters.status,
        region_code=filters.region,
        enterprise_id=filters.enterprise,
    )
    return paginate_queryset(people, filters)


@router.get(
    "/people/{int:person_id}",
    response=with_problems(schemas.PersonOut),
    summary="One person (ID number masked)",
)
def person_detail(request, person_id: int):
    return selectors.person_get(request.auth, person_id)
