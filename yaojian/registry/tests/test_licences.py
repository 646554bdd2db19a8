"""Licences: official numbers, the right holders, history of every change, status with reasons."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.core.errors import NotFound, PermissionDenied, ValidationFailed
from yaojian.registry import selectors, services
from yaojian.registry.models import ChangeRecord, Licence, TimelineEvent
from yaojian.testing import factories


@pytest.fixture
def approver(province):
    return factories.regulator("360100", roles=[Role.APPROVER])


def _fields(**overrides):
    today = timezone.localdate()
    return {
        "kind": "drug_retail",
        "number": "赣DA360100321",
        "scope": "处方药、甲类非处方药、乙类非处方药",
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=5 * 365),
        **overrides,
    }


def test_create_keeps_history_audit_and_posts_to_the_file(approver, enterprises):
    holder = enterprises["donghu"]
    licence = services.licence_create(actor=approver, holder_id=holder.pk, **_fields())
    assert licence.issuing_bureau.region_code == "360100"
    change = ChangeRecord.objects.get(object_type="registry.licence", object_id=str(licence.pk))
    assert change.action == "created" and change.changes["after"]["number"] == "赣DA360100321"
    assert change.actor == approver
    assert AuditEntry.objects.filter(
        action="registry.licence.create", object_id=str(licence.pk)
    ).exists()
    event = TimelineEvent.objects.get(enterprise=holder, kind="licence")
    assert "赣DA360100321" in event.title and event.region_code == holder.region_code


def test_a_number_in_the_wrong_format_names_the_field_and_the_reason(approver, enterprises):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.licence_create(
            actor=approver, holder_id=enterprises["donghu"].pk, **_fields(number="赣AA360100321")
        )
    assert "number" in caught.value.errors
    assert "should be D" in caught.value.errors["number"][0]  # wholesale letter on a retail licence
    assert not Licence.objects.exists()


def test_a_holder_of_the_wrong_kind_is_refused(approver, enterprises):
    with pytest.raises(ValidationFailed) as caught:
        services.licence_create(
            actor=approver,
            holder_id=enterprises["donghu"].pk,
            **_fields(kind="drug_manufacturing", number="赣20230001"),
        )
    assert "holder" in caught.value.errors


def test_valid_period_in_order(approver, enterprises):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed):
        services.licence_create(
            actor=approver,
            holder_id=enterprises["donghu"].pk,
            **_fields(valid_from=today, valid_until=today - dt.timedelta(days=1)),
        )


def test_outside_jurisdiction_or_without_the_role(approver, enterprises):
    with pytest.raises(NotFound):
        services.licence_create(actor=approver, holder_id=enterprises["lianxi"].pk, **_fields())
    inspector = factories.regulator("360100", roles=[Role.INSPECTOR])
    with pytest.raises(PermissionDenied):
        services.licence_create(actor=inspector, holder_id=enterprises["donghu"].pk, **_fields())
    assert not Licence.objects.exists()


def test_update_records_exactly_what_changed(approver, province):
    licence = factories.LicenceFactory()
    services.licence_update(
        actor=approver,
        licence_id=licence.pk,
        warehouse_address="南昌市东湖区仓库路1号",
        note="变更仓库地址",
    )
    change = ChangeRecord.objects.get(object_id=str(licence.pk), action="updated")
    assert change.changes == {
        "before": {"warehouse_address": ""},
        "after": {"warehouse_address": "南昌市东湖区仓库路1号"},
    }
    assert change.note == "变更仓库地址"


def test_update_without_a_real_change_records_nothing(approver, province):
    licence = factories.LicenceFactory()
    services.licence_update(actor=approver, licence_id=licence.pk, scope=licence.scope)
    assert not ChangeRecord.objects.filter(object_id=str(licence.pk)).exists()


def test_status_change_needs_a_reason_and_reaches_the_timeline(approver, province):
    licence = factories.LicenceFactory()
    with pytest.raises(ValidationFailed) as caught:
        services.licence_set_status(
            actor=approver, licence_id=licence.pk, status="suspended", reason=" "
        )
    assert "reason" in caught.value.errors
    services.licence_set_status(
        actor=approver, licence_id=licence.pk, status="suspended", reason="洪市监处罚〔2026〕12号"
    )
    licence.refresh_from_db()
    assert licence.status == "suspended"
    change = ChangeRecord.objects.get(object_id=str(licence.pk), action="status")
    assert change.note == "洪市监处罚〔2026〕12号"
    event = TimelineEvent.objects.get(enterprise=licence.holder, kind="licence", severity="warning")
    assert event.summary == "洪市监处罚〔2026〕12号"


def test_stale_licences_show_as_expired(province):
    licence = factories.LicenceFactory(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert licence.is_stale and licence.effective_status == "expired"


def test_licence_pages_list_detail_history_and_status_form(client, approver, enterprises):
    inside = factories.LicenceFactory(holder=enterprises["donghu"])
    outside = factories.LicenceFactory(holder=enterprises["lianxi"])
    client.force_login(approver)
    listed = client.get(reverse("registry:licence_list"))
    assert [x.pk for x in listed.context["page"].object_list] == [inside.pk]
    assert client.get(reverse("registry:licence_detail", args=[outside.pk])).status_code == 404
    response = client.post(
        reverse("registry:licence_status", args=[inside.pk]),
        {"status": "revoked", "reason": "吊销决定书 洪市监〔2026〕3号"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("registry:licence_detail", args=[inside.pk])).content.decode()
    assert "吊销决定书 洪市监〔2026〕3号" in detail
    export = client.get(reverse("registry:licence_list"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == [inside.number]


def test_licence_list_filters(approver, enterprises):
    today = timezone.localdate()
    soon = factories.LicenceFactory(
        holder=enterprises["donghu"], valid_until=today + dt.timedelta(days=20)
    )
    factories.LicenceFactory(holder=enterprises["xihu"], valid_until=today + dt.timedelta(days=400))
    stale = factories.LicenceFactory(
        holder=enterprises["xihu"], valid_until=today - dt.timedelta(days=3)
    )
    assert list(selectors.licence_list(approver, expiring="30")) == [soon]
    assert list(selectors.licence_list(approver, expiring="expired")) == [stale]
    assert list(selectors.licence_list(approver, query=soon.number)) == [soon]
    assert list(selectors.licence_list(approver, region_code="360102")) == [soon]
