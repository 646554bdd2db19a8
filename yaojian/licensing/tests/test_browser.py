"""End to end in Debian's chromium: a pharmacy applies for its retail drug trading licence in
the online service hall; the Nanchang bureau's reviewer accepts it and sends inspectors, the
inspector records the inspection on a phone, the reviewer finishes the review, the approver
approves; the pharmacy sees its licence number and downloads the electronic licence.
Screenshots go to test-artifacts/screenshots/licensing-*.png."""

from __future__ import annotations

import pytest

from yaojian.licensing.models import Application
from yaojian.testing import factories
from yaojian.testing.browser import PHONE, _local_only, log_in, log_in_regulator, shot

from .conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def open_page(browser, live_server):
    """Another person's browser (each actor keeps their own session), local-only like `page`."""
    contexts, external = [], []

    def opener(viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            viewport=viewport or {"width": 1366, "height": 860},
        )
        context.route("**/*", lambda route: _local_only(route, live_server.url, external))
        contexts.append(context)
        opened = context.new_page()
        opened.on("dialog", lambda dialog: dialog.accept())
        return opened

    yield opener
    for context in contexts:
        context.close()
    assert not external, f"pages tried to load from the internet: {external}"


def act(page, action: str) -> None:
    page.click(f"[data-testid=do-{action}]")
    page.wait_for_load_state()


def test_from_application_to_electronic_licence(
    page, open_page, matters, applicant, pharmacy, city_staff
):
    # --- the pharmacy applies ---------------------------------------------------------------
    page.goto("/hall/")
    assert page.locator("[data-testid=matter]").count() == 12
    shot(page, "licensing-hall-anonymous")
    log_in(page, applicant.username)
    page.wait_for_url("**/my/")
    page.goto("/hall/")
    page.click("[data-code=drug-retail-new] [data-testid=apply]")
    page.wait_for_url("**/hall/apply/drug-retail-new/")
    shot(page, "licensing-apply")
    page.click("[data-testid=start-application]")
    page.wait_for_url("**/my/applications/*/")
    application = Application.objects.get()
    assert page.input_value("#id_form-enterprise_name") == pharmacy.name  # filled from the register
    page.fill("#id_form-principal", "王健")
    page.fill("#id_form-quality_manager", "李敏")
    for item in ("处方药", "甲类非处方药", "乙类非处方药", "中成药"):
        page.check(f"input[name=form-scope][value={item}]")
    page.click("[data-testid=save]")
    page.wait_for_load_state()
    assert Application.objects.get().form_data["principal"] == "王健"
    shot(page, "licensing-draft")

    # a wrong file first: a PNG named .pdf is refused on its own material, by its content
    first = page.locator("[data-testid=material][data-code=application_form]")
    first.locator("input[type=file]").set_input_files(
        {
            "name": "申请表.pdf",
            "mimeType": "application/pdf",
            "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        }
    )
    first.locator("[data-testid=upload]").click()
    page.wait_for_selector("[data-code=application_form] [data-field-error=file]")
    shot(page, "licensing-upload-refused")
    for code in [m["code"] for m in application.matter.materials]:
        row = page.locator(f"[data-testid=material][data-code={code}]")
        row.locator("input[type=file]").set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        row.locator("[data-testid=upload]").click()
        page.wait_for_selector(f"[data-code={code}] [data-testid=uploaded-file]")
    assert application.uploaded_materials.count() == len(application.matter.materials)
    assert "alert-success" in page.inner_html("#missing-items")
    shot(page, "licensing-materials")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=completeness]")
    assert Application.objects.get().status == "submitted"
    shot(page, "licensing-submitted")

    # --- the city bureau: accept, send inspectors --------------------------------------------
    reviewer = open_page()
    log_in_regulator(reviewer, city_staff["reviewer"])
    reviewer.goto("/workbench/licensing/")
    assert reviewer.locator("[data-testid=application-row]").count() == 1
    shot(reviewer, "licensing-list")
    reviewer.click(f"text={application.number}")
    reviewer.wait_for_url(f"**/workbench/licensing/{application.pk}/")
    assert reviewer.locator("[data-testid=precheck]").count() == 10
    assert (
        reviewer.locator("[data-testid=precheck][data-code=pharmacist][data-result=pass]").count()
        == 1
    )
    shot(reviewer, "licensing-case-submitted")
    act(reviewer, "accept")
    assert Application.objects.get().status == "reviewing"
    reviewer.fill("#id_start_inspection-note", "核查经营场所、仓储条件和执业药师在岗情况")
    act(reviewer, "start_inspection")
    assert Application.objects.get().status == "inspecting"
    shot(reviewer, "licensing-case-inspecting")

    # --- the inspector, on a phone --------------------------------------------------------------
    inspector = open_page(PHONE)
    log_in_regulator(inspector, city_staff["inspector"])
    inspector.goto(f"/workbench/licensing/{application.pk}/")
    inspector.check("#id_finish_inspection-passed_0")
    inspector.fill(
        "#id_finish_inspection-report",
        "经营场所、设施设备与申报一致，执业药师在岗，符合《药品经营质量管理规范》",
    )
    shot(inspector, "licensing-inspection-phone")
    act(inspector, "finish_inspection")
    assert Application.objects.get().status == "reviewing"

    # --- the review, then the decision ----------------------------------------------------------
    reviewer.reload()
    reviewer.fill("#id_finish_review-opinion", "材料齐全，现场检查符合要求，同意核发")
    act(reviewer, "finish_review")
    assert Application.objects.get().status == "deciding"
    approver = open_page()
    log_in_regulator(approver, city_staff["approver"])
    approver.goto(f"/workbench/licensing/{application.pk}/")
    approver.check("#id_decide-approve_0")
    approver.fill("#id_decide-reasons", "申请人符合药品零售企业开办条件")
    shot(approver, "licensing-decide")
    act(approver, "decide")
    application.refresh_from_db()
    assert application.status == "issued" and application.licence is not None
    assert approver.is_visible("[data-testid=elicence-versions]")
    shot(approver, "licensing-case-issued")

    # --- the pharmacy sees its licence and downloads the electronic licence -----------------------
    page.goto(f"/my/applications/{application.pk}/")
    assert page.text_content("[data-testid=licence-number]").strip() == application.licence.number
    shot(page, "licensing-enterprise-issued")
    with page.expect_download() as download:
        page.click("[data-testid=elicence-pdf]")
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.goto("/my/applications/")
    assert page.locator("[data-testid=my-application]").count() == 1
    shot(page, "licensing-my-applications")
    page.set_viewport_size(PHONE)
    page.goto(f"/my/applications/{application.pk}/")
    shot(page, "licensing-enterprise-issued-phone")

    # --- the leader's figures ---------------------------------------------------------------------
    leader = open_page()
    log_in_regulator(leader, city_staff["leader"])
    leader.goto("/workbench/licensing/efficiency/")
    assert leader.text_content("[data-testid=on-time-rate]").strip() == "100%"
    leader.wait_for_timeout(1000)  # let the charts finish their animation
    shot(leader, "licensing-efficiency")


def test_the_administrator_edits_the_catalogue_and_sees_the_faulty_item(page, matters, province):
    from yaojian.accounts.choices import Role

    admin = factories.regulator("360000", roles=[Role.SYSTEM_ADMIN], username="sys-admin")
    log_in_regulator(page, admin)
    page.goto("/workbench/licensing/matters/")
    assert page.locator("[data-testid=matter-row]").count() == 12
    shot(page, "licensing-matters")
    page.click("[data-code=drug-retail-new] a")
    page.wait_for_url("**/matters/drug-retail-new/")
    text = page.input_value("#id_materials")
    page.fill(
        "#id_materials",
        text.replace('"types": [\n      "pdf"\n    ]', '"types": [\n      "doc"\n    ]', 1),
    )
    page.click("[data-testid=save-matter]")
    page.wait_for_selector("[data-field-error=materials]")
    assert "materials.0.types.0" in page.text_content("[data-field-error=materials]")
    shot(page, "licensing-matter-error")


def test_one_correction_notice_and_the_answer(page, open_page, matters, applicant, city_staff):
    from yaojian.licensing import services

    application = services.application_create(actor=applicant, matter_code="drug-retail-new")
    form = {**application.form_data, "principal": "王健", "scope": ["处方药", "中成药"]}
    services.application_save(actor=applicant, application_id=application.pk, form_data=form)
    for material in application.matter.materials:
        if material["code"] != "floor_plan":
            services.material_upload(
                actor=applicant,
                application_id=application.pk,
                code=material["code"],
                name=f"{material['code']}.pdf",
                data=PDF,
            )
    services.application_submit(actor=applicant, application_id=application.pk)

    reviewer = open_page()
    log_in_regulator(reviewer, city_staff["reviewer"])
    reviewer.goto(f"/workbench/licensing/{application.pk}/")
    # the missing items are already listed; one more row for a faulty one
    assert reviewer.input_value("#id_request_correction-0-item") == "经营场所平面布局图"
    reviewer.click("[data-action=request_correction] [data-add-row]")
    rows = reviewer.locator("[data-action=request_correction] [data-rows] .row")
    last = rows.count() - 1
    reviewer.fill(f"#id_request_correction-{last}-item", "营业执照")
    reviewer.fill(f"#id_request_correction-{last}-reason", "复印件不清晰，请重新上传")
    shot(reviewer, "licensing-correction-request")
    act(reviewer, "request_correction")
    application.refresh_from_db()
    assert application.status == "correcting"
    assert [i["item"] for i in application.correction.items] == [
        "经营场所平面布局图",
        "质量负责人",
        "营业执照",
    ]

    log_in(page, applicant.username)
    page.wait_for_url("**/my/")
    page.goto(f"/my/applications/{application.pk}/")
    assert page.is_visible("[data-testid=correction-notice]")
    page.fill("#id_form-quality_manager", "李敏")
    row = page.locator("[data-testid=material][data-code=floor_plan]")
    row.locator("input[type=file]").set_input_files(
        {"name": "平面图.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    row.locator("[data-testid=upload]").click()
    page.wait_for_selector("[data-code=floor_plan] [data-testid=uploaded-file]")
    page.fill("#id_note", "已补充平面布局图、质量负责人，并重新上传营业执照")
    shot(page, "licensing-correction-answer")
    page.click("[data-testid=answer]")
    page.wait_for_selector("[data-testid=completeness]")
    application.refresh_from_db()
    assert application.status == "submitted" and application.form_data["quality_manager"] == "李敏"
    shot(page, "licensing-correction-sent")
