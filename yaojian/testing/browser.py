"""Playwright in Debian's chromium for the end-to-end tests (never `playwright install`).

The fixtures are registered in yaojian/conftest.py: `browser` (one per test module) and
`page` (a fresh context on the live server that refuses, and reports, any request that
leaves it: no page may load anything from the internet).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from yaojian.testing import factories

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if settings.YAOJIAN_CI:
            pytest.fail("Debian's chromium is needed for the browser tests (apt install chromium)")
        pytest.skip("Debian's chromium is not installed (apt install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous and safe, which Django cannot tell on its own.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


PHONE = {"width": 390, "height": 844}


@contextmanager
def _local_page(browser, base_url: str, **options):
    """A page in a fresh context that may load nothing but the live server (asserted when the
    test ends); data-confirm prompts are accepted."""
    context = browser.new_context(base_url=base_url, locale="zh-CN", **options)
    external: list[str] = []
    context.route("**/*", lambda route: _local_only(route, base_url, external))
    opened = context.new_page()
    opened.on("dialog", lambda dialog: dialog.accept())
    yield opened
    context.close()
    assert not external, f"pages tried to load from the internet: {external}"


@pytest.fixture
def page(browser, live_server):
    with _local_page(browser, live_server.url, viewport={"width": 1366, "height": 860}) as opened:
        yield opened


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized touch screen (390×844 CSS pixels at 2×)."""
    with _local_page(
        browser,
        live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    ) as opened:
        yield opened


def _local_only(route, base_url: str, external: list[str]) -> None:
    if route.request.url.startswith((base_url, "data:")):
        route.continue_()
    else:
        external.append(route.request.url)
        route.abort()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page, username: str, password: str = factories.PASSWORD) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-submit]")


def log_in_regulator(page, user) -> None:
    """Password, then the TOTP code, as a regulator does."""
    log_in(page, user.username)
    page.wait_for_url("**/login/verify/")
    page.fill("#id_code", factories.totp_for(user).now())
    page.click("button[type=submit]")
    page.wait_for_url("**/workbench/")
