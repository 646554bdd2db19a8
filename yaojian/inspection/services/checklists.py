"""Checklist administration."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import NotFound, ValidationFailed
from yaojian.inspection.models import (
    Checklist,
    ChecklistItem,
)

# --- checklists (administration) -----------------------------------------------------------------

CHECKLIST_FIELDS = ["kind", "name", "legal_basis", "active"]
ITEM_FIELDS = ["code", "text", "rule", "key_item", "position", "active"]


def _require_admin(actor: Any, action: str) -> None:
    from yaojian.accounts.services import require_role

    require_role(actor, Role.SYSTEM_ADMIN, Role.LEADER, action=action)


@audit.audited("inspection.checklist.save")
def checklist_save(*, actor: Any, code: str, **values: Any) -> Checklist:
    """Create or change a checklist; activating it retires the other active one of its kind."""
    from yaojian.registry.services.common import full_clean

    _require_admin(actor, "inspection.checklist.save")
    checklist = Checklist.objects.filter(code=code).first() or Checklist(code=code)
    before = audit.snapshot(checklist, CHECKLIST_FIELDS) if checklist.pk else {}
    for name, value in values.items():
        if name not in CHECKLIST_FIELDS:
            raise ValidationFailed.field(name, _("This field cannot be changed here."))
        setattr(checklist, name, value)
    checklist.updated_at = timezone.now()
    if checklist.active:
        Checklist.objects.filter(kind=checklist.kind, active=True).exclude(pk=checklist.pk).update(
            active=False
        )
    full_clean(checklist)
    checklist.save()
    audit.record(
        actor=actor,
        action="inspection.checklist.save",
        obj=checklist,
        changes=audit.diff(before, audit.snapshot(checklist, CHECKLIST_FIELDS)),
    )
    return checklist


@audit.audited("inspection.checklist.item_save")
def checklist_item_save(
    *, actor: Any, checklist_id: int, item_id: int | None = None, **values: Any
) -> ChecklistItem:
    """Add an item or change one. Items already answered in an inspection are never deleted:
    take them out of use (`active=False`)."""
    from yaojian.registry.services.common import full_clean

    _require_admin(actor, "inspection.checklist.item_save")
    checklist = Checklist.objects.filter(pk=checklist_id).first()
    if checklist is None:
        raise NotFound()
    if item_id:
        item = checklist.items.filter(pk=item_id).first()
        if item is None:
            raise NotFound()
    else:
        item = ChecklistItem(checklist=checklist)
    before = audit.snapshot(item, ITEM_FIELDS) if item.pk else {}
    for name, value in values.items():
        if name not in ITEM_FIELDS:
            raise ValidationFailed.field(name, _("This field cannot be changed here."))
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    extra = {}
    if item.code and checklist.items.filter(code=item.code).exclude(pk=item.pk).exists():
        extra["code"] = [_("Another item of this checklist has this code.")]
    full_clean(item, extra, validate_unique=False, validate_constraints=False)
    item.save()
    checklist.updated_at = timezone.now()
    checklist.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action="inspection.checklist.item_save",
        obj=item,
        changes=audit.diff(before, audit.snapshot(item, ITEM_FIELDS)),
    )
    return item


def parse_payload(raw: str | bytes | None) -> dict:
    """The JSON `payload` of a multipart submission, or ValidationFailed naming it."""
    try:
        payload = json.loads(raw or "{}")
    except (TypeError, ValueError):
        raise ValidationFailed.field("payload", _("The form data is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise ValidationFailed.field("payload", _("The form data must be an object."))
    return payload
