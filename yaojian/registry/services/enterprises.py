"""Writes on the enterprise register."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core import crypto, regions
from yaojian.core.scoping import get_visible
from yaojian.core.text import pinyin_initials
from yaojian.core.validators import normalise_uscc, validate_resident_id
from yaojian.registry.choices import TimelineKind
from yaojian.registry.models import Enterprise
from yaojian.registry.services.common import (
    record_change,
    require_region,
    require_registry_role,
    save_changes,
    save_new,
)
from yaojian.registry.services.timeline import timeline_post

EDITABLE_FIELDS = [
    "name",
    "kind",
    "legal_representative",
    "address",
    "region_code",
    "phone",
    "status",
    "risk_grade",
    "headquarters",
    "latitude",
    "longitude",
]


def _prepare(enterprise: Enterprise) -> None:
    enterprise.uscc = normalise_uscc(enterprise.uscc)
    enterprise.name = enterprise.name.strip()
    enterprise.name_initials = pinyin_initials(enterprise.name)


def _legal_id_errors(legal_id: str) -> tuple[str, dict[str, list[str]]]:
    if not legal_id:
        return "", {}
    try:
        return validate_resident_id(legal_id), {}
    except ValidationError as error:
        return "", {"legal_representative_id": error.messages}


def _store_legal_id(enterprise: Enterprise, legal_id: str) -> None:
    enterprise.legal_representative_id_enc = crypto.sm4_encrypt(
        legal_id, context=enterprise.uscc.encode()
    )
    enterprise.save(update_fields=["legal_representative_id_enc"])


@audit.audited("registry.enterprise.create")
def enterprise_create(
    *, actor: Any, legal_representative_id: str = "", **fields: Any
) -> Enterprise:
    """A regulator registers an enterprise inside their jurisdiction."""
    require_registry_role(actor, "registry.enterprise.create")
    require_region(actor, fields.get("region_code", ""))
    legal_id, errors = _legal_id_errors(legal_representative_id)
    enterprise = Enterprise(**fields, verified_at=timezone.now())
    _prepare(enterprise)
    save_new(
        enterprise,
        actor=actor,
        action="registry.enterprise.create",
        fields=["uscc", *EDITABLE_FIELDS],
        extra_errors=errors,
    )
    if legal_id:
        _store_legal_id(enterprise, legal_id)
    timeline_post(
        source="registry",
        kind=TimelineKind.REGISTRATION,
        enterprise=enterprise,
        obj=enterprise,
        title=lambda: (
            _("Entered in the register by %(bureau)s") % {"bureau": actor.organisation_label}
        ),
    )
    return enterprise


def enterprise_create_unverified(**fields: Any) -> Enterprise:
    """Called by self-registration (audited by the caller): awaits the bureau's check."""
    enterprise = Enterprise(**fields, verified_at=None)
    _prepare(enterprise)
    from yaojian.registry.services.common import full_clean

    full_clean(enterprise)
    enterprise.save()
    record_change(enterprise, actor=None, action="created", note="self-registration")
    timeline_post(
        source="accounts",
        kind=TimelineKind.REGISTRATION,
        enterprise=enterprise,
        obj=enterprise,
        title=lambda: _("Registered itself on the platform; awaiting the bureau's check"),
    )
    return enterprise


@audit.audited("registry.enterprise.update")
def enterprise_update(
    *, actor: Any, enterprise_id: int, legal_representative_id: str = "", **changes: Any
) -> Enterprise:
    require_registry_role(actor, "registry.enterprise.update")
    enterprise = get_visible(Enterprise.objects.all(), actor, pk=enterprise_id)
    if "region_code" in changes:
        require_region(actor, changes["region_code"])
    legal_id, errors = _legal_id_errors(legal_representative_id)
    save_changes(
        enterprise,
        actor=actor,
        action="registry.enterprise.update",
        changes=changes,
        editable=EDITABLE_FIELDS,
        prepare=_prepare,
        extra_errors=errors,
        note=_("legal representative's ID number changed") if legal_id else "",
    )
    if legal_id:
        _store_legal_id(enterprise, legal_id)
    return enterprise


@audit.audited("registry.enterprise.verify")
def enterprise_verify(*, actor: Any, enterprise_id: int) -> Enterprise:
    """The bureau confirms a self-registered enterprise against its business licence."""
    from yaojian.workbench import services as workbench

    require_registry_role(actor, "registry.enterprise.verify")
    enterprise = get_visible(Enterprise.objects.all(), actor, pk=enterprise_id)
    if enterprise.verified_at is not None:
        return enterprise
    enterprise.verified_at = timezone.now()
    enterprise.save(update_fields=["verified_at"])
    audit.record(actor=actor, action="registry.enterprise.verify", obj=enterprise)
    record_change(enterprise, actor=actor, action="verified")
    timeline_post(
        source="registry",
        kind=TimelineKind.REGISTRATION,
        enterprise=enterprise,
        title=lambda: (
            _("Registration confirmed by %(bureau)s") % {"bureau": actor.organisation_label}
        ),
    )
    workbench.todos_close_for(enterprise, kind="enterprise.verify", actor=actor)
    master = enterprise.accounts.filter(is_enterprise_master=True).first()
    if master:
        workbench.notify(
            master,
            source="registry",
            subject=lambda: _("Your enterprise registration was confirmed"),
            body=lambda: (
                _("%(bureau)s confirmed %(name)s.")
                % {"bureau": regions.name(actor.bureau.region_code), "name": enterprise.name}
            ),
        )
    return enterprise
