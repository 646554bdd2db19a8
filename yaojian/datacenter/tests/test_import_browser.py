"""End to end in Debian's chromium: a regulator imports an enterprise file with an error, sees
the error in the preview, uploads the corrected file, commits it and finds the enterprise in
the register and its file. Screenshots go to test-artifacts/screenshots/import-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from yaojian.accounts.choices import Role
from yaojian.datacenter.imports import samples
from yaojian.datacenter.models import ImportJob
from yaojian.registry.models import Enterprise
from yaojian.testing import factories
from yaojian.testing.browser import log_in_regulator, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(page, path: Path) -> None:
    page.goto("/workbench/datacenter/imports/")
    page.select_option("#id_register", "enterprises")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=upload-submit]")
    page.wait_for_url("**/workbench/datacenter/imports/*/")


def test_import_with_an_error_then_corrected_then_committed(page, province, tmp_path):
    importer = factories.regulator("360100", roles=[Role.APPROVER], username="nanchang-approver")
    rows = samples.enterprise_rows(6, counties=["360102", "360103", "360111"], seed=99)
    rows[0]["name"] = "南昌市东湖区百草堂大药房"
    rows[3]["region_code"] = "360105"  # 湾里区: no longer a division since 2019
    wrong = tmp_path / "南昌药店-有错.xlsx"
    wrong.write_bytes(samples.file_for("enterprises", rows))

    log_in_regulator(page, importer)
    page.goto("/workbench/datacenter/imports/")
    assert page.is_visible("[data-testid=template-enterprises-xlsx]")
    shot(page, "import-list-zh")

    _upload(page, wrong)
    page.wait_for_selector("[data-testid=preview]")
    assert page.text_content("[data-testid=count-error]").strip() == "1"
    error = page.locator("tr[data-row='5'] [data-testid=row-errors]")
    assert "所在地区划代码" in error.text_content()
    assert "360105" in error.text_content()
    shot(page, "import-preview-with-error-zh")
    page.click("[data-testid=filter-error]")
    page.wait_for_url("**?outcome=error")
    assert page.locator("[data-testid=preview] tbody tr").count() == 1
    shot(page, "import-preview-errors-only-zh")

    # the regulator corrects the division code and uploads the file again
    rows[3]["region_code"] = "360111"
    fixed = tmp_path / "南昌药店-已更正.xlsx"
    fixed.write_bytes(samples.file_for("enterprises", rows))
    _upload(page, fixed)
    page.wait_for_selector("[data-testid=commit-form]")
    assert page.text_content("[data-testid=count-error]").strip() == "0"
    assert page.text_content("[data-testid=count-create]").strip() == "6"
    page.check("input[name=mode][value=all]")
    shot(page, "import-preview-clean-zh")
    page.click("[data-testid=commit-submit]")
    page.wait_for_selector("[data-testid=commit-result]")
    assert "6" in page.text_content("[data-testid=commit-result]")
    shot(page, "import-committed-zh")
    assert Enterprise.objects.filter(uscc__in=[r["uscc"] for r in rows]).count() == 6

    page.goto("/workbench/datacenter/imports/")
    jobs = page.text_content("[data-testid=import-jobs]")
    assert "南昌药店-有错.xlsx" in jobs and "南昌药店-已更正.xlsx" in jobs
    shot(page, "import-list-after-zh")

    page.goto("/workbench/registry/enterprises/")
    page.fill("#filter-q", "百草堂")
    page.wait_for_selector("text=南昌市东湖区百草堂大药房")
    shot(page, "import-enterprise-in-register-zh")
    enterprise = Enterprise.objects.get(name="南昌市东湖区百草堂大药房")
    try:
        file_url = reverse("registry:enterprise_detail", args=[enterprise.pk])
    except NoReverseMatch:  # the enterprise file is not built yet
        return
    page.click("text=南昌市东湖区百草堂大药房")
    page.wait_for_url(f"**{file_url}")
    assert "南昌市东湖区百草堂大药房" in page.text_content("main")
    shot(page, "import-enterprise-file-zh")


def test_the_progress_bar_polls_and_the_page_shows_the_preview_when_ready(page, province, tmp_path):
    importer = factories.regulator("360100", roles=[Role.APPROVER], username="nanchang-poller")
    log_in_regulator(page, importer)
    path = tmp_path / "大文件.xlsx"
    path.write_bytes(
        samples.file_for("enterprises", samples.enterprise_rows(3, counties=["360102"], seed=5))
    )
    _upload(page, path)
    job = ImportJob.objects.get()
    # as if the worker had not got to it yet, half-way through checking
    ImportJob.objects.filter(pk=job.pk).update(status="validating")
    from yaojian.datacenter.imports import progress

    progress.report(job.pk, "checking", 1500, 3000, force=True)
    page.goto(f"/workbench/datacenter/imports/{job.pk}/")
    bar = page.locator("[data-testid=import-progress] .progress-bar")
    assert bar.get_attribute("style").replace(" ", "") == "width:57%"
    shot(page, "import-progress-zh")
    progress.clear(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(status="validated")
    page.wait_for_selector("[data-testid=preview]", timeout=5000)  # htmx reloads the page
    assert not page.is_visible("[data-testid=import-progress]")
