"""Writes of the electronic-licence system: keys, issue, the PDF, audited downloads.

The licensing workflow calls `issue(actor=…, licence=…, reason=…)` after it has created or
changed the registry's `Licence`. Revocation, suspension, cancellation and expiry need no
call here: verification reads them live from the registry (`registry.services
.licence_set_status` is the one place that changes them).

Actors: a regulator (the licence must lie in their jurisdiction), or `SYSTEM` (an
`audit.Actor`) for the workflow's automatic approvals (秒批) and the `yaojian elicence`
command. Key management needs the security administrator's role (等保 separation of duties).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.crypto import SM2_N, SM2Signer, sm3, sm4_encrypt
from yaojian.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yaojian.elicence import conf, paper, payload, signing
from yaojian.elicence.choices import KeyStatus
from yaojian.elicence.models import ElectronicLicence, SigningKey
from yaojian.registry.choices import LicenceStatus

SYSTEM = audit.Actor(username="system", kind="system")
NOT_REISSUABLE = frozenset({LicenceStatus.REVOKED, LicenceStatus.CANCELLED})


def _is_system(actor: Any) -> bool:
    return isinstance(actor, audit.Actor)


def _user(actor: Any):
    return None if _is_system(actor) or not getattr(actor, "pk", None) else actor


def _require_key_admin(actor: Any, action: str) -> None:
    if _is_system(actor):
        return
    from yaojian.accounts.services import require_role

    require_role(actor, Role.SECURITY_ADMIN, action=action)


# --- keys ------------------------------------------------------------------------------------


def _next_key_id(bureau: Any) -> str:
    taken = set(SigningKey.objects.filter(bureau=bureau).values_list("key_id", flat=True))
    sequence = len(taken) + 1
    while f"{bureau.region_code}-{sequence:02d}" in taken:
        sequence += 1
    return f"{bureau.region_code}-{sequence:02d}"


def _generate(bureau: Any, *, now) -> SigningKey:
    key_id = _next_key_id(bureau)
    private = f"{secrets.randbelow(SM2_N - 2) + 1:064x}"
    public = SM2Signer(private).public_key()
    return SigningKey.objects.create(
        key_id=key_id,
        bureau=bureau,
        public_key=public,
        private_key_enc=sm4_encrypt(private, context=signing.key_context(key_id)),
        status=KeyStatus.ACTIVE,
        valid_from=now,
    )


def _key_snapshot(key: SigningKey) -> dict:
    return audit.snapshot(
        key, ["key_id", "bureau", "algorithm", "public_key", "status", "valid_from", "valid_until"]
    )


@audit.audited("elicence.key.create")
def key_create(*, actor: Any, bureau: Any) -> SigningKey:
    """A bureau's first key (issue() also creates one when a bureau signs for the first time)."""
    _require_key_admin(actor, "elicence.key.create")
    if SigningKey.objects.filter(bureau=bureau, status=KeyStatus.ACTIVE).exists():
        raise Conflict(_("This bureau already has an active signing key: rotate it instead."))
    return _create_key(actor, bureau)


def _create_key(actor: Any, bureau: Any) -> SigningKey:
    key = _generate(bureau, now=timezone.now())
    audit.record(
        actor=actor, action="elicence.key.create", obj=key, changes={"after": _key_snapshot(key)}
    )
    return key


@audit.audited("elicence.key.rotate")
def key_rotate(*, actor: Any, bureau: Any, reason: str = "") -> SigningKey:
    """Retire the bureau's active key (it still verifies what it signed) and make a new one."""
    _require_key_admin(actor, "elicence.key.rotate")
    now = timezone.now()
    old = SigningKey.objects.select_for_update().filter(bureau=bureau, status=KeyStatus.ACTIVE)
    retired = None
    for key in old:
        key.status, key.valid_until = KeyStatus.RETIRED, now
        key.status_reason = (reason or _("Rotated"))[:300]
        key.save(update_fields=["status", "valid_until", "status_reason"])
        retired = key
    new = _generate(bureau, now=now)
    audit.record(
        actor=actor,
        action="elicence.key.rotate",
        obj=new,
        changes={
            "before": _key_snapshot(retired) if retired else {},
            "after": _key_snapshot(new),
        },
        detail=reason,
    )
    return new


@audit.audited("elicence.key.compromise")
def key_compromise(*, actor: Any, key_id: str, reason: str) -> SigningKey:
    """Mark a key compromised: every signature it made fails verification from now on.

    If it was the bureau's active key, a new one takes its place. Reissue the licences it
    signed with `reissue_signed_with` (or `yaojian elicence keys compromise --reissue`).
    """
    _require_key_admin(actor, "elicence.key.compromise")
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Say how the key was compromised."))
    key = SigningKey.objects.select_for_update().filter(key_id=key_id).first()
    if key is None:
        raise NotFound(_("No signing key has this id."))
    if key.status == KeyStatus.COMPROMISED:
        return key
    now = timezone.now()
    was_active = key.status == KeyStatus.ACTIVE
    before = _key_snapshot(key)
    key.status, key.compromised_at = KeyStatus.COMPROMISED, now
    key.valid_until = min(key.valid_until or now, now)
    key.status_reason = reason.strip()[:300]
    key.save(update_fields=["status", "compromised_at", "valid_until", "status_reason"])
    audit.record(
        actor=actor,
        action="elicence.key.compromise",
        obj=key,
        changes={"before": before, "after": _key_snapshot(key)},
        detail=reason,
    )
    if was_active:
        _create_key(actor, key.bureau)
    return key


def _active_key(actor: Any, bureau: Any) -> SigningKey:
    """The bureau's active key, locked until the issue commits (a rotation waits for it, so
    no version is dated after its key's retirement); created on the bureau's first issue."""
    key = (
        SigningKey.objects.select_for_update()
        .filter(bureau=bureau, status=KeyStatus.ACTIVE)
        .first()
    )
    return key or _create_key(actor, bureau)


# --- issue -----------------------------------------------------------------------------------


def _licence_for(actor: Any, licence: Any) -> Any:
    """The licence, fresh from the database, if the actor may issue for it."""
    if _is_system(actor):
        licence.refresh_from_db()
        return licence
    if not (actor and getattr(actor, "is_authenticated", False) and actor.is_regulator):
        from yaojian.accounts.services import record_denial

        record_denial(actor, action="elicence.issue", detail="only regulators issue licences")
        raise PermissionDenied(_("Only the issuing bureau's regulators issue licences."))
    from yaojian.registry.selectors import licence_get

    return licence_get(actor, licence.pk)


@audit.audited("elicence.issue")
def issue(*, actor: Any, licence: Any, reason: str) -> ElectronicLicence:
    """Issue the next version of `licence`'s electronic licence, signed by its issuing bureau.

    Call it after the registry's licence has been created or changed (新办, 变更, 延续, 补发);
    the new version supersedes every earlier one. The PDF is rendered after commit.
    """
    if not (reason or "").strip():
        raise ValidationFailed.field("reason", _("Say why the licence is issued (new, change…)."))
    licence = _licence_for(actor, licence)
    if licence.status in NOT_REISSUABLE:
        raise ValidationFailed.field(
            "licence",
            _("A %(status)s licence gets no new electronic licence.")
            % {"status": licence.get_status_display()},
        )
    bureau = licence.issuing_bureau or (
        None if _is_system(actor) else getattr(actor, "bureau", None)
    )
    if bureau is None:
        raise ValidationFailed.field("issuing_bureau", _("The licence names no issuing bureau."))
    key = _active_key(actor, bureau)
    now = timezone.now()
    latest = (
        ElectronicLicence.objects.select_for_update()
        .filter(number=licence.number)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    version = (latest or 0) + 1
    data = paper.paper_data(
        licence, bureau=bureau, version=version, issue_date=timezone.localdate(now)
    )
    canonical = signing.canonical_json(data)
    data_hash = sm3(canonical)
    signer = signing.signer_for(key)
    claims = payload.claim_bytes(
        number=licence.number,
        version=version,
        credit_code=data["credit_code"],
        valid_until=data["valid_until"],
        key_id=key.key_id,
        data_hash=data_hash,
    )
    ElectronicLicence.objects.filter(number=licence.number, superseded_at__isnull=True).update(
        superseded_at=now
    )
    elicence = ElectronicLicence.objects.create(
        licence=licence,
        number=licence.number,
        version=version,
        data=data,
        data_hash=data_hash,
        signature=signer.sign(canonical),
        key=key,
        payload=payload.encode(claims, signer.sign(claims)),
        issued_at=now,
        reason=reason.strip()[:300],
        issued_by=_user(actor),
    )
    audit.record(
        actor=actor,
        action="elicence.issue",
        obj=elicence,
        changes={
            "after": {
                "licence": licence.pk,
                "number": licence.number,
                "version": version,
                "key_id": key.key_id,
                "data_hash": data_hash,
            }
        },
        detail=reason.strip(),
    )
    transaction.on_commit(lambda: _render_later(elicence.pk))
    return elicence


def _render_later(elicence_id: int) -> None:
    from yaojian.elicence.tasks import render_pdf

    render_pdf.enqueue(elicence_id)


def reissue_signed_with(*, actor: Any, key_id: str) -> int:
    """Reissue every current version signed with `key_id` (after a compromise): the count."""
    current = ElectronicLicence.objects.filter(
        key_id=key_id, superseded_at__isnull=True
    ).select_related("licence")
    count = 0
    for elicence in current:
        if elicence.licence.status in NOT_REISSUABLE:
            continue
        issue(
            actor=actor,
            licence=elicence.licence,
            reason=_("Reissued: signing key %(key)s replaced") % {"key": key_id},
        )
        count += 1
    return count


# --- the PDF ---------------------------------------------------------------------------------


def verify_url(elicence: ElectronicLicence) -> str:
    """The link in the QR code: the public verification page, carrying the payload."""
    try:
        path = reverse("elicence:payload", args=[elicence.payload])
    except NoReverseMatch:  # the app's pages are not mounted (a bare test settings module)
        path = f"/elicence/v/{elicence.payload}"
    return conf.public_url() + path


def portal_verify_url() -> str:
    try:
        path = reverse("portal:verify")
    except NoReverseMatch:
        path = "/verify/"
    return conf.public_url() + path


def render_pdf_bytes(elicence: ElectronicLicence) -> bytes:
    from yaojian.elicence import pdf

    history = list(
        ElectronicLicence.objects.filter(
            number=elicence.number, version__lte=elicence.version
        ).order_by("version")
    )
    return pdf.render(
        elicence, history=history, verify_url=verify_url(elicence), portal_url=portal_verify_url()
    )


def ensure_pdf(elicence: ElectronicLicence) -> str:
    """The stored PDF's name under MEDIA_ROOT, rendering and storing it the first time."""
    if elicence.pdf and default_storage.exists(elicence.pdf.name):
        return elicence.pdf.name
    content = render_pdf_bytes(elicence)
    name = default_storage.save(
        f"elicence/{elicence.licence_id}/{elicence.pk}-v{elicence.version}.pdf",
        ContentFile(content),
    )
    ElectronicLicence.objects.filter(pk=elicence.pk).update(pdf=name)
    elicence.pdf.name = name
    return name


def pdf_download(*, actor: Any, elicence_id: int) -> ElectronicLicence:
    """The e-licence whose PDF `actor` downloads; a download by anyone but the holder's own
    accounts is recorded in the audit log."""
    from yaojian.elicence.selectors import elicence_get

    elicence = elicence_get(actor, elicence_id)
    ensure_pdf(elicence)
    holder_id = elicence.licence.holder_id
    if getattr(actor, "enterprise_id", None) != holder_id:
        audit.record(
            actor=actor,
            action="elicence.pdf.download",
            obj=elicence,
            detail=f"{elicence.number} v{elicence.version}",
        )
    return elicence
