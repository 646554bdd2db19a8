"""End to end in Debian's chromium: the system administrator sees that next year has no
holidays, imports it from a pasted list (first with a wrong line), corrects one day and sees
the warning gone. Screenshots go to test-artifacts/screenshots/holidays-*.png."""

from __future__ import annotations

import datetime as dt

import pytest

from yaojian.accounts.choices import Role
from yaojian.core import clock, holiday_views
from yaojian.core.models import HolidayOverride
from yaojian.testing import factories
from yaojian.testing.browser import log_in_regulator, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("yaojian.core.tests.clock_urls"),
]

NEXT = clock.CC_LAST_YEAR + 1


def test_the_administrator_enters_next_years_holidays(page, province, monkeypatch):
    monkeypatch.setattr(holiday_views, "_today", lambda: dt.date(clock.CC_LAST_YEAR, 12, 2))
    admin = factories.regulator("360000", roles=[Role.SYSTEM_ADMIN], username="sys-admin")
    log_in_regulator(page, admin)
    page.goto("/workbench/holidays/")
    banner = page.locator("[data-testid=missing-year]")
    assert banner.count() == 1 and str(NEXT) in banner.text_content()
    shot(page, "holidays-missing-year-zh")

    banner.locator("a").click()
    page.wait_for_url(f"**/workbench/holidays/import/?year={NEXT}")
    page.fill(
        "#id_text",
        f"{NEXT}-01-01~{NEXT}-01-03 元旦\n{NEXT}-02-30 春节\n{NEXT}-10-01~{NEXT}-10-07 国庆节\n"
        f"{NEXT}-10-09 上班",
    )
    page.click("[data-testid=import-form] button")
    errors = page.locator("[data-testid=import-errors] li")
    assert errors.count() == 1 and f"{NEXT}-02-30" in errors.first.text_content()
    assert not HolidayOverride.objects.exists()
    shot(page, "holidays-import-error-zh")

    page.fill("#id_text", page.input_value("#id_text").replace(f"{NEXT}-02-30 春节\n", ""))
    page.click("[data-testid=import-form] button")
    page.wait_for_url(f"**/workbench/holidays/?year={NEXT}")
    assert HolidayOverride.objects.count() == 11
    assert page.locator("[data-testid=missing-year]").count() == 0
    assert page.locator("[data-testid=overrides] tbody tr").count() == 11

    # a correction of one day through the form
    page.fill("#id_day", f"{NEXT}-10-08")
    page.fill("#id_name", "国庆节")
    page.click("[data-testid=holiday-form] button")
    page.wait_for_url(f"**/workbench/holidays/?year={NEXT}")
    assert page.locator("[data-testid=overrides] tbody tr").count() == 12
    assert not clock.is_working_day(dt.date(NEXT, 10, 8))
    shot(page, "holidays-year-entered-zh")
