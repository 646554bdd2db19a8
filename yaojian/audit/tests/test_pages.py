"""The audit log page (/workbench/audit/) and its Excel export: for audit administrators only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.audit.services import record
from yaojian.testing import factories

URL = "/workbench/audit/"


@pytest.fixture
def log(
    db, monkeypatch, county_regulator, city_regulator, other_county_regulator, enterprise_master
):
    """Entries by regulators in Donghu (Nanchang), Nanchang city, Lianxi (Jiujiang) and an
    enterprise, with outcomes and dates that the filters can tell apart."""
    entries = {
        "donghu_ok": record(actor=county_regulator, action="registry.enterprise_update"),
        "donghu_denied": record(
            actor=county_regulator, action="licensing.approve", outcome="denied"
        ),
    }
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    with monkeypatch.context() as patch:  # written ten days ago
        patch.setattr(timezone, "now", lambda: ten_days_ago)
        entries["city_ok"] = record(actor=city_regulator, action="registry.enterprise_create")
    entries["lianxi_failed"] = record(
        actor=other_county_regulator, action="registry.enterprise_update", outcome="failed"
    )
    entries["enterprise_ok"] = record(actor=enterprise_master, action="trace.report")
    return entries


def shown(response) -> set[int]:
    return {e.seq for e in response.context["page"].object_list}


def seqs(*entries) -> set[int]:
    return {e.seq for e in entries}


def test_the_page_is_at_its_documented_address():
    assert reverse("audit:log") == URL


def test_auditor_sees_the_whole_log(client, auditor, log):
    client.force_login(auditor)
    response = client.get(URL)
    assert response.status_code == 200
    assert shown(response) == set(AuditEntry.objects.values_list("seq", flat=True))
    html = response.content.decode()
    assert "licensing.approve" in html and "trace.report" in html


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.LEADER, None])
def test_other_regulators_get_403_and_the_refusal_is_logged(client, province, log, role):
    user = factories.regulator("360000", roles=[role] if role else [])
    client.force_login(user)
    before = AuditEntry.objects.count()
    response = client.get(URL)
    assert response.status_code == 403
    assert "trace.report" not in response.content.decode()
    assert AuditEntry.objects.count() == before + 1
    denial = AuditEntry.objects.order_by("-seq").first()
    assert denial.actor_username == user.username
    assert denial.action == "audit.view" and denial.outcome == "denied"
    assert denial.channel == "web"


def test_enterprise_and_anonymous_users_cannot_read_the_log(client, log, enterprise_master):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(enterprise_master)
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"export": "xlsx"}).status_code == 403


def test_filter_by_username(client, auditor, log, county_regulator):
    client.force_login(auditor)
    response = client.get(URL, {"username": county_regulator.username})
    assert shown(response) == seqs(log["donghu_ok"], log["donghu_denied"])


def test_filter_by_action_prefix(client, auditor, log):
    client.force_login(auditor)
    response = client.get(URL, {"action": "registry."})
    assert shown(response) == seqs(log["donghu_ok"], log["city_ok"], log["lianxi_failed"])
    response = client.get(URL, {"action": "registry.enterprise_update"})
    assert shown(response) == seqs(log["donghu_ok"], log["lianxi_failed"])


def test_filter_by_outcome(client, auditor, log):
    client.force_login(auditor)
    assert shown(client.get(URL, {"outcome": "denied"})) == seqs(log["donghu_denied"])
    assert shown(client.get(URL, {"outcome": "failed"})) == seqs(log["lianxi_failed"])


def test_filter_by_date(client, auditor, log):
    client.force_login(auditor)
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=10)
    recent = shown(client.get(URL, {"since": today.isoformat()}))
    assert log["city_ok"].seq not in recent
    assert seqs(log["donghu_ok"], log["enterprise_ok"]) <= recent
    old = shown(client.get(URL, {"since": earlier.isoformat(), "until": earlier.isoformat()}))
    assert old == seqs(log["city_ok"])


def test_filters_combine(client, auditor, log, county_regulator):
    client.force_login(auditor)
    response = client.get(
        URL, {"username": county_regulator.username, "outcome": "success", "action": "registry"}
    )
    assert shown(response) == seqs(log["donghu_ok"])


def test_an_invalid_filter_is_shown_and_does_not_drop_the_valid_ones(
    client, auditor, log, county_regulator
):
    client.force_login(auditor)
    response = client.get(URL, {"username": county_regulator.username, "since": "not-a-date"})
    assert response.status_code == 200
    assert response.context["form"].errors.get("since")
    assert shown(response) == seqs(log["donghu_ok"], log["donghu_denied"])


def export(client, **filters):
    response = client.get(URL, {**filters, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def test_excel_export_holds_the_filtered_entries(client, auditor, log):
    client.force_login(auditor)
    header, rows = export(client, action="registry.", outcome="success")
    assert header[:3] == ["Sequence", "Time", "User"]
    assert {"Action", "Outcome", "Hash (SM3)", "IP address"} <= set(header)
    expected = AuditEntry.objects.filter(
        action__startswith="registry.", outcome="success"
    ).order_by("-seq")
    assert [row[0] for row in rows] == [e.seq for e in expected]
    for row, entry in zip(rows, expected, strict=True):
        values = dict(zip(header, row, strict=True))
        assert values["User"] == entry.actor_username
        assert values["Action"] == entry.action
        assert values["Hash (SM3)"] == entry.hash
        assert values["Outcome"] == "Success"


def test_excel_export_of_everything_matches_the_log(client, auditor, log):
    client.force_login(auditor)
    header, rows = export(client)
    assert sorted(row[0] for row in rows) == sorted(
        AuditEntry.objects.values_list("seq", flat=True)
    )
    assert header[0] == "Sequence"


def test_city_auditor_sees_only_regulators_of_the_city(client, province, log):
    city_auditor = factories.regulator("360100", roles=[Role.AUDIT_ADMIN])
    client.force_login(city_auditor)
    response = client.get(URL)
    assert response.status_code == 200
    expected = {
        e.seq for e in AuditEntry.objects.all() if e.actor_org in {"360100", "360102", "360103"}
    }
    assert shown(response) == expected
    assert seqs(log["donghu_ok"], log["donghu_denied"], log["city_ok"]) <= expected
    assert log["lianxi_failed"].seq not in shown(response)
    assert log["enterprise_ok"].seq not in shown(response)
    _header, rows = export(client)
    assert {row[0] for row in rows} == expected


def test_county_auditor_of_another_city_sees_none_of_nanchang(client, province, log):
    lianxi_auditor = factories.regulator("360402", roles=[Role.AUDIT_ADMIN])
    client.force_login(lianxi_auditor)
    assert shown(client.get(URL)) == seqs(log["lianxi_failed"])
