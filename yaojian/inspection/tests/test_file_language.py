"""An inspection's facts on the enterprise's file read in each reader's language, whatever the
language of the inspector who recorded them."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from yaojian.inspection import services
from yaojian.inspection.tests import factories as f


def _timeline(user, enterprise, language: str) -> list[dict]:
    reader = Client(HTTP_ACCEPT_LANGUAGE=language)
    reader.force_login(user)
    url = f"/api/v1/registry/enterprises/{enterprise.pk}/file?kind=inspection"
    return reader.get(url).json()["timeline"]


def test_a_passed_inspection_reads_in_each_language(scheduled, team, pharmacy, county_regulator):
    inspection = f.submit(team[0], scheduled).inspection
    with translation.override("en"):  # the inspectors read in English
        services.inspection_decide(actor=team[0], inspection_id=inspection.pk, outcome="pass")
    with translation.override("zh-hans"):
        kind_zh = inspection.get_kind_display()
    english = [e["title"] for e in _timeline(county_regulator, pharmacy, "en")]
    chinese = _timeline(county_regulator, pharmacy, "zh-hans")
    assert f"Inspection {inspection.number} passed" in english
    [passed] = [e for e in chinese if e["title"] == f"检查{inspection.number}已通过"]
    assert passed["summary"] == f"未发现缺陷（{kind_zh}）。"
    assert not any("Inspection" in e["title"] for e in chinese)


def test_a_rectification_order_names_the_findings_in_each_language(
    scheduled, team, pharmacy, county_regulator
):
    failing = {"R03": "critical", "R11": "minor"}
    inspection = f.submit(team[0], scheduled, failing=failing).inspection
    with translation.override("en"):
        services.inspection_decide(actor=team[0], inspection_id=inspection.pk, outcome="rectify")
    inspection.refresh_from_db()
    deadline = inspection.rectification_deadline
    [english] = [
        e for e in _timeline(county_regulator, pharmacy, "en") if e["severity"] == "warning"
    ]
    [chinese] = [
        e for e in _timeline(county_regulator, pharmacy, "zh-hans") if e["severity"] == "warning"
    ]
    assert english["title"] == (
        f"Inspection {inspection.number}: rectification required by {deadline}"
    )
    assert english["summary"] == "Findings: 1 critical, 0 major, 1 minor."
    assert chinese["title"] == f"检查 {inspection.number}：责令于 {deadline} 前整改"
    assert chinese["summary"] == "缺陷：严重缺陷1项，主要缺陷0项，一般缺陷1项。"
