"""End to end in Debian's chromium: a clue from an inspection becomes a case; the case officer
proposes filing, the approver files it, the officer adds evidence and serves the rights
notice, the party's written waiver is recorded, the approver decides, the officer publishes,
and the decision is on the portal's publication list with its number.
Screenshots go to test-artifacts/screenshots/enforcement-*.png."""

from __future__ import annotations

import pytest

from yaojian.accounts.choices import Role
from yaojian.enforcement.models import Case
from yaojian.testing import factories
from yaojian.testing.browser import log_in_regulator, shot

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_step(page, name: str) -> None:
    details = page.locator(f"details[data-action={name}]")
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def act(page, name: str) -> None:
    page.click(f"[data-testid=do-{name}]")
    page.wait_for_load_state()


def test_from_clue_to_publication(page, province, tmp_path):
    pharmacy = factories.EnterpriseFactory(region_code="360102", name="南昌市东湖区康宁大药房")
    officer = factories.regulator(
        "360102", roles=[Role.CASE_OFFICER, Role.APPROVER], full_name="陈办案"
    )
    second = factories.regulator("360102", roles=[Role.CASE_OFFICER], full_name="刘协办")
    f.source(officer, pharmacy, summary="日常检查发现阴凉库温度超标，未采取措施")

    log_in_regulator(page, officer)
    page.goto("/workbench/enforcement/")
    page.click("[data-testid=clues]")
    page.click("[data-testid=source-row] a")
    page.fill("#id_propose-title", "涉嫌未遵守药品经营质量管理规范案")
    page.select_option("#id_propose-provision", "dal-126")
    page.check(f"input[name=propose-officers][value='{officer.pk}']")
    page.check(f"input[name=propose-officers][value='{second.pk}']")
    shot(page, "enforcement-propose")
    page.click("[data-testid=do-propose]")
    page.wait_for_url("**/workbench/enforcement/cases/*/")
    case = Case.objects.get()

    act(page, "approve_filing")
    assert "东湖市监药立〔" in page.inner_text("[data-testid=case-number]")
    assert page.inner_text("[data-testid=deadline]")

    open_step(page, "add_evidence")
    page.select_option("#id_add_evidence-kind", "on_site")
    page.fill("#id_add_evidence-title", "现场检查笔录")
    evidence = tmp_path / "笔录.pdf"
    evidence.write_bytes(f.PDF)
    page.set_input_files("#id_add_evidence-file", str(evidence))
    act(page, "add_evidence")
    assert page.locator("[data-testid=evidence-row]").count() == 1

    open_step(page, "notify")
    page.select_option("#id_notify-provision", "dal-126")
    page.select_option("#id_notify-discretion", "lighter")
    page.fill("#id_notify-fine", "150000")
    page.check("#id_notify-warning")
    act(page, "notify")
    assert page.locator("[data-testid=notice]").is_visible()
    shot(page, "enforcement-notified")

    # a decision now is refused: the party's windows are open
    open_step(page, "decide")
    page.fill("#id_decide-reasons", "初次违法，积极整改，依裁量基准从轻")
    act(page, "decide")
    assert (
        "5" in page.inner_text("details[data-action=decide]")
        or page.locator("[data-field-error]").count()
    )
    assert Case.objects.get().status == "notified"

    open_step(page, "record_waiver")
    page.fill("#id_record_waiver-note", "当事人书面放弃陈述申辩和听证权利")
    act(page, "record_waiver")

    open_step(page, "decide")
    page.fill("#id_decide-reasons", "初次违法，积极整改，依裁量基准从轻")
    act(page, "decide")
    number = page.inner_text("[data-testid=decision-number]")
    assert number.startswith("东湖市监药罚〔")
    assert Case.objects.get().status == "decided"
    shot(page, "enforcement-decided")

    open_step(page, "publish")
    act(page, "publish")
    assert Case.objects.get().publication_state == "published"
    assert page.inner_text("[data-testid=display-until]")

    page.goto("/publications/")
    assert number in page.inner_text("[data-testid=publication-list]")
    page.click(f"[data-testid=publication-list] >> text={number}")
    fields = page.inner_text("[data-testid=publication-fields]")
    assert pharmacy.name in fields and "第一百二十六条" in fields
    shot(page, "enforcement-published")
    assert case.pk
