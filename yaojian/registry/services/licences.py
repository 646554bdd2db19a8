"""Writes on the licence register: numbers in the official format, holders of the right kind."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.core.scoping import get_visible
from yaojian.registry import formats
from yaojian.registry.choices import (
    DRUG_TRADING_CLASS_OF,
    EnterpriseKind,
    LicenceKind,
    LicenceStatus,
    Severity,
    TimelineKind,
)
from yaojian.registry.models import Enterprise, Licence
from yaojian.registry.services.common import require_registry_role, save_changes, save_new
from yaojian.registry.services.timeline import timeline_post

EDITABLE_FIELDS = [
    "scope",
    "registered_address",
    "warehouse_address",
    "legal_representative",
    "principal",
    "quality_manager",
    "issued_on",
    "valid_from",
    "valid_until",
    "status",
]
K, E = LicenceKind, EnterpriseKind
DRUG_TRADERS = {E.WHOLESALER, E.RETAIL_CHAIN_HQ, E.RETAIL_CHAIN_STORE, E.RETAIL_PHARMACY}
# which kinds of enterprise may hold which licence
HOLDER_KINDS: dict[str, set[str]] = {
    K.DRUG_MANUFACTURING: {E.DRUG_MANUFACTURER, E.MAH},
    K.DRUG_WHOLESALE: {E.WHOLESALER},
    K.DRUG_RETAIL_CHAIN_HQ: {E.RETAIL_CHAIN_HQ},
    K.DRUG_RETAIL_CHAIN_STORE: {E.RETAIL_CHAIN_STORE},
    K.DRUG_RETAIL: {E.RETAIL_PHARMACY},
    K.DEVICE_TRADING_III: {E.DEVICE_DISTRIBUTOR, E.WHOLESALER, *DRUG_TRADERS},
    K.DEVICE_TRADING_II: {E.DEVICE_DISTRIBUTOR, E.WHOLESALER, *DRUG_TRADERS},
    K.DEVICE_MANUFACTURING: {E.DEVICE_MANUFACTURER},
    K.COSMETICS_MANUFACTURING: {E.COSMETICS_MANUFACTURER},
    K.ONLINE_DRUG_SALES: {E.MAH, E.DRUG_MANUFACTURER, *DRUG_TRADERS, E.ONLINE_PLATFORM},
}


def validate_number(kind: str, number: str) -> str:
    """The canonical licence number, or ValidationError saying what is wrong with it."""
    if kind == K.DRUG_MANUFACTURING:
        return formats.validate_drug_manufacturing_number(number)
    if kind in DRUG_TRADING_CLASS_OF:
        return formats.validate_drug_trading_number(
            number, expected_class=DRUG_TRADING_CLASS_OF[kind]
        )
    if kind in (K.DEVICE_TRADING_III, K.DEVICE_TRADING_II):
        return formats.validate_device_trading_number(number, filing=kind == K.DEVICE_TRADING_II)
    if kind == K.DEVICE_MANUFACTURING:
        return formats.validate_device_manufacturing_number(number)
    if kind == K.COSMETICS_MANUFACTURING:
        return formats.validate_cosmetics_manufacturing_number(number)
    if kind == K.ONLINE_DRUG_SALES:
        return formats.validate_online_sales_number(number)
    raise ValidationError(_("Unknown licence type."), code="licence_kind")


def holder_errors(kind: str, holder: Enterprise | None) -> list[str]:
    if holder is None or kind not in HOLDER_KINDS:
        return []
    if holder.kind not in HOLDER_KINDS[kind]:
        return [
            _("A %(holder_kind)s cannot hold a %(licence)s.")
            % {"holder_kind": holder.get_kind_display(), "licence": LicenceKind(kind).label}
        ]
    return []


def _number_errors(licence: Licence) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        licence.number = validate_number(licence.kind, licence.number)
    except ValidationError as error:
        errors["number"] = error.messages
    if messages := holder_errors(licence.kind, getattr(licence, "holder", None)):
        errors["holder"] = messages
    return errors


@audit.audited("registry.licence.create")
def licence_create(*, actor: Any, holder_id: int, **fields: Any) -> Licence:
    require_registry_role(actor, "registry.licence.create")
    holder = get_visible(Enterprise.objects.all(), actor, pk=holder_id)
    licence = Licence(holder=holder, issuing_bureau=getattr(actor, "bureau", None), **fields)
    save_new(
        licence,
        actor=actor,
        action="registry.licence.create",
        fields=["kind", "number", *EDITABLE_FIELDS],
        extra_errors=_number_errors(licence),
    )
    timeline_post(
        source="registry",
        kind=TimelineKind.LICENCE,
        enterprise=holder,
        obj=licence,
        title=lambda: (
            _("%(licence)s %(number)s entered, valid until %(until)s")
            % {
                "licence": licence.get_kind_display(),
                "number": licence.number,
                "until": licence.valid_until or "—",
            }
        ),
    )
    return licence


@audit.audited("registry.licence.update")
def licence_update(*, actor: Any, licence_id: int, note: str = "", **changes: Any) -> Licence:
    """Change a licence (a 变更): every changed field is kept in its history."""
    require_registry_role(actor, "registry.licence.update")
    licence = get_visible(Licence.objects.select_related("holder"), actor, pk=licence_id)
    old_status = licence.status
    save_changes(
        licence,
        actor=actor,
        action="registry.licence.update",
        changes=changes,
        editable=EDITABLE_FIELDS,
        note=note,
        prepare=_number_errors,
        history_action="status" if set(changes) == {"status"} else "updated",
    )
    if licence.status != old_status:
        timeline_post(
            source="registry",
            kind=TimelineKind.LICENCE,
            enterprise=licence.holder,
            severity=Severity.INFO if licence.status == LicenceStatus.VALID else Severity.WARNING,
            title=lambda: (
                _("%(licence)s %(number)s: %(old)s → %(new)s")
                % {
                    "licence": licence.get_kind_display(),
                    "number": licence.number,
                    "old": LicenceStatus(old_status).label,
                    "new": licence.get_status_display(),
                }
            ),
            summary=note,
        )
    return licence


def licence_set_status(*, actor: Any, licence_id: int, status: str, reason: str) -> Licence:
    """Suspend, revoke, cancel or restore a licence; the reason is required and kept."""
    if not (reason or "").strip():
        raise ValidationFailed.field(
            "reason", _("Give the reason (and the decision's number, if any).")
        )
    return licence_update(actor=actor, licence_id=licence_id, status=status, note=reason.strip())
