"""What every register write shares: the role check, validation, history and the timeline."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from yaojian.accounts.choices import Role
from yaojian.core.errors import ValidationFailed
from yaojian.registry.models import ChangeRecord

# who may change the registers
REGISTRY_ROLES = (Role.APPROVER, Role.REVIEWER, Role.LEADER, Role.SYSTEM_ADMIN)


def require_registry_role(actor: Any, action: str) -> None:
    from yaojian.accounts.services import require_role

    require_role(actor, *REGISTRY_ROLES, action=action)


def require_region(actor: Any, region_code: str, field: str = "region_code") -> None:
    from django.utils.translation import gettext as _

    if region_code and not actor.scope.covers_region(region_code):
        raise ValidationFailed.field(
            field, _("This division is outside your bureau's jurisdiction.")
        )


def full_clean(
    obj: models.Model, extra_errors: dict[str, list[str]] | None = None, **kwargs: Any
) -> None:
    """full_clean(), with errors found earlier, raised as one ValidationFailed naming the fields."""
    errors = dict(extra_errors or {})
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        for field, messages in ValidationFailed.from_django(error).errors.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{field}: {messages[0]}" if field else messages[0], errors=errors)


def record_change(
    obj: models.Model, *, actor: Any, action: str, changes: dict | None = None, note: str = ""
) -> ChangeRecord:
    """One row of the record's visible history (beside the audit log, which auditors read)."""
    person = actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None
    return ChangeRecord.objects.create(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        action=action,
        changes=changes or {},
        actor=person,
        actor_name=(getattr(actor, "full_name", "") or getattr(actor, "username", ""))
        if actor
        else "",
        note=note[:300],
    )


def save_new(
    obj: models.Model,
    *,
    actor: Any,
    action: str,
    fields: list[str],
    extra_errors=None,
    note: str = "",
) -> models.Model:
    """Validate and save a new record; audit it and start its visible history."""
    from django.utils import timezone

    from yaojian.audit import services as audit

    if hasattr(obj, "updated_at"):
        obj.updated_at = timezone.now()
    full_clean(obj, extra_errors)
    obj.save()
    after = audit.snapshot(obj, fields)
    audit.record(actor=actor, action=action, obj=obj, changes={"after": after})
    record_change(obj, actor=actor, action="created", changes={"after": after}, note=note)
    return obj


def save_changes(
    obj: models.Model,
    *,
    actor: Any,
    action: str,
    changes: dict[str, Any],
    editable: list[str],
    prepare=None,
    extra_errors=None,
    history_action: str = "updated",
    note: str = "",
) -> models.Model:
    """Apply `changes` (only `editable` fields), validate, save, and record what changed.

    `prepare(obj)` runs after the changes are applied and may return more field errors
    (rules that depend on the new values).
    """
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from yaojian.audit import services as audit

    unknown = sorted(set(changes) - set(editable))
    if unknown:
        raise ValidationFailed.field(unknown[0], _("This field cannot be changed here."))
    before = audit.snapshot(obj, editable)
    for name, value in changes.items():
        setattr(obj, name, value)
    errors = dict(extra_errors or {})
    if prepare:
        errors.update(prepare(obj) or {})
    if hasattr(obj, "updated_at"):
        obj.updated_at = timezone.now()
    full_clean(obj, errors)
    obj.save()
    changed = audit.diff(before, audit.snapshot(obj, editable))
    if changed.get("after") or note:
        audit.record(actor=actor, action=action, obj=obj, changes=changed, detail=note)
        record_change(obj, actor=actor, action=history_action, changes=changed, note=note)
    return obj
