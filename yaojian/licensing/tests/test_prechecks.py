"""Each pre-check rule: what passes, what fails, and why it says so."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from yaojian.licensing import numbers, prechecks, services
from yaojian.licensing.models import Application
from yaojian.registry.choices import LicenceKind
from yaojian.registry.services.licences import validate_number
from yaojian.testing import factories

from .conftest import PDF


def report_of(application):
    return {
        item["code"]: item for item in prechecks.run(Application.objects.get(pk=application.pk))
    }


@pytest.fixture
def application(matters, applicant):
    return services.application_create(actor=applicant, matter_code="drug-retail-new")


def test_completeness_names_every_missing_item(application, applicant):
    report = report_of(application)["completeness"]
    assert (
        report["result"] == "fail"
        and "营业执照" in report["explanation"]
        and "经营范围" in report["explanation"]
    )
    for material in application.matter.materials:
        services.material_upload(
            actor=applicant,
            application_id=application.pk,
            code=material["code"],
            name="a.pdf",
            data=PDF,
        )
    services.application_save(
        actor=applicant,
        application_id=application.pk,
        form_data={
            **application.form_data,
            "scope": ["处方药"],
            "principal": "a",
            "quality_manager": "b",
        },
    )
    assert report_of(application)["completeness"]["result"] == "pass"


def test_commitment_route_waives_the_promised_materials(application, applicant):
    services.application_save(
        actor=applicant,
        application_id=application.pk,
        form_data={
            **application.form_data,
            "scope": ["处方药"],
            "principal": "a",
            "quality_manager": "b",
        },
        route="commitment",
    )
    for material in application.matter.materials:
        if not material.get("waived_by_commitment"):
            services.material_upload(
                actor=applicant,
                application_id=application.pk,
                code=material["code"],
                name="a.pdf",
                data=PDF,
            )
    assert report_of(application)["completeness"]["result"] == "pass"


def test_enterprise_status_and_verification(application, pharmacy):
    assert report_of(application)["enterprise_active"]["result"] == "pass"
    pharmacy.verified_at = None
    pharmacy.save()
    assert report_of(application)["enterprise_active"]["result"] == "warn"
    pharmacy.status = "suspended"
    pharmacy.save()
    assert report_of(application)["enterprise_active"]["result"] == "fail"


def test_pharmacist_rule(application, pharmacy):
    assert report_of(application)["pharmacist"]["result"] == "pass"
    pharmacy.people.update(registered_until=timezone.localdate() - dt.timedelta(days=1))
    assert report_of(application)["pharmacist"]["result"] == "fail"


def test_scope_must_be_allowed_for_the_licence(application, applicant):
    services.application_save(
        actor=applicant,
        application_id=application.pk,
        form_data={**application.form_data, "scope": ["处方药", "麻醉药品"]},
    )
    # the form refuses values outside its choices at submission; the rule names them too
    result = report_of(application)["scope"]
    assert result["result"] == "fail" and "麻醉药品" in result["explanation"]


def test_existing_licence_and_duplicates(application, applicant, pharmacy):
    assert report_of(application)["existing_licence"]["result"] == "pass"
    held = factories.LicenceFactory(holder=pharmacy, kind="drug_retail")
    result = report_of(application)["existing_licence"]
    assert result["result"] == "fail" and held.number in result["explanation"]
    other = services.application_create(actor=applicant, matter_code="drug-retail-new")
    Application.objects.filter(pk=other.pk).update(status="submitted")
    assert report_of(application)["duplicates"]["result"] == "fail"


def test_renewal_window(matters, applicant, pharmacy):
    today = timezone.localdate()
    licence = factories.LicenceFactory(
        holder=pharmacy, kind="drug_retail", valid_until=today + dt.timedelta(days=400)
    )
    application = services.application_create(
        actor=applicant, matter_code="drug-retail-renewal", licence_number=licence.number
    )
    assert report_of(application)["renewal_window"]["result"] == "warn"
    licence.valid_until = today + dt.timedelta(days=60)
    licence.save()
    assert report_of(application)["renewal_window"]["result"] == "pass"


def test_credit_standing(application, pharmacy):
    from yaojian.registry import services as registry

    assert report_of(application)["credit"]["result"] == "pass"
    registry.timeline_post(
        source="enforcement", kind="penalty", enterprise=pharmacy, title="罚款", severity="alert"
    )
    assert report_of(application)["credit"]["result"] == "warn"


def test_jurisdiction_and_holder_kind(matters, province):
    wholesaler = factories.EnterpriseFactory(kind="wholesaler", region_code="360102")
    user = factories.enterprise_user(wholesaler)
    application = services.application_create(actor=user, matter_code="drug-retail-new")
    report = report_of(application)
    assert report["holder_kind"]["result"] == "fail"
    assert report["jurisdiction"]["result"] in ("pass", "warn")
    assert report["pharmacist"]["result"] == "n/a"


HOLDERS = {
    "drug_manufacturing": "drug_manufacturer",
    "drug_wholesale": "wholesaler",
    "drug_retail_chain_hq": "retail_chain_hq",
    "drug_retail_chain_store": "retail_chain_store",
    "device_manufacturing": "device_manufacturer",
    "cosmetics_manufacturing": "cosmetics_manufacturer",
}


@pytest.mark.parametrize("kind", [k.value for k in LicenceKind])
def test_licence_numbers_follow_the_official_format_and_skip_numbers_in_use(db, kind):
    from yaojian.licensing.models import NumberSequence

    first = numbers.licence_number(kind, "360102")
    assert validate_number(kind, first) == first
    second = numbers.licence_number(kind, "360102")
    # the register already holds the next number (entered before the hall existed)
    NumberSequence.objects.filter(last__gt=0).update(last=models.F("last") - 1)
    factories.LicenceFactory(
        kind=kind,
        number=second,
        holder=factories.EnterpriseFactory(kind=HOLDERS.get(kind, "retail_pharmacy")),
    )
    third = numbers.licence_number(kind, "360102")
    assert third not in (first, second) and validate_number(kind, third) == third
