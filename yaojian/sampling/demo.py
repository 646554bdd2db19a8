"""The demo's sampling story: the province's 2026 plan and tasks in Donghu at every stage.

江西省药品监督管理局 approves an annual plan with targets by category and risk; the Donghu
county bureau samples drugs, decoction pieces, a device and a cosmetic at pharmacies of its
district (two inspectors each, samples bought and sealed), the province's institutes test them,
a few fail. One failure is disputed and re-tested, one is recalled through traceability (its
batch is the demo's traced batch), the conforming and the undisputed results are closed and
published. Everything goes through the services; dates are backdated so that the windows have
ended where the story says so.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yaojian.accounts.models import Bureau, User
from yaojian.registry.models import Enterprise, Product
from yaojian.sampling import services
from yaojian.sampling.models import Lab, Plan, RiskControl, Task

COUNTY = "360102"
CHAIN = "江西康宁大药房连锁有限公司"

LABS = [
    ("JXIDC", "江西省药品检验检测研究院", "360000", "CNAS L0410 / CMA 2018140183"),
    ("JXMDTC", "江西省医疗器械检测中心", "360000", "CNAS L2362"),
]

PASS = {
    "drug": [
        ("性状", "《中国药典》2025年版二部", "应符合规定", "符合规定"),
        ("鉴别", "《中国药典》2025年版二部", "应呈正反应", "呈正反应"),
        ("溶出度", "《中国药典》2025年版四部 0931", "不得低于标示量的80%", "92%"),
        ("含量测定", "《中国药典》2025年版二部", "93.0%～107.0%", "99.1%"),
    ],
    "tcm_piece": [
        ("性状", "《中国药典》2025年版一部", "应符合规定", "符合规定"),
        ("水分", "《中国药典》2025年版四部 0832", "不得过15.0%", "11.2%"),
        ("二氧化硫残留量", "《中国药典》2025年版四部 2331", "不得过150mg/kg", "38mg/kg"),
    ],
    "device": [
        ("无菌", "GB/T 14233.2-2005", "应无菌", "无菌"),
        ("环氧乙烷残留量", "GB/T 14233.1-2022", "≤10μg/g", "2.1μg/g"),
    ],
    "cosmetic": [
        ("菌落总数", "《化妆品安全技术规范》2015年版", "≤1000 CFU/g", "<10 CFU/g"),
        ("铅", "《化妆品安全技术规范》2015年版", "≤10mg/kg", "0.8mg/kg"),
    ],
}
FAIL = {
    "drug": ("溶出度", "《中国药典》2025年版四部 0931", "不得低于标示量的80%", "61%"),
    "tcm_piece": ("二氧化硫残留量", "《中国药典》2025年版四部 2331", "不得过150mg/kg", "412mg/kg"),
    "device": ("环氧乙烷残留量", "GB/T 14233.1-2022", "≤10μg/g", "26.4μg/g"),
    "cosmetic": ("菌落总数", "《化妆品安全技术规范》2015年版", "≤1000 CFU/g", "5600 CFU/g"),
}
CATEGORY = {
    "drug": "chemical",
    "tcm_piece": "tcm_piece",
    "device": "device",
    "cosmetic": "cosmetic",
}


def _items(kind: str, fail: bool) -> list[dict]:
    rows = [
        {"item": i, "standard": s, "limit": lim, "value": v, "conforming": True}
        for i, s, lim, v in PASS[kind]
    ]
    if fail:
        item, standard, limit, value = FAIL[kind]
        rows = [r for r in rows if r["item"] != item]
        rows.append(
            {
                "item": item,
                "standard": standard,
                "limit": limit,
                "value": value,
                "conforming": False,
            }
        )
    return rows


def load(seed: int = 0) -> dict[str, Any]:
    """Create the story (once: a second call finds the plan and returns its figures)."""
    today = timezone.localdate()
    year = 2026 if today.year == 2026 else today.year
    existing = Plan.objects.filter(year=year, number__startswith=f"CJJH{year}360000").first()
    if existing:
        return {"plan": existing.number, "tasks": existing.tasks.count(), "created": False}
    province = User.objects.filter(username="province").first()
    county = User.objects.filter(username="county").first()
    second = User.objects.filter(username=f"r{COUNTY}1").first()
    if not (province and county and second):
        return {"created": False, "reason": "the demo province is not loaded"}
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    labs = {}
    for code, name, bureau_code, accreditation in LABS:
        labs[code] = Lab.objects.filter(code=code).first() or Lab.objects.create(
            code=code,
            name=name,
            bureau=Bureau.objects.get(region_code=bureau_code),
            accreditation=accreditation,
            address="江西省南昌市",
        )
    plan = services.plan_create(
        actor=province,
        year=year,
        title=f"{year}年江西省药品医疗器械化妆品质量抽查检验计划",
        basis="依据《药品管理法》第一百条、《药品质量抽查检验管理办法》；重点抽检集采中选品种、"
        "中药饮片（硫熏、增重）、无菌医疗器械、儿童化妆品。",
        lines=[
            {"category": "chemical", "risk": "high", "target": 120, "note": "集采中选品种"},
            {"category": "chemical", "risk": "medium", "target": 200},
            {"category": "tcm_patent", "risk": "medium", "target": 80},
            {"category": "tcm_piece", "risk": "high", "target": 150, "note": "硫熏、增重染色"},
            {"category": "biologic", "risk": "high", "target": 20},
            {"category": "device", "risk": "high", "target": 60, "note": "无菌、植入类"},
            {"category": "cosmetic", "risk": "medium", "target": 90, "note": "儿童化妆品"},
        ],
    )
    services.plan_transition(actor=province, plan_id=plan.pk, action="submit")
    services.plan_transition(actor=province, plan_id=plan.pk, action="approve")

    pharmacies = list(
        Enterprise.objects.filter(
            region_code=COUNTY,
            kind__in=["retail_pharmacy", "retail_chain_store", "retail_chain_hq"],
        ).order_by("pk")[:30]
    )
    chain = Enterprise.objects.filter(name=CHAIN).first()
    if not pharmacies:
        return {"plan": plan.number, "tasks": 0, "created": True}
    products = {
        kind: list(Product.objects.filter(kind=kind, status="valid").order_by("pk")[:40])
        for kind in PASS
    }
    counter = {"n": 0}

    def make(
        kind: str,
        enterprise: Enterprise,
        *,
        risk: str = "high",
        product=None,
        batch_no: str = "",
        days_ago: int = 0,
    ):
        counter["n"] += 1
        product = product or (rng.choice(products[kind]) if products[kind] else None)
        category = CATEGORY[kind]
        if not plan.lines.filter(category=category, risk=risk).exists():
            risk = plan.lines.filter(category=category).first().risk
        task = services.task_create(
            actor=county,
            plan_id=plan.pk,
            enterprise_id=enterprise.pk,
            product_id=product.pk if product else None,
            product_name="" if product else "复方甘草片",
            category=category,
            risk=risk,
            batch_no=batch_no
            or f"{rng.randint(2024, 2026)}{rng.randint(1, 12):02d}{rng.randint(1, 999):03d}",
            quantity=6 if kind != "device" else 20,
            unit={"drug": "盒", "tcm_piece": "袋", "device": "支", "cosmetic": "瓶"}[kind],
            sampler_ids=[county.pk, second.pk],
            lab_id=labs["JXMDTC" if kind == "device" else "JXIDC"].pk,
            due_on=max(today, min(today + dt.timedelta(days=20), dt.date(year, 12, 31))),
        )
        if days_ago:
            Task.objects.filter(pk=task.pk).update(
                created_at=timezone.now() - dt.timedelta(days=days_ago + 5)
            )
        return task

    def sample(task, days_ago: int):
        n = counter["n"]
        return services.sample_record(
            actor=county,
            task_id=task.pk,
            record_number=f"CYJL{year}{COUNTY}{task.pk:05d}",
            place=f"{task.enterprise.name} 阴凉库",
            quantity=task.quantity,
            sealed_ids=[f"FQ{year}{task.pk:05d}-1", f"FQ{year}{task.pk:05d}-2"],
            price_paid=Decimal(rng.randint(2000, 30000)) / 100,
            payment_method=rng.choice(["transfer", "card"]),
            payment_reference=f"ZF{year}{n:06d}",
            enterprise_signatory=rng.choice(["王丽", "刘洋", "陈静", "张敏"]),
            enterprise_acknowledged=True,
            sampled_at=timezone.now() - dt.timedelta(days=days_ago),
        )

    def to_lab(task):
        services.task_send(
            actor=county, task_id=task.pk, place="东湖区市场监督管理局", received_by="专人送样 李强"
        )
        services.task_receive(
            actor=province,
            task_id=task.pk,
            place="省药检院样品室",
            handed_by="专人送样 李强",
            seals_intact=True,
        )

    def test(task, kind, fail, days_ago):
        services.result_enter(
            actor=province,
            task_id=task.pk,
            report_number=f"JXIDC{year}{task.pk:05d}",
            tested_on=today - dt.timedelta(days=days_ago),
            items=_items(kind, fail),
        )

    def serve(task, days_ago):
        services.result_serve(
            actor=county, task_id=task.pk, served_on=today - dt.timedelta(days=days_ago)
        )

    stores = pharmacies * 3
    figures = {"published": 0, "recall": ""}
    # planned (one already late), sampled, sent, received
    late = make("drug", stores[0])
    Task.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=3))
    make("cosmetic", stores[1], risk="medium")
    t = make("tcm_piece", stores[2], days_ago=2)
    sample(t, 2)
    t = make("drug", stores[3], days_ago=4)
    sample(t, 4)
    services.task_send(
        actor=county, task_id=t.pk, place="东湖区市场监督管理局", received_by="顺丰速运"
    )
    t = make("device", stores[4], days_ago=6)
    sample(t, 6)
    to_lab(t)
    # tested, non-conforming, not yet served: the risk decision is overdue
    t = make("tcm_piece", stores[5], days_ago=20)
    sample(t, 20)
    to_lab(t)
    test(t, "tcm_piece", True, 10)
    RiskControl.objects.filter(task=t).update(
        opened_on=today - dt.timedelta(days=10), due_on=today - dt.timedelta(days=3)
    )
    # served on the demo chain: window open (the enterprise account can ask for a re-test)
    home = chain or stores[6]
    t = make("drug", home, days_ago=15)
    sample(t, 15)
    to_lab(t)
    test(t, "drug", True, 3)
    serve(t, 1)
    # served on the chain and disputed: re-test requested
    t = make("tcm_piece", home, days_ago=25)
    sample(t, 25)
    to_lab(t)
    test(t, "tcm_piece", True, 8)
    serve(t, 6)
    chain_user = User.objects.filter(enterprise=home, is_enterprise_master=True).first()
    if chain_user is not None:
        services.retest_request(
            actor=chain_user,
            task_id=t.pk,
            reason="我司留样复检二氧化硫残留量符合规定，对检验结果有异议，申请复验。",
        )
    # closed and published: conforming results, and undisputed failures after the window
    for index, kind in enumerate(["drug", "drug", "device", "cosmetic", "tcm_piece", "drug"]):
        t = make(
            kind,
            stores[7 + index],
            risk="medium" if kind in ("cosmetic",) else "high",
            days_ago=60 + index,
        )
        sample(t, 60 + index)
        to_lab(t)
        fail = kind in ("tcm_piece",) or index == 5
        test(t, kind, fail, 45)
        serve(t, 40)
        if fail:
            services.risk_decide(
                actor=county,
                task_id=t.pk,
                measure="seizure",
                note="对该批次库存依法查封扣押，责令暂停销售。",
            )
        else:
            services.task_close(actor=county, task_id=t.pk)
    figures["published"] = services.close_expired(today) + 4
    # a failed batch known to traceability: the recall is issued from the sampling task
    from yaojian.trace.models import Batch

    batch = (
        Batch.objects.filter(
            product__kind="drug", recalls__isnull=True, holder__region_code__startswith="36"
        )
        .select_related("product", "holder")
        .order_by("pk")
        .first()
    )
    if batch is not None and chain is not None:
        t = make("drug", chain, product=batch.product, batch_no=batch.batch_no, days_ago=30)
        sample(t, 30)
        to_lab(t)
        test(t, "drug", True, 12)
        serve(t, 11)
        control = services.risk_recall(
            actor=county, task_id=t.pk, level="II", reason="药品质量抽检溶出度不符合规定"
        )
        figures["recall"] = control.recall_number
    return {"plan": plan.number, "tasks": plan.tasks.count(), "created": True, **figures}
