"""On a phone (390×844) in Debian's chromium: an inspector fills the checklist in the field with
a photo, loses the connection, keeps the form, and it is recorded once when the connection
returns. Screenshots go to test-artifacts/screenshots/ (inspection-*)."""

from __future__ import annotations

import re

import pytest

from yaojian.inspection.choices import Status
from yaojian.inspection.models import Inspection, InspectionPhoto, InspectionResult
from yaojian.inspection.tests import factories as f
from yaojian.testing.browser import PHONE, log_in_regulator, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_completes_a_checklist_with_a_photo_offline_then_online(
    phone, checklists, team, pharmacy, tmp_path
):
    inspection = f.schedule(team[0], pharmacy, team)
    codes = list(inspection.checklist.items.values_list("code", flat=True))
    photo = tmp_path / "冷藏柜.jpg"
    photo.write_bytes(f.jpeg_bytes(640, 480))

    log_in_regulator(phone, team[0])
    phone.goto(f"/workbench/inspection/inspections/{inspection.pk}/field/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    first = [code for code in codes if code != "R08"][: len(codes) // 2]
    for code in first:
        phone.click(f"label[for=r-{code}-compliant]")
    # the device keeps what was filled: a reload restores it
    phone.reload()
    assert phone.is_checked(f"#r-{codes[0]}-compliant")
    assert phone.is_checked(f"#r-{first[-1]}-compliant")
    for code in [code for code in codes if code not in first]:
        phone.click(f"label[for=r-{code}-{'non_compliant' if code == 'R08' else 'compliant'}]")
    finding = phone.locator("[data-finding-for=R08]")
    assert finding.is_visible()
    assert phone.input_value("[data-testid=grade-R08]") == "critical"  # a key item
    phone.fill("[data-testid=note-R08]", "冷藏药品专用冷藏柜温度显示12℃，超出2–8℃要求，无调控记录")
    phone.set_input_files("[data-testid=photo-R08]", str(photo))
    phone.wait_for_selector("[data-thumbs-for=photo_R08] img")
    phone.fill("[data-testid=ack-name]", "张经理")
    phone.check("[data-testid=ack-ok]")
    shot(phone, "inspection-phone-checklist")

    # the connection drops as the inspector submits: nothing is lost
    phone.context.set_offline(True)
    phone.click("[data-testid=field-submit]")
    status = phone.locator("[data-testid=field-status]")
    status.wait_for(state="visible")
    assert "alert-warning" in (status.get_attribute("class") or "")
    assert not InspectionResult.objects.exists()
    shot(phone, "inspection-phone-offline")

    # the connection returns: the form is sent by itself, once
    phone.context.set_offline(False)
    phone.wait_for_url(re.compile(rf".*/inspections/{inspection.pk}/$"), timeout=15000)
    assert phone.locator("[data-testid=status]").first.is_visible()
    phone.wait_for_selector("[data-testid=photos] img")
    shot(phone, "inspection-phone-recorded")

    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.status == Status.SUBMITTED
    assert InspectionResult.objects.filter(inspection=inspection).count() == len(codes)
    assert inspection.findings.get().item.code == "R08"
    assert InspectionPhoto.objects.get(inspection=inspection).content_type == "image/jpeg"
    assert inspection.acknowledged_by == "张经理"
    # the device forgot the form once it was recorded
    assert phone.evaluate(f"localStorage.getItem('yaojian.inspection.{inspection.pk}')") is None


def test_the_enterprise_rectifies_and_the_inspector_accepts(
    page, checklists, team, pharmacy, owner, tmp_path
):
    from yaojian.inspection import services
    from yaojian.testing.browser import log_in

    inspection = f.schedule(team[0], pharmacy, team)
    f.submit(team[0], inspection, failing={"R08": "critical"})
    services.inspection_decide(
        actor=team[0], inspection_id=inspection.pk, outcome="rectify", days=10, note="限期整改"
    )
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(b"%PDF-1.4\n% rectification report\n")

    log_in(page, owner.username)
    page.wait_for_url("**/my/")
    page.goto("/inspection/my/")
    page.click(f"text={inspection.number}")
    page.wait_for_selector("[data-testid=rectify-deadline]")
    page.fill("#statement", "已将冷藏柜维修并校准，温度恢复2–8℃，补充温度调控记录。")
    page.set_input_files("#files", str(report))
    shot(page, "inspection-enterprise-rectify")
    page.click("[data-testid=rectify-submit]")
    page.wait_for_selector("[data-testid=my-rectifications]")
    inspection.refresh_from_db()
    assert inspection.status == Status.RECTIFICATION_SUBMITTED

    page.context.clear_cookies()
    log_in_regulator(page, team[0])
    page.goto(inspection.get_absolute_url())
    page.click("[data-testid=step-accept]")
    page.wait_for_selector("[data-testid=outcome]")
    shot(page, "inspection-detail-closed")
    inspection.refresh_from_db()
    assert inspection.status == Status.CLOSED
