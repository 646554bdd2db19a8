"""End to end in Debian's chromium: log in as a county regulator and as an enterprise,
switch language, and keep screenshots of both portals (test-artifacts/screenshots/)."""

from __future__ import annotations

import pytest
from django.conf import settings

from yaojian.accounts.choices import Role
from yaojian.testing import factories
from yaojian.testing.browser import PHONE, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_regulator_logs_in_with_second_factor_and_sees_own_district(page, province):
    regulator = factories.regulator(
        "360102", roles=[Role.INSPECTOR, Role.REVIEWER], username="donghu01"
    )
    inside = factories.EnterpriseFactory(region_code="360102", name="南昌市东湖区济世药店")
    outside = factories.EnterpriseFactory(region_code="360402", name="九江市濂溪区百草药店")

    page.goto("/")
    shot(page, "portal-home-zh")
    log_in(page, "donghu01")
    page.wait_for_url("**/login/verify/")
    page.fill("#id_code", factories.totp_for(regulator).now())
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
    assert "东湖区市场监督管理局" in page.text_content("[data-testid=bureau-name]")
    assert page.text_content("[data-testid=count-enterprises]").strip() == "1"
    page.wait_for_timeout(1200)  # let the chart finish its animation before the screenshot
    shot(page, "workbench-home-zh")

    page.click("[data-nav=enterprises]")
    page.wait_for_url("**/workbench/registry/enterprises/")
    assert page.is_visible(f"text={inside.name}")
    assert not page.is_visible(f"text={outside.name}")
    shot(page, "workbench-enterprises-zh")

    page.click("[data-testid=switch-language]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.is_visible("text=Enterprises")
    page.goto("/workbench/")
    shot(page, "workbench-home-en")

    page.set_viewport_size({"width": 390, "height": 844})  # an inspector's phone
    page.goto("/workbench/")
    assert page.is_visible("button[aria-controls=wb-sidebar]")
    shot(page, "workbench-home-phone-en")


def test_enterprise_logs_in_and_sees_its_enterprise(page, enterprises):
    master = factories.enterprise_user(enterprises["donghu"], username="kangning")
    log_in(page, master.username)
    page.wait_for_url("**/my/")
    assert page.text_content("[data-testid=enterprise-name]").strip() == enterprises["donghu"].name
    shot(page, "portal-enterprise-zh")

    page.click("[data-testid=switch-language]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.is_visible("text=My applications")
    shot(page, "portal-enterprise-en")

    page.goto("/enterprise/tokens/")
    page.fill("#id_name", "WMS")
    page.click("form button.btn-primary")
    token = page.text_content("[data-testid=new-token] .font-monospace").strip()
    assert token.startswith("yj_")
    shot(page, "portal-tokens-en")


def test_wrong_password_shows_a_clear_message_in_chinese(page, province):
    factories.regulator("360102", username="someone")
    log_in(page, "someone", "not-the-password")
    assert page.is_visible("text=用户名或密码错误")
    shot(page, "portal-login-error-zh")


HEADER_ROW = """() => {
    const brand = document.querySelector('.portal-header .navbar-brand').getBoundingClientRect();
    const toggler = document.querySelector('.portal-header .navbar-toggler').getBoundingClientRect();
    return {
        width: document.documentElement.scrollWidth,
        header: document.querySelector('.portal-header').getBoundingClientRect().height,
        togglerShown: toggler.width > 0,
        togglerBesideBrand: toggler.width > 0 && toggler.top < brand.bottom,
    };
}"""


def _read_in(page, language: str) -> None:
    page.goto("/")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}]
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_portal_header_fits_a_phone_in_either_language(phone, language):
    """The English name of the platform is three times as long as the Chinese one: it wraps,
    the page does not scroll sideways, and the menu button stays beside it."""
    _read_in(phone, language)
    phone.goto("/verify/")
    assert phone.evaluate("document.documentElement.lang").startswith(language[:2])
    header = phone.evaluate(HEADER_ROW)
    assert header["width"] <= PHONE["width"]
    assert header["togglerBesideBrand"]


@pytest.mark.parametrize(("language", "folded"), [("zh-hans", False), ("en", True)])
def test_the_portal_menu_folds_where_its_labels_would_not_fit(page, language, folded):
    """At 1366 pixels the Chinese menu fits on the header's one line; the English labels are
    about twice as long, so the English menu folds behind the menu button instead of pushing
    the header to three lines."""
    _read_in(page, language)
    page.goto("/")
    assert page.evaluate("document.documentElement.lang").startswith(language[:2])
    header = page.evaluate(HEADER_ROW)
    assert header["togglerShown"] is folded
    assert header["header"] < 80 and header["width"] <= 1366
