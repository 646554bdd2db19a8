"""Sampling tasks: creation, the sampling record (paid for, signed), the chain of custody."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yaojian.accounts.choices import Role
from yaojian.audit import services as audit
from yaojian.core.errors import ValidationFailed
from yaojian.sampling import selectors, workflows
from yaojian.sampling.choices import (
    FINAL_STAGES,
    Category,
    PaymentMethod,
    PlanStatus,
    Stage,
    TaskStatus,
)
from yaojian.sampling.models import Handover, Lab, SampleRecord, Task
from yaojian.sampling.services.common import (
    SOURCE,
    full_clean,
    move_task,
    name,
    next_number,
    person,
    post_to_files,
    require_covers,
    text,
)

MIN_SAMPLERS = 2  # 办法: 抽样人员不得少于2名
CATEGORY_OF_KIND = {
    "drug": Category.CHEMICAL,
    "tcm_piece": Category.TCM_PIECE,
    "device": Category.DEVICE,
    "cosmetic": Category.COSMETIC,
}
KINDS_OF_CATEGORY = {
    Category.CHEMICAL: {"drug"},
    Category.TCM_PATENT: {"drug"},
    Category.BIOLOGIC: {"drug"},
    Category.TCM_PIECE: {"tcm_piece"},
    Category.DEVICE: {"device"},
    Category.COSMETIC: {"cosmetic"},
}


def _task(actor: Any, task_id: int) -> Task:
    return selectors.task_get(actor, task_id)


def _step(actor: Any, task: Task, action: str):
    transition = workflows.check_task(action, task.status)
    workflows.require(actor, transition, task, action=f"sampling.task.{action}")
    return transition


@audit.audited("sampling.task.create")
def task_create(
    *,
    actor: Any,
    plan_id: int,
    enterprise_id: int,
    batch_no: str,
    quantity: int,
    sampler_ids: list[int],
    lab_id: int,
    due_on: dt.date,
    risk: str,
    category: str = "",
    product_id: int | None = None,
    product_name: str = "",
    unit: str = "盒",
) -> Task:
    """A task under an approved plan: one batch at one enterprise, two samplers at least."""
    from yaojian.accounts.models import User
    from yaojian.accounts.services import require_role
    from yaojian.registry.models import Product
    from yaojian.registry.selectors import enterprise_get

    require_role(
        actor,
        Role.REVIEWER,
        Role.INSPECTOR,
        Role.APPROVER,
        Role.LEADER,
        action="sampling.task.create",
    )
    plan = selectors.plan_get(actor, plan_id)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationFailed.field(
            "plan",
            _("Tasks are created under an approved plan; this plan is “%(s)s”.")
            % {"s": plan.get_status_display()},
        )
    enterprise = enterprise_get(actor, enterprise_id)  # NotFound outside the actor's scope
    require_covers(actor, enterprise.region_code, action="sampling.task.create")
    from yaojian.core import regions

    if not regions.contains(plan.region_code, enterprise.region_code):
        raise ValidationFailed.field(
            "enterprise", _("The enterprise lies outside the plan's jurisdiction.")
        )
    errors: dict[str, list[str]] = {}
    product = None
    if product_id:
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            errors["product"] = [_("No product with this identifier in the register.")]
        else:
            product_name = str(product)
            category = category or CATEGORY_OF_KIND.get(product.kind, "")
            if category in KINDS_OF_CATEGORY and product.kind not in KINDS_OF_CATEGORY[category]:
                errors["category"] = [
                    _("This product (%(kind)s) does not belong to the category chosen.")
                    % {"kind": product.get_kind_display()}
                ]
    product_name = (product_name or "").strip()
    if not product_name:
        errors.setdefault("product", [_("Name the product to sample.")])
    if category not in Category.values:
        errors["category"] = [_("Choose a product category.")]
    elif not plan.lines.filter(category=category, risk=risk).exists():
        errors["risk"] = [_("The plan has no target for this category and risk level.")]
    batch_no = (batch_no or "").strip()
    if not batch_no or len(batch_no) > 40:
        errors["batch_no"] = [_("Enter the batch number (at most 40 characters).")]
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1:
        errors["quantity"] = [_("Enter the number of units to take (at least 1).")]
    if not isinstance(due_on, dt.date):
        errors["due_on"] = [_("Enter a date as YYYY-MM-DD.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("The date to sample by cannot be in the past.")]
    elif due_on.year != plan.year:
        errors["due_on"] = [_("Sample within the plan's year.")]
    lab = Lab.objects.filter(pk=lab_id, active=True).first() if lab_id else None
    if lab is None:
        errors["lab"] = [_("Choose an active laboratory.")]
    ids = {int(i) for i in (sampler_ids or []) if str(i).isdigit()}
    samplers = list(
        User.objects.filter(pk__in=ids, kind="regulator", is_active=True).select_related("bureau")
    )
    qualified = [
        u
        for u in samplers
        if u.has_role(Role.INSPECTOR) and u.scope.covers_region(enterprise.region_code)
    ]
    if len(qualified) < MIN_SAMPLERS or len(qualified) != len(ids):
        errors["samplers"] = [
            _(
                "Name at least two samplers: inspectors whose jurisdiction covers the "
                "enterprise (the law requires two)."
            )
        ]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", errors=errors)
    task = Task(
        number=next_number(Task, f"CY{plan.year}"),
        plan=plan,
        category=category,
        risk=risk,
        bureau=actor.bureau,
        enterprise=enterprise,
        region_code=enterprise.region_code,
        product=product,
        product_name=product_name[:200],
        batch_no=batch_no,
        quantity=quantity,
        unit=(unit or "盒").strip()[:10],
        lab=lab,
        due_on=due_on,
        created_by=person(actor),
    )
    full_clean(task)
    task.save()
    task.samplers.set(qualified)
    from yaojian.sampling.models import TaskEvent

    TaskEvent.objects.create(
        task=task,
        action="create",
        to_status=task.status,
        actor=person(actor),
        actor_name=name(actor),
    )
    audit.record(
        actor=actor,
        action="sampling.task.create",
        obj=task,
        changes={
            "enterprise": enterprise.pk,
            "product": product_name,
            "batch_no": batch_no,
            "samplers": sorted(u.pk for u in qualified),
        },
    )
    from yaojian.workbench.services import each_language, todo_post

    title = each_language(
        lambda: (
            _("Sample %(product)s batch %(batch)s") % {"product": product_name, "batch": batch_no}
        )
    )
    for sampler in qualified:
        todo_post(
            source=SOURCE,
            kind="sampling.sample",
            obj=task,
            assignee=sampler,
            due_at=timezone.make_aware(dt.datetime.combine(due_on, dt.time(17, 30))),
            title=title,
            body=f"{enterprise.name} · {enterprise.address}",
            link=task.get_absolute_url(),
        )
    return task


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed.field(field, _("Enter an amount in yuan, such as 36.50.")) from None
    if not number.is_finite():
        raise ValidationFailed.field(field, _("Enter an amount in yuan, such as 36.50."))
    return number


@audit.audited("sampling.task.record_sample")
def sample_record(
    *,
    actor: Any,
    task_id: int,
    record_number: str,
    place: str,
    quantity: int,
    sealed_ids: list[str],
    price_paid: Any,
    payment_method: str,
    payment_reference: str,
    enterprise_signatory: str,
    enterprise_acknowledged: bool,
    enterprise_remarks: str = "",
    sampled_at: dt.datetime | None = None,
    fees_charged: Any = 0,
) -> SampleRecord:
    """The sampling record and voucher: the sample is bought (price and payment recorded), the
    enterprise is charged nothing, the samples are sealed, the enterprise signs.

    药品管理法 第一百条: 抽查检验应当按照规定抽样，并不得收取任何费用；抽样应当购买样品。
    """
    task = _task(actor, task_id)
    _step(actor, task, "record_sample")
    errors: dict[str, list[str]] = {}
    price = _decimal(price_paid, "price_paid")
    fees = _decimal(fees_charged, "fees_charged")
    if fees != 0:
        errors["fees_charged"] = [
            _(
                "Sampling must not charge the enterprise any fee (药品管理法 第一百条); "
                "remove the fee."
            )
        ]
    if price <= 0:
        errors["price_paid"] = [
            _(
                "Samples are bought: enter the price paid to the enterprise (a record "
                "without payment is refused)."
            )
        ]
    if payment_method not in PaymentMethod.values:
        errors["payment_method"] = [_("Choose how the samples were paid for.")]
    if not (payment_reference or "").strip():
        errors["payment_reference"] = [_("Enter the receipt or payment reference.")]
    seals = [str(s).strip() for s in (sealed_ids or []) if str(s).strip()]
    if not seals:
        errors["sealed_ids"] = [_("Enter the seal number of every sealed sample.")]
    elif len(set(seals)) != len(seals):
        errors["sealed_ids"] = [_("A seal number appears twice.")]
    elif any(len(s) > 40 for s in seals):
        errors["sealed_ids"] = [_("A seal number has at most 40 characters.")]
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        quantity = 0
    if quantity < 1:
        errors["quantity"] = [_("Enter the number of units taken (at least 1).")]
    if not (enterprise_signatory or "").strip():
        errors["enterprise_signatory"] = [_("Name the person who signed for the enterprise.")]
    remarks = (enterprise_remarks or "").strip()
    if not enterprise_acknowledged and not remarks:
        errors["enterprise_acknowledged"] = [
            _(
                "The enterprise signs the record; if it refuses, note the refusal in the "
                "remarks (both samplers sign)."
            )
        ]
    if not (place or "").strip():
        errors["place"] = [_("Enter where the samples were taken.")]
    sampled_at = sampled_at or timezone.now()
    if sampled_at > timezone.now() + dt.timedelta(minutes=5):
        errors["sampled_at"] = [_("The sampling time cannot be in the future.")]
    if (record_number or "").strip() and SampleRecord.objects.filter(
        record_number=record_number.strip()
    ).exists():
        errors["record_number"] = [_("A sampling record with this number exists already.")]
    if errors:
        field, messages = next(iter(errors.items()))
        raise ValidationFailed(f"{field}: {messages[0]}", errors=errors)
    sample = SampleRecord(
        task=task,
        record_number=text(record_number, "record_number", limit=40),
        sampled_at=sampled_at,
        place=text(place, "place"),
        quantity=quantity,
        sealed_ids=seals,
        price_paid=price,
        payment_method=payment_method,
        payment_reference=text(payment_reference, "payment_reference", limit=60),
        enterprise_signatory=text(enterprise_signatory, "enterprise_signatory", limit=100),
        enterprise_acknowledged=bool(enterprise_acknowledged),
        enterprise_remarks=remarks,
        recorded_by=person(actor),
    )
    full_clean(sample)
    sample.save()
    samplers = "、".join(name(u) for u in task.samplers.all())
    Handover.objects.create(
        sample=sample,
        stage=Stage.SAMPLED,
        at=sampled_at,
        place=sample.place,
        handed_by=sample.enterprise_signatory,
        received_by=samplers,
        recorded_by=person(actor),
        note=_("%(n)d %(unit)s bought for %(price)s yuan")
        % {"n": quantity, "unit": task.unit, "price": price},
    )
    Handover.objects.create(
        sample=sample,
        stage=Stage.SEALED,
        at=sampled_at,
        place=sample.place,
        handed_by=samplers,
        received_by=sample.enterprise_signatory,
        recorded_by=person(actor),
        note=_("Seals %(seals)s") % {"seals": ", ".join(seals)},
    )
    move_task(task, "record_sample", actor, target=TaskStatus.SAMPLED, note=sample.record_number)
    from yaojian.workbench.services import todos_close_for

    todos_close_for(task, kind="sampling.sample", actor=person(actor))
    post_to_files(
        task,
        title=lambda: (
            _("Sampled: %(product)s, batch %(batch)s")
            % {"product": task.product_name, "batch": task.batch_no}
        ),
        summary=lambda: (
            _(
                "Sampling record %(number)s; %(n)d %(unit)s bought for %(price)s yuan; "
                "sent to %(lab)s."
            )
            % {
                "number": sample.record_number,
                "n": quantity,
                "unit": task.unit,
                "price": price,
                "lab": task.lab.name,
            }
        ),
        obj=sample,
    )
    return sample


def _handover(
    task: Task,
    stage: str,
    actor: Any,
    *,
    place: str,
    handed_by: str,
    received_by: str,
    note: str = "",
) -> Handover:
    handover = Handover(
        sample=task.sample,
        stage=stage,
        place=text(place, "place"),
        handed_by=text(handed_by, "handed_by", limit=150),
        received_by=(received_by or "").strip()[:150],
        note=(note or "").strip()[:300],
        recorded_by=person(actor),
    )
    full_clean(handover, validate_constraints=False)
    handover.save()
    return handover


@audit.audited("sampling.task.send")
def task_send(*, actor: Any, task_id: int, place: str, received_by: str, note: str = "") -> Task:
    """The samplers hand the sealed samples over for transport to the laboratory."""
    task = _task(actor, task_id)
    _step(actor, task, "send")
    _handover(
        task,
        Stage.SENT,
        actor,
        place=place,
        handed_by=name(actor),
        received_by=text(received_by, "received_by", limit=150),
        note=note,
    )
    move_task(task, "send", actor, target=TaskStatus.SENT, note=note)
    from yaojian.workbench.services import todo_post

    todo_post(
        source=SOURCE,
        kind="sampling.receive",
        obj=task,
        bureau=task.lab.bureau,
        role=Role.ANALYST,
        title=lambda: (
            _("Receive sample %(number)s: %(product)s")
            % {"number": task.number, "product": task.product_name}
        ),
        body=task.lab.name,
        link=task.get_absolute_url(),
    )
    return task


@audit.audited("sampling.task.receive")
def task_receive(
    *, actor: Any, task_id: int, place: str, handed_by: str, seals_intact: bool, note: str = ""
) -> Task:
    """The laboratory receives the samples and checks the seals."""
    task = _task(actor, task_id)
    _step(actor, task, "receive")
    if not seals_intact:
        raise ValidationFailed.field(
            "seals_intact",
            _(
                "A sample whose seals are broken or do not match the record cannot be "
                "accepted: refuse it and tell the sampling bureau."
            ),
        )
    _handover(
        task,
        Stage.RECEIVED,
        actor,
        place=place,
        handed_by=text(handed_by, "handed_by", limit=150),
        received_by=name(actor),
        note=note or _("Seals intact: %(seals)s") % {"seals": ", ".join(task.sample.sealed_ids)},
    )
    move_task(task, "receive", actor, target=TaskStatus.RECEIVED, note=note)
    from yaojian.workbench.services import todo_post, todos_close_for

    todos_close_for(task, kind="sampling.receive", actor=person(actor))
    todo_post(
        source=SOURCE,
        kind="sampling.test",
        obj=task,
        bureau=task.lab.bureau,
        role=Role.ANALYST,
        title=lambda: (
            _("Test sample %(number)s: %(product)s")
            % {"number": task.number, "product": task.product_name}
        ),
        body=task.lab.name,
        link=task.get_absolute_url(),
    )
    return task


@audit.audited("sampling.task.cancel")
def task_cancel(*, actor: Any, task_id: int, reason: str) -> Task:
    task = _task(actor, task_id)
    require_covers(actor, task.region_code, action="sampling.task.cancel")
    _step(actor, task, "cancel")
    task.cancel_reason = text(reason, "reason", limit=1000)
    move_task(
        task, "cancel", actor, target=TaskStatus.CANCELLED, note=reason, fields=["cancel_reason"]
    )
    from yaojian.workbench.services import todos_close_for

    todos_close_for(task, actor=person(actor))
    return task


@audit.audited("sampling.custody.record")
def custody_record(
    *,
    actor: Any,
    task_id: int,
    stage: str,
    place: str,
    handed_by: str,
    received_by: str = "",
    note: str = "",
) -> Handover:
    """After testing: the rest of the sample is retained (留样) or returned to the enterprise."""
    task = _task(actor, task_id)
    if stage not in FINAL_STAGES:
        raise ValidationFailed.field("stage", _("Choose retained or returned."))
    if not (
        workflows.is_lab_staff(actor, task.lab) or workflows.is_lab_staff(actor, task.retest_lab)
    ):
        from yaojian.accounts.services import record_denial
        from yaojian.core.errors import PermissionDenied

        record_denial(actor, action="sampling.custody.record", detail="not laboratory staff")
        raise PermissionDenied(
            _("Only an analyst or reviewer of the laboratory's bureau may record its work.")
        )
    sample = getattr(task, "sample", None)
    if sample is None or not sample.handovers.filter(stage=Stage.TESTED).exists():
        raise ValidationFailed.field("stage", _("The sample has not been tested yet."))
    if sample.handovers.filter(stage=stage).exists():
        raise ValidationFailed.field("stage", _("This step of the chain is recorded already."))
    handover = _handover(
        task, stage, actor, place=place, handed_by=handed_by, received_by=received_by, note=note
    )
    audit.record(actor=actor, action="sampling.custody.record", obj=task, detail=stage)
    return handover
