"""On a phone, in Debian's chromium: the public checks a pack's traceability code.
Screenshots go to test-artifacts/screenshots/ (trace-*)."""

from __future__ import annotations

import pytest

from yaojian.testing import factories
from yaojian.testing.browser import PHONE, shot
from yaojian.trace.services import capture, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "81200010000012340000"


def _event(step: str, disposition: str, time: str, **extra) -> dict:
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "ObjectEvent",
        "eventTime": time,
        "eventTimeZoneOffset": "+08:00",
        "epcList": [f"urn:yaojian:cn:{CODE}"],
        "action": "ADD" if step == "commissioning" else "OBSERVE",
        "bizStep": step,
        "disposition": disposition,
        **extra,
    }


def test_a_phone_checks_a_pack_then_sees_it_sold(phone, province):
    maker = factories.EnterpriseFactory(kind="drug_manufacturer", region_code="360102")
    pharmacy = factories.EnterpriseFactory(kind="retail_pharmacy", region_code="360402")
    product = factories.ProductFactory(name="阿莫西林胶囊", holder=maker, manufacturer=maker)
    maker_user = factories.enterprise_user(maker, master=True)
    pharmacy_user = factories.enterprise_user(pharmacy, master=True)
    register.code_rule_file(actor=maker_user, product_id=product.pk, code=CODE[:7])
    register.site_register(actor=pharmacy_user, identifier="urn:epc:id:sgln:6901234.00001.0")
    lot = {"cbvmda:lotNumber": "B2601", "cbvmda:itemExpirationDate": "2029-06-30"}
    for actor, event in [
        (maker_user, _event("commissioning", "active", "2026-11-01T09:00:00+08:00", ilmd=lot)),
        (
            maker_user,
            _event(
                "shipping",
                "in_transit",
                "2026-11-02T09:00:00+08:00",
                destinationList=[
                    {"type": "owning_party", "destination": "urn:epc:id:sgln:6901234.00001.0"}
                ],
            ),
        ),
        (pharmacy_user, _event("receiving", "active", "2026-11-03T09:00:00+08:00")),
    ]:
        job = capture.capture_event(actor=actor, event=event)
        assert job.events_stored == 1, job.problems

    phone.goto("/verify/")
    phone.fill("[data-testid=verify-code]", CODE)
    phone.click("[data-testid=verify-submit]")
    verdict = phone.locator("[data-testid=trace-verdict]")
    assert verdict.get_attribute("data-trace-result") == "authentic"
    assert "阿莫西林胶囊" in verdict.text_content()
    assert "南昌" in phone.text_content("[data-testid=trace-cities]")
    assert pharmacy.name not in phone.content()  # who holds the pack is not public
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "trace-phone-authentic")

    capture.capture_event(
        actor=pharmacy_user,
        event=_event("retail_selling", "retail_sold", "2026-11-04T10:00:00+08:00"),
    )
    phone.reload()
    assert phone.get_attribute("[data-testid=trace-verdict]", "data-trace-result") == "dispensed"
    shot(phone, "trace-phone-dispensed")

    phone.fill("[data-testid=verify-code]", "(01)06901234567891(21)X1")
    phone.click("[data-testid=verify-submit]")
    assert phone.get_attribute("[data-testid=trace-verdict]", "data-trace-result") == "unknown_code"
    assert "2" in phone.text_content("[data-testid=trace-reason]")  # the check digit it should be
    shot(phone, "trace-phone-wrong-check-digit")
