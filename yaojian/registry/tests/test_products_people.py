"""Products and people: rules per kind, masked personal data, search across every number."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from yaojian.accounts.choices import Role
from yaojian.core.errors import ValidationFailed
from yaojian.registry import formats, selectors, services
from yaojian.registry.models import Person, Product
from yaojian.testing import factories


@pytest.fixture
def approver(province):
    return factories.regulator("360000", roles=[Role.APPROVER])


@pytest.fixture
def mah(province):
    return factories.EnterpriseFactory(
        kind="mah", region_code="360102", name="江西赣江医药科技有限公司"
    )


def test_a_drug_needs_its_approval_number_form_strength_and_class(approver, mah):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.product_create(
            actor=approver, kind="drug", name="布洛芬缓释胶囊", holder_id=mah.pk
        )
    assert {"approval_number", "dosage_form", "strength", "rx_class"} <= set(caught.value.errors)
    product = services.product_create(
        actor=approver,
        kind="drug",
        name="布洛芬缓释胶囊",
        holder_id=mah.pk,
        manufacturer_id=mah.pk,
        approval_number="国药准字h20203456",
        dosage_form="胶囊剂",
        strength="0.3g",
        rx_class="otc_a",
        national_drug_code=formats.national_drug_code("8690000100001"),
        trace_product_code="8123456",
    )
    assert product.approval_number == "国药准字H20203456" and product.name_initials == "blfhsjn"
    assert product.timeline.count() == 1  # holder and manufacturer are the same enterprise


def test_device_number_must_match_its_class(approver, province):
    maker = factories.EnterpriseFactory(kind="device_manufacturer")
    with pytest.raises(ValidationFailed) as caught:
        services.product_create(
            actor=approver,
            kind="device",
            name="一次性使用无菌注射器",
            holder_id=maker.pk,
            approval_number="赣械注准20202140012",
            device_class="III",
        )
    assert "approval_number" in caught.value.errors
    product = services.product_create(
        actor=approver,
        kind="device",
        name="一次性使用无菌注射器",
        holder_id=maker.pk,
        approval_number="赣械注准20202140012",
        device_class="II",
        udi_di="06901234567892",
    )
    assert product.udi_di == "06901234567892"


def test_tcm_pieces_need_source_processing_and_standard(approver, province):
    with pytest.raises(ValidationFailed) as caught:
        services.product_create(actor=approver, kind="tcm_piece", name="黄芪")
    assert {"botanical_source", "processing_method", "standard"} <= set(caught.value.errors)
    piece = services.product_create(
        actor=approver,
        kind="tcm_piece",
        name="黄芪",
        botanical_source="豆科植物蒙古黄芪的干燥根",
        origin="内蒙古",
        processing_method="切片",
        standard="《中国药典》2020年版",
    )
    assert piece.approval_number is None  # no number, and empty is not a duplicate


def test_empty_optional_codes_do_not_collide(approver, province):
    for name in ("黄芪", "当归"):
        services.product_create(
            actor=approver,
            kind="tcm_piece",
            name=name,
            botanical_source="x",
            processing_method="切片",
            standard="《中国药典》2020年版",
            trace_product_code="",
            national_drug_code="",
            udi_di="",
        )
    assert Product.objects.filter(trace_product_code__isnull=True).count() == 2


def test_product_search_across_numbers_and_pinyin(approver, mah):
    product = factories.ProductFactory(holder=mah, name="复方丹参片", trace_product_code="8100001")
    for query in ("复方丹参", "ffdsp", product.approval_number, "8100001"):
        assert list(selectors.product_list(approver, query=query)) == [product], query


def test_enterprise_search_reaches_licence_and_approval_numbers(approver, mah, enterprises):
    licence = factories.LicenceFactory(holder=enterprises["xihu"])
    product = factories.ProductFactory(holder=mah, manufacturer=enterprises["lianxi"])
    assert list(selectors.enterprise_list(approver, query=licence.number)) == [enterprises["xihu"]]
    found = set(selectors.enterprise_list(approver, query=product.approval_number))
    assert found == {mah, enterprises["lianxi"]}
    city = factories.regulator("360100", roles=[Role.APPROVER])
    assert set(selectors.enterprise_list(city, query=product.approval_number)) == {
        mah
    }  # scope still applies


def test_enterprise_list_expiry_window(approver, enterprises):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    factories.LicenceFactory(
        holder=enterprises["donghu"], valid_until=today + dt.timedelta(days=25)
    )
    factories.LicenceFactory(holder=enterprises["xihu"], valid_until=today + dt.timedelta(days=300))
    assert list(selectors.enterprise_list(approver, expiring="30")) == [enterprises["donghu"]]
    assert set(selectors.enterprise_list(approver, expiring="365")) == {
        enterprises["donghu"],
        enterprises["xihu"],
    }


def test_pharmacist_rules_and_masked_id(approver, enterprises):
    pharmacy = enterprises["donghu"]
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(
            actor=approver, enterprise_id=pharmacy.pk, role="licensed_pharmacist", name="李娜"
        )
    assert {"certificate_number", "category"} <= set(caught.value.errors)
    with pytest.raises(ValidationFailed) as caught:
        services.person_create(
            actor=approver,
            enterprise_id=pharmacy.pk,
            role="licensed_pharmacist",
            name="李娜",
            certificate_number="ZY00360001",
            category="pharmacy",
            id_number="360102199001011234",
        )
    assert "id_number" in caught.value.errors
    number = factories._generator.resident_id()
    person = services.person_create(
        actor=approver,
        enterprise_id=pharmacy.pk,
        role="licensed_pharmacist",
        name="李娜",
        certificate_number="ZY00360001",
        category="pharmacy",
        id_number=number,
    )
    assert number not in person.id_number_enc and person.id_number() == number
    assert (
        person.id_number_masked.startswith(number[:6])
        and number[6:14] not in person.id_number_masked
    )


def test_a_pharmacist_leaving_is_history_and_timeline(approver, enterprises):
    person = factories.PersonFactory(enterprise=enterprises["donghu"])
    services.person_update(actor=approver, person_id=person.pk, status="left", note="离职")
    assert enterprises["donghu"].timeline.filter(kind="person").count() == 1
    assert selectors.history_of(person).get().changes["after"] == {"status": "left"}


def test_people_pages_show_masked_ids_and_stay_in_scope(client, county_regulator, enterprises):
    number = factories._generator.resident_id()
    inside = factories.PersonFactory(enterprise=enterprises["donghu"], id_number=number)
    outside = factories.PersonFactory(enterprise=enterprises["lianxi"])
    client.force_login(county_regulator)
    listed = client.get(reverse("registry:person_list"))
    assert [p.pk for p in listed.context["page"].object_list] == [inside.pk]
    detail = client.get(reverse("registry:person_detail", args=[inside.pk])).content.decode()
    assert number not in detail and inside.id_number_masked in detail
    assert client.get(reverse("registry:person_detail", args=[outside.pk])).status_code == 404
    body = client.get("/api/v1/registry/people").json()
    assert [p["id"] for p in body["items"]] == [inside.pk] and number not in str(body)


def test_enterprise_sees_only_its_own_products_but_regulators_the_catalogue(
    client, enterprises, province
):
    own = factories.ProductFactory(holder=enterprises["donghu"])
    other = factories.ProductFactory()
    master = factories.enterprise_user(enterprises["donghu"])
    client.force_login(master)
    assert [p["id"] for p in client.get("/api/v1/registry/products").json()["items"]] == [own.pk]
    assert client.get(f"/api/v1/registry/products/{other.pk}").status_code == 404
    county = factories.regulator("360402", roles=[Role.INSPECTOR])
    client.force_login(county)
    assert client.get("/api/v1/registry/products").json()["count"] == Product.objects.count()
    assert Person.objects.count() == 0
