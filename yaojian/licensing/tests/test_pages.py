"""The hall's pages: who sees what, forms that refuse bad input and change nothing, only the
actions the workflow allows, materials streamed in scope and audited, the Excel export."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yaojian.accounts.choices import Role
from yaojian.audit.models import AuditEntry
from yaojian.licensing import services
from yaojian.licensing.models import Application, Material, Matter
from yaojian.testing import factories

from .conftest import PDF, PNG

SCOPE = ["处方药", "甲类非处方药", "乙类非处方药", "中成药"]


def draft(applicant, code="drug-retail-new", upload=True, **form):
    application = services.application_create(actor=applicant, matter_code=code)
    data = {
        **application.form_data,
        "principal": "王健",
        "quality_manager": "李敏",
        "scope": SCOPE,
        **form,
    }
    services.application_save(actor=applicant, application_id=application.pk, form_data=data)
    if upload:
        for material in application.matter.materials:
            services.material_upload(
                actor=applicant,
                application_id=application.pk,
                code=material["code"],
                name=f"{material['code']}.pdf",
                data=PDF,
            )
    return Application.objects.get(pk=application.pk)


def submitted(applicant, **kwargs):
    application = draft(applicant, **kwargs)
    services.application_submit(actor=applicant, application_id=application.pk)
    return Application.objects.get(pk=application.pk)


def page(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(name, args=args), query)


def text(response) -> str:
    return response.content.decode()


def post_form(application, **values):
    """The POST of the application page: the prefixed form fields plus `action`."""
    data = {"action": values.pop("action", "save")}
    for name, value in values.items():
        data[name if name in ("note",) else f"form-{name}"] = value
    return data


@pytest.fixture
def other_pharmacy(province):
    enterprise = factories.EnterpriseFactory(
        region_code="360102", kind="retail_pharmacy", name="南昌市东湖区百姓药房"
    )
    return factories.enterprise_user(enterprise, username="baixing")


@pytest.fixture
def jiujiang_reviewer(province):
    return factories.regulator(
        "360400", roles=[Role.REVIEWER, Role.APPROVER, Role.LEADER], username="jj-reviewer"
    )


# --- the catalogue ----------------------------------------------------------------------------


def test_the_hall_lists_every_matter_for_anyone(client, matters):
    response = client.get(reverse("licensing:hall"))
    assert response.status_code == 200
    body = text(response)
    assert body.count('data-testid="matter"') == len(matters) == 12
    assert "药品经营许可证核发（零售）" in body and "《中华人民共和国药品管理法》第五十二条" in body
    assert 'data-testid="login-to-apply"' in body


def test_the_hall_offers_apply_to_enterprises_with_the_right(client, matters, applicant, pharmacy):
    body = text(page(client, applicant, "licensing:hall"))
    assert reverse("licensing:apply", args=["drug-retail-new"]) in body
    viewer = factories.enterprise_user(pharmacy, master=False, rights=["view"])
    body = text(page(client, viewer, "licensing:hall"))
    assert 'btn-primary" href="/hall/apply/' not in body and "disabled" in body


def test_anonymous_apply_goes_to_the_login(client, matters):
    response = client.get(reverse("licensing:apply", args=["drug-retail-new"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_apply_creates_a_draft_filled_from_the_register(client, matters, applicant, pharmacy):
    response = page(client, applicant, "licensing:apply", "drug-retail-new")
    assert response.status_code == 200 and "执业药师注册证" in text(response)
    response = client.post(reverse("licensing:apply", args=["drug-retail-new"]))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "licensing:my_application", args=[application.pk]
    )
    assert (
        application.status == "draft" and application.form_data["enterprise_name"] == pharmacy.name
    )


def test_a_change_chooses_one_of_the_enterprises_licences(client, matters, applicant, pharmacy):
    response = page(client, applicant, "licensing:apply", "drug-retail-change")
    assert 'data-testid="no-licence"' in text(response)
    licence = factories.LicenceFactory(holder=pharmacy, kind="drug_retail")
    foreign = factories.LicenceFactory(kind="drug_retail")
    response = client.get(reverse("licensing:apply", args=["drug-retail-change"]))
    assert licence.number in text(response) and foreign.number not in text(response)
    response = client.post(
        reverse("licensing:apply", args=["drug-retail-change"]), {"licence_number": foreign.number}
    )
    assert response.status_code == 200 and 'data-field-error="licence_number"' in text(response)
    assert not Application.objects.exists()
    client.post(
        reverse("licensing:apply", args=["drug-retail-change"]), {"licence_number": licence.number}
    )
    assert Application.objects.get().form_data["licence_number"] == licence.number


def test_apply_needs_the_right_and_is_for_enterprises_only(client, matters, pharmacy, city_staff):
    viewer = factories.enterprise_user(pharmacy, master=False, rights=["view"])
    client.force_login(viewer)
    assert client.post(reverse("licensing:apply", args=["drug-retail-new"])).status_code == 403
    assert AuditEntry.objects.filter(
        action="licensing.application.create", outcome="denied"
    ).exists()
    assert (
        page(client, city_staff["reviewer"], "licensing:apply", "drug-retail-new").status_code
        == 404
    )
    assert page(client, viewer, "licensing:apply", "no-such-matter").status_code == 404
    assert not Application.objects.exists()


# --- the enterprise's application page ----------------------------------------------------------


def test_the_draft_page_shows_the_form_materials_and_route(client, matters, applicant, pharmacy):
    application = draft(applicant, upload=False)
    response = page(client, applicant, "licensing:my_application", application.pk)
    body = text(response)
    assert response.status_code == 200
    assert f'value="{pharmacy.name}"' in body  # prefilled
    assert body.count('data-testid="upload-form"') == len(application.matter.materials)
    assert 'accept=".pdf,application/pdf"' in body and "10 MB" in body
    assert 'data-testid="promise-text"' in body and "经营场所平面布局图" in body
    assert 'data-testid="submit"' in body and 'data-testid="withdraw"' in body


def test_saving_with_bad_values_shows_field_errors_and_changes_nothing(client, matters, applicant):
    application = draft(applicant, upload=False)
    before = dict(application.form_data)
    client.force_login(applicant)
    url = reverse("licensing:my_application", args=[application.pk])
    response = client.post(
        url, post_form(application, phone="not a phone", scope=["不在范围内"], principal="x" * 400)
    )
    body = text(response)
    assert response.status_code == 200
    for name in ("phone", "scope", "principal"):
        assert f'data-field-error="{name}"' in body
    application.refresh_from_db()
    assert application.form_data == before


def test_the_commitment_route_needs_the_promise(client, matters, applicant):
    application = draft(applicant, upload=False)
    client.force_login(applicant)
    url = reverse("licensing:my_application", args=[application.pk])
    values = {**application.form_data, "route": "commitment"}
    response = client.post(url, post_form(application, **values))
    assert 'data-field-error="promise"' in text(response)
    assert Application.objects.get(pk=application.pk).route == "normal"
    client.post(url, post_form(application, **values, promise="on"))
    assert Application.objects.get(pk=application.pk).route == "commitment"


def test_save_then_submit_from_the_page(client, matters, applicant):
    application = draft(applicant)
    client.force_login(applicant)
    url = reverse("licensing:my_application", args=[application.pk])
    values = {**application.form_data, "principal": "张伟"}
    response = client.post(url, post_form(application, **values, action="save"))
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).form_data["principal"] == "张伟"
    response = client.post(url, post_form(application, **values, action="submit"))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"
    body = text(client.get(url))
    assert 'data-testid="application-form"' not in body  # read-only once submitted
    assert 'data-testid="completeness"' in body
    assert (
        'data-testid="precheck"' not in body and 'data-code="pharmacist"' not in body
    )  # completeness only
    assert 'data-action="submit"' in body  # the steps


def test_uploads_are_judged_by_content_and_shown_on_the_material(client, matters, applicant):
    application = draft(applicant, upload=False)
    client.force_login(applicant)
    url = reverse("licensing:material_upload", args=[application.pk])
    fake = io.BytesIO(PNG)
    fake.name = "申请表.pdf"
    response = client.post(
        url, {"code": "application_form", "file": fake}, headers={"HX-Request": "true"}
    )
    body = text(response)
    assert response.status_code == 200
    assert 'id="material-application_form"' in body and 'data-field-error="file"' in body
    assert 'hx-swap-oob="true"' in body
    assert not Material.objects.exists()
    good = io.BytesIO(PDF)
    good.name = "申请表.pdf"
    response = client.post(
        url, {"code": "application_form", "file": good}, headers={"HX-Request": "true"}
    )
    assert "申请表.pdf" in text(response) and 'data-field-error="file"' not in text(response)
    material = Material.objects.get()
    # without htmx: back to the page
    again = io.BytesIO(PDF)
    again.name = "x.pdf"
    response = client.post(url, {"code": "no_such", "file": again})
    assert response.status_code == 302 and Material.objects.count() == 1
    response = client.post(
        reverse("licensing:material_delete", args=[application.pk, material.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and not Material.objects.exists()


def test_another_enterprise_finds_nothing(client, matters, applicant, other_pharmacy):
    application = draft(applicant, upload=False)
    material = services.material_upload(
        actor=applicant,
        application_id=application.pk,
        code="application_form",
        name="a.pdf",
        data=PDF,
    )
    client.force_login(other_pharmacy)
    assert client.get(reverse("licensing:my_application", args=[application.pk])).status_code == 404
    assert (
        client.get(reverse("licensing:my_material", args=[application.pk, material.pk])).status_code
        == 404
    )
    fake = io.BytesIO(PDF)
    fake.name = "a.pdf"
    assert (
        client.post(
            reverse("licensing:material_upload", args=[application.pk]),
            {"code": "business_licence", "file": fake},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("licensing:material_delete", args=[application.pk, material.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("licensing:my_application", args=[application.pk]), {"action": "withdraw"}
        ).status_code
        == 404
    )
    assert Material.objects.count() == 1 and Application.objects.get().status == "draft"


def test_a_sub_account_without_the_right_may_not_edit(client, matters, applicant, pharmacy):
    application = draft(applicant, upload=False)
    viewer = factories.enterprise_user(pharmacy, master=False, rights=["view"])
    response = page(client, viewer, "licensing:my_application", application.pk)
    assert response.status_code == 200 and 'data-testid="application-form"' not in text(response)
    response = client.post(
        reverse("licensing:my_application", args=[application.pk]),
        post_form(application, principal="改"),
    )
    assert response.status_code == 403
    assert (
        "principal" not in Application.objects.get(pk=application.pk).form_data
        or Application.objects.get(pk=application.pk).form_data["principal"] != "改"
    )


def test_withdraw_from_the_page(client, matters, applicant):
    application = submitted(applicant)
    client.force_login(applicant)
    response = client.post(
        reverse("licensing:my_application", args=[application.pk]),
        {"action": "withdraw", "reason": "暂缓开业"},
    )
    assert (
        response.status_code == 302
        and Application.objects.get(pk=application.pk).status == "withdrawn"
    )


def test_answering_a_correction_from_the_page(client, matters, applicant, city_staff):
    application = submitted(applicant)
    services.application_request_correction(
        actor=city_staff["reviewer"],
        application_id=application.pk,
        items=[{"item": "营业执照", "reason": "已过期"}],
    )
    response = page(client, applicant, "licensing:my_application", application.pk)
    body = text(response)
    assert (
        'data-testid="correction-notice"' in body
        and "已过期" in body
        and 'data-testid="answer"' in body
    )
    response = client.post(
        reverse("licensing:my_application", args=[application.pk]),
        post_form(application, **application.form_data, action="answer", note="已更新营业执照"),
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.correction.answered_at is not None


def test_a_regulator_opening_the_enterprise_page_lands_on_the_case(
    client, matters, applicant, city_staff
):
    application = draft(applicant, upload=False)
    response = page(client, city_staff["reviewer"], "licensing:my_application", application.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("licensing:application_detail", args=[application.pk])


def test_my_applications_lists_only_my_own(client, matters, applicant, other_pharmacy):
    mine = draft(applicant, upload=False)
    theirs = draft(other_pharmacy, upload=False)
    response = page(client, applicant, "portal:my_applications")
    body = text(response)
    assert response.status_code == 200
    assert mine.number in body and theirs.number not in body


# --- the regulators' pages --------------------------------------------------------------------


def test_the_list_is_scoped_filtered_sorted_and_exported(
    client, matters, applicant, other_pharmacy, city_staff, jiujiang_reviewer
):
    one = submitted(applicant)
    two = draft(other_pharmacy, upload=False)
    response = page(client, city_staff["reviewer"], "licensing:application_list")
    body = text(response)
    assert response.status_code == 200 and one.number in body and two.number in body
    body = text(client.get(reverse("licensing:application_list"), {"status": "open"}))
    assert one.number in body and two.number not in body
    body = text(client.get(reverse("licensing:application_list"), {"q": "百姓"}))
    assert two.number in body and one.number not in body
    assert (
        client.get(
            reverse("licensing:application_list"), {"sort": "deadline", "due": "overdue"}
        ).status_code
        == 200
    )
    rows = client.get(
        reverse("licensing:application_list"), {"status": "open"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in text(rows) and one.number in text(rows)
    export = client.get(reverse("licensing:application_list"), {"status": "open", "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and values[1][0] == one.number
    # another city sees none of Nanchang's applications
    body = text(page(client, jiujiang_reviewer, "licensing:application_list"))
    assert one.number not in body and two.number not in body


def test_enterprises_do_not_reach_the_work_portal(client, matters, applicant):
    application = submitted(applicant)
    for name, args in (
        ("licensing:application_list", ()),
        ("licensing:application_detail", (application.pk,)),
        ("licensing:efficiency", ()),
        ("licensing:matters", ()),
    ):
        assert page(client, applicant, name, *args).status_code == 404


def test_the_case_shows_everything_and_only_the_allowed_actions(
    client, matters, applicant, city_staff, pharmacy
):
    application = submitted(applicant)
    response = page(client, city_staff["reviewer"], "licensing:application_detail", application.pk)
    body = text(response)
    assert response.status_code == 200
    assert reverse("registry:enterprise_detail", args=[pharmacy.pk]) in body
    assert body.count('data-testid="precheck"') == 10 and 'data-code="pharmacist"' in body
    assert body.count('data-testid="download"') == len(application.matter.materials)
    actions = {
        a
        for a in (
            "accept",
            "request_correction",
            "not_accept",
            "start_inspection",
            "finish_inspection",
            "finish_review",
            "decide",
            "request_extension",
            "approve_extension",
        )
        if f'data-testid="do-{a}"' in body
    }
    assert actions == {"accept", "request_correction", "not_accept"}
    body = text(
        page(client, city_staff["inspector"], "licensing:application_detail", application.pk)
    )
    assert 'data-testid="do-' not in body and 'data-testid="no-actions"' in body
    body = text(
        page(client, city_staff["approver"], "licensing:application_detail", application.pk)
    )
    assert 'data-testid="do-decide"' not in body  # nothing to decide before acceptance


def test_outside_the_jurisdiction_is_not_found(client, matters, applicant, jiujiang_reviewer):
    application = submitted(applicant)
    material = application.uploaded_materials.first()
    client.force_login(jiujiang_reviewer)
    assert (
        client.get(reverse("licensing:application_detail", args=[application.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("licensing:application_act", args=[application.pk, "accept"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("licensing:material_download", args=[application.pk, material.pk])
        ).status_code
        == 404
    )
    assert Application.objects.get(pk=application.pk).status == "submitted"
    assert not AuditEntry.objects.filter(action="licensing.material.download").exists()


def test_the_whole_flow_through_the_case_page(client, matters, applicant, city_staff):
    application = submitted(applicant)
    url = lambda action: reverse("licensing:application_act", args=[application.pk, action])  # noqa: E731
    client.force_login(city_staff["reviewer"])
    assert client.post(url("accept")).status_code == 302
    assert (
        client.post(url("start_inspection"), {"start_inspection-note": "现场核查"}).status_code
        == 302
    )
    client.force_login(city_staff["inspector"])
    body = text(client.get(reverse("licensing:application_detail", args=[application.pk])))
    assert 'data-testid="do-finish_inspection"' in body
    response = client.post(
        url("finish_inspection"),
        {"finish_inspection-passed": "yes", "finish_inspection-report": "符合规范"},
    )
    assert response.status_code == 302
    client.force_login(city_staff["reviewer"])
    assert client.post(url("finish_review"), {"finish_review-opinion": "同意"}).status_code == 302
    client.force_login(city_staff["approver"])
    response = client.post(
        url("decide"),
        {
            "decide-approve": "approve",
            "decide-reasons": "符合条件",
            "decide-basis": "《药品管理法》第五十二条",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "issued" and application.licence is not None
    body = text(client.get(reverse("licensing:application_detail", args=[application.pk])))
    assert application.licence.number in body and 'data-testid="elicence-versions"' in body
    body = text(page(client, applicant, "licensing:my_application", application.pk))
    assert application.licence.number in body and 'data-testid="elicence-pdf"' in body
    assert "符合规范" not in body  # the inspection report stays internal


def test_action_forms_show_errors_on_their_fields_and_change_nothing(
    client, matters, applicant, city_staff
):
    application = submitted(applicant)
    client.force_login(city_staff["reviewer"])
    url = lambda action: reverse("licensing:application_act", args=[application.pk, action])  # noqa: E731
    response = client.post(url("not_accept"), {"not_accept-reasons": "", "not_accept-basis": ""})
    body = text(response)
    assert response.status_code == 200
    assert 'data-field-error="reasons"' in body and 'data-field-error="basis"' in body
    response = client.post(
        url("request_correction"),
        {
            "request_correction-TOTAL_FORMS": "2",
            "request_correction-INITIAL_FORMS": "0",
            "request_correction-0-item": "",
            "request_correction-0-reason": "",
            "request_correction-1-item": "",
            "request_correction-1-reason": "",
        },
    )
    assert response.status_code == 200 and 'data-testid="form-error"' in text(response)
    assert Application.objects.get(pk=application.pk).status == "submitted"
    # out of order: deciding before acceptance
    client.force_login(city_staff["approver"])
    response = client.post(
        url("decide"),
        {"decide-approve": "approve", "decide-reasons": "x", "decide-basis": "y"},
        follow=True,
    )
    assert (
        response.status_code == 200
        and Application.objects.get(pk=application.pk).status == "submitted"
    )
    assert "alert-danger" in text(response)


def test_the_wrong_role_is_refused(client, matters, applicant, city_staff):
    application = submitted(applicant)
    client.force_login(city_staff["inspector"])
    response = client.post(reverse("licensing:application_act", args=[application.pk, "accept"]))
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == "submitted"
    assert (
        client.post(
            reverse("licensing:application_act", args=[application.pk, "no-such-action"])
        ).status_code
        == 404
    )


def test_one_correction_notice_with_every_item(client, matters, applicant, city_staff):
    application = submitted(applicant)
    client.force_login(city_staff["reviewer"])
    body = text(client.get(reverse("licensing:application_detail", args=[application.pk])))
    assert 'data-formset="request_correction"' in body
    response = client.post(
        reverse("licensing:application_act", args=[application.pk, "request_correction"]),
        {
            "request_correction-TOTAL_FORMS": "3",
            "request_correction-INITIAL_FORMS": "0",
            "request_correction-0-item": "营业执照",
            "request_correction-0-reason": "已过期",
            "request_correction-1-item": "平面布局图",
            "request_correction-1-reason": "未标明仓储区",
            "request_correction-2-item": "",
            "request_correction-2-reason": "",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "correcting" and len(application.correction.items) == 2
    services.application_answer_correction(actor=applicant, application_id=application.pk)
    body = text(client.get(reverse("licensing:application_detail", args=[application.pk])))
    assert 'data-testid="do-request_correction"' not in body and 'data-testid="do-accept"' in body


def test_extension_request_and_approval(client, matters, applicant, city_staff):
    application = submitted(applicant)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    client.force_login(city_staff["reviewer"])
    url = lambda action: reverse("licensing:application_act", args=[application.pk, action])  # noqa: E731
    response = client.post(url("request_extension"), {"request_extension-reason": ""})
    assert 'data-field-error="reason"' in text(response)
    client.post(url("request_extension"), {"request_extension-reason": "需专家论证"})
    body = text(page(client, city_staff["leader"], "licensing:application_detail", application.pk))
    assert 'data-testid="do-approve_extension"' in body
    deadline = Application.objects.get(pk=application.pk).deadline
    assert client.post(url("approve_extension")).status_code == 302
    assert Application.objects.get(pk=application.pk).deadline > deadline


def test_material_download_streams_in_scope_and_is_audited(
    client, matters, applicant, city_staff, other_pharmacy
):
    application = submitted(applicant)
    material = application.uploaded_materials.first()
    client.force_login(city_staff["inspector"])
    response = client.get(
        reverse("licensing:material_download", args=[application.pk, material.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    entry = AuditEntry.objects.get(action="licensing.material.download")
    assert entry.actor_username == city_staff["inspector"].username and entry.object_id == str(
        application.pk
    )
    client.force_login(applicant)
    assert (
        client.get(reverse("licensing:my_material", args=[application.pk, material.pk])).status_code
        == 200
    )
    client.logout()
    assert (
        client.get(
            reverse("licensing:material_download", args=[application.pk, material.pk])
        ).status_code
        == 302
    )


def test_efficiency_for_the_jurisdiction(client, matters, applicant, city_staff):
    application = submitted(applicant)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    response = page(client, city_staff["leader"], "licensing:efficiency")
    body = text(response)
    assert response.status_code == 200
    assert 'id="data-efficiency"' in body and "vendor/echarts/echarts.min.js" in body
    assert 'data-testid="open-count">1<' in body


# --- the catalogue editor ------------------------------------------------------------------------


def test_only_administrators_and_leaders_edit_the_catalogue(client, matters, city_staff, sysadmin):
    assert page(client, city_staff["reviewer"], "licensing:matters").status_code == 403
    assert (
        page(client, city_staff["reviewer"], "licensing:matter_edit", "drug-retail-new").status_code
        == 403
    )
    response = page(client, sysadmin, "licensing:matters")
    assert response.status_code == 200 and text(response).count('data-testid="matter-row"') == 12
    response = page(client, city_staff["leader"], "licensing:matter_edit", "drug-retail-new")
    assert response.status_code == 200 and "&quot;application_form&quot;" in text(response)


def test_matter_errors_name_the_faulty_item_and_change_nothing(client, matters, sysadmin):
    matter = matters["drug-retail-new"]
    client.force_login(sysadmin)
    url = reverse("licensing:matter_edit", args=[matter.code])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "code"}
    data = {
        k: ("on" if v is True else ("" if v is None else v))
        for k, v in data.items()
        if v is not False
    }
    broken = [*matter.materials, {"code": "Bad Code", "name": ""}]

    response = client.post(
        url,
        {
            **data,
            "materials": json.dumps(broken, ensure_ascii=False),
            "form_fields": "[{oops",
            "committed_limit": 99,
        },
        headers={"Accept-Language": "en"},
    )
    body = text(response)
    assert response.status_code == 200
    assert 'data-field-error="form_fields"' in body and "line 1" in body
    assert 'data-field-error="committed_limit"' in body
    response = client.post(url, {**data, "materials": json.dumps(broken, ensure_ascii=False)})
    body = text(response)
    assert 'data-field-error="materials"' in body and "materials.6.code" in body
    assert Matter.objects.get(code=matter.code).materials == matter.materials
    response = client.post(url, {**data, "statutory_limit": 25})
    assert (
        response.status_code == 302 and Matter.objects.get(code=matter.code).statutory_limit == 25
    )


def test_a_new_matter(client, matters, sysadmin):
    client.force_login(sysadmin)
    url = reverse("licensing:matter_new")
    assert client.get(url).status_code == 200
    data = {
        "code": "drug-retail-new",
        "name": "重复",
        "legal_basis": "法",
        "kind": "new",
        "licence_kind": "drug_retail",
        "handling_level": "city",
        "statutory_limit": 20,
        "committed_limit": 10,
        "active": "on",
        "materials": '[{"code": "application_form", "name": "申请表"}]',
        "form_fields": "[]",
        "scope_choices": "[]",
    }
    response = client.post(url, data)
    assert 'data-field-error="code"' in text(response)
    response = client.post(url, {**data, "code": "cosmetics-filing", "name": "化妆品备案"})
    assert (
        response.status_code == 302
        and Matter.objects.get(code="cosmetics-filing").name == "化妆品备案"
    )


def test_an_overdue_clock_says_so_on_both_sides(client, matters, applicant, city_staff):
    import datetime as dt

    from django.utils import timezone

    application = submitted(applicant)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    Application.objects.filter(pk=application.pk).update(accepted_on=long_ago)
    body = text(
        page(client, city_staff["reviewer"], "licensing:application_detail", application.pk)
    )
    assert 'class="yj-remaining text-danger"' in body
    body = text(page(client, applicant, "licensing:my_application", application.pk))
    assert 'class="yj-remaining text-danger"' in body
    response = page(client, city_staff["reviewer"], "licensing:application_list", due="overdue")
    assert application.number not in text(
        response
    )  # the stored deadline is refreshed by the nightly job
