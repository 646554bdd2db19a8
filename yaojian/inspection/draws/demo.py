"""Demo data of the random draw: the item list, the inspector pool of Nanchang, and the city
bureau's 2026 plan, filed with and approved by the province, with a completed first draw whose
results are published.

Everything goes through the services, as the bureaus would do it. `load` is idempotent: it
does nothing when the demo plan exists.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.accounts.models import User
from yaojian.core import regions
from yaojian.inspection.draws import services
from yaojian.inspection.draws.models import DrawPlan, InspectionItem, InspectorProfile

CITY = "360100"
PLAN_TITLE = "南昌市2026年度药品医疗器械“双随机、一公开”监督抽查"

ITEMS = [
    # code, name, kind, ratio, enterprise types, level, legal basis
    (
        "SJ-GSP-01",
        "药品零售企业执行药品经营质量管理规范情况检查",
        "general",
        "5",
        ["retail_pharmacy", "retail_chain_store"],
        "city",
        "《中华人民共和国药品管理法》第五十三条、第九十九条；《药品经营质量管理规范》",
    ),
    (
        "SJ-GSP-02",
        "药品批发企业执行药品经营质量管理规范情况检查",
        "general",
        "20",
        ["wholesaler", "retail_chain_hq"],
        "city",
        "《中华人民共和国药品管理法》第五十三条；《药品经营和使用质量监督管理办法》第六十四条",
    ),
    (
        "SJ-USE-01",
        "医疗机构药品使用质量管理情况检查",
        "general",
        "3",
        ["medical_institution"],
        "city",
        "《药品经营和使用质量监督管理办法》第五十五条",
    ),
    (
        "SJ-DEV-01",
        "医疗器械经营企业质量管理规范执行情况检查",
        "general",
        "5",
        ["device_distributor"],
        "city",
        "《医疗器械监督管理条例》第四十五条；《医疗器械经营质量管理规范》",
    ),
    (
        "ZD-DEV-02",
        "无菌和植入性医疗器械经营企业重点检查",
        "key",
        None,
        ["device_distributor"],
        "province",
        "《医疗器械经营监督管理办法》第五十二条",
    ),
    (
        "ZD-GMP-01",
        "药品生产企业执行药品生产质量管理规范情况重点检查",
        "key",
        None,
        ["drug_manufacturer", "mah"],
        "province",
        "《中华人民共和国药品管理法》第四十三条、第九十九条",
    ),
    (
        "SJ-COS-01",
        "化妆品生产企业执行化妆品生产质量管理规范情况检查",
        "general",
        "10",
        ["cosmetics_manufacturer"],
        "province",
        "《化妆品监督管理条例》第二十九条、第四十七条",
    ),
    (
        "SJ-RTL-09",
        "零售药店处方药销售和执业药师在岗情况检查",
        "general",
        "5",
        ["retail_pharmacy", "retail_chain_store"],
        "county",
        "《药品经营和使用质量监督管理办法》第四十二条",
    ),
]
QUALS = ["gsp", "gmp", "device", "cosmetics"]


def _admin() -> User:
    return User.objects.get(username="sysadmin")


def _load_items(actor) -> int:
    for code, name, kind, ratio, kinds, level, basis in ITEMS:
        if not InspectionItem.objects.filter(code=code).exists():
            services.item_save(
                actor=actor,
                code=code,
                name=name,
                kind=kind,
                ratio=ratio,
                enterprise_kinds=kinds,
                legal_basis=basis,
                bureau_level=level,
                active=True,
            )
    return len(ITEMS)


def _load_inspectors(actor) -> int:
    low, high = regions.jurisdiction_range(CITY)
    inspectors = User.objects.filter(
        role_assignments__role=Role.INSPECTOR,
        bureau__region_code__gte=low,
        bureau__region_code__lte=high,
        is_active=True,
    ).order_by("username")
    count = 0
    for index, user in enumerate(inspectors):
        if InspectorProfile.objects.filter(user=user).exists():
            continue
        held = {"gsp"}
        if index % 2 == 0:
            held.add("device")
        if index % 3 == 0:
            held.add("gmp")
        if index % 4 == 1:
            held.add("cosmetics")
        lead = user.username in ("city", "county") or index % 3 == 1
        services.inspector_save(
            actor=actor, user_id=user.pk, qualifications=sorted(held), lead_qualified=lead
        )
        count += 1
    return count


def load(seed: int = 0) -> dict:
    """Items, the Nanchang inspector pool and a 2026 city plan with a completed draw."""
    existing = DrawPlan.objects.filter(title=PLAN_TITLE).first()
    if existing:
        return {"plan": existing.number, "draws": existing.draws.count(), "loaded": False}
    city = User.objects.get(username="city")
    province = User.objects.get(username="province")
    items = _load_items(_admin())
    inspectors = _load_inspectors(city)
    plan = services.plan_create(
        actor=city,
        year=2026,
        title=PLAN_TITLE,
        items=[(code, None) for code, *_rest, level, _b in ITEMS if level == "city"],
        notes="按信用风险等级实施差异化抽查：D级企业抽查比例为基准的4倍，A级为一半。",
        # the demo city has few inspectors for its enterprises (more so at province scale)
        max_load=400,
    )
    services.plan_file(actor=city, plan_id=plan.pk)
    services.plan_approve(actor=province, plan_id=plan.pk)
    seed_hex = f"{seed:032x}" if seed else None
    today = timezone.localdate()
    draw = services.draw_run(
        actor=city,
        plan_id=plan.pk,
        title="第一批",
        inspect_by=max(today, dt.date(2026, 12, 31)),
        seed=seed_hex,
    )
    outcomes = ["pass", "pass", "pass", "rectify", "pass", "pass", "refer", "pass"]
    for index, selection in enumerate(draw.selections.order_by("position")):
        outcome = outcomes[index % len(outcomes)]
        services.selection_record_result(
            actor=city,
            selection_id=selection.pk,
            outcome=outcome,
            note={
                "rectify": "冷链温度记录不完整，责令限期整改",
                "refer": "涉嫌销售过期药品，移交立案",
            }.get(outcome, ""),
        )
    services.draw_complete(actor=city, draw_id=draw.pk)
    services.draw_publish_results(actor=city, draw_id=draw.pk)
    return {
        "items": items,
        "inspectors": inspectors,
        "plan": plan.number,
        "draw": draw.number,
        "selected": draw.selections.count(),
        "loaded": True,
    }
