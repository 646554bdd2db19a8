"""The enterprise's traceability pages: who may see them, the forms, the uploads end to end."""

from __future__ import annotations

import codecs
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from yaojian.testing import factories
from yaojian.trace.models import Batch, CaptureJob, CodeRule, CodeState, Event, Site
from yaojian.trace.tests.helpers import CASE_PRODUCT, PRODUCT, SITES, at, chain, cn

pytestmark = pytest.mark.django_db

HOME = reverse("trace:my_home")
UPLOAD = reverse("trace:my_upload")
DOCUMENT_HEADER = "单据类型,单据号,日期时间,对方,追溯码\r\n"


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def parties(enterprises):
    return chain(enterprises)


@pytest.fixture
def maker(parties, client):
    client.force_login(parties["donghu"].user)
    return parties["donghu"]


def _bare(serial: int) -> str:
    return cn(serial).removeprefix("urn:yaojian:cn:")


def _upload(client, kind: str, data: bytes, name: str = "rows.csv", *, hooks=None):
    """Post a file; on success (the capture runs on commit) follow to the job's page."""
    payload = {"kind": kind, "file": io.BytesIO(data)}
    payload["file"].name = name
    if hooks is None:
        response = client.post(UPLOAD, payload)
    else:
        with hooks(execute=True):
            response = client.post(UPLOAD, payload)
    if response.status_code == 302:
        return client.get(response["Location"])
    return response


# --- who may see the pages ----------------------------------------------------------------------


def test_home_shows_the_enterprise_s_register_batches_jobs_and_anomalies(client, maker):
    maker.commission([cn(1), cn(2)], when=at(0))
    maker.commission([cn(1)], when=at(5))  # a second commissioning: an anomaly
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"cn:{PRODUCT}" in html and f"cn:{CASE_PRODUCT}" in html
    assert "donghu warehouse" in html
    (row,) = response.context["batch_rows"]
    assert (row["batch_no"], row["total"]) == ("B2601", 2)
    assert len(response.context["jobs"]) == 2
    assert "Duplicate commissioning" in html
    assert "two packs carry the same code" in html


def test_the_portal_home_links_to_traceability_for_those_with_the_right(client, parties):
    client.force_login(parties["donghu"].user)
    assert HOME in client.get(reverse("portal:enterprise_home")).content.decode()
    clerk = factories.enterprise_user(parties["donghu"].enterprise, master=False, rights=["view"])
    client.force_login(clerk)
    assert HOME not in client.get(reverse("portal:enterprise_home")).content.decode()


def test_a_sub_account_needs_the_trace_right(client, parties):
    enterprise = parties["donghu"].enterprise
    client.force_login(factories.enterprise_user(enterprise, master=False, rights=["trace"]))
    assert client.get(HOME).status_code == 200
    client.force_login(factories.enterprise_user(enterprise, master=False, rights=["view"]))
    response = client.get(HOME)
    assert response.status_code == 403
    assert "right to report traceability data" in response.content.decode()
    assert client.post(UPLOAD, {"kind": "hierarchy"}).status_code == 403


def test_another_enterprise_sees_only_its_own(client, parties):
    job = parties["donghu"].commission([cn(1)], when=at(0))
    client.force_login(parties["lianxi"].user)
    response = client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"cn:{PRODUCT}" not in html and "donghu warehouse" not in html
    assert response.context["jobs"] == [] and response.context["batch_rows"] == []
    assert client.get(reverse("trace:my_job", args=[job.pk])).status_code == 404


def test_anonymous_users_log_in_and_regulators_find_nothing(client, county_regulator):
    response = client.get(HOME)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    client.force_login(county_regulator)
    for name in ("my_home", "my_rule_new", "my_site_new", "my_batch_new", "my_upload"):
        assert client.get(reverse(f"trace:{name}")).status_code == 404
    client.force_login(factories.UserFactory())
    assert client.get(HOME).status_code == 404


# --- forms --------------------------------------------------------------------------------------


def test_file_a_product_identifier(client, maker, parties):
    product = factories.ProductFactory(holder=maker.enterprise)
    response = client.get(reverse("trace:my_rule_new"))
    assert product.name in response.content.decode()
    response = client.post(
        reverse("trace:my_rule_new"),
        {"product": product.pk, "code": "8765432", "package_level": 2, "units_per_package": 10},
    )
    assert response.status_code == 302
    rule = CodeRule.objects.get(product_key="cn:8765432")
    assert (rule.product, rule.enterprise, rule.units_per_package) == (
        product,
        maker.enterprise,
        10,
    )


def test_a_bad_product_identifier_is_shown_on_its_field_and_files_nothing(client, maker):
    product = factories.ProductFactory(holder=maker.enterprise)
    others = factories.ProductFactory()
    before = CodeRule.objects.count()
    response = client.post(
        reverse("trace:my_rule_new"), {"product": product.pk, "code": "8765", "package_level": 1}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert 'data-field-error="code"' in response.content.decode()
    response = client.post(
        reverse("trace:my_rule_new"), {"product": others.pk, "code": "8765432", "package_level": 1}
    )
    assert response.context["form"].errors["product"]
    assert CodeRule.objects.count() == before


def test_register_a_site_and_a_party_by_credit_code(client, maker):
    response = client.post(
        reverse("trace:my_site_new"),
        {"identifier": "urn:epc:id:sgln:0614141.00009.0", "kind": "site", "name": "二号仓库"},
    )
    assert response.status_code == 302
    assert Site.objects.filter(name="二号仓库", enterprise=maker.enterprise).exists()
    uscc = maker.enterprise.uscc
    client.post(reverse("trace:my_site_new"), {"identifier": uscc.lower(), "kind": "party"})
    assert Site.objects.get(identifier=f"urn:yaojian:party:{uscc}").kind == "party"


def test_a_site_of_another_enterprise_is_refused_on_its_field(client, maker):
    before = list(Site.objects.values_list("identifier", "enterprise_id", "name"))
    response = client.post(
        reverse("trace:my_site_new"),
        {"identifier": SITES["xihu"], "kind": "site", "name": "mine now"},
    )
    assert response.status_code == 200
    assert "registered to another enterprise" in str(response.context["form"].errors["identifier"])
    assert list(Site.objects.values_list("identifier", "enterprise_id", "name")) == before


def test_register_a_batch(client, maker):
    response = client.post(
        reverse("trace:my_batch_new"),
        {
            "product_key": f"cn:{PRODUCT}",
            "batch_no": "B2699",
            "production_date": "2026-01-01",
            "expiry_date": "2028-12-31",
            "herb_origin": "ignored for a drug",
        },
    )
    assert response.status_code == 302
    batch = Batch.objects.get(batch_no="B2699")
    assert batch.expiry_date.isoformat() == "2028-12-31" and batch.herb_origin == ""


def test_a_batch_that_expires_before_it_is_made_is_refused(client, maker):
    response = client.post(
        reverse("trace:my_batch_new"),
        {
            "product_key": f"cn:{PRODUCT}",
            "batch_no": "B2698",
            "production_date": "2026-01-01",
            "expiry_date": "2025-12-31",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expiry_date"]
    assert not Batch.objects.filter(batch_no="B2698").exists()


def test_a_decoction_piece_batch_carries_its_herb_chain(client, maker):
    piece = factories.ProductFactory(
        holder=maker.enterprise, kind="tcm_piece", name="黄芪饮片", approval_number=None
    )
    CodeRule.objects.create(
        enterprise=maker.enterprise,
        product=piece,
        scheme="cn20",
        product_key="cn:8111111",
        region_code=maker.enterprise.region_code,
    )
    url = reverse("trace:my_batch_new")
    assert (
        b'data-testid="tcm-fields"' not in client.get(url, {"product_key": f"cn:{PRODUCT}"}).content
    )
    shown = client.get(url, {"product_key": "cn:8111111"}, HTTP_HX_REQUEST="true")
    assert b'data-testid="tcm-fields"' in shown.content
    data = {"product_key": "cn:8111111", "batch_no": "HQ2601"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"herb_origin", "processing"}
    assert not Batch.objects.filter(batch_no="HQ2601").exists()
    response = client.post(
        url,
        {
            **data,
            "herb_origin": "甘肃陇西",
            "harvest_date": "2025-10-15",
            "processing": "净制、切片",
            "inspection_report": "JC2026-001",
        },
    )
    assert response.status_code == 302
    batch = Batch.objects.get(batch_no="HQ2601")
    assert (batch.herb_origin, batch.processing, batch.inspection_report) == (
        "甘肃陇西",
        "净制、切片",
        "JC2026-001",
    )
    assert batch.harvest_date.isoformat() == "2025-10-15"


# --- uploads ------------------------------------------------------------------------------------


def _hierarchy_csv() -> str:
    case = f"{CASE_PRODUCT}0000000010000"
    return f"父码,子码,包装层级\r\n{case},{_bare(1)},箱\r\n{case},{_bare(2)},箱\r\n"


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode(),
        lambda text: codecs.BOM_UTF8 + text.encode(),
        lambda text: text.encode("gbk"),
    ],
    ids=["utf-8", "utf-8-bom", "gbk"],
)
def test_a_csv_hierarchy_upload_packs_the_codes(
    client, maker, encode, django_capture_on_commit_callbacks
):
    maker.commission([cn(1), cn(2)], when=at(0))
    response = _upload(
        client, "hierarchy", encode(_hierarchy_csv()), hooks=django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    job = response.context["job"]
    assert job.channel == "upload" and job.status == "succeeded", job.problems
    assert b'data-testid="job-stored">1<' in response.content
    case = f"urn:yaojian:cn:{CASE_PRODUCT}0000000010000"
    assert set(CodeState.objects.filter(parent=case).values_list("code", flat=True)) == {
        cn(1),
        cn(2),
    }


def test_an_xlsx_upload(client, maker, django_capture_on_commit_callbacks):
    maker.commission([cn(1)], when=at(0))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Type", "Document number", "Date-time", "Counterpart", "Code"])
    sheet.append(["shipping", "FH1", "2026-01-05 10:00", SITES["xihu"], _bare(1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(
        client,
        "documents",
        buffer.getvalue(),
        "发货单.xlsx",
        hooks=django_capture_on_commit_callbacks,
    )
    assert response.context["job"].status == "succeeded", response.context["job"].problems
    assert CodeState.objects.get(code=cn(1)).status == "in_transit"


def test_wrong_columns_are_named_and_nothing_is_stored(client, maker):
    response = _upload(client, "documents", "编号,追溯码\r\n1,x\r\n".encode())
    assert response.status_code == 200
    html = response.content.decode()
    assert "lacks the column(s)" in html and "单据类型 (type)" in html
    assert "Nothing was stored." in html
    assert not CaptureJob.objects.filter(channel="upload").exists()


def test_a_bad_code_on_row_3_is_named_and_nothing_is_stored(client, maker):
    events = Event.objects.count()
    text = f"父码,子码\r\n{CASE_PRODUCT}0000000010000,{_bare(1)}\r\n{CASE_PRODUCT}0000000010000,81234560000\r\n"
    response = _upload(client, "hierarchy", text.encode("gbk"))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert errors[0].startswith("Row 3, column 子码 (child code): 81234560000")
    assert "Row 3" in response.content.decode()
    assert not CaptureJob.objects.filter(channel="upload").exists()
    assert Event.objects.count() == events


def test_a_file_in_an_unknown_encoding_is_refused(client, maker):
    response = _upload(client, "hierarchy", "父码,子码\r\n".encode("utf-16-be") + b"\xff\xfe\x00")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert "neither" in response.context["form"].errors["file"][0]
    assert not CaptureJob.objects.filter(channel="upload").exists()


def test_shipping_then_receiving_uploads_move_the_codes_to_the_consignee(
    client, parties, django_capture_on_commit_callbacks
):
    maker, wholesaler = parties["donghu"], parties["xihu"]
    maker.commission([cn(1), cn(2)], when=at(0))
    client.force_login(maker.user)
    shipped = (
        DOCUMENT_HEADER
        + f"发货,FH20260105,2026-01-05 10:00,{wholesaler.enterprise.uscc},{_bare(1)}\r\n"
        + f"发货,FH20260105,2026-01-05 10:00,{wholesaler.enterprise.uscc},{_bare(2)}\r\n"
    )
    response = _upload(
        client, "documents", shipped.encode("gbk"), hooks=django_capture_on_commit_callbacks
    )
    assert response.context["job"].status == "succeeded", response.context["job"].problems
    state = CodeState.objects.get(code=cn(1))
    assert (state.status, state.holder, state.next_holder) == (
        "in_transit",
        maker.enterprise,
        wholesaler.enterprise,
    )

    client.force_login(wholesaler.user)
    received = (
        DOCUMENT_HEADER
        + f"收货,SH-88,2026-01-06 14:00,{SITES['donghu']},{_bare(1)}\r\n"
        + f"收货,SH-88,2026-01-06 14:00,{SITES['donghu']},{_bare(2)}\r\n"
    )
    response = _upload(
        client, "documents", received.encode(), hooks=django_capture_on_commit_callbacks
    )
    job = response.context["job"]
    assert job.status == "succeeded", job.problems
    assert job.sender == wholesaler.enterprise
    for code in (cn(1), cn(2)):
        state = CodeState.objects.get(code=code)
        assert (state.status, state.holder, state.next_holder) == (
            "active",
            wholesaler.enterprise,
            None,
        )
    home = client.get(HOME)
    assert home.context["batch_rows"][0]["total"] == 2


def test_a_refused_event_is_readable_on_the_result_page(
    client, parties, django_capture_on_commit_callbacks
):
    """The lianxi pharmacy reports shipping codes that Donghu holds: the capture refuses it."""
    parties["donghu"].commission([cn(1)], when=at(0))
    client.force_login(parties["lianxi"].user)
    text = DOCUMENT_HEADER + f"发货,X1,2026-01-05 10:00,{SITES['xihu']},{_bare(1)}\r\n"
    response = _upload(client, "documents", text.encode(), hooks=django_capture_on_commit_callbacks)
    job = response.context["job"]
    assert job.status == "failed"
    html = response.content.decode()
    assert "held by another enterprise" in html
    assert "shipping X1" in html  # the problem names the document it came from
    assert CodeState.objects.get(code=cn(1)).holder == parties["donghu"].enterprise


def test_sample_files_download(client, maker):
    response = client.get(reverse("trace:my_upload_sample", args=["documents"]))
    assert response.content.startswith(codecs.BOM_UTF8 + "单据类型".encode())
    assert client.get(reverse("trace:my_upload_sample", args=["other"])).status_code == 404
