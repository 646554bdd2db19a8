"""On a phone, in Debian's chromium: a member of the public reports an adverse reaction.
Screenshots go to test-artifacts/screenshots/ (adr-*)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from yaojian.testing.browser import shot
from yaojian.vigilance.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_reports_a_reaction_from_a_phone(phone, province, meddra):
    today = timezone.localdate()
    phone.goto("/complaints/")
    phone.click("[data-testid=adr-report-link]")
    phone.wait_for_url("**/vigilance/report/")
    # nothing may stick out sideways on a phone
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.fill("#id_patient_name", "王**")
    phone.select_option("#id_patient_sex", "2")
    phone.fill("#id_patient_age", "41")
    # the reaction is chosen from the MedDRA suggestions, which carry its code
    phone.fill("#id_reaction_term", "皮疹")
    phone.wait_for_selector("#meddra-terms option[data-code]", state="attached")
    phone.fill("#id_reaction_term", "")
    phone.fill("#id_reaction_term", "皮疹")
    assert phone.input_value("#id_reaction_code") == "99111001"
    phone.fill("#id_onset", (today - dt.timedelta(days=2)).isoformat())
    phone.check("#id_hospitalisation")
    phone.fill("#id_suspect_name", "阿莫西林胶囊")
    phone.fill("#id_reporter_name", "王女士")
    phone.fill("#id_aware_date", today.isoformat())
    phone.fill("#id_narrative", "服药两天后全身皮疹，住院治疗后好转。")
    shot(phone, "adr-public-form")
    # a missing county is refused, naming the field, and nothing is stored
    phone.click("[data-testid=submit-report]")
    # the form posts without the browser's own checks: wait for the server's answer
    # (reading the page at once could catch it between the two documents)
    error = phone.wait_for_selector("[data-testid=error-region_code]")
    assert error.inner_text().strip()
    assert phone.locator("#id_region_code:invalid").count() == 1
    assert not Case.objects.exists()
    phone.select_option("#id_region_code", "360103")
    phone.click("[data-testid=submit-report]")
    phone.wait_for_selector("[data-testid=report-done]")
    shot(phone, "adr-public-done")
    case = Case.objects.get()
    assert case.source == "public" and case.region_code == "360103"
    assert case.current_version.reactions.get().pt_code == "99111001"
    assert case.serious  # hospitalisation makes it serious: to be reported within 15 days
    assert case.case_number in phone.locator("[data-testid=report-done]").inner_text()
