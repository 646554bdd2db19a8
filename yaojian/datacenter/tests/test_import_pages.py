"""The import pages in the work portal: templates, upload, preview, commit, report, scope."""

from __future__ import annotations

import codecs
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.datacenter.imports import columns, samples
from yaojian.datacenter.models import ImportJob
from yaojian.registry.models import Enterprise
from yaojian.testing import factories

NANCHANG = ["360102", "360103"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def approver(province):
    return factories.regulator("360100", roles=[Role.APPROVER])


@pytest.fixture
def browser(client, approver):
    """The approver's browser, in English (messages are compared in English)."""
    client.force_login(approver)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def post(browser, django_capture_on_commit_callbacks):
    """POST as the page does; background tasks run when the request's transaction commits."""

    def send(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post(url, data, **extra)

    return send


def _upload(post, data, name="nanchang-pharmacies.xlsx", register="enterprises"):
    return post(
        reverse("datacenter:import_upload"),
        {"register": register, "file": SimpleUploadedFile(name, data)},
    )


def test_the_import_page_offers_templates_and_the_upload_form(browser):
    response = browser.get(reverse("datacenter:import_list"))
    assert response.status_code == 200
    assert response.context["nav"] == "imports"
    html = response.content.decode()
    for register in columns.REGISTERS:
        assert reverse("datacenter:import_template", args=[register, "xlsx"]) in html
        assert reverse("datacenter:import_template", args=[register, "csv"]) in html
    assert 'enctype="multipart/form-data"' in html and "csrfmiddlewaretoken" in html


def test_without_a_register_role_the_page_says_who_may_import(client, province):
    inspector = factories.regulator("360102", roles=[Role.INSPECTOR])
    client.force_login(inspector)
    html = client.get(reverse("datacenter:import_list")).content.decode()
    assert 'data-testid="no-import-role"' in html and 'data-testid="upload-form"' not in html


def test_enterprise_accounts_do_not_reach_the_import(client, enterprise_master):
    client.force_login(enterprise_master)
    assert client.get(reverse("datacenter:import_list")).status_code == 404


@pytest.mark.parametrize("register", list(columns.REGISTERS))
def test_the_excel_template_has_headers_an_example_and_explains_the_columns(browser, register):
    response = browser.get(reverse("datacenter:import_template", args=[register, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    spec = columns.REGISTERS[register]
    data, guide, codes = workbook.worksheets
    assert data.title == spec.sheet
    assert [c.value for c in data[1]] == [c.zh for c in spec.columns]
    example = [c.value for c in data[2]]
    assert example[0] == (spec.columns[0].example or None)
    assert any(example)
    assert [c.value for c in guide[1]][:2] == ["Column (Chinese)", "Column (English)"]
    explained = {row[0].value: row for row in guide.iter_rows(min_row=2) if row[0].value}
    assert set(explained) >= {c.zh for c in spec.columns}
    assert ["360102", "江西省南昌市东湖区"] in [[c.value for c in r] for r in codes.iter_rows()]


def test_the_templates_list_the_allowed_types(browser):
    def allowed(register, header):
        response = browser.get(reverse("datacenter:import_template", args=[register, "xlsx"]))
        guide = load_workbook(io.BytesIO(response.content)).worksheets[1]
        return next(r[4].value for r in guide.iter_rows(min_row=2) if r[0].value == header)

    assert "单体零售药店 (retail_pharmacy)" in allowed("enterprises", "企业类型")
    assert "药品生产许可证 (drug_manufacturing)" in allowed("licences", "许可证类型")
    assert "第二类医疗器械经营备案凭证 (device_trading_ii)" in allowed("licences", "许可证类型")


def test_the_csv_template_is_utf8_with_a_byte_order_mark(browser):
    response = browser.get(reverse("datacenter:import_template", args=["enterprises", "csv"]))
    assert response.status_code == 200
    assert response.content.startswith(codecs.BOM_UTF8)
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("统一社会信用代码,企业名称,企业类型")


def test_upload_preview_commit_and_the_enterprise_is_in_the_register(browser, post):
    rows = samples.enterprise_rows(4, counties=NANCHANG)
    rows[2]["region_code"] = "360105"
    response = _upload(post, samples.file_for("enterprises", rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("datacenter:import_detail", args=[job.pk])

    page = browser.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "360105 is not a current administrative division of this province." in html
    assert "所在地区划代码" in html
    assert 'data-testid="count-error">1<' in html
    errors_only = browser.get(response["Location"], {"outcome": "error"})
    assert [row.number for row in errors_only.context["page"].object_list] == [4]

    refused = post(reverse("datacenter:import_commit", args=[job.pk]), {"mode": "all"}, follow=True)
    assert "1 row has errors and you chose all or nothing" in refused.content.decode()
    assert not Enterprise.objects.exists()

    post(reverse("datacenter:import_commit", args=[job.pk]), {"mode": "valid"})
    done = browser.get(reverse("datacenter:import_detail", args=[job.pk]))
    assert 'data-testid="commit-result"' in done.content.decode()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.skipped_count) == ("committed", 3, 1)
    listing = browser.get(reverse("registry:enterprise_list"), {"q": rows[0]["uscc"]})
    assert rows[0]["name"] in listing.content.decode()

    twice = post(reverse("datacenter:import_commit", args=[job.pk]), {"mode": "valid"}, follow=True)
    assert "already committed" in twice.content.decode()


def test_reimport_says_nothing_changed(browser, post):
    data = samples.file_for("enterprises", samples.enterprise_rows(3, counties=NANCHANG))
    _upload(post, data)
    first = ImportJob.objects.get()
    post(reverse("datacenter:import_commit", args=[first.pk]), {"mode": "all"})
    _upload(post, data)
    second = ImportJob.objects.exclude(pk=first.pk).get()
    page = browser.get(reverse("datacenter:import_detail", args=[second.pk])).content.decode()
    assert "Every valid row already matches the register" in page
    post(reverse("datacenter:import_commit", args=[second.pk]), {"mode": "all"})
    page = browser.get(reverse("datacenter:import_detail", args=[second.pk])).content.decode()
    assert "Nothing changed:" in page and "(0 created, 0 updated)" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is a PNG file"),
        ("备注\n甲\n".encode("gbk"), "Unknown columns: 备注"),
    ],
)
def test_a_refused_upload_is_explained_on_the_page(browser, post, data, message):
    response = _upload(post, data, name="enterprises.xlsx")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_oversized_upload_is_refused_on_the_page(browser, post, settings):
    settings.YAOJIAN_IMPORT_MAX_BYTES = 1024
    data = samples.file_for(
        "enterprises", samples.enterprise_rows(20, counties=NANCHANG), fmt="csv"
    )
    response = _upload(post, data, name="big.csv")
    assert response.status_code == 422
    assert "the limit is 1.0" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_error_report_holds_the_rows_and_their_errors_and_can_come_back(browser, post):
    rows = samples.enterprise_rows(3, counties=NANCHANG)
    rows[1]["phone"] = "=1+2"
    rows[2]["kind"] = "小卖部"
    _upload(post, samples.file_for("enterprises", rows, fmt="csv"), name="e.csv")
    job = ImportJob.objects.get()
    response = browser.get(reverse("datacenter:import_report", args=[job.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0][0] == columns.ERRORS_COLUMN and table[0][1:4] == [
        "统一社会信用代码",
        "企业名称",
        "企业类型",
    ]
    assert table[1][0] is None and table[1][1] == rows[0]["uscc"]
    assert table[2][0].startswith("联系电话: A formula is not a value")
    phone = table[0].index("联系电话")
    assert table[2][phone] == "=1+2"
    assert sheet.cell(row=3, column=phone + 1).data_type == "s"  # text, never run
    assert "企业类型: “小卖部” is not one of the allowed values" in table[3][0]

    # corrected in Excel and uploaded again: the error column is ignored
    sheet.cell(row=3, column=phone + 1).value = "0791-86001234"
    sheet.cell(row=4, column=table[0].index("企业类型") + 1).value = "单体零售药店"
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    _upload(post, buffer.getvalue(), name="corrected.xlsx")
    corrected = ImportJob.objects.latest("pk")
    assert (corrected.create_rows, corrected.error_rows) == (3, 0)


def test_another_city_cannot_see_or_act_on_the_job(browser, post, client):
    _upload(post, samples.file_for("enterprises", samples.enterprise_rows(2, counties=NANCHANG)))
    job = ImportJob.objects.get()
    jiujiang = factories.regulator("360400", roles=[Role.APPROVER])
    client.force_login(jiujiang)
    assert job.file_name not in client.get(reverse("datacenter:import_list")).content.decode()
    for name in ("import_detail", "import_progress", "import_report"):
        assert client.get(reverse(f"datacenter:{name}", args=[job.pk])).status_code == 404
    for name in ("import_commit", "import_retry"):
        response = client.post(reverse(f"datacenter:{name}", args=[job.pk]), {"mode": "valid"})
        assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == "validated" and not Enterprise.objects.exists()


def test_the_list_shows_who_imported_what_and_the_counts(browser, post, approver):
    _upload(post, samples.file_for("enterprises", samples.enterprise_rows(2, counties=NANCHANG)))
    job = ImportJob.objects.get()
    post(reverse("datacenter:import_commit", args=[job.pk]), {"mode": "all"})
    html = browser.get(reverse("datacenter:import_list")).content.decode()
    assert "nanchang-pharmacies.xlsx" in html
    assert approver.full_name in html
    assert "2 new, 0 updated, 0 unchanged" in html
    city_leader = factories.regulator("360000", roles=[Role.LEADER])
    browser.force_login(city_leader)
    listing = browser.get(reverse("datacenter:import_list")).content.decode()
    assert "nanchang-pharmacies.xlsx" in listing


def test_a_running_job_polls_its_progress_and_reloads_when_done(browser, approver, post):
    _upload(post, samples.file_for("enterprises", samples.enterprise_rows(1, counties=NANCHANG)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    page = browser.get(reverse("datacenter:import_detail", args=[job.pk])).content.decode()
    progress_url = reverse("datacenter:import_progress", args=[job.pk])
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    partial = browser.get(progress_url, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "HX-Refresh" not in partial
    assert "Waiting for the background worker" in partial.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status="validated")
    done = browser.get(progress_url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


def test_a_failed_job_shows_its_reason_and_can_run_again(browser, post):
    _upload(post, samples.file_for("enterprises", samples.enterprise_rows(1, counties=NANCHANG)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="failed", error="The worker was stopped.")
    page = browser.get(reverse("datacenter:import_detail", args=[job.pk])).content.decode()
    assert "The worker was stopped." in page
    post(reverse("datacenter:import_retry", args=[job.pk]), {})
    job.refresh_from_db()
    assert job.status == "validated" and job.create_rows == 1
