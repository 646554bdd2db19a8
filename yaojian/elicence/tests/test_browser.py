"""On a phone, in Debian's chromium: the QR link's page and the portal's verify box.
Screenshots go to test-artifacts/screenshots/ (elicence-*)."""

from __future__ import annotations

import pytest

from yaojian.elicence import services
from yaojian.registry import services as registry
from yaojian.testing.browser import PHONE, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"


def test_a_phone_opens_the_qr_link_and_sees_the_verdict(phone, approver, licence):
    elicence = services.issue(actor=approver, licence=licence, reason="新办")
    phone.goto(f"/elicence/v/{elicence.payload}")
    assert phone.get_attribute("[data-testid=verdict]", "data-verdict") == "valid"
    assert licence.holder.name in phone.text_content("[data-field=holder]")
    _fits_the_screen(phone)
    shot(phone, "elicence-phone-valid")

    registry.licence_set_status(
        actor=approver, licence_id=licence.pk, status="revoked", reason="赣药监罚〔2026〕9号"
    )
    phone.reload()
    assert phone.get_attribute("[data-testid=verdict]", "data-verdict") == "revoked"
    shot(phone, "elicence-phone-revoked")


def test_a_phone_follows_a_superseded_version_to_the_current_one(phone, approver, licence):
    first = services.issue(actor=approver, licence=licence, reason="新办")
    services.issue(actor=approver, licence=licence, reason="变更")
    phone.goto(f"/elicence/v/{first.payload}")
    assert phone.get_attribute("[data-testid=verdict]", "data-verdict") == "superseded"
    _fits_the_screen(phone)
    shot(phone, "elicence-phone-superseded")
    phone.click("[data-testid=current-version]")
    phone.wait_for_selector("[data-verdict=valid]")


def test_the_portal_verify_box_on_a_phone(phone, approver, licence):
    elicence = services.issue(actor=approver, licence=licence, reason="新办")
    phone.goto("/verify/")
    phone.fill("input[name=code]", licence.number)
    phone.press("input[name=code]", "Enter")
    phone.wait_for_selector("[data-verdict=valid]")
    assert phone.get_attribute("[data-testid=input-kind]", "data-kind") == "number"
    _fits_the_screen(phone)
    shot(phone, "elicence-phone-portal-number")

    head, body, signature = elicence.payload.split(".")
    phone.fill("input[name=code]", f"{head}.{body}.{signature[::-1]}")
    phone.press("input[name=code]", "Enter")
    phone.wait_for_selector("[data-verdict=altered]")
    _fits_the_screen(phone)
    shot(phone, "elicence-phone-portal-altered")


def test_the_enterprise_finds_its_elicences_and_downloads_the_pdf(
    page, approver, licence, enterprise_master
):
    services.issue(actor=approver, licence=licence, reason="新办")
    services.issue(actor=approver, licence=licence, reason="变更质量负责人")
    log_in(page, enterprise_master.username)
    page.wait_for_url("**/my/")
    page.goto("/elicence/mine/")
    assert page.locator("[data-testid=my-elicence]").count() == 1
    assert licence.number in page.text_content("[data-testid=my-elicence]")
    shot(page, "elicence-mine")
    with page.expect_download() as download:
        page.locator("a[href$='/pdf/']").first.click()
    assert download.value.suggested_filename.endswith("-v2.pdf")
