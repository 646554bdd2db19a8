"""Factories for the draw's tests: items, inspectors with profiles, approved plans."""

from __future__ import annotations

import itertools

from yaojian.accounts.choices import Role
from yaojian.inspection.draws import services
from yaojian.inspection.draws.models import InspectionItem, InspectorProfile
from yaojian.registry.choices import EnterpriseKind
from yaojian.testing import factories

_codes = itertools.count(1)
RETAIL = [EnterpriseKind.RETAIL_PHARMACY, EnterpriseKind.RETAIL_CHAIN_STORE]


def item(
    code: str | None = None,
    *,
    kind: str = "general",
    ratio: str | None = "10",
    kinds=None,
    level: str = "city",
) -> InspectionItem:
    return InspectionItem.objects.create(
        code=code or f"T{next(_codes):03d}",
        name="药品零售企业经营质量管理规范执行情况检查",
        kind=kind,
        ratio=ratio,
        enterprise_kinds=list(kinds or RETAIL),
        legal_basis="《药品管理法》第一百零三条",
        bureau_level=level,
    )


def inspector(code: str = "360102", quals=("gsp",), lead: bool = False, **fields):
    user = factories.regulator(code, roles=[Role.INSPECTOR], mfa=False, **fields)
    InspectorProfile.objects.create(user=user, qualifications=list(quals), lead_qualified=lead)
    return user


def approved_plan(planner, decider, items, **fields):
    plan = services.plan_create(
        actor=planner,
        year=fields.pop("year", 2026),
        title=fields.pop("title", "2026年药品零售企业双随机抽查"),
        items=[(i.code, None) for i in items],
        **fields,
    )
    services.plan_file(actor=planner, plan_id=plan.pk)
    return services.plan_approve(actor=decider, plan_id=plan.pk)
