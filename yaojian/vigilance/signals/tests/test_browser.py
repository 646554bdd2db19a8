"""In Debian's chromium: an analyst filters a run's signal table and sees its charts.
Screenshots go to test-artifacts/screenshots/ (signals-*)."""

from __future__ import annotations

import pytest

from yaojian.testing.browser import log_in_regulator, shot
from yaojian.vigilance.signals import services
from yaojian.vigilance.signals.models import SignalRun
from yaojian.vigilance.signals.tests.conftest import varied_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_signal_table_filters_and_charts(page, analyst):
    run = SignalRun.objects.create(
        trigger="manual", parameters=services.clean_parameters({}), requested_by=analyst
    )
    run = services.run_execute(run.pk, rows=varied_rows())
    log_in_regulator(page, analyst)
    page.goto(f"/workbench/vigilance/signals/runs/{run.pk}/?chart_product=甲药片")
    rows = page.locator("[data-testid=result-row]")
    assert rows.count() == 50  # the first page of the results
    assert run.result_count > 50
    # both charts drew (ECharts renders into a canvas)
    page.wait_for_selector("#chart-intervals canvas")
    page.wait_for_selector("#chart-volcano canvas")
    assert page.locator("[data-testid=chart-product]").inner_text() == "甲药片"
    shot(page, "signals-run")

    # filter: flagged by PRR, at least 5 reports, event search (htmx swaps the table)
    page.check("#m-prr")
    page.fill("#min_n", "5")
    page.fill("#event", "皮疹")
    page.click("[data-testid=filters] button")
    page.wait_for_function("document.querySelectorAll('[data-testid=result-row]').length === 1")
    row = page.locator("[data-testid=result-row]").first
    assert "甲药片" in row.inner_text() and "皮疹" in row.inner_text()
    assert "PRR" in row.inner_text()
    assert "min_n=5" in page.url  # the filter is in the address, so it can be shared
    shot(page, "signals-filtered")

    page.fill("#event", "没有这个事件")
    page.click("[data-testid=filters] button")
    page.wait_for_selector("[data-testid=no-results]")
