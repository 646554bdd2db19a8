"""The demo's traceability story: filed through the services, alive, and verifiable as printed."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from yaojian.accounts.models import User
from yaojian.demo import loader
from yaojian.demo import trace as demo_trace
from yaojian.trace.models import (
    Anomaly,
    Batch,
    CaptureJob,
    CodeRule,
    CodeState,
    Event,
    Recall,
    Site,
)
from yaojian.trace.services import recall as recalls
from yaojian.trace.services.verify import verify


@pytest.fixture
def loaded(db):
    return loader.load(seed=3, scale="tiny")


def test_demo_files_identifiers_sites_and_a_decoction_piece_batch(loaded):
    chain = User.objects.get(username="enterprise").enterprise
    rules = CodeRule.objects.select_related("product", "enterprise")
    assert rules.filter(scheme="cn20", package_level=1).count() == 3
    case = rules.get(package_level=2)
    assert case.units_per_package == demo_trace.CASE_SIZE and len(case.product_key) == 10
    maker = case.enterprise
    assert maker.kind == "drug_manufacturer" and maker.region_code.startswith("36")
    assert all(rule.product.manufacturer_id == maker.pk for rule in rules)
    site_owners = set(Site.objects.values_list("enterprise__kind", flat=True))
    assert {"drug_manufacturer", "wholesaler", "retail_chain_hq", "retail_chain_store"} <= (
        site_owners
    )
    stores = Site.objects.filter(enterprise__headquarters=chain).values("enterprise").distinct()
    assert stores.count() == demo_trace.STORES
    piece = Batch.objects.select_related("product").get(product_key__startswith="tcm:")
    assert piece.product.kind == "tcm_piece" and piece.product.name in demo_trace.PIECE_NAMES
    assert piece.herb_origin.startswith("甘肃") and piece.harvest_date < piece.production_date
    assert piece.processing and piece.inspection_report.startswith("赣药检")


def test_demo_events_tell_a_living_story(loaded):
    chain = User.objects.get(username="enterprise").enterprise
    assert not CaptureJob.objects.exclude(status="succeeded").exists()
    assert Event.objects.count() > 80
    assert not Event.objects.filter(event_time__gt=timezone.now()).exists()
    steps = set(Event.objects.values_list("biz_step", flat=True))
    assert {"commissioning", "packing", "shipping", "receiving", "retail_selling"} <= steps
    assert {"unpacking", "destroying"} <= steps
    statuses = set(CodeState.objects.values_list("status", flat=True))
    assert {"active", "dispensed", "destroyed", "returned"} <= statuses
    assert CodeState.objects.filter(product_key__startswith="cn:").count() >= 400
    # the packs went through several cities, and the chain's distribution centre holds some
    cities = {state.path[-1][:4] for state in CodeState.objects.filter(status="dispensed")}
    assert len(cities) >= 2
    assert CodeState.objects.filter(holder=chain, status="active").count() > 50
    rules = set(Anomaly.objects.values_list("rule", flat=True))
    assert {"dispensed_twice", "duplicate_commissioning", "receipt_without_shipment"} <= rules
    assert rules <= {"dispensed_twice", "duplicate_commissioning", "receipt_without_shipment"}
    recall = Recall.objects.get(reason__startswith="省级药品监督抽检")
    assert recall.issued_by == "province" and recall.status == "open"
    progress = recalls.recall_progress(recall)
    assert 0 < progress["percent"] < 100


def test_printed_codes_verify_as_stated(loaded):
    codes = demo_trace.public_codes(loader.DEMO_CHAIN)
    assert [code.result for code in codes] == ["authentic", "dispensed", "recalled", "authentic"]
    for code in codes:
        assert verify(code.code, record=False)["result"] == code.result, code
    piece = verify(codes[-1].code, record=False)
    assert piece["product"]["origin"]["herb_origin"].startswith("甘肃")
    client = Client()
    for code in codes:
        response = client.get("/verify/", {"code": code.code})
        assert response.status_code == 200
        assert response.context["trace"]["result"] == code.result


def test_the_chain_sees_its_packs(loaded):
    client = Client()
    client.force_login(User.objects.get(username="enterprise"))
    response = client.get("/trace/my/")
    assert response.status_code == 200
    lot = CodeState.objects.filter(holder__name=loader.DEMO_CHAIN).values_list(
        "batch_no", flat=True
    )[0]
    assert lot in response.content.decode()


def test_the_province_sees_the_recall_and_the_anomalies(loaded, settings):
    settings.YAOJIAN_REQUIRE_MFA = False  # as in demo mode
    client = Client()
    client.force_login(User.objects.get(username="province"))
    assert client.get("/workbench/trace/").status_code == 200
    recall = Recall.objects.get(reason__startswith="省级药品监督抽检")
    page = client.get(f"/workbench/trace/recalls/{recall.pk}/")
    assert page.status_code == 200 and recall.number in page.content.decode()


def test_demo_command_prints_the_codes_to_verify(db):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", "tiny", stdout=out)
    printed = out.getvalue()
    assert "/verify/" in printed
    for code in demo_trace.public_codes(loader.DEMO_CHAIN):
        assert code.code in printed
