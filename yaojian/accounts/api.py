from ninja import Router

from yaojian.accounts import schemas, selectors
from yaojian.core.schemas import with_problems

router = Router(tags=["accounts"])


@router.get("/me", response=with_problems(schemas.Me), summary="The calling account or token")
def me(request):
    principal = request.auth
    if getattr(principal, "kind", "") == "machine":
        return {
            "username": principal.username,
            "kind": "machine",
            "enterprise_id": principal.enterprise_id,
            "enterprise_name": principal.enterprise.name,
            "rights": principal.token.rights,
        }
    return {
        "username": principal.username,
        "kind": principal.kind,
        "full_name": principal.full_name,
        "bureau_code": principal.bureau.region_code if principal.bureau_id else None,
        "bureau_name": principal.bureau.name if principal.bureau_id else None,
        "enterprise_id": principal.enterprise_id,
        "enterprise_name": principal.enterprise.name if principal.enterprise_id else None,
        "roles": sorted(principal.role_set),
        "rights": principal.enterprise_rights if principal.is_enterprise_user else [],
    }


@router.get(
    "/bureaus",
    response=with_problems(list[schemas.Bureau]),
    summary="Bureaus inside the caller's jurisdiction",
)
def bureau_list(request):
    return [
        {
            "region_code": b.region_code,
            "name": b.name,
            "name_en": b.name_en,
            "level": b.level,
            "parent_code": b.parent.region_code if b.parent_id else None,
        }
        for b in selectors.bureau_list(request.auth).select_related("parent")
    ]


@router.get(
    "/tokens",
    response=with_problems(list[schemas.Token]),
    summary="The enterprise's API tokens (never their secrets)",
)
def token_list(request):
    return list(selectors.token_list(request.auth))
