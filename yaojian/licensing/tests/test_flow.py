"""One application through the whole workflow, and each of its side roads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from yaojian.audit.models import AuditEntry
from yaojian.core import clock
from yaojian.core.errors import NotFound, PermissionDenied, TransitionNotAllowed, ValidationFailed
from yaojian.licensing import services
from yaojian.licensing.models import Application, Event
from yaojian.registry.formats import validate_drug_trading_number
from yaojian.registry.models import Licence
from yaojian.testing import factories
from yaojian.workbench.models import Message, Todo

from .conftest import PDF, PNG

SCOPE = ["处方药", "甲类非处方药", "乙类非处方药", "中成药"]


def draft(applicant, code="drug-retail-new", **form):
    application = services.application_create(actor=applicant, matter_code=code)
    data = {
        **application.form_data,
        "principal": "王健",
        "quality_manager": "李敏",
        "scope": SCOPE,
        **form,
    }
    services.application_save(
        actor=applicant,
        application_id=application.pk,
        form_data=data,
        route=form.pop("route", "normal") if "route" in form else "normal",
    )
    for material in application.matter.materials:
        services.material_upload(
            actor=applicant,
            application_id=application.pk,
            code=material["code"],
            name=f"{material['code']}.pdf",
            data=PDF,
        )
    return Application.objects.get(pk=application.pk)


def statuses(application):
    return list(Event.objects.filter(application=application).values_list("to_status", flat=True))


def test_from_submission_to_the_licence(matters, applicant, city_staff, pharmacy):
    application = draft(applicant)
    assert application.form_data["enterprise_name"] == pharmacy.name  # filled from the register
    assert application.handling_bureau.region_code == "360100"
    services.application_submit(actor=applicant, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert {c["code"]: c["result"] for c in application.prechecks}["pharmacist"] == "pass"
    assert (
        Todo.objects.filter(
            kind="licensing.accept", bureau__region_code="360100", status="open"
        ).count()
        == 1
    )

    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    application.refresh_from_db()
    today = timezone.localdate()
    assert application.accepted_on == today
    assert application.deadline == clock.add_days(today, 20)
    assert application.committed_deadline == clock.add_days(today, 10)

    services.application_start_inspection(
        actor=city_staff["reviewer"], application_id=application.pk, note="现场核查"
    )
    services.application_finish_inspection(
        actor=city_staff["inspector"],
        application_id=application.pk,
        passed=True,
        report="符合《药品经营质量管理规范》",
    )
    services.application_finish_review(
        actor=city_staff["reviewer"], application_id=application.pk, opinion="同意"
    )
    services.application_decide(
        actor=city_staff["approver"],
        application_id=application.pk,
        approve=True,
        reasons="符合条件",
        basis="《药品管理法》第五十二条",
    )
    application.refresh_from_db()
    assert application.status == "issued"
    licence = application.licence
    assert validate_drug_trading_number(licence.number, expected_class="retail")
    assert licence.holder == pharmacy and licence.scope == "、".join(SCOPE)
    assert licence.valid_until == today.replace(year=today.year + 5) - dt.timedelta(days=1)
    assert statuses(application) == [
        "draft",
        "submitted",
        "reviewing",
        "inspecting",
        "reviewing",
        "deciding",
        "issued",
    ]
    assert licence.electronic_versions.count() == 1
    assert Message.objects.filter(recipient=applicant).count() >= 3
    assert (
        not Todo.objects.filter(object_id=str(application.pk), status="open")
        .exclude(kind="licensing.verification")
        .exists()
    )
    assert AuditEntry.objects.filter(
        action="licensing.application.approve", object_id=str(application.pk)
    ).exists()


def test_one_correction_notice_listing_everything(matters, applicant, city_staff):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    items = [
        {"item": "营业执照", "reason": "已过期"},
        {"item": "平面布局图", "reason": "未标明仓储区"},
    ]
    services.application_request_correction(
        actor=city_staff["reviewer"], application_id=application.pk, items=items
    )
    assert Application.objects.get(pk=application.pk).status == "correcting"
    services.application_answer_correction(
        actor=applicant, application_id=application.pk, note="已更新"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.application_request_correction(
            actor=city_staff["reviewer"], application_id=application.pk, items=items
        )
    assert "items" in caught.value.errors
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_steps_out_of_order_change_nothing(matters, applicant, city_staff):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    with pytest.raises(TransitionNotAllowed):
        services.application_decide(
            actor=city_staff["approver"],
            application_id=application.pk,
            approve=True,
            reasons="x",
            basis="y",
        )
    application.refresh_from_db()
    assert application.status == "submitted" and application.licence is None
    assert AuditEntry.objects.filter(
        action="licensing.application.decide", outcome="failed"
    ).exists()


def test_the_wrong_role_or_bureau_is_refused(matters, applicant, city_staff, province):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    with pytest.raises(PermissionDenied):
        services.application_accept(actor=city_staff["inspector"], application_id=application.pk)
    other_city = factories.regulator("360400", roles=["reviewer"])
    with pytest.raises(NotFound):
        services.application_accept(actor=other_city, application_id=application.pk)
    assert Application.objects.get(pk=application.pk).status == "submitted"
    assert AuditEntry.objects.filter(
        outcome="denied", action="licensing.application.accept"
    ).exists()


def test_a_filing_is_decided_at_once_and_verified_later(matters, applicant, pharmacy):
    application = draft(applicant, code="device-trading-ii-filing", scope=["07 医用诊察和监护器械"])
    services.application_submit(actor=applicant, application_id=application.pk)
    application.refresh_from_db()
    assert application.status == "issued"
    assert (
        application.licence.kind == "device_trading_ii" and application.licence.valid_until is None
    )
    # the verification is an inspection request for the enterprise's county inspectors
    from yaojian.inspection.models import Inspection

    requested = Inspection.objects.get(origin="licence_commitment", origin_ref=application.number)
    assert requested.enterprise_id == application.enterprise_id and requested.status == "pending"
    assert (
        Todo.objects.filter(kind="inspection.schedule", role="inspector", status="open").count()
        == 1
    )


def test_commitment_route_approves_at_once_only_when_every_check_passes(
    matters, applicant, pharmacy
):
    application = services.application_create(actor=applicant, matter_code="drug-retail-new")
    form = {**application.form_data, "principal": "王健", "quality_manager": "李敏", "scope": SCOPE}
    services.application_save(
        actor=applicant, application_id=application.pk, form_data=form, route="commitment"
    )
    for material in application.matter.materials:
        if not material.get("waived_by_commitment"):
            services.material_upload(
                actor=applicant,
                application_id=application.pk,
                code=material["code"],
                name="a.pdf",
                data=PDF,
            )
    services.application_submit(actor=applicant, application_id=application.pk)
    assert Application.objects.get(pk=application.pk).status == "issued"
    # a second pharmacy without a pharmacist goes to ordinary review
    lacking = factories.EnterpriseFactory(region_code="360102", kind="retail_pharmacy")
    user = factories.enterprise_user(lacking)
    second = services.application_create(actor=user, matter_code="drug-retail-new")
    services.application_save(
        actor=user,
        application_id=second.pk,
        form_data={**second.form_data, "scope": SCOPE, "principal": "x", "quality_manager": "y"},
        route="commitment",
    )
    services.application_submit(actor=user, application_id=second.pk)
    second.refresh_from_db()
    assert second.status == "submitted"
    assert {c["code"]: c["result"] for c in second.prechecks}["pharmacist"] == "fail"


def test_materials_are_judged_by_their_content(matters, applicant):
    application = services.application_create(actor=applicant, matter_code="drug-retail-new")
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        services.material_upload(
            actor=applicant,
            application_id=application.pk,
            code="application_form",
            name="申请表.pdf",
            data=PNG,
        )
    assert "PDF" in caught.value.errors["file"][0] and "PNG" in caught.value.errors["file"][0]
    with pytest.raises(ValidationFailed):
        services.material_upload(
            actor=applicant,
            application_id=application.pk,
            code="business_licence",
            name="licence.pdf",
            data=b"MZ\x90\x00 not a document",
        )
    with pytest.raises(ValidationFailed):
        services.material_upload(
            actor=applicant, application_id=application.pk, code="no_such", name="a.pdf", data=PDF
        )
    assert application.uploaded_materials.count() == 0


def test_silence_for_five_working_days_counts_as_acceptance(matters, applicant):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=12)
    )
    assert services.accept_overdue() == 1
    application.refresh_from_db()
    assert application.status == "reviewing" and application.accepted_on == timezone.localdate()
    assert Event.objects.filter(
        application=application, action="auto_accept", actor__isnull=True
    ).exists()


def test_one_extension_of_ten_working_days_with_a_leader(matters, applicant, city_staff):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    deadline = Application.objects.get(pk=application.pk).deadline
    services.extension_request(
        actor=city_staff["reviewer"], application_id=application.pk, reason="需专家论证"
    )
    with pytest.raises(PermissionDenied):
        services.extension_approve(actor=city_staff["approver"], application_id=application.pk)
    services.extension_approve(actor=city_staff["leader"], application_id=application.pk)
    application.refresh_from_db()
    assert application.deadline == clock.add_days(deadline, 10)
    with pytest.raises(ValidationFailed):
        services.extension_request(
            actor=city_staff["reviewer"], application_id=application.pk, reason="再次"
        )


def test_an_inspection_pauses_the_clock(matters, applicant, city_staff):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    services.application_start_inspection(
        actor=city_staff["reviewer"], application_id=application.pk
    )
    application.refresh_from_db()
    pause = application.pauses.get()
    pause.start = application.accepted_on
    pause.end = clock.add_days(application.accepted_on, 3)
    pause.save()
    from yaojian.licensing import clock as application_clock

    state = application_clock.state(application, pause.end)
    assert state.deadline == clock.deadline(
        application.accepted_on, 20, pauses=[clock.Pause(pause.start, pause.end, "x")]
    )
    assert state.deadline > clock.add_days(application.accepted_on, 20)


def test_refusal_needs_reasons_and_legal_basis(matters, applicant, city_staff):
    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    services.application_start_inspection(
        actor=city_staff["reviewer"], application_id=application.pk
    )
    services.application_finish_inspection(
        actor=city_staff["inspector"],
        application_id=application.pk,
        passed=False,
        report="无执业药师在岗",
    )
    services.application_finish_review(
        actor=city_staff["reviewer"], application_id=application.pk, opinion="不符合"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.application_decide(
            actor=city_staff["approver"],
            application_id=application.pk,
            approve=False,
            reasons="",
            basis="",
        )
    assert {"reasons", "basis"} <= set(caught.value.errors)
    services.application_decide(
        actor=city_staff["approver"],
        application_id=application.pk,
        approve=False,
        reasons="现场检查不符合",
        basis="《药品经营和使用质量监督管理办法》第十五条",
    )
    assert Application.objects.get(pk=application.pk).status == "refused"
    assert not Licence.objects.exists()


def test_change_renewal_and_cancellation_update_the_register(
    matters, applicant, city_staff, pharmacy
):
    today = timezone.localdate()
    licence = factories.LicenceFactory(
        holder=pharmacy, kind="drug_retail", valid_until=today + dt.timedelta(days=90)
    )

    def decide(code, **form):
        application = draft(applicant, code=code, licence_number=licence.number, **form)
        services.application_submit(actor=applicant, application_id=application.pk)
        services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
        application.refresh_from_db()
        if application.matter.inspection_step:
            services.application_start_inspection(
                actor=city_staff["reviewer"], application_id=application.pk
            )
            services.application_finish_inspection(
                actor=city_staff["inspector"],
                application_id=application.pk,
                passed=True,
                report="符合",
            )
        services.application_finish_review(
            actor=city_staff["reviewer"], application_id=application.pk, opinion="同意"
        )
        services.application_decide(
            actor=city_staff["approver"],
            application_id=application.pk,
            approve=True,
            reasons="符合",
            basis="法规",
        )
        licence.refresh_from_db()

    decide("drug-retail-change", quality_manager="赵新", changes="质量负责人变更")
    assert licence.quality_manager == "赵新"
    decide("drug-retail-renewal")
    assert licence.valid_from == today + dt.timedelta(days=91)
    assert licence.electronic_versions.count() == 2
    decide("drug-retail-cancellation", reason="停业")
    assert licence.status == "cancelled"
    assert licence.electronic_versions.count() == 2  # verification now answers "cancelled"


def test_the_nightly_recompute_agrees_with_each_clock_and_warns(matters, applicant, city_staff):
    from yaojian.licensing import clock as application_clock

    application = draft(applicant)
    services.application_submit(actor=applicant, application_id=application.pk)
    services.application_accept(actor=city_staff["reviewer"], application_id=application.pk)
    services.application_start_inspection(
        actor=city_staff["reviewer"], application_id=application.pk
    )
    # accepted 25 working days ago, paused for the inspection since 2 working days after that
    accepted = clock.add_days(timezone.localdate(), -25)
    Application.objects.filter(pk=application.pk).update(accepted_on=accepted)
    application.pauses.update(start=clock.add_days(accepted, 2))
    application.refresh_from_db()
    assert services.clocks_refresh() == 0  # paused: the clock stands still, nothing is near
    application.refresh_from_db()
    assert application.deadline == application_clock.state(application).deadline
    services.application_finish_inspection(
        actor=city_staff["inspector"], application_id=application.pk, passed=True, report="符合"
    )
    application.refresh_from_db()
    assert application.paused_days == application_clock.state(application).paused_days > 0
    Application.objects.filter(pk=application.pk).update(
        paused_days=0
    )  # as if the pause had been short
    assert services.clocks_refresh() == 1
    application.refresh_from_db()
    assert application.deadline < timezone.localdate()
    assert Todo.objects.filter(
        kind="licensing.deadline", object_id=str(application.pk), status="open"
    ).exists()
