"""Helpers shared by the sampling services: the history row, names, numbers, the files."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.audit import services as audit
from yaojian.core.errors import NotFound, ValidationFailed
from yaojian.registry.choices import Severity, TimelineKind
from yaojian.sampling.models import Plan, PlanEvent, Task, TaskEvent

SOURCE = "sampling"


def person(actor: Any):
    """The account as a foreign key: a person, or None for a machine client or the system."""
    return actor if getattr(actor, "pk", None) and hasattr(actor, "_meta") else None


def name(actor: Any) -> str:
    if actor is None or not hasattr(actor, "_meta"):
        return getattr(actor, "username", "") or _("System")
    return (getattr(actor, "full_name", "") or getattr(actor, "username", "")) or ""


def full_clean(obj: Any, extra: dict[str, list[str]] | None = None, **kwargs: Any) -> None:
    from yaojian.registry.services.common import full_clean as clean

    clean(obj, extra, **kwargs)


def move_task(
    task: Task, action: str, actor: Any, *, target: str, note: str = "", fields=()
) -> TaskEvent:
    """Change the task's status, save the named fields, write the history row and audit it."""
    before = task.status
    task.status = target
    task.save(update_fields=["status", *fields])
    event = TaskEvent.objects.create(
        task=task,
        action=action,
        from_status=before,
        to_status=target,
        actor=person(actor),
        actor_name=name(actor),
        note=note[:2000],
    )
    audit.record(
        actor=actor,
        action=f"sampling.task.{action}",
        obj=task,
        changes={"before": {"status": before}, "after": {"status": target}},
        detail=note[:500],
    )
    return event


def move_plan(plan: Plan, action: str, actor: Any, *, target: str, note: str = "", fields=()):
    before = plan.status
    plan.status = target
    plan.save(update_fields=["status", *fields])
    PlanEvent.objects.create(
        plan=plan,
        action=action,
        from_status=before,
        to_status=target,
        actor=person(actor),
        actor_name=name(actor),
        note=note[:2000],
    )
    audit.record(
        actor=actor,
        action=f"sampling.plan.{action}",
        obj=plan,
        changes={"before": {"status": before}, "after": {"status": target}},
        detail=note[:500],
    )


def next_number(model, prefix: str, width: int = 5) -> str:
    count = model.objects.filter(**{f"{_number_field(model)}__startswith": prefix}).count()
    return f"{prefix}{count + 1:0{width}d}"


def _number_field(model) -> str:
    return "number"


def post_to_files(
    task: Task, *, title: Any, summary: Any = "", obj: Any = None, severity: str = Severity.INFO
) -> None:
    """The fact lands on the enterprise's file and, where the product is known, the product's;
    texts as `timeline_post` takes them (a callable is rendered in each language, so each
    reader of the file reads their own)."""
    from yaojian.registry.services import timeline_post

    timeline_post(
        source=SOURCE,
        kind=TimelineKind.SAMPLING,
        title=title,
        summary=summary,
        enterprise=task.enterprise,
        product=task.product,
        link=task.get_absolute_url(),
        obj=obj,
        severity=severity,
    )


def tell_enterprise(task: Task, subject: Any, body: Any = "") -> None:
    """Tell the enterprise's master accounts; texts as `notify` takes them (a callable is
    rendered in each language, so each reader reads their own)."""
    from django.urls import reverse

    from yaojian.accounts.models import User
    from yaojian.workbench.services import each_language, notify

    # rendered in every language once, not once per account
    subject, body = each_language(subject), each_language(body)
    for user in User.objects.filter(
        enterprise_id=task.enterprise_id, is_enterprise_master=True, is_active=True
    ):
        notify(
            user,
            source=SOURCE,
            subject=subject,
            body=body,
            link=reverse("sampling:my_detail", args=[task.pk]),
        )


def require_covers(actor: Any, region_code: str, *, action: str) -> None:
    """The record must lie inside the actor's own jurisdiction (not merely be visible)."""
    if not (getattr(actor, "is_regulator", False) and actor.scope.covers_region(region_code)):
        from yaojian.accounts.services import record_denial

        record_denial(actor, action=action, detail=f"outside jurisdiction {region_code}")
        raise NotFound()


def stamp() -> Any:
    return timezone.now()


def text(value: Any, field: str, *, required: bool = True, limit: int = 200) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise ValidationFailed.field(field, _("This field is required."))
    if len(value) > limit:
        raise ValidationFailed.field(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def missing() -> NotFound:
    return NotFound()
