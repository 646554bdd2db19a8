"""The enterprise file and the product file: one place for every fact, newest first, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from yaojian.accounts.choices import Role
from yaojian.registry import selectors, services
from yaojian.registry.models import TimelineEvent
from yaojian.testing import factories


@pytest.fixture
def chain(enterprises):
    hq = factories.EnterpriseFactory(
        kind="retail_chain_hq", region_code="360102", name="江西大福大药房连锁有限公司"
    )
    store = factories.EnterpriseFactory(
        kind="retail_chain_store", region_code="360103", headquarters=hq
    )
    factories.LicenceFactory(
        holder=hq, kind="drug_retail_chain_hq", warehouse_address="南昌市青山湖区仓储路8号"
    )
    return hq, store


def test_enterprise_file_gathers_everything(client, county_regulator, chain):
    hq, store = chain
    mah = factories.EnterpriseFactory(kind="mah", region_code="360102")
    product = factories.ProductFactory(holder=mah, manufacturer=hq)  # made by the HQ, for the test
    pharmacist = factories.PersonFactory(enterprise=hq)
    file = selectors.enterprise_file(county_regulator, hq.pk)
    assert [x.kind for x in file.licences] == ["drug_retail_chain_hq"]
    assert list(file.products) == [product] and file.product_count == 1
    assert file.people == [pharmacist]
    assert "南昌市青山湖区仓储路8号" in [site.address for site in file.sites]
    assert list(file.branches) == [store]
    client.force_login(county_regulator)
    page = client.get(reverse("registry:enterprise_detail", args=[hq.pk])).content.decode()
    for text in (hq.name, product.name, pharmacist.name, "南昌市青山湖区仓储路8号", store.name):
        assert text in page


def test_timeline_is_newest_first_and_filterable(client, county_regulator, enterprises):
    enterprise = enterprises["donghu"]
    now = timezone.now()
    services.timeline_post(
        source="inspection",
        kind="inspection",
        enterprise=enterprise,
        title="日常检查",
        occurred_at=now - dt.timedelta(days=3),
    )
    services.timeline_post(
        source="enforcement",
        kind="penalty",
        enterprise=enterprise,
        title="警告处罚",
        occurred_at=now - dt.timedelta(days=1),
        severity="alert",
    )
    file = selectors.enterprise_file(county_regulator, enterprise.pk)
    assert [e.title for e in file.timeline] == ["警告处罚", "日常检查"]
    assert {k["kind"]: k["n"] for k in file.timeline_kinds} == {"inspection": 1, "penalty": 1}
    client.force_login(county_regulator)
    partial = client.get(
        reverse("registry:enterprise_detail", args=[enterprise.pk]),
        {"part": "timeline", "kind": "penalty"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "警告处罚" in partial and "日常检查" not in partial and "<html" not in partial


def test_posting_the_same_fact_twice_keeps_one_event(enterprises, province):
    enterprise = enterprises["donghu"]
    record = factories.LicenceFactory(holder=enterprise)
    first = services.timeline_post(
        source="x", kind="licence", enterprise=enterprise, obj=record, title="a"
    )
    second = services.timeline_post(
        source="x", kind="licence", enterprise=enterprise, obj=record, title="b"
    )
    assert (
        first.pk == second.pk
        and TimelineEvent.objects.filter(object_id=str(record.pk)).count() == 1
    )


def test_findings_name_a_pharmacy_without_a_current_pharmacist(county_regulator, enterprises):
    pharmacy = enterprises["donghu"]
    lacking = selectors.enterprise_file(county_regulator, pharmacy.pk).findings
    assert any("pharmacist" in str(f.message) or "执业药师" in str(f.message) for f in lacking)
    factories.PersonFactory(
        enterprise=pharmacy, registered_until=timezone.localdate() - dt.timedelta(days=1)
    )
    still = selectors.enterprise_file(county_regulator, pharmacy.pk).findings
    assert len(still) == len(lacking)
    factories.PersonFactory(enterprise=pharmacy)
    assert (
        len(selectors.enterprise_file(county_regulator, pharmacy.pk).findings) == len(lacking) - 1
    )


def test_findings_flag_stale_and_expiring_licences(county_regulator, enterprises):
    pharmacy = enterprises["donghu"]
    factories.PersonFactory(enterprise=pharmacy)
    today = timezone.localdate()
    factories.LicenceFactory(holder=pharmacy, valid_until=today - dt.timedelta(days=2))
    factories.LicenceFactory(
        holder=pharmacy, kind="device_trading_ii", valid_until=today + dt.timedelta(days=10)
    )
    severities = sorted(
        f.severity for f in selectors.enterprise_file(county_regulator, pharmacy.pk).findings
    )
    assert severities == ["alert", "warning"]


def test_other_jurisdictions_cannot_open_the_file(client, other_county_regulator, enterprises):
    client.force_login(other_county_regulator)
    assert (
        client.get(
            reverse("registry:enterprise_detail", args=[enterprises["donghu"].pk])
        ).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/registry/enterprises/{enterprises['donghu'].pk}/file").status_code
        == 404
    )


def test_a_timeline_event_is_visible_only_inside_its_jurisdiction(
    other_county_regulator, county_regulator, enterprises
):
    event = services.timeline_post(
        source="x", kind="complaint", enterprise=enterprises["donghu"], title="投诉"
    )
    assert event in selectors.timeline_for(county_regulator)
    assert event not in selectors.timeline_for(other_county_regulator)


def test_enterprise_file_api(client, county_regulator, chain):
    hq, store = chain
    factories.PersonFactory(enterprise=hq)
    client.force_login(county_regulator)
    body = client.get(f"/api/v1/registry/enterprises/{hq.pk}/file").json()
    assert body["enterprise"]["uscc"] == hq.uscc
    assert [x["kind"] for x in body["licences"]] == ["drug_retail_chain_hq"]
    assert [b["id"] for b in body["branches"]] == [store.pk]
    assert len(body["people"]) == 1 and "*" in body["people"][0]["id_number_masked"]
    assert body["timeline"] == []


def test_product_file_and_its_api(client, county_regulator, province):
    product = factories.ProductFactory()
    services.timeline_post(source="sampling", kind="sampling", product=product, title="抽检合格")
    approver = factories.regulator("360000", roles=[Role.APPROVER])
    services.product_update(actor=approver, product_id=product.pk, package_spec="0.25g×36粒/盒")
    client.force_login(county_regulator)  # the catalogue is province-wide
    page = client.get(reverse("registry:product_detail", args=[product.pk])).content.decode()
    assert "抽检合格" in page and "0.25g×36粒/盒" in page
    body = client.get(f"/api/v1/registry/products/{product.pk}/file").json()
    assert [e["title"] for e in body["timeline"]] == ["抽检合格"]
    assert body["history"][0]["changes"]["after"] == {"package_spec": "0.25g×36粒/盒"}
    assert body["batches"] == []


def test_one_search_box_finds_every_kind_of_record(client, county_regulator, enterprises):
    licence = factories.LicenceFactory(holder=enterprises["donghu"])
    client.force_login(county_regulator)
    sections = client.get(reverse("registry:search"), {"q": licence.number}).context["sections"]
    assert [x.pk for x in sections["licences"][0]] == [licence.pk]
    assert [x.pk for x in sections["enterprises"][0]] == [enterprises["donghu"].pk]
    outside = factories.LicenceFactory(holder=enterprises["lianxi"])
    sections = client.get(reverse("registry:search"), {"q": outside.number}).context["sections"]
    assert sections["licences"] == ([], 0) and sections["enterprises"] == ([], 0)


def test_editing_an_enterprise_from_its_file_keeps_history(client, enterprises, province):
    approver = factories.regulator("360102", roles=[Role.APPROVER])
    enterprise = enterprises["donghu"]
    client.force_login(approver)
    page = client.get(reverse("registry:enterprise_edit", args=[enterprise.pk]))
    data = {**page.context["form"].initial, "phone": "0791-86660000", "risk_grade": "C"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(reverse("registry:enterprise_edit", args=[enterprise.pk]), data)
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.phone == "0791-86660000" and enterprise.risk_grade == "C"
    change = selectors.history_of(enterprise).get(action="updated")
    assert set(change.changes["after"]) == {"phone", "risk_grade"}
    bad = client.post(
        reverse("registry:enterprise_edit", args=[enterprise.pk]), {**data, "name": ""}
    )
    assert bad.status_code == 200 and "name" in bad.context["form"].errors


def test_only_register_roles_see_edit_and_may_post(client, county_regulator, enterprises):
    inspector = factories.regulator("360102", roles=[Role.INSPECTOR])
    client.force_login(inspector)
    assert (
        'data-testid="edit"'
        not in client.get(
            reverse("registry:enterprise_detail", args=[enterprises["donghu"].pk])
        ).content.decode()
    )
    response = client.post(
        reverse("registry:enterprise_edit", args=[enterprises["donghu"].pk]),
        {
            "name": "改名",
            "legal_representative": "x",
            "address": "x",
            "status": "active",
            "risk_grade": "A",
        },
    )
    assert response.status_code == 403
    enterprises["donghu"].refresh_from_db()
    assert enterprises["donghu"].name != "改名"


def test_licence_edit_records_the_reason(client, enterprises, province):
    approver = factories.regulator("360100", roles=[Role.APPROVER])
    licence = factories.LicenceFactory(holder=enterprises["donghu"])
    client.force_login(approver)
    form = client.get(reverse("registry:licence_edit", args=[licence.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(warehouse_address="南昌市东湖区新仓库路9号", note="许可变更 洪市监〔2026〕88号")
    assert client.post(reverse("registry:licence_edit", args=[licence.pk]), data).status_code == 302
    change = selectors.history_of(licence).get()
    assert change.note == "许可变更 洪市监〔2026〕88号"
    assert change.changes["after"] == {"warehouse_address": "南昌市东湖区新仓库路9号"}


def test_a_pharmacist_is_marked_as_left_from_the_page(client, enterprises, province):
    approver = factories.regulator("360102", roles=[Role.APPROVER])
    person = factories.PersonFactory(enterprise=enterprises["donghu"])
    client.force_login(approver)
    client.post(
        reverse("registry:person_status", args=[person.pk]), {"status": "left", "note": "离职"}
    )
    person.refresh_from_db()
    assert person.status == "left"
    findings = selectors.enterprise_file(approver, enterprises["donghu"].pk).findings
    assert any(f.severity == "alert" for f in findings)  # the pharmacy now lacks a pharmacist
