"""The demo story loads through the services on a small province, once."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.portal import publications
from yaojian.sampling import demo, selectors
from yaojian.sampling.models import RiskControl, Task
from yaojian.testing import factories

pytestmark = pytest.mark.django_db


def test_the_demo_loads_every_stage(province):
    factories.regulator(
        "360000", roles=[Role.LEADER, Role.APPROVER, Role.ANALYST], username="province"
    )
    county = factories.regulator(
        "360102",
        roles=[Role.INSPECTOR, Role.REVIEWER, Role.CASE_OFFICER, Role.APPROVER],
        username="county",
    )
    factories.regulator("360102", roles=[Role.INSPECTOR, Role.REVIEWER], username="r3601021")
    chain = factories.EnterpriseFactory(
        region_code="360102", name=demo.CHAIN, kind="retail_chain_hq"
    )
    factories.enterprise_user(chain)
    for _ in range(5):
        factories.EnterpriseFactory(region_code="360102")
    maker = factories.EnterpriseFactory(region_code="360102", kind="mah")
    drug = factories.ProductFactory(holder=maker)
    factories.ProductFactory(
        holder=maker, kind="tcm_piece", name="酒当归", approval_number=None, trace_product_code=None
    )
    factories.ProductFactory(
        holder=maker,
        kind="device",
        name="一次性使用无菌注射器",
        approval_number="赣械注准20232140001",
        trace_product_code=None,
    )
    factories.ProductFactory(
        holder=maker,
        kind="cosmetic",
        name="儿童润肤霜",
        approval_number="赣妆网备字2024001234",
        trace_product_code=None,
    )
    from yaojian.trace.models import Batch

    Batch.objects.create(
        product=drug,
        product_key=drug.trace_product_code,
        batch_no="B2601",
        holder=maker,
        region_code="360102",
    )
    figures = demo.load(seed=0)
    assert figures["created"] and figures["tasks"] >= 14 and figures["recall"]
    statuses = set(Task.objects.values_list("status", flat=True))
    assert statuses >= {
        "planned",
        "sampled",
        "sent",
        "received",
        "tested",
        "served",
        "retest_requested",
        "closed",
    }
    assert RiskControl.objects.filter(measure="seizure").exists()
    assert selectors.overdue(county)["risk"] and selectors.overdue(county)["unsampled"]
    published = [
        t
        for t in Task.objects.filter(status="closed")
        if publications.for_source(publications.Kind.SAMPLING_RESULT, t)
    ]
    assert len(published) == figures["published"] >= 5
    assert demo.load(seed=0)["created"] is False
