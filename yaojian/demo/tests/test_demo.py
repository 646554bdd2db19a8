"""The demo province: deterministic, valid codes, the documented accounts, scoped as promised."""

from __future__ import annotations

import io
from dataclasses import asdict

import pytest
from django.core.management import call_command
from stdnum.cn import ric, uscc

from yaojian.accounts.choices import Role
from yaojian.accounts.models import Bureau, User
from yaojian.audit.services import verify_chain
from yaojian.core import regions
from yaojian.demo import loader
from yaojian.demo.generator import ProvinceGenerator
from yaojian.registry import selectors
from yaojian.registry.models import Enterprise
from yaojian.workbench.models import Todo


def _rows(seed, count=300):
    return [asdict(row) for row in ProvinceGenerator(seed).enterprises(count)]


def test_same_seed_same_province_other_seed_other_province():
    assert _rows(11) == _rows(11)
    assert _rows(11) != _rows(12)


def test_generated_enterprises_are_valid_and_unique():
    rows = _rows(5, count=2000)
    assert len({r["uscc"] for r in rows}) == len(rows)
    assert len({r["name"] for r in rows}) == len(rows)
    for row in rows:
        assert uscc.is_valid(row["uscc"]), row["uscc"]
        assert row["uscc"][2:8] == row["region_code"]  # registered where it is
        assert ric.is_valid(row["legal_representative_id"])
        assert row["address"].startswith(regions.full_name(row["region_code"]))
        assert regions.get(row["region_code"]).level == regions.COUNTY


def test_generated_kinds_follow_a_realistic_mix():
    rows = _rows(9, count=3000)
    pharmacies = sum(r["kind"] in ("retail_pharmacy", "retail_chain_store") for r in rows)
    manufacturers = sum(r["kind"] == "drug_manufacturer" for r in rows)
    assert 0.5 < pharmacies / len(rows) < 0.7
    assert manufacturers < pharmacies / 10


@pytest.fixture
def loaded(db, monkeypatch):
    monkeypatch.setenv("YAOJIAN_DEMO_PASSWORD", "Another-Demo-2026")
    return loader.load(seed=3, scale="tiny")


def test_load_builds_the_bureau_tree_and_the_documented_accounts(loaded):
    assert Bureau.objects.count() == 112
    assert Bureau.objects.filter(level="county").count() == 100
    expected = {
        "province": ("360000", {Role.LEADER, Role.APPROVER, Role.ANALYST}),
        "city": ("360100", {Role.LEADER, Role.APPROVER, Role.REVIEWER, Role.INSPECTOR}),
        "county": ("360102", {Role.INSPECTOR, Role.REVIEWER, Role.CASE_OFFICER, Role.APPROVER}),
        "sysadmin": ("360000", {Role.SYSTEM_ADMIN}),
        "secadmin": ("360000", {Role.SECURITY_ADMIN}),
        "auditor": ("360000", {Role.AUDIT_ADMIN}),
    }
    for username, (code, roles) in expected.items():
        user = User.objects.get(username=username)
        assert user.bureau.region_code == code
        assert user.role_set == roles
        assert user.check_password("Another-Demo-2026")
    master = User.objects.get(username="enterprise")
    assert master.is_enterprise_master and master.enterprise.name == loader.DEMO_CHAIN
    assert master.enterprise.kind == "retail_chain_hq"
    assert master.enterprise.branches.count() >= 6


def test_demo_regulators_see_nested_jurisdictions(loaded):
    counts = {
        u: selectors.enterprise_list(User.objects.get(username=u)).count()
        for u in ("province", "city", "county")
    }
    assert counts["province"] == Enterprise.objects.count()
    assert counts["province"] > counts["city"] > counts["county"] > 0


def test_demo_starts_with_work_done_through_the_services(loaded):
    county_todos = Todo.objects.filter(bureau__region_code="360102", status="open")
    # four self-registrations; the Nanchang bureau has checked one (it applied for a licence)
    assert county_todos.filter(kind="enterprise.verify").count() == 1
    assert Enterprise.objects.filter(verified_at__isnull=True).count() == 3
    assert User.objects.get(username="enterprise").enterprise.api_tokens.count() == 1
    assert verify_chain().ok


def test_demo_command_loads_once_and_prints_the_accounts(db):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "tiny", stdout=out)
    first = out.getvalue()
    for username in ("province", "city", "county", "enterprise", "sysadmin", "secadmin", "auditor"):
        assert username in first
    assert loader.DEFAULT_PASSWORD in first
    assert "licences" in first and "products" in first
    count = Enterprise.objects.count()
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "tiny", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Enterprise.objects.count() == count


def test_demo_applications_show_the_hall_at_work(loaded):
    from yaojian.licensing.models import Application

    states = sorted(Application.objects.values_list("status", flat=True))
    assert states == ["issued", "reviewing", "submitted"]
    issued = Application.objects.get(status="issued")
    assert issued.matter.decided_at_once and issued.licence.electronic_versions.count() == 1
    assert Todo.objects.filter(
        kind="licensing.accept", bureau__region_code="360100", status="open"
    ).exists()
