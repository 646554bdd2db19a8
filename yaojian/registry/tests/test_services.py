"""Writes on the enterprise register: validation, jurisdiction, audit, sensitive reads."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.core.validators import uscc_with_check_character
from yaojian.registry import selectors, services
from yaojian.registry.models import Enterprise
from yaojian.testing import factories
from yaojian.workbench.models import Todo


def _fields(region_code="360102", **overrides):
    fields = {
        "name": "南昌市东湖区益寿堂药店",
        "uscc": uscc_with_check_character("92360102" + "MA35X2K7Q"),
        "kind": "retail_pharmacy",
        "legal_representative": "李秀兰",
        "address": "江西省南昌市东湖区八一大道318号",
        "region_code": region_code,
    }
    return {**fields, **overrides}


@pytest.fixture
def approver(province):
    return factories.regulator("360100", roles=[Role.APPROVER])


def test_create_records_history_and_pinyin_initials(approver):
    enterprise = services.enterprise_create(actor=approver, **_fields(), legal_representative_id="")
    assert enterprise.name_initials == "ncsdhqystyd"
    entry = AuditEntry.objects.get(action="registry.enterprise.create")
    assert entry.outcome == "success" and entry.object_id == str(enterprise.pk)
    assert entry.changes["after"]["uscc"] == enterprise.uscc
    assert entry.actor_username == approver.username


def test_create_refuses_bad_credit_code_and_names_the_field(approver):
    before = Enterprise.objects.count()
    bad = _fields(uscc=_fields()["uscc"][:-1] + ("0" if _fields()["uscc"][-1] != "0" else "1"))
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.enterprise_create(actor=approver, **bad)
    assert "uscc" in caught.value.errors
    assert "check character" in caught.value.errors["uscc"][0]
    assert Enterprise.objects.count() == before
    assert AuditEntry.objects.filter(action="registry.enterprise.create", outcome="failed").exists()


def test_create_outside_jurisdiction_is_refused(approver):
    with pytest.raises(ValidationFailed) as caught:
        services.enterprise_create(actor=approver, **_fields(region_code="360402"))
    assert "region_code" in caught.value.errors
    assert not Enterprise.objects.exists()


def test_inspector_may_not_edit_the_register(enterprises):
    inspector = factories.regulator("360102", roles=[Role.INSPECTOR])
    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            actor=inspector, enterprise_id=enterprises["donghu"].pk, phone="1"
        )
    assert AuditEntry.objects.filter(outcome="denied", action="registry.enterprise.update").exists()
    enterprises["donghu"].refresh_from_db()
    assert enterprises["donghu"].phone != "1"


def test_update_records_before_and_after(enterprises, approver):
    enterprise = enterprises["donghu"]
    services.enterprise_update(actor=approver, enterprise_id=enterprise.pk, phone="0791-88886666")
    entry = AuditEntry.objects.get(action="registry.enterprise.update")
    assert entry.changes == {
        "before": {"phone": enterprise.phone},
        "after": {"phone": "0791-88886666"},
    }


def test_update_outside_scope_is_not_found(enterprises, approver):
    with pytest.raises(NotFound):
        services.enterprise_update(
            actor=approver, enterprise_id=enterprises["lianxi"].pk, phone="1"
        )


def test_update_refuses_unknown_fields(enterprises, approver):
    with pytest.raises(ValidationFailed) as caught:
        services.enterprise_update(actor=approver, enterprise_id=enterprises["donghu"].pk, uscc="x")
    assert "uscc" in caught.value.errors


def test_legal_representative_id_is_encrypted_and_masked(enterprises):
    enterprise = enterprises["donghu"]
    number = enterprise.legal_representative_id_number()
    assert number not in enterprise.legal_representative_id_enc
    masked = enterprise.legal_representative_id_masked
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and number[6:14] not in masked


def test_revealing_the_id_number_is_an_audited_sensitive_read(
    client, enterprises, county_regulator
):
    client.force_login(county_regulator)
    enterprise = enterprises["donghu"]
    detail = client.get(
        reverse("registry:enterprise_detail", args=[enterprise.pk])
    ).content.decode()
    assert enterprise.legal_representative_id_number() not in detail
    response = client.post(reverse("registry:enterprise_reveal_id", args=[enterprise.pk]))
    assert enterprise.legal_representative_id_number() in response.content.decode()
    entry = AuditEntry.objects.get(action="registry.enterprise.read_sensitive")
    assert entry.actor_username == county_regulator.username and entry.object_id == str(
        enterprise.pk
    )


def test_reveal_outside_scope_is_404_and_not_logged_as_read(client, enterprises, county_regulator):
    client.force_login(county_regulator)
    response = client.post(
        reverse("registry:enterprise_reveal_id", args=[enterprises["lianxi"].pk])
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="registry.enterprise.read_sensitive").exists()


def test_verifying_a_self_registered_enterprise_closes_the_todo_and_tells_the_master(
    province, approver
):
    from yaojian.accounts import services as accounts

    fields = _fields(region_code="360103")
    master = accounts.enterprise_register(
        **fields,
        phone="0791-86661234",
        username="ysd",
        password="Strong-pass-2026",
        full_name="李秀兰",
    )
    enterprise = master.enterprise
    assert enterprise.verified_at is None
    todo = Todo.objects.get(kind="enterprise.verify", object_id=str(enterprise.pk))
    assert todo.bureau.region_code == "360103" and todo.status == "open"
    services.enterprise_verify(actor=approver, enterprise_id=enterprise.pk)
    enterprise.refresh_from_db()
    todo.refresh_from_db()
    assert enterprise.verified_at is not None
    assert todo.status == "done" and todo.closed_by == approver
    assert master.messages.filter(subject__isnull=False).count() == 1


def test_list_filters_combine(enterprises, province_regulator):
    factories.EnterpriseFactory(region_code="360103", kind="wholesaler", status="suspended")
    listed = selectors.enterprise_list(province_regulator, region_code="360100", status="suspended")
    assert [e.kind for e in listed] == ["wholesaler"]
    assert selectors.enterprise_list(province_regulator, kind="retail_pharmacy").count() == 3


def test_pinyin_initials_search(province_regulator, province):
    pharmacy = factories.EnterpriseFactory(name="大福药房", region_code="360102")
    found = selectors.enterprise_list(province_regulator, query="dfyf")
    assert list(found) == [pharmacy]
