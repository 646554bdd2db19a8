"""Recalls (药品召回管理办法): an order for batches, every holder notified, progress from events.

Level I, II and III recalls notify the holders within 1, 3 and 7 days. Progress is read from
the code states that traceability events keep current: a pack counts as handled once it is
returned, recalled back to the holder of the batch, or destroyed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yaojian.accounts.choices import Role
from yaojian.accounts.services import require_role
from yaojian.audit import services as audit
from yaojian.core.errors import TransitionNotAllowed, ValidationFailed
from yaojian.registry.models import Enterprise
from yaojian.trace.choices import CodeStatus, RecallLevel, RecallStatus
from yaojian.trace.models import Batch, CodeState, Recall, RecallHolder
from yaojian.trace.services.apply import END_STATUSES

NOTIFY_DAYS = {RecallLevel.LEVEL_I: 1, RecallLevel.LEVEL_II: 3, RecallLevel.LEVEL_III: 7}
HANDLED = (CodeStatus.RETURNED, CodeStatus.RECALLED, CodeStatus.DESTROYED)


def _number(now: dt.datetime) -> str:
    prefix = f"ZH{timezone.localtime(now):%Y%m%d}"  # the date in Beijing, not in UTC
    count = Recall.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def recall_issue(*, actor: Any, batch_ids: list[int], level: str, reason: str) -> Recall:
    """Order the recall of batches of one product; notify every current holder."""
    require_role(actor, Role.APPROVER, Role.LEADER, action="trace.recall.issue")
    errors: dict[str, list[str]] = {}
    if level not in RecallLevel.values:
        errors["level"] = [_("Choose level I, II or III.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the recall.")]
    batches = list(Batch.objects.filter(pk__in=batch_ids or []).select_related("product"))
    if not batches:
        errors["batches"] = [_("Choose at least one batch.")]
    elif len({b.product_id for b in batches}) > 1:
        errors["batches"] = [_("One recall order covers batches of one product.")]
    if errors:
        raise ValidationFailed(errors=errors)
    now = timezone.now()
    with transaction.atomic():
        recall = Recall.objects.create(
            number=_number(now),
            level=level,
            product=batches[0].product,
            reason=reason.strip(),
            bureau=actor.bureau,
            region_code=actor.bureau.region_code,
            issued_by=actor.username,
            issued_at=now,
            notify_by=timezone.localdate(now) + dt.timedelta(days=NOTIFY_DAYS[level]),
        )
        recall.batches.set(batches)
        held = (
            CodeState.objects.filter(batch__in=batches, holder__isnull=False)
            .exclude(status__in=list(END_STATUSES))
            .values("holder_id")
            .annotate(packs=Count("id"))
        )
        holders = [
            RecallHolder(
                recall=recall,
                enterprise_id=row["holder_id"],
                quantity=row["packs"],
                notified_at=now,
            )
            for row in held
        ]
        RecallHolder.objects.bulk_create(holders)
        _notify(recall)
        _publish(actor, recall, batches)
        audit.record(
            actor=actor,
            action="trace.recall.issue",
            obj=recall,
            changes={"batches": [b.batch_no for b in batches], "holders": len(holders)},
        )
    return recall


def _publish(actor: Any, recall: Recall, batches: list[Batch]) -> None:
    """The public learns of a recall on the portal (药品召回管理办法: recalls are made public)."""
    from yaojian.portal import publications

    product = recall.product
    publications.publish(
        actor=actor,
        kind=publications.Kind.RECALL,
        source=recall,
        title=format_lazy(gettext_lazy("Recall of {product}"), product=str(product)),
        summary=recall.reason,
        fields=[
            (gettext_lazy("Recall number"), recall.number),
            (gettext_lazy("Level"), RecallLevel(recall.level).label),
            (gettext_lazy("Product"), str(product)),
            (gettext_lazy("Approval number"), product.approval_number or ""),
            (gettext_lazy("Marketing-authorisation holder"), str(product.holder or "")),
            (gettext_lazy("Batches"), ", ".join(sorted(b.batch_no for b in batches))),
            (
                gettext_lazy("If you hold a pack"),
                gettext_lazy(
                    "Stop using it and return it to the pharmacy or hospital that supplied it."
                ),
            ),
        ],
        division_code=recall.region_code,
        enterprise=product.holder,
    )


def _notify(recall: Recall) -> None:
    from yaojian.accounts.models import User
    from yaojian.registry.services import timeline_post
    from yaojian.workbench.services import each_language, notify

    batches = ", ".join(b.batch_no for b in recall.batches.all())

    def subject_text() -> str:
        return _("Recall order %(number)s (level %(level)s): %(product)s") % {
            "number": recall.number,
            "level": recall.level,
            "product": recall.product.name,
        }

    def body_text() -> str:
        return _(
            "Stop selling and using the batches %(batches)s, and return or destroy every pack "
            "you hold; report it with traceability events. Reason: %(reason)s"
        ) % {"batches": batches, "reason": recall.reason}

    # rendered in every language once: the holders and the readers of the files read their own
    subjects, bodies = each_language(subject_text), each_language(body_text)
    masters = User.objects.filter(
        enterprise_id__in=recall.holders.values("enterprise_id"),
        is_enterprise_master=True,
        is_active=True,
    )
    for user in masters:
        notify(user, source="trace", subject=subjects, body=bodies, link=reverse("portal:messages"))
    link = reverse("trace:recall_detail", args=[recall.pk])
    for holder in recall.holders.select_related("enterprise"):
        timeline_post(
            source="trace",
            kind="recall",
            title=subjects,
            summary=bodies,
            enterprise=holder.enterprise,
            link=link,
            obj=recall,
            severity="warning",
        )
    timeline_post(
        source="trace",
        kind="recall",
        title=subjects,
        summary=bodies,
        product=recall.product,
        link=link,
        obj=recall,
    )


def recall_progress(recall: Recall) -> dict[str, Any]:
    """Per holder: packs held at the order, and how many are handled (returned/destroyed)."""
    batch_ids = list(recall.batches.values_list("pk", flat=True))
    handled = dict(
        CodeState.objects.filter(batch_id__in=batch_ids, status__in=list(HANDLED))
        .values_list("batch__holder_id")
        .annotate(n=Count("id"))
    )
    still = dict(
        CodeState.objects.filter(batch_id__in=batch_ids, holder__isnull=False)
        .exclude(status__in=[*HANDLED, *END_STATUSES])
        .values_list("holder_id")
        .annotate(n=Count("id"))
    )
    rows = []
    holders = list(recall.holders.select_related("enterprise").order_by("enterprise__region_code"))
    # packs passed on after the order still have to come back: their new holders count too
    listed = {holder.enterprise_id for holder in holders}
    holders += [
        RecallHolder(recall=recall, enterprise=enterprise, quantity=0)
        for enterprise in Enterprise.objects.filter(pk__in=set(still) - listed).order_by(
            "region_code"
        )
    ]
    for holder in holders:
        remaining = still.get(holder.enterprise_id, 0)
        rows.append(
            {
                "holder": holder,
                "quantity": holder.quantity,
                "remaining": remaining,
                "done": max(holder.quantity - remaining, 0),
            }
        )
    total = sum(r["quantity"] for r in rows)
    remaining = sum(r["remaining"] for r in rows)
    return {
        "rows": rows,
        "total": total,
        "remaining": remaining,
        "handled_states": sum(handled.values()),
        "percent": 100 if total == 0 else max(0, round(100 * (total - remaining) / total)),
        "complete": remaining == 0,
    }


def recall_complete(*, actor: Any, recall_id: int) -> Recall:
    """Close a recall once no holder still holds a pack of its batches."""
    require_role(actor, Role.APPROVER, Role.LEADER, action="trace.recall.complete")
    from yaojian.core import scoping

    recall = scoping.get_visible(Recall.objects.all(), actor, pk=recall_id)
    if recall.status != RecallStatus.OPEN:
        raise TransitionNotAllowed(_("This recall is not in progress."))
    progress = recall_progress(recall)
    if not progress["complete"]:
        raise TransitionNotAllowed(
            _("%(n)d packs are still held: the recall cannot be completed yet.")
            % {"n": progress["remaining"]}
        )
    recall.status, recall.completed_at = RecallStatus.COMPLETED, timezone.now()
    recall.save(update_fields=["status", "completed_at"])
    audit.record(actor=actor, action="trace.recall.complete", obj=recall)
    return recall
