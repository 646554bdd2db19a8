"""Builders for the sampling tests: a laboratory, an approved plan, tasks at every stage."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from yaojian.sampling import services
from yaojian.sampling.models import Lab, Task
from yaojian.testing import factories

_serial = itertools.count(1)

PASSING = [
    {
        "item": "性状",
        "standard": "《中国药典》2025年版二部",
        "limit": "应符合规定",
        "value": "符合规定",
        "conforming": True,
    },
    {
        "item": "含量测定",
        "standard": "《中国药典》2025年版二部",
        "limit": "90.0%～110.0%",
        "value": "98.6%",
        "conforming": True,
    },
]
FAILING = [
    PASSING[0],
    {
        "item": "溶出度",
        "standard": "《中国药典》2025年版二部",
        "limit": "不得低于标示量的80%",
        "value": "62%",
        "conforming": False,
    },
]


def lab(code: str = "360000", name: str = "江西省药品检验检测研究院") -> Lab:
    return Lab.objects.create(
        code=f"L{next(_serial):04d}",
        name=name,
        bureau=factories.bureau(code),
        accreditation="CNAS L0123",
    )


def approved_plan(leader, *, year: int | None = None, lines=None):
    year = year or timezone.localdate().year
    plan = services.plan_create(
        actor=leader,
        year=year,
        title=f"{year}年度药品质量抽检计划",
        lines=lines
        or [
            {"category": "chemical", "risk": "high", "target": 30},
            {"category": "tcm_piece", "risk": "high", "target": 20},
            {"category": "device", "risk": "medium", "target": 10},
        ],
    )
    services.plan_transition(actor=leader, plan_id=plan.pk, action="submit")
    services.plan_transition(actor=leader, plan_id=plan.pk, action="approve")
    plan.refresh_from_db()
    return plan


def new_task(actor, plan, enterprise, samplers, the_lab, *, product=None, **extra) -> Task:
    fields = dict(
        actor=actor,
        plan_id=plan.pk,
        enterprise_id=enterprise.pk,
        product_id=product.pk if product else None,
        product_name="" if product else "复方甘草片",
        category="chemical",
        risk="high",
        batch_no=f"B{next(_serial):06d}",
        quantity=6,
        sampler_ids=[s.pk for s in samplers],
        lab_id=the_lab.pk,
        due_on=timezone.localdate() + dt.timedelta(days=1)
        if (timezone.localdate() + dt.timedelta(days=1)).year == plan.year
        else timezone.localdate(),
    )
    fields.update(extra)
    return services.task_create(**fields)


def record(task, sampler, **extra):
    fields = dict(
        actor=sampler,
        task_id=task.pk,
        record_number=f"CYJL{next(_serial):06d}",
        place="药房仓库",
        quantity=6,
        sealed_ids=[f"FQ{next(_serial):06d}", f"FQ{next(_serial):06d}"],
        price_paid=Decimal("72.00"),
        payment_method="transfer",
        payment_reference="ZF20260301001",
        enterprise_signatory="王丽",
        enterprise_acknowledged=True,
    )
    fields.update(extra)
    return services.sample_record(**fields)


def to_received(task, sampler, analyst):
    record(task, sampler)
    services.task_send(
        actor=sampler, task_id=task.pk, place="东湖区局", received_by="顺丰速运 张强"
    )
    services.task_receive(
        actor=analyst,
        task_id=task.pk,
        place="省药检院样品室",
        handed_by="顺丰速运 张强",
        seals_intact=True,
    )
    return Task.objects.get(pk=task.pk)


def to_tested(task, sampler, analyst, *, items=None):
    to_received(task, sampler, analyst)
    services.result_enter(
        actor=analyst,
        task_id=task.pk,
        report_number=f"BG{next(_serial):08d}",
        tested_on=timezone.localdate(),
        items=items or FAILING,
    )
    return Task.objects.get(pk=task.pk)


def to_served(task, sampler, analyst, handler, *, items=None, served_on=None):
    to_tested(task, sampler, analyst, items=items)
    services.result_serve(actor=handler, task_id=task.pk, served_on=served_on)
    return Task.objects.get(pk=task.pk)
