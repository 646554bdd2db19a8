"""Electronic licences over HTTP: /api/v1/elicence/… (keys and verification need no login)."""

from ninja import Query, Router

from yaojian.core.schemas import with_problems
from yaojian.elicence import schemas, selectors
from yaojian.elicence.choices import InputKind

router = Router(tags=["electronic licences"])


@router.get(
    "/keys",
    response=with_problems(schemas.KeySet, 422),
    auth=None,
    summary="The bureaus' published public keys, with their validity",
)
def keys(request):
    """Every signing key's public half, status and validity: what an offline verifier needs
    (`yaojian elicence verify PAYLOAD --keys FILE`)."""
    return selectors.published_keys()


@router.get(
    "/verify",
    response=with_problems(schemas.LicenceVerificationOut, 422),
    auth=None,
    summary="Verify an electronic licence by its number or its QR code",
)
def verify(request, params: Query[schemas.LicenceVerifyParams]):
    """Give `number` or `payload` (or both: then the QR code must belong to that number, which
    finds a genuine code stuck on another shop's licence). The verdict is read live from the
    register: valid, expired, suspended, revoked, cancelled, superseded (with the current
    version), unknown, or altered (signature, hash, key or QR code do not match)."""
    number, payload = (params.number or "").strip(), (params.payload or "").strip()
    if payload:
        kind = InputKind.PAYLOAD if payload.startswith("YJL1.") else InputKind.URL
        return selectors.verify_payload(payload, input_kind=kind, expected_number=number)
    return selectors.verify_number(number)


@router.get(
    "/licences/{int:licence_id}/versions",
    response=with_problems(list[schemas.VersionOut]),
    summary="The e-licence versions of one licence (newest first)",
)
def versions(request, licence_id: int):
    from yaojian.registry.selectors import licence_get

    return list(selectors.versions_of(request.auth, licence_get(request.auth, licence_id)))
